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
