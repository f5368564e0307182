//! The text of `book.toml`, kept to name the line of a key in messages.

use std::path::PathBuf;

use super::CONFIG_FILE;
use crate::diagnostics::LineIndex;

/// The text of a `book.toml` and the name it is shown by; finds the line
/// of a key from the TOML parser's spans.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// The path as the user would name it (relative to the current folder).
    pub shown: PathBuf,
    text: String,
}

impl Default for ConfigFile {
    fn default() -> Self {
        ConfigFile {
            shown: PathBuf::from(CONFIG_FILE),
            text: String::new(),
        }
    }
}

impl ConfigFile {
    /// The file shown as `shown` with text `text`.
    pub fn new(shown: PathBuf, text: String) -> ConfigFile {
        ConfigFile { shown, text }
    }

    /// The text of the file (empty for a book without one).
    pub fn text(&self) -> &str {
        &self.text
    }

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
