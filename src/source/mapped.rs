//! Text that knows where each of its bytes came from: the working form of
//! a page while `{{#include}}` and its kin are expanded, turned into the
//! page's [`SourceMap`] at the end.

use std::ops::Range;
use std::path::Path;

use crate::diagnostics::{Location, SourceMap, Span};

/// A text and the spans covering it, in order (ranges into `text`).
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub text: String,
    spans: Vec<Piece>,
}

/// A span, and whether it is its file's bytes from `file_offset`, unchanged
/// (`false` for text the expansion wrote).
#[derive(Debug, Clone)]
struct Piece {
    span: Span,
    verbatim: bool,
}

impl Mapped {
    /// The whole text of `file`, unchanged.
    pub fn of_file(file: &Path, text: String) -> Mapped {
        let spans = vec![Piece {
            span: Span {
                range: 0..text.len(),
                file: file.to_path_buf(),
                file_offset: 0,
                first_line: 1,
                via: None,
            },
            verbatim: true,
        }];
        Mapped { text, spans }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Append `from.text[range]`, keeping where it came from.
    pub fn push_from(&mut self, from: &Mapped, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let base = self.text.len();
        self.text.push_str(&from.text[range.clone()]);
        let first = from
            .spans
            .partition_point(|p| p.span.range.end <= range.start);
        for p in &from.spans[first..] {
            let s = &p.span;
            if s.range.start >= range.end {
                break;
            }
            let start = s.range.start.max(range.start);
            let end = s.range.end.min(range.end);
            if start >= end {
                continue;
            }
            let newlines = count_newlines(&from.text[s.range.start..start]);
            let skipped = if p.verbatim { start - s.range.start } else { 0 };
            self.push_span(
                Span {
                    range: base + (start - range.start)..base + (end - range.start),
                    file: s.file.clone(),
                    file_offset: s.file_offset + skipped,
                    first_line: s.first_line + newlines,
                    via: None,
                },
                p.verbatim,
            );
        }
    }

    /// Append all of `from`.
    pub fn append(&mut self, from: &Mapped) {
        self.push_from(from, 0..from.len());
    }

    /// Append text the preprocessor writes itself, standing for `at`. It
    /// holds at most one line break, at its end.
    pub fn push_written(&mut self, text: &str, at: &Location) {
        if text.is_empty() {
            return;
        }
        let base = self.text.len();
        self.text.push_str(text);
        self.push_span(
            Span {
                range: base..self.text.len(),
                file: at.path.clone(),
                file_offset: 0,
                first_line: at.line,
                via: None,
            },
            false,
        );
    }

    /// A span, merged into the last one when it continues it in its file.
    fn push_span(&mut self, span: Span, verbatim: bool) {
        if let Some(last) = self.spans.last_mut()
            && last.verbatim
            && verbatim
            && last.span.file == span.file
            && last.span.range.end == span.range.start
            && last.span.file_offset + last.span.range.len() == span.file_offset
        {
            last.span.range.end = span.range.end;
            return;
        }
        self.spans.push(Piece { span, verbatim });
    }

    /// Where byte `offset` came from.
    pub fn locate(&self, offset: usize) -> Location {
        let i = self
            .spans
            .partition_point(|p| p.span.range.end <= offset)
            .min(self.spans.len().saturating_sub(1));
        match self.spans.get(i).map(|p| &p.span) {
            Some(s) => {
                let upto = offset.clamp(s.range.start, self.text.len());
                let line = s.first_line + count_newlines(&self.text[s.range.start..upto]);
                Location::new(s.file.clone(), line)
            }
            None => Location::new("", 1),
        }
    }

    /// The text and its source map; `file` is the page's (a page left
    /// with no text maps to its first line).
    pub fn into_parts(self, file: &Path) -> (String, SourceMap) {
        let mut spans: Vec<Span> = self.spans.into_iter().map(|p| p.span).collect();
        if spans.is_empty() {
            spans.push(Span {
                range: 0..self.text.len(),
                file: file.to_path_buf(),
                file_offset: 0,
                first_line: 1,
                via: None,
            });
        }
        let map = SourceMap::from_spans(spans, &self.text);
        (self.text, map)
    }
}

fn count_newlines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
}

/// The lines of `text` as `str::lines` counts them: for each, where it
/// starts, where its text ends (before `\n` or `\r\n`) and where the next
/// line starts.
pub fn lines_of(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let end = if nl > start && text.as_bytes()[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        out.push((start, end, nl + 1));
        start = nl + 1;
    }
    if start < text.len() {
        out.push((start, text.len(), text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_their_files_and_lines() {
        let page = Mapped::of_file(Path::new("p.md"), "one\ntwo\nthree\n".into());
        let inc = Mapped::of_file(Path::new("inc.rs"), "a\nb\nc\n".into());
        let mut out = Mapped::default();
        out.push_from(&page, 0..4);
        out.push_from(&inc, 2..4);
        out.push_written("# ", &Location::new("inc.rs", 3));
        out.push_from(&inc, 4..6);
        out.push_from(&page, 4..8);
        out.push_from(&page, 8..14);
        assert_eq!(out.text, "one\nb\n# c\ntwo\nthree\n");
        assert_eq!(out.locate(0), Location::new("p.md", 1));
        assert_eq!(out.locate(4), Location::new("inc.rs", 2));
        assert_eq!(out.locate(6), Location::new("inc.rs", 3));
        assert_eq!(out.locate(8), Location::new("inc.rs", 3));
        assert_eq!(out.locate(10), Location::new("p.md", 2));
        assert_eq!(out.locate(14), Location::new("p.md", 3));
        // The two pieces of p.md that follow each other are one span.
        let (text, map) = out.into_parts(Path::new("p.md"));
        assert_eq!(map.spans().len(), 5);
        assert_eq!(map.locate(14), Location::new("p.md", 3));
        assert_eq!(map.locate(14), Location::new("p.md", 3));
        let last = &map.spans()[4];
        assert_eq!((last.range.clone(), last.file_offset), (10..text.len(), 4));
    }

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "a", "a\n", "a\r\nb", "a\n\nb\n"] {
            let ours: Vec<&str> = lines_of(text).iter().map(|l| &text[l.0..l.1]).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
