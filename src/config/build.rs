//! The `[build]` table.

use std::path::PathBuf;

use serde::Deserialize;

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
    /// Every warning fails the build, as `guidebook build --strict` (the
    /// spelling of MkDocs' `strict`).
    #[serde(default)]
    pub strict: bool,
    /// Check links that leave the source folder (`../std/index.html`);
    /// off by default, as they often point at files published beside the
    /// book.
    #[serde(default)]
    pub link_check_outside_src: bool,
    /// Links not checked: a link is skipped when its target starts with one
    /// of these (`../std/`, `https://`, `page.md#old-`); a trailing `*` is
    /// the same prefix.
    #[serde(default)]
    pub link_exclude: Vec<String>,
}

impl Default for BuildSection {
    fn default() -> Self {
        BuildSection {
            build_dir: default_build_dir(),
            create_missing: None,
            use_default_preprocessors: None,
            extra_watch_dirs: Vec::new(),
            strict: false,
            link_check_outside_src: false,
            link_exclude: Vec::new(),
        }
    }
}

fn default_build_dir() -> PathBuf {
    PathBuf::from("book")
}
