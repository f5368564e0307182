//! `book.toml`: mdBook's keys plus our own `[check]` table.
//!
//! Unknown keys are errors with the file and line, except mdBook keys that
//! guidebook does not use, which are accepted (so an mdBook book builds
//! unchanged) and reported as ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, LineIndex, Result};

pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub book: BookSection,
    #[serde(default)]
    pub build: BuildSection,
    #[serde(default)]
    pub output: OutputSection,
    #[serde(default)]
    pub check: CheckSection,
    /// mdBook preprocessors: accepted, not run.
    #[serde(default)]
    pub preprocessor: BTreeMap<String, toml::Value>,
    /// mdBook's `[rust]` table (edition): accepted, unused.
    #[serde(default)]
    pub rust: Option<toml::Value>,
    /// The file this configuration was read from, to name lines in messages.
    #[serde(skip)]
    pub source: ConfigSource,
}

/// The text of a `book.toml` and the name it is shown by; finds the line
/// of a key from the TOML parser's spans.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    /// The path as the user would name it (relative to the current folder).
    pub shown: PathBuf,
    text: String,
}

impl Default for ConfigSource {
    fn default() -> Self {
        ConfigSource {
            shown: PathBuf::from(CONFIG_FILE),
            text: String::new(),
        }
    }
}

impl ConfigSource {
    /// The line where the key at `path` (`["output", "html", "code"]`) is
    /// named, else 1.
    pub fn key_line(&self, path: &[&str]) -> usize {
        self.line_of(path, None)
    }

    /// The line of element `index` of the array at `path`, else of the key.
    pub fn element_line(&self, path: &[&str], index: usize) -> usize {
        self.line_of(path, Some(index))
    }

    fn line_of(&self, path: &[&str], index: Option<usize>) -> usize {
        use toml::de::{DeTable, DeValue};
        let Ok(doc) = DeTable::parse(&self.text) else {
            return 1;
        };
        let mut table = doc.get_ref();
        let mut span = None;
        for (i, name) in path.iter().enumerate() {
            let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == name) else {
                break;
            };
            span = Some(key.span());
            match value.get_ref() {
                DeValue::Table(inner) => table = inner,
                DeValue::Array(items) if i + 1 == path.len() => {
                    if let Some(item) = index.and_then(|n| items.get(n)) {
                        span = Some(item.span());
                    }
                }
                _ => break,
            }
        }
        span.map_or(1, |s| LineIndex::new(&self.text).line(s.start))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookSection {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_src")]
    pub src: PathBuf,
    #[serde(default)]
    pub multilingual: Option<bool>,
    #[serde(default)]
    pub text_direction: Option<String>,
}

impl Default for BookSection {
    fn default() -> Self {
        BookSection {
            title: None,
            authors: Vec::new(),
            description: None,
            language: default_language(),
            src: default_src(),
            multilingual: None,
            text_direction: None,
        }
    }
}

fn default_language() -> String {
    "en".into()
}
fn default_src() -> PathBuf {
    PathBuf::from("src")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildSection {
    #[serde(default = "default_build_dir")]
    pub build_dir: PathBuf,
    #[serde(default)]
    pub create_missing: Option<bool>,
    #[serde(default)]
    pub use_default_preprocessors: Option<bool>,
    #[serde(default)]
    pub extra_watch_dirs: Vec<PathBuf>,
}

impl Default for BuildSection {
    fn default() -> Self {
        BuildSection {
            build_dir: default_build_dir(),
            create_missing: None,
            use_default_preprocessors: None,
            extra_watch_dirs: Vec::new(),
        }
    }
}

fn default_build_dir() -> PathBuf {
    PathBuf::from("book")
}

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
    /// Keys mdBook knows that guidebook does not use; anything else is an error.
    #[serde(flatten)]
    pub other: BTreeMap<String, toml::Value>,
}

/// mdBook `[output.html]` keys accepted and ignored.
const MDBOOK_HTML_KEYS: &[&str] = &[
    "theme",
    "curly-quotes",
    "smart-punctuation",
    "mathjax-support",
    "copy-fonts",
    "google-analytics",
    "git-repository-icon",
    "fold",
    "playground",
    "code",
    "search",
    "print",
    "redirect",
    "live-reload-endpoint",
    "hash-files",
    "sidebar-header-nav",
    "site-url-prefix",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckSection {
    /// Default timeout of a block, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Names of environment variables passed to blocks besides PATH, HOME, LANG.
    #[serde(default)]
    pub env: Vec<String>,
    /// Where docs-check writes its JSON report (relative to the book root).
    #[serde(default = "default_report")]
    pub report: PathBuf,
    /// Flake inputs overridden for every flake example: name -> flake
    /// reference, or a list of them (channels: each flake is checked against
    /// each, e.g. `nixpkgs = ["github:NixOS/nixpkgs/nixos-25.11",
    /// "github:NixOS/nixpkgs/nixpkgs-unstable"]`).
    #[serde(default)]
    pub nix: BTreeMap<String, InputRefs>,
    /// Host paths (absolute) blocks may write besides their sandbox; `/nix`
    /// is writable for pages that need nix without being named.
    #[serde(default)]
    pub writable: Vec<PathBuf>,
    /// Blocks get the caller's HOME (writable) instead of one of their own.
    #[serde(default)]
    pub host_home: bool,
}

/// The value of a `[check.nix]` key: one flake reference or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum InputRefs {
    One(String),
    Many(Vec<String>),
}

impl InputRefs {
    /// The references, in the order written.
    pub fn refs(&self) -> Vec<String> {
        match self {
            InputRefs::One(r) => vec![r.clone()],
            InputRefs::Many(v) => v.clone(),
        }
    }
}

/// The longest timeout a block may have, in seconds (one day).
pub const MAX_TIMEOUT: u64 = 86_400;

impl Default for CheckSection {
    fn default() -> Self {
        CheckSection {
            timeout: default_timeout(),
            env: Vec::new(),
            report: default_report(),
            nix: BTreeMap::new(),
            writable: Vec::new(),
            host_home: false,
        }
    }
}

fn default_timeout() -> u64 {
    60
}
fn default_report() -> PathBuf {
    PathBuf::from("target/docs-check/report.json")
}

/// A loaded configuration, with the warnings found while reading it.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub warnings: Vec<String>,
}

impl Config {
    /// Read `book.toml` from `root`; a book without one gets the defaults.
    pub fn load(root: &Path) -> Result<LoadedConfig> {
        let path = root.join(CONFIG_FILE);
        if !path.exists() {
            return Ok(LoadedConfig {
                config: Config::default(),
                warnings: Vec::new(),
            });
        }
        let text = crate::text::read_text(&path)?;
        Config::parse(&text, &crate::book::display_path(&path))
    }

    /// Parse the text of a `book.toml`; `display` names it in errors.
    pub fn parse(text: &str, display: &Path) -> Result<LoadedConfig> {
        let lines = LineIndex::new(text);
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
            Error::input(display, line, e.message().trim().to_string())
        })?;
        config.source = ConfigSource {
            shown: display.to_path_buf(),
            text: text.to_string(),
        };
        let source = &config.source;
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for key in config.output.html.other.keys() {
            let line = source.key_line(&["output", "html", key]);
            if MDBOOK_HTML_KEYS.contains(&key.as_str()) {
                warnings.push(format!(
                    "{}:{line}: `output.html.{key}` is an mdBook setting guidebook ignores",
                    display.display()
                ));
            } else {
                let known = HTML_KEYS.iter().chain(MDBOOK_HTML_KEYS);
                let hint = crate::suggest::did_you_mean(key, known.copied());
                errors.push(Error::input(
                    display,
                    line,
                    format!("unknown key `{key}` in [output.html]{hint}"),
                ));
            }
        }
        for name in config.output.other.keys() {
            warnings.push(format!(
                "{}:{}: renderer `output.{name}` is not run by guidebook",
                display.display(),
                source.key_line(&["output", name])
            ));
        }
        for name in config.preprocessor.keys() {
            warnings.push(format!(
                "{}:{}: preprocessor `{name}` is not run by guidebook",
                display.display(),
                source.key_line(&["preprocessor", name])
            ));
        }
        if let Some(theme) = &config.output.html.default_theme
            && !matches!(theme.as_str(), "light" | "dark" | "auto")
            && !MDBOOK_THEMES.contains(&theme.as_str())
        {
            errors.push(Error::input(
                display,
                source.key_line(&["output", "html", "default-theme"]),
                format!("default-theme `{theme}` is not one of light, dark, auto"),
            ));
        }
        errors.extend(outside_book_files(&config));
        let check = &config.check;
        if !(1..=MAX_TIMEOUT).contains(&check.timeout) {
            errors.push(Error::input(
                display,
                source.key_line(&["check", "timeout"]),
                format!(
                    "[check] timeout = {}: expected a whole number of seconds from 1 to {MAX_TIMEOUT}",
                    check.timeout
                ),
            ));
        }
        for (i, w) in check.writable.iter().enumerate() {
            if !w.is_absolute() || w.components().any(|c| c.as_os_str() == "..") {
                errors.push(Error::input(
                    display,
                    source.element_line(&["check", "writable"], i),
                    format!(
                        "[check] writable: `{}` must be an absolute path without `..`",
                        w.display()
                    ),
                ));
            }
        }
        Error::from_many(errors)?;
        Ok(LoadedConfig { config, warnings })
    }

    /// The theme a page starts with: light, dark or auto (mdBook names mapped).
    pub fn default_theme(&self) -> &'static str {
        match self.output.html.default_theme.as_deref() {
            Some("light") | Some("rust") => "light",
            Some("dark") | Some("coal") | Some("navy") | Some("ayu") => "dark",
            _ => "auto",
        }
    }
}

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
];

const MDBOOK_THEMES: &[&str] = &["rust", "coal", "navy", "ayu"];

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
            let normal = crate::book::normalize(file);
            if normal.has_root() || normal.starts_with("..") || normal.as_os_str().is_empty() {
                errors.push(Error::input(
                    &config.source.shown,
                    config.source.element_line(&["output", "html", key], i),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LoadedConfig> {
        Config::parse(text, Path::new("book.toml"))
    }

    #[test]
    fn reads_mdbook_keys_and_check_table() {
        let c = parse(
            "[book]\ntitle = \"T\"\nauthors = [\"A\"]\nsrc = \"content\"\n\
             [output.html]\nsite-url = \"https://x/\"\ndefault-theme = \"navy\"\n\
             [check]\ntimeout = 5\n[check.nix]\nnixpkgs = \"github:NixOS/nixpkgs/nixpkgs-unstable\"\n",
        )
        .unwrap();
        assert_eq!(c.config.book.src, PathBuf::from("content"));
        assert_eq!(c.config.check.timeout, 5);
        assert_eq!(c.config.default_theme(), "dark");
        assert_eq!(
            c.config.check.nix["nixpkgs"].refs(),
            ["github:NixOS/nixpkgs/nixpkgs-unstable"]
        );
    }

    #[test]
    fn a_nix_input_may_list_several_channels() {
        let c = parse(
            "[check.nix]\nnixpkgs = [\"github:NixOS/nixpkgs/nixos-25.11\", \"github:NixOS/nixpkgs/nixpkgs-unstable\"]\nflake-utils = \"github:numtide/flake-utils\"\n",
        )
        .unwrap();
        assert_eq!(
            c.config.check.nix["nixpkgs"].refs(),
            [
                "github:NixOS/nixpkgs/nixos-25.11",
                "github:NixOS/nixpkgs/nixpkgs-unstable"
            ]
        );
        assert_eq!(c.config.check.nix["flake-utils"].refs().len(), 1);
        let e = parse("[check.nix]\nnixpkgs = 3\n").unwrap_err().to_string();
        assert!(e.starts_with("book.toml:"), "{e}");
    }

    #[test]
    fn unknown_book_key_names_its_line() {
        let e = parse("[book]\ntitle = \"T\"\ntitel = \"x\"\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("book.toml:3: unknown field `titel`"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_html_key_suggests_nearest() {
        let e = parse("[output.html]\nsite-url = \"x\"\nedit-url-templat = \"y\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "book.toml:3: unknown key `edit-url-templat` in [output.html]; did you mean `edit-url-template`?"
        );
    }

    #[test]
    fn warnings_name_the_line_of_nested_tables_and_dotted_keys() {
        let c = parse("[book]\ntitle = \"T\"\n\n[output.html.code.hidelines]\npython = \"~\"\n")
            .unwrap();
        assert_eq!(
            c.warnings,
            ["book.toml:4: `output.html.code` is an mdBook setting guidebook ignores"]
        );
        let c =
            parse("[output.html]\nsite-url = \"x\"\n\ncode.hidelines.python = \"~\"\n").unwrap();
        assert!(
            c.warnings[0].starts_with("book.toml:4:"),
            "{:?}",
            c.warnings
        );
        let c = parse("output.html.fold.enable = true\n").unwrap();
        assert!(
            c.warnings[0].starts_with("book.toml:1:"),
            "{:?}",
            c.warnings
        );
    }

    #[test]
    fn additional_files_outside_the_book_fail_at_their_line() {
        let e = parse("[output.html]\nadditional-css = [\n  \"ok.css\",\n  \"../site.css\",\n]\nadditional-js = [\"/etc/x.js\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("book.toml:4: additional-css: `../site.css` is outside the book root"),
            "{e}"
        );
        assert!(
            e.contains("book.toml:6: additional-js: `/etc/x.js` is outside the book root"),
            "{e}"
        );
        assert!(parse("[output.html]\nadditional-css = [\"theme/../x.css\"]\n").is_ok());
    }

    #[test]
    fn mdbook_only_keys_warn() {
        let c = parse("[output.html]\nmathjax-support = true\n[output.linkcheck]\n").unwrap();
        assert_eq!(c.warnings.len(), 2);
        assert!(c.warnings[0].contains("book.toml:2"));
    }
}
