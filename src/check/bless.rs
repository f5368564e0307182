//! `--bless`: rewrite the expected output of failing console commands.
//!
//! Only the expected-output lines of commands whose output differed change
//! (their trailing blank lines are kept), and of those, lines whose `[..]`
//! wildcards still match and `...` lines stay as written; every other byte of the page stays
//! as it was, line endings included. The page is written atomically: a
//! temporary file in the same folder, renamed over the page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::{BlockResult, Status};
use crate::book::Book;
use crate::error::Result;

/// What bless did.
#[derive(Debug, Default)]
pub struct Blessed {
    /// (page, commands rewritten)
    pub pages: Vec<(PathBuf, usize)>,
    /// Commands that could not be rewritten, with why.
    pub refused: Vec<String>,
}

/// One replacement in a page's source.
struct Edit {
    range: std::ops::Range<usize>,
    text: String,
}

pub fn bless(book: &Book, results: &[BlockResult]) -> Result<Blessed> {
    let mut by_page: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
    let mut done = Blessed::default();
    for r in results.iter().filter(|r| r.status == Status::Failed) {
        let Some(page) = book
            .pages
            .iter()
            .find(|p| p.path.to_string_lossy() == r.page)
        else {
            continue;
        };
        let Some(block) = page.blocks.get(r.index) else {
            continue;
        };
        for c in &r.commands {
            let (Some(actual), Some(lines)) = (&c.actual, &c.expected_lines) else {
                continue;
            };
            let at = format!("{}:{}", r.page, c.line);
            let Some(range) = block.text_range.clone() else {
                done.refused.push(format!("{at}: not a fenced block"));
                continue;
            };
            // The block's lines as written (pulldown-cmark gives `\n` for CRLF).
            let Some(text) = page
                .text
                .get(range.clone())
                .filter(|src| *src == block.text || src.replace("\r\n", "\n") == block.text)
            else {
                done.refused.push(format!(
                    "{at}: the block is indented (in a list or quote); update it by hand"
                ));
                continue;
            };
            if let Some(bad) = actual.iter().find(|l| unsafe_line(l)) {
                done.refused.push(format!(
                    "{at}: the output has a line `{bad}` that would read as a command, a wildcard or a fence"
                ));
                continue;
            }
            let starts = line_starts(text);
            // The expected lines without their trailing blank lines.
            let mut end = lines.end;
            while end > lines.start && line_at(text, &starts, end - 1).trim().is_empty() {
                end -= 1;
            }
            let from = starts[lines.start];
            let to = if end < starts.len() {
                starts[end]
            } else {
                text.len()
            };
            let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let written: Vec<String> = (lines.start..end)
                .map(|i| {
                    line_at(text, &starts, i)
                        .trim_end_matches(['\r', '\n'])
                        .to_string()
                })
                .collect();
            let mut new = String::new();
            for l in &super::console::blessed_lines(&written, actual) {
                new.push_str(l);
                new.push_str(eol);
            }
            by_page.entry(&r.page).or_default().push(Edit {
                range: range.start + from..range.start + to,
                text: new,
            });
        }
    }
    for (page, mut edits) in by_page {
        let source = &book
            .pages
            .iter()
            .find(|p| p.path.to_string_lossy() == page)
            .expect("page of a result")
            .text;
        edits.sort_by_key(|e| e.range.start);
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for e in &edits {
            out.push_str(&source[at..e.range.start]);
            out.push_str(&e.text);
            at = e.range.end;
        }
        out.push_str(&source[at..]);
        crate::fsutil::write_atomic(Path::new(page), out.as_bytes())?;
        done.pages.push((PathBuf::from(page), edits.len()));
    }
    Ok(done)
}

fn unsafe_line(l: &str) -> bool {
    l == "$"
        || l.starts_with("$ ")
        || l == "..."
        || l.trim_start().starts_with("```")
        || l.trim_start().starts_with("~~~")
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    if v.last() == Some(&text.len()) {
        v.pop();
    }
    v
}

fn line_at<'a>(text: &'a str, starts: &[usize], i: usize) -> &'a str {
    let end = starts.get(i + 1).copied().unwrap_or(text.len());
    &text[starts[i]..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_ignore_final_newline() {
        assert_eq!(line_starts("a\nb\n"), [0, 2]);
        assert_eq!(line_starts("a\nb"), [0, 2]);
        assert_eq!(line_at("a\nb\n", &[0, 2], 1), "b\n");
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.md");
        std::fs::write(&p, "old").unwrap();
        crate::fsutil::write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
