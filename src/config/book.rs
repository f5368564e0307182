//! The `[book]` table.

use std::path::PathBuf;

use serde::Deserialize;

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
