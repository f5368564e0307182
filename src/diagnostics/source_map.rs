//! From an offset of a page's resolved text (what the parser reads, after
//! preprocessing) back to the file and line it came from.
//!
//! Today preprocessing is the identity, so a map has one span: the whole
//! page. Includes will add a span per included piece; every consumer
//! already asks the map, so they need not change then.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{LineIndex, Location};

/// A piece of the resolved text copied from `file`, starting at `first_line`.
#[derive(Debug, Clone)]
pub struct Span {
    /// Byte range in the resolved text.
    pub range: Range<usize>,
    /// The file the piece was read from, as shown to users.
    pub file: PathBuf,
    /// Byte offset in `file` where the piece starts.
    pub file_offset: usize,
    /// 1-based line in `file` where the piece starts.
    pub first_line: usize,
    /// The mdBook preprocessor that wrote the piece, when no file holds it:
    /// `first_line` is then the line of `file` the piece follows.
    pub via: Option<String>,
}

/// The spans of a resolved text, in order, with the text's line index.
#[derive(Debug, Clone)]
pub struct SourceMap {
    spans: Vec<Span>,
    lines: LineIndex,
}

impl SourceMap {
    /// The map of a text read unchanged from `file`.
    pub fn identity(file: &Path, text: &str) -> SourceMap {
        SourceMap {
            spans: vec![Span {
                range: 0..text.len(),
                file: file.to_path_buf(),
                file_offset: 0,
                first_line: 1,
                via: None,
            }],
            lines: LineIndex::new(text),
        }
    }

    /// The map of `text` made of `spans`, which cover it in order.
    pub fn from_spans(spans: Vec<Span>, text: &str) -> SourceMap {
        debug_assert!(spans.windows(2).all(|w| w[0].range.end == w[1].range.start));
        if spans.is_empty() {
            return SourceMap::identity(Path::new(""), text);
        }
        SourceMap {
            spans,
            lines: LineIndex::new(text),
        }
    }

    /// The 1-based line of `offset` in the resolved text.
    pub fn line(&self, offset: usize) -> usize {
        self.lines.line(offset)
    }

    /// The spans, in order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The span holding `offset` (the last one for the end of the text).
    pub fn span(&self, offset: usize) -> &Span {
        let i = self
            .spans
            .partition_point(|s| s.range.end <= offset)
            .min(self.spans.len() - 1);
        &self.spans[i]
    }

    /// The file and line `offset` of the resolved text came from.
    pub fn locate(&self, offset: usize) -> Location {
        let span = self.span(offset);
        let line = if span.via.is_some() {
            span.first_line
        } else {
            self.lines.line(offset) - self.lines.line(span.range.start) + span.first_line
        };
        Location {
            via: span.via.clone(),
            ..Location::new(span.file.clone(), line)
        }
    }

    /// Is the whole resolved text one file, unchanged (so that its byte
    /// ranges are that file's)?
    pub fn is_identity(&self) -> bool {
        matches!(self.spans.as_slice(), [s] if s.file_offset == 0 && s.first_line == 1 && s.via.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_maps_every_offset_to_its_own_line() {
        let map = SourceMap::identity(Path::new("content/p.md"), "a\nb\nc");
        assert!(map.is_identity());
        assert_eq!(map.locate(0), Location::new("content/p.md", 1));
        assert_eq!(map.locate(2), Location::new("content/p.md", 2));
        assert_eq!(map.locate(5), Location::new("content/p.md", 3));
        assert_eq!(map.line(4), 3);
    }
}
