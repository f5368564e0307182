//! The source stage: a page's raw text as read from its file, then the
//! preprocess step that turns it into the text the parser reads, with a
//! [`SourceMap`] from every offset of that text back to a file and line.
//!
//! Preprocessing expands mdBook's `{{#include}}`, `{{#rustdoc_include}}`,
//! `{{#playground}}` and `{{#title}}` ([`links`]); a page without them is
//! its file's text, mapped onto that file with one span. Every later stage
//! works on [`Resolved`].

pub mod links;
pub mod mapped;
pub mod text;

use std::path::{Path, PathBuf};

use crate::diagnostics::{SourceMap, Warnings};
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
    /// The book root, inside which included files must be; `None` for a
    /// text that is no book's file (it includes nothing).
    pub root: Option<PathBuf>,
}

impl RawSource {
    /// Read the page at `rel` in the source folder `src_dir` of the book
    /// at `root`.
    pub fn read(root: &Path, src_dir: &Path, rel: &Path) -> Result<RawSource> {
        let full = src_dir.join(rel);
        Ok(RawSource {
            text: text::read_text(&full)?,
            shown: display_path(&full),
            rel: rel.to_path_buf(),
            root: Some(root.to_path_buf()),
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
    /// The page's `{{#title}}`, the `<title>` of its HTML.
    pub title: Option<String>,
    pub warnings: Warnings,
}

/// Preprocess a page: expand its `{{#...}}` directives. Errors name the
/// file and line of the directive (in the page, or in a file it includes).
pub fn preprocess(raw: RawSource) -> Result<Resolved> {
    let RawSource {
        shown,
        rel,
        text,
        root,
    } = raw;
    // A page with no directive is its file's text (most pages: only
    // those with `{{` are searched).
    if !text.contains("{{") || links::find(&text).is_empty() {
        let map = SourceMap::identity(&shown, &text);
        return Ok(Resolved {
            shown,
            rel,
            text,
            map,
            title: None,
            warnings: Vec::new(),
        });
    }
    let mut expander = links::Expander::new(root.as_deref())?;
    let input = mapped::Mapped::of_file(&shown, text);
    let (text, map) = expander.expand(&input, &shown, 0)?.into_parts(&shown);
    Ok(Resolved {
        shown,
        rel,
        text,
        map,
        title: expander.extras.title,
        warnings: expander.extras.warnings,
    })
}
