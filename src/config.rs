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
    /// Flake inputs overridden for every flake example: name -> flake reference.
    #[serde(default)]
    pub nix: BTreeMap<String, String>,
    /// Host paths (absolute) blocks may write besides their sandbox; `/nix`
    /// is writable for pages that need nix without being named.
    #[serde(default)]
    pub writable: Vec<PathBuf>,
    /// Blocks get the caller's HOME (writable) instead of one of their own.
    #[serde(default)]
    pub host_home: bool,
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
        let text = crate::error::read_to_string(&path)?;
        Config::parse(&text, Path::new(CONFIG_FILE))
    }

    /// Parse the text of a `book.toml`; `display` names it in errors.
    pub fn parse(text: &str, display: &Path) -> Result<LoadedConfig> {
        let lines = LineIndex::new(text);
        let config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
            Error::input(display, line, e.message().trim().to_string())
        })?;
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for key in config.output.html.other.keys() {
            let line = line_of_key(text, "output.html", key);
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
                line_of_key(text, "output", name)
            ));
        }
        for name in config.preprocessor.keys() {
            warnings.push(format!(
                "{}:{}: preprocessor `{name}` is not run by guidebook",
                display.display(),
                line_of_key(text, "preprocessor", name)
            ));
        }
        if let Some(theme) = &config.output.html.default_theme
            && !matches!(theme.as_str(), "light" | "dark" | "auto")
            && !MDBOOK_THEMES.contains(&theme.as_str())
        {
            errors.push(Error::input(
                display,
                line_of_key(text, "output.html", "default-theme"),
                format!("default-theme `{theme}` is not one of light, dark, auto"),
            ));
        }
        let check = &config.check;
        if !(1..=MAX_TIMEOUT).contains(&check.timeout) {
            errors.push(Error::input(
                display,
                line_of_key(text, "check", "timeout"),
                format!(
                    "[check] timeout = {}: expected a whole number of seconds from 1 to {MAX_TIMEOUT}",
                    check.timeout
                ),
            ));
        }
        for w in &check.writable {
            if !w.is_absolute() || w.components().any(|c| c.as_os_str() == "..") {
                errors.push(Error::input(
                    display,
                    line_of_key(text, "check", "writable"),
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

/// The line where `key` is set inside `[table]` (or as `table.key`), else 1.
fn line_of_key(text: &str, table: &str, key: &str) -> usize {
    let mut in_table = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.trim_end_matches(']').trim();
            in_table = name == table;
            if name == format!("{table}.{key}") {
                return i + 1;
            }
            continue;
        }
        let Some((lhs, _)) = line.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim().trim_matches('"');
        if (in_table && (lhs == key || lhs.starts_with(&format!("{key}."))))
            || lhs == format!("{table}.{key}")
        {
            return i + 1;
        }
    }
    1
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
            c.config.check.nix["nixpkgs"],
            "github:NixOS/nixpkgs/nixpkgs-unstable"
        );
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
    fn mdbook_only_keys_warn() {
        let c = parse("[output.html]\nmathjax-support = true\n[output.linkcheck]\n").unwrap();
        assert_eq!(c.warnings.len(), 2);
        assert!(c.warnings[0].contains("book.toml:2"));
    }
}
