//! `book.toml`: mdBook's keys plus our own `[check]` table, one file per
//! table ([`BookSection`], [`BuildSection`], [`OutputSection`],
//! [`CheckSection`]) and the text it was read from ([`ConfigFile`]).
//!
//! Unknown keys are errors with the file and line, except mdBook keys that
//! guidebook does not use, which are accepted (so an mdBook book builds
//! unchanged) and reported as ignored, each at its line.

mod book;
mod build;
mod check;
mod file;
mod output;
mod preprocessor;
mod redirect;
mod rust;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

pub use book::BookSection;
pub use build::BuildSection;
pub use check::{Blocks, CheckSection, InputRefs, MAX_TIMEOUT};
pub use file::ConfigFile;
pub use output::{FoldConfig, HtmlOutput, OutputSection, PrintConfig};
pub use preprocessor::{BUILT_IN, PreprocessorTable};
pub use redirect::{Redirect, redirects};
pub use rust::{CheckRust, EDITIONS, RustSection};

use crate::diagnostics::LineIndex;
use crate::error::{Error, Result};

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
    /// mdBook preprocessors' tables as written (their own keys included),
    /// passed to them in the context.
    #[serde(default)]
    pub preprocessor: BTreeMap<String, toml::Value>,
    /// The same tables, mdBook's keys read ([`crate::preprocess`] runs them).
    #[serde(skip)]
    pub preprocessors: Vec<PreprocessorTable>,
    /// mdBook's `[rust]` table: the edition of Rust blocks.
    #[serde(default)]
    pub rust: RustSection,
    /// The file this configuration was read from, to name lines in messages.
    #[serde(skip)]
    pub file: ConfigFile,
}

/// A loaded configuration, with the warnings found while reading it.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub warnings: crate::diagnostics::Warnings,
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
        let text = crate::source::text::read_text(&path)?;
        Config::parse(&text, &crate::paths::display_path(&path))
    }

    /// Parse the text of a `book.toml`; `display` names it in errors.
    pub fn parse(text: &str, display: &Path) -> Result<LoadedConfig> {
        let lines = LineIndex::new(text);
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| lines.line(s.start)).unwrap_or(1);
            Error::input(display, line, e.message().trim().to_string())
        })?;
        config.file = ConfigFile::new(display.to_path_buf(), text.to_string());
        let mut warnings = ignored_mdbook_keys(&config);
        let mut errors = Vec::new();
        output::validate(&config, &mut warnings, &mut errors);
        check::validate(&config, &mut errors);
        rust::validate(&config, &mut errors);
        preprocessor::read(&mut config, &mut errors);
        Error::from_many(errors)?;
        Ok(LoadedConfig { config, warnings })
    }

    /// Options of the rendered Markdown: smart punctuation unless
    /// `smart-punctuation = false` (or, without it, mdBook 0.4's
    /// `curly-quotes = false`); definition lists unless
    /// `definition-lists = false`.
    pub fn render_options(&self) -> pulldown_cmark::Options {
        let html = &self.output.html;
        let smart = html.smart_punctuation.or(html.curly_quotes).unwrap_or(true);
        crate::markdown::render_options(smart, html.definition_lists.unwrap_or(true))
    }

    /// The theme a page starts with: light, dark or auto (mdBook names
    /// mapped: `light` and `rust` are light, `coal`, `navy` and `ayu` dark).
    /// Without a default theme a page follows the system (auto), as mdBook
    /// shows its `preferred-dark-theme` when the system prefers dark; a
    /// light `preferred-dark-theme` makes that light too.
    pub fn default_theme(&self) -> &'static str {
        let dark_is_light = matches!(
            self.output.html.preferred_dark_theme.as_deref(),
            Some("light") | Some("rust")
        );
        match self.output.html.default_theme.as_deref() {
            Some("light") | Some("rust") => "light",
            Some("dark") | Some("coal") | Some("navy") | Some("ayu") => "dark",
            _ if dark_is_light => "light",
            _ => "auto",
        }
    }
}

/// mdBook keys guidebook reads but does not act on, each a warning at its
/// line: `[book] multilingual` and `text-direction`, `[build]
/// create-missing`, `use-default-preprocessors` and `extra-watch-dirs`.
fn ignored_mdbook_keys(config: &Config) -> Vec<String> {
    let set = [
        (
            &["book", "multilingual"][..],
            config.book.multilingual.is_some(),
        ),
        (
            &["book", "text-direction"],
            config.book.text_direction.is_some(),
        ),
        (
            &["build", "create-missing"],
            config.build.create_missing.is_some(),
        ),
        (
            &["build", "use-default-preprocessors"],
            config.build.use_default_preprocessors.is_some(),
        ),
        (
            &["build", "extra-watch-dirs"],
            !config.build.extra_watch_dirs.is_empty(),
        ),
    ];
    set.iter()
        .filter(|(_, given)| *given)
        .map(|(key, _)| {
            format!(
                "{}:{}: `{}` is an mdBook setting guidebook ignores",
                config.file.shown.display(),
                config.file.key_line(key),
                key.join(".")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

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
    fn a_book_without_a_check_table_runs_only_marked_blocks() {
        use super::Blocks;
        assert_eq!(
            parse("[book]\ntitle = \"T\"\n")
                .unwrap()
                .config
                .check
                .blocks,
            Blocks::Marked
        );
        assert_eq!(Config::default().check.blocks, Blocks::Marked);
        assert_eq!(
            parse("[check]\ntimeout = 5\n").unwrap().config.check.blocks,
            Blocks::All
        );
        assert_eq!(
            parse("[check]\nblocks = \"marked\"\n")
                .unwrap()
                .config
                .check
                .blocks,
            Blocks::Marked
        );
        let e = parse("[check]\nblocks = \"some\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("book.toml:2:"), "{e}");
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
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.config.output.html.code.hidelines["python"], "~");
        let c = parse("[output.html]\nsite-url = \"x\"\n\nsearch.enable = true\n").unwrap();
        assert!(
            c.warnings[0].starts_with("book.toml:4:"),
            "{:?}",
            c.warnings
        );
        let c = parse("output.html.search.enable = true\n").unwrap();
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
    fn ignored_mdbook_keys_warn_at_their_line() {
        let c = parse(
            "[book]\nmultilingual = false\ntext-direction = \"ltr\"\n[build]\ncreate-missing = true\nuse-default-preprocessors = true\nextra-watch-dirs = [\"x\"]\n[output.html]\npreferred-dark-theme = \"navy\"\n",
        )
        .unwrap();
        assert_eq!(
            c.warnings,
            [
                "book.toml:2: `book.multilingual` is an mdBook setting guidebook ignores",
                "book.toml:3: `book.text-direction` is an mdBook setting guidebook ignores",
                "book.toml:5: `build.create-missing` is an mdBook setting guidebook ignores",
                "book.toml:6: `build.use-default-preprocessors` is an mdBook setting guidebook ignores",
                "book.toml:7: `build.extra-watch-dirs` is an mdBook setting guidebook ignores",
            ]
        );
        assert!(
            parse("[book]\ntitle = \"T\"\n")
                .unwrap()
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn rust_edition_and_check_rust() {
        let c = parse(
            "[rust]\nedition = \"2021\"\n[check.rust]\nenable = true\nmanifest = \"../Cargo.toml\"\nlibrary-path = [\"target/debug/deps\"]\n",
        )
        .unwrap();
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert_eq!(c.config.rust.edition.as_deref(), Some("2021"));
        let rust = &c.config.check.rust;
        assert!(rust.enable);
        assert_eq!(rust.manifest.as_deref(), Some(Path::new("../Cargo.toml")));
        assert_eq!(rust.library_path, [PathBuf::from("target/debug/deps")]);
        assert!(!parse("[book]\n").unwrap().config.check.rust.enable);
        let e = parse("[book]\ntitle = \"T\"\n[rust]\nedition = \"2019\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "book.toml:4: [rust] edition = \"2019\": expected one of 2015, 2018, 2021, 2024"
        );
        let e = parse("[check.rust]\nenabled = true\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("book.toml:2: unknown field `enabled`"), "{e}");
    }

    #[test]
    fn mdbook_theme_names_map_to_light_and_dark() {
        let theme = |toml: &str| parse(toml).unwrap().config.default_theme();
        for (name, want) in [
            ("light", "light"),
            ("rust", "light"),
            ("coal", "dark"),
            ("navy", "dark"),
            ("ayu", "dark"),
            ("auto", "auto"),
        ] {
            let toml = format!("[output.html]\ndefault-theme = \"{name}\"\n");
            assert_eq!(theme(&toml), want, "{name}");
        }
        assert_eq!(theme("[book]\n"), "auto");
        // mdBook shows preferred-dark-theme when the system prefers dark.
        assert_eq!(
            theme("[output.html]\npreferred-dark-theme = \"navy\"\n"),
            "auto"
        );
        assert_eq!(
            theme("[output.html]\npreferred-dark-theme = \"rust\"\n"),
            "light"
        );
        assert_eq!(
            theme("[output.html]\ndefault-theme = \"coal\"\npreferred-dark-theme = \"light\"\n"),
            "dark"
        );
        let e = parse("[output.html]\npreferred-dark-theme = \"solarized\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("book.toml:2: preferred-dark-theme `solarized` is not one of"),
            "{e}"
        );
    }

    #[test]
    fn playpen_is_the_old_name_of_playground() {
        let c = parse("[output.html.playpen]\neditable = true\n").unwrap();
        assert_eq!(
            c.warnings,
            [
                "book.toml:1: `output.html.playpen` (mdBook's old name of `playground`) is an mdBook setting guidebook ignores"
            ]
        );
    }

    #[test]
    fn mdbook_only_keys_warn() {
        let c = parse("[output.html]\nmathjax-support = true\n[output.linkcheck]\n").unwrap();
        assert_eq!(c.warnings.len(), 2);
        assert!(c.warnings[0].contains("book.toml:2"));
    }

    #[test]
    fn definition_lists_follow_the_book() {
        use pulldown_cmark::Options;
        let on = parse("[book]\ntitle = \"T\"\n").unwrap();
        assert!(
            on.config
                .render_options()
                .contains(Options::ENABLE_DEFINITION_LIST)
        );
        let off = parse("[output.html]\ndefinition-lists = false\n").unwrap();
        assert!(off.warnings.is_empty(), "{:?}", off.warnings);
        assert!(
            !off.config
                .render_options()
                .contains(Options::ENABLE_DEFINITION_LIST)
        );
    }
}
