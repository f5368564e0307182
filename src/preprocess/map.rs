//! The source map of a chapter a preprocessor changed. Its new text is
//! compared line by line with the text it was given: a line it kept points
//! where that line came from (its file and line, through includes); a line
//! it wrote points at the line it follows, marked with the preprocessor's
//! name, so that an error there says the text came from it.

use std::ops::Range;
use std::path::Path;

use similar::{DiffOp, TextDiff};

use crate::diagnostics::{SourceMap, Span};

/// The byte range of each line of `text` (its line break included).
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut at = 0;
    text.split_inclusive('\n')
        .map(|line| {
            let range = at..at + line.len();
            at = range.end;
            range
        })
        .collect()
}

/// A span of the new text `range` that comes from offset `at` of the text
/// `map` maps.
fn from(map: &SourceMap, at: usize, range: Range<usize>) -> Span {
    let old = map.span(at);
    let location = map.locate(at);
    let file_offset = match old.via {
        Some(_) => old.file_offset,
        None => old.file_offset + at.saturating_sub(old.range.start),
    };
    Span {
        range,
        file: location.path,
        file_offset,
        first_line: location.line,
        via: location.via,
    }
}

/// Spans built line by line, a line joined to the span before it when it
/// goes on where that one ends.
struct Spans<'a> {
    text: &'a str,
    spans: Vec<Span>,
}

impl Spans<'_> {
    fn push(&mut self, span: Span) {
        if let Some(last) = self.spans.last_mut()
            && last.range.end == span.range.start
            && last.file == span.file
            && last.via == span.via
        {
            let follows = match span.via {
                Some(_) => last.first_line == span.first_line,
                None => {
                    let lines = self.text[last.range.clone()].matches('\n').count();
                    span.first_line == last.first_line + lines
                        && span.file_offset == last.file_offset + last.range.len()
                }
            };
            if follows {
                last.range.end = span.range.end;
                return;
            }
        }
        self.spans.push(span);
    }

    fn finish(self, file: &Path) -> SourceMap {
        let mut spans = self.spans;
        if spans.is_empty() {
            spans.push(Span {
                range: 0..0,
                file: file.to_path_buf(),
                file_offset: 0,
                first_line: 1,
                via: None,
            });
        }
        SourceMap::from_spans(spans, self.text)
    }
}

/// The map of `new`, the text preprocessor `via` printed for the chapter
/// of `file` when it was given `old`, mapped by `old_map`.
pub fn changed(old: &str, old_map: &SourceMap, new: &str, via: &str, file: &Path) -> SourceMap {
    let old_lines = lines(old);
    let new_lines = lines(new);
    let mut out = Spans {
        text: new,
        spans: Vec::new(),
    };
    let diff = TextDiff::from_lines(old, new);
    for op in diff.ops() {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    let at = old_lines[old_index + i].start;
                    out.push(from(old_map, at, new_lines[new_index + i].clone()));
                }
            }
            DiffOp::Delete { .. } => {}
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            }
            | DiffOp::Replace {
                old_index,
                new_index,
                new_len,
                ..
            } => {
                // The line it follows in the old text; before the first
                // line, the chapter's first line.
                let anchor = match old_index.checked_sub(1) {
                    Some(i) => {
                        let l = old_map.locate(old_lines[i].start);
                        (l.path, l.line)
                    }
                    None => (file.to_path_buf(), 1),
                };
                for i in 0..new_len {
                    out.push(Span {
                        range: new_lines[new_index + i].clone(),
                        file: anchor.0.clone(),
                        file_offset: 0,
                        first_line: anchor.1,
                        via: Some(via.to_string()),
                    });
                }
            }
        }
    }
    out.finish(file)
}

/// The map of `expanded`, the text include expansion made of a chapter's
/// text that a preprocessor had changed (`given`, mapped by `given_map`):
/// lines expansion took from the page's own text (`file`, lines of
/// `given`) are looked up in `given_map`; included files' lines stay.
pub fn expanded(
    given: &str,
    given_map: &SourceMap,
    expanded: &str,
    expanded_map: &SourceMap,
    file: &Path,
) -> SourceMap {
    let given_lines = lines(given);
    let mut out = Spans {
        text: expanded,
        spans: Vec::new(),
    };
    for range in lines(expanded) {
        let location = expanded_map.locate(range.start);
        let own = location.path == file && location.via.is_none();
        match given_lines.get(location.line.wrapping_sub(1)) {
            Some(line) if own => out.push(from(given_map, line.start, range)),
            _ => out.push(from(expanded_map, range.start, range)),
        }
    }
    out.finish(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    fn via(path: &str, line: usize, name: &str) -> Location {
        Location {
            via: Some(name.to_string()),
            ..Location::new(path, line)
        }
    }

    #[test]
    fn kept_lines_keep_their_lines_and_written_ones_name_the_preprocessor() {
        let file = Path::new("src/p.md");
        let old = "# T\n\none\ntwo\n";
        let old_map = SourceMap::identity(file, old);
        let new = "<!-- banner -->\n# T\n\none\ninserted\nmore\ntwo\n";
        let map = changed(old, &old_map, new, "banner", file);
        let at = |line: usize| {
            let start: usize = new.split_inclusive('\n').take(line - 1).map(str::len).sum();
            map.locate(start)
        };
        assert_eq!(at(1), via("src/p.md", 1, "banner"));
        assert_eq!(at(2), Location::new("src/p.md", 1));
        assert_eq!(at(4), Location::new("src/p.md", 3));
        assert_eq!(at(5), via("src/p.md", 3, "banner"));
        assert_eq!(at(6), via("src/p.md", 3, "banner"));
        assert_eq!(at(7), Location::new("src/p.md", 4));
        assert_eq!(map.spans().len(), 4, "{:?}", map.spans());
        assert!(!map.is_identity());
        assert_eq!(
            at(5).to_string(),
            "src/p.md:3 (in text written by preprocessor `banner`)"
        );
    }

    #[test]
    fn an_emptied_chapter_maps_to_its_file() {
        let file = Path::new("src/p.md");
        let map = changed("a\n", &SourceMap::identity(file, "a\n"), "", "x", file);
        assert_eq!(map.locate(0), Location::new("src/p.md", 1));
    }

    #[test]
    fn expansion_of_changed_text_keeps_the_earlier_map() {
        let file = Path::new("src/p.md");
        let raw = "a\nb\n";
        let given = "new\na\nb\n";
        let given_map = changed(raw, &SourceMap::identity(file, raw), given, "x", file);
        // Expansion left the text as it was, as if it were the file's.
        let expanded_map = SourceMap::identity(file, given);
        let map = expanded(given, &given_map, given, &expanded_map, file);
        assert_eq!(map.locate(0), via("src/p.md", 1, "x"));
        assert_eq!(map.locate(4), Location::new("src/p.md", 1));
        assert_eq!(map.locate(6), Location::new("src/p.md", 2));
    }
}
