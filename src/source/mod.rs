//! The source stage: a page's raw text as read from its file, then the
//! preprocess step that turns it into the text the parser reads, with a
//! [`SourceMap`] from every offset of that text back to a file and line.
//!
//! Preprocessing is the identity today (the resolved text is the file's
//! text and the map has one span); `{{#include}}` and mdBook preprocessors
//! slot in here, and every later stage already works on [`Resolved`].

pub mod text;

use std::path::{Path, PathBuf};

use crate::diagnostics::SourceMap;
use crate::error::Result;
use crate::paths::display_path;

/// A page's text as read from its file.
#[derive(Debug, Clone)]
pub struct RawSource {
    /// The file, as shown to users (relative to the book root).
    pub shown: PathBuf,
    /// The page's path inside the source folder (`faq.md`).
    pub rel: PathBuf,
    pub text: String,
}

impl RawSource {
    /// Read the page at `rel` in the source folder `src_dir`.
    pub fn read(src_dir: &Path, rel: &Path) -> Result<RawSource> {
        let full = src_dir.join(rel);
        Ok(RawSource {
            text: text::read_text(&full)?,
            shown: display_path(&full),
            rel: rel.to_path_buf(),
        })
    }
}

/// A page's text after preprocessing, as the parser reads it.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The page's own file, as shown to users.
    pub shown: PathBuf,
    pub rel: PathBuf,
    pub text: String,
    /// Where each offset of `text` came from.
    pub map: SourceMap,
}

/// Preprocess a page: today the identity, the text unchanged and mapped
/// onto its own file.
pub fn preprocess(raw: RawSource) -> Result<Resolved> {
    let map = SourceMap::identity(&raw.shown, &raw.text);
    Ok(Resolved {
        shown: raw.shown,
        rel: raw.rel,
        text: raw.text,
        map,
    })
}
