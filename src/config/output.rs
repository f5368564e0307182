//! The `[output]` tables: `[output.html]`, the renderer guidebook is, and
//! other mdBook renderers, which are not run.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::Config;
use crate::error::Error;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct OutputSection {
    #[serde(default)]
    pub html: HtmlOutput,
    /// Other mdBook renderers (`[output.linkcheck]` ...): accepted, not run.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct HtmlOutput {
    #[serde(default)]
    pub site_url: Option<String>,
    #[serde(default)]
    pub git_repository_url: Option<String>,
    #[serde(default)]
    pub edit_url_template: Option<String>,
    #[serde(default)]
    pub default_theme: Option<String>,
    #[serde(default)]
    pub preferred_dark_theme: Option<String>,
    #[serde(default)]
    pub additional_css: Vec<PathBuf>,
    #[serde(default)]
    pub additional_js: Vec<PathBuf>,
    #[serde(default)]
    pub no_section_label: bool,
    #[serde(default)]
    pub input_404: Option<String>,
    #[serde(default)]
    pub cname: Option<String>,
    /// Typographic quotes and dashes (mdBook's `smart-punctuation`, on by
    /// default since mdBook 0.5).
    #[serde(default)]
    pub smart_punctuation: Option<bool>,
    /// mdBook 0.4's name of `smart-punctuation`.
    #[serde(default)]
    pub curly_quotes: Option<bool>,
    /// Definition lists (`Term` then `: definition`), on by default as in
    /// mdBook 0.5.
    #[serde(default)]
    pub definition_lists: Option<bool>,
    /// `[output.html.code]`: how code blocks are shown.
    #[serde(default)]
    pub code: CodeOutput,
    /// `print.html`, the whole book on one page.
    #[serde(default)]
    pub print: PrintConfig,
    /// Sidebar sections folded below a level.
    #[serde(default)]
    pub fold: FoldConfig,
    /// Old paths of the site (`"/old/page.html"`, optionally with a
    /// `#fragment`) and where they lead now.
    #[serde(default)]
    pub redirect: BTreeMap<String, String>,
    /// Keys mdBook knows that guidebook does not use; anything else is an error.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

/// `[output.html.code]`, as in mdBook.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CodeOutput {
    /// `[output.html.code.hidelines]`: per language, the prefix of the
    /// lines the page hides until the reader asks (`python = "~"`).
    #[serde(default)]
    pub hidelines: BTreeMap<String, String>,
}

/// `[output.html.print]`, as mdBook reads it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PrintConfig {
    /// Write `print.html` and link it from every page (default true).
    #[serde(default = "yes")]
    pub enable: bool,
    /// Start each chapter on a new printed page (default true).
    #[serde(default = "yes")]
    pub page_break: bool,
}

impl Default for PrintConfig {
    fn default() -> Self {
        PrintConfig {
            enable: true,
            page_break: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// `[output.html.fold]`, as mdBook reads it: with `enable`, a chapter's
/// sections are folded in the sidebar unless the chapter is less than
/// `level` deep (level 0 folds them all); the current page's chapters stay
/// open.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FoldConfig {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub level: u8,
}

/// mdBook `[output.html]` keys accepted and ignored.
const MDBOOK_HTML_KEYS: &[&str] = &[
    "theme",
    "mathjax-support",
    "copy-fonts",
    "google-analytics",
    "git-repository-icon",
    "playground",
    // mdBook's old name of `playground`, which mdBook still reads.
    "playpen",
    "search",
    "live-reload-endpoint",
    "hash-files",
    "sidebar-header-nav",
    "site-url-prefix",
];

const HTML_KEYS: &[&str] = &[
    "site-url",
    "git-repository-url",
    "edit-url-template",
    "default-theme",
    "preferred-dark-theme",
    "additional-css",
    "additional-js",
    "no-section-label",
    "input-404",
    "cname",
    "smart-punctuation",
    "curly-quotes",
    "definition-lists",
    "code",
    "print",
    "fold",
    "redirect",
];

const MDBOOK_THEMES: &[&str] = &["rust", "coal", "navy", "ayu"];

/// Check `[output.html]` and `[output.*]`: ignored mdBook keys and other
/// renderers are warnings; unknown keys, a theme that does not exist and
/// files outside the book are errors, each at its line.
pub(super) fn validate(config: &Config, warnings: &mut Vec<String>, errors: &mut Vec<Error>) {
    let file = &config.file;
    let display = file.shown.display();
    for key in config.output.html.other.keys() {
        let line = file.key_line(&["output", "html", key]);
        if key == "playpen" {
            warnings.push(format!(
                "{display}:{line}: `output.html.playpen` (mdBook's old name of `playground`) is an mdBook setting guidebook ignores"
            ));
        } else if MDBOOK_HTML_KEYS.contains(&key.as_str()) {
            warnings.push(format!(
                "{display}:{line}: `output.html.{key}` is an mdBook setting guidebook ignores"
            ));
        } else {
            let known = HTML_KEYS.iter().chain(MDBOOK_HTML_KEYS);
            let hint = crate::suggest::did_you_mean(key, known.copied());
            errors.push(Error::input(
                &file.shown,
                line,
                format!("unknown key `{key}` in [output.html]{hint}"),
            ));
        }
    }
    for name in config.output.other.keys() {
        warnings.push(format!(
            "{display}:{}: renderer `output.{name}` is not run by guidebook",
            file.key_line(&["output", name])
        ));
    }
    if let Some(theme) = &config.output.html.default_theme
        && !matches!(theme.as_str(), "light" | "dark" | "auto")
        && !MDBOOK_THEMES.contains(&theme.as_str())
    {
        errors.push(Error::input(
            &file.shown,
            file.key_line(&["output", "html", "default-theme"]),
            format!(
                "default-theme `{theme}` is not one of light, dark, auto or mdBook's light, rust, coal, navy, ayu"
            ),
        ));
    }
    if let Some(theme) = &config.output.html.preferred_dark_theme
        && !matches!(theme.as_str(), "light" | "dark")
        && !MDBOOK_THEMES.contains(&theme.as_str())
    {
        errors.push(Error::input(
            &file.shown,
            file.key_line(&["output", "html", "preferred-dark-theme"]),
            format!(
                "preferred-dark-theme `{theme}` is not one of light, dark or mdBook's light, rust, coal, navy, ayu"
            ),
        ));
    }
    errors.extend(outside_book_files(config));
    errors.extend(super::redirect::validate(config));
}

/// `additional-css` and `additional-js` entries that would be copied to
/// a place outside the output folder: absolute paths and paths leaving the
/// book root. Each is an error at its line.
fn outside_book_files(config: &Config) -> Vec<Error> {
    let html = &config.output.html;
    let mut errors = Vec::new();
    for (key, files) in [
        ("additional-css", &html.additional_css),
        ("additional-js", &html.additional_js),
    ] {
        for (i, file) in files.iter().enumerate() {
            let normal = crate::paths::normalize(file);
            if normal.has_root() || normal.starts_with("..") || normal.as_os_str().is_empty() {
                errors.push(Error::input(
                    &config.file.shown,
                    config.file.element_line(&["output", "html", key], i),
                    format!(
                        "{key}: `{}` is outside the book root; the file is copied into the site at the same path, so it must be a path inside the book, like `theme/custom.css`",
                        file.display()
                    ),
                ));
            }
        }
    }
    errors
}
