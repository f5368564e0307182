//! mdBook's `[rust]` table (the edition of the book's Rust blocks) and
//! guidebook's `[check.rust]` (whether docs-check compiles them, with what).

use std::path::PathBuf;

use serde::Deserialize;

/// The editions rustc knows.
pub const EDITIONS: &[&str] = &["2015", "2018", "2021", "2024"];

/// `[rust]`: as mdBook reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RustSection {
    /// The edition of Rust blocks without an `editionNNNN` attribute;
    /// rustdoc's default, 2015, when not given (as `mdbook test`).
    #[serde(default)]
    pub edition: Option<String>,
}

/// `[check.rust]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckRust {
    /// Compile and run the book's Rust blocks as doctests.
    #[serde(default)]
    pub enable: bool,
    /// A Cargo manifest (relative to the book root; `../Cargo.toml` for a
    /// book inside its crate) whose dependencies the blocks may use: built
    /// once per run, each passed as `--extern`.
    #[serde(default)]
    pub manifest: Option<PathBuf>,
    /// Library folders passed to rustc as `-L` (relative to the book root),
    /// as `mdbook test -L`.
    #[serde(default)]
    pub library_path: Vec<PathBuf>,
}

/// An edition rustc does not know: an error at its line.
pub(super) fn validate(config: &super::Config, errors: &mut Vec<crate::error::Error>) {
    use crate::error::Error;
    let file = &config.file;
    if let Some(e) = &config.rust.edition
        && !EDITIONS.contains(&e.as_str())
    {
        errors.push(Error::input(
            &file.shown,
            file.key_line(&["rust", "edition"]),
            format!(
                "[rust] edition = \"{e}\": expected one of {}",
                EDITIONS.join(", ")
            ),
        ));
    }
}
