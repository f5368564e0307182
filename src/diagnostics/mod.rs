//! Diagnostics: where a message points ([`Location`]), how a byte offset
//! becomes a line ([`LineIndex`], the one line lookup), how an offset of a
//! page's resolved text leads back to the file it came from ([`SourceMap`]),
//! and the warnings a stage collects ([`Warnings`]). Errors are in
//! [`crate::error`].

mod lines;
mod source_map;

pub use lines::LineIndex;
pub use source_map::{SourceMap, Span};

use std::fmt;
use std::path::PathBuf;

/// A place in an input file: the path as the user knows it (relative to the
/// book root where possible) and a 1-based line; for text an mdBook
/// preprocessor wrote into a page, also that preprocessor's name (the line
/// is then the page's line the text follows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            path: path.into(),
            line,
            via: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some(name) = &self.via {
            write!(f, " (in text written by preprocessor `{name}`)")?;
        }
        Ok(())
    }
}

/// Findings that do not stop a build, each `path:line: message`.
pub type Warnings = Vec<String>;
