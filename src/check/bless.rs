//! `--bless`: rewrite the expected output of failing console commands.
//!
//! Only the expected-output lines of commands whose output differed change
//! (their trailing blank lines are kept), and of those, every pattern line
//! that still matches (`[..]`, `(re)`, `(glob)`, `(esc)`, an `(unordered)`
//! group) and `...` lines stay as written; a new line that would read as a
//! pattern is written with ` (esc)`; every other byte of the page stays as
//! it was, line endings included. The page is written atomically: a
//! temporary file in the same folder, renamed over the page (through a
//! symbolic link: its target is written, the link stays).
//!
//! Two guards: the new page is parsed again, and a block whose commands or
//! expected output would not read back as what the command printed (an
//! output line that reads as a command, `...`, a fence, or that a fence's
//! indentation changes) is refused with its file:line; and a page whose
//! bytes changed since docs-check read it is not written (file:line, exit 2).
//! A page that includes other files (`{{#include}}`...) is not rewritten
//! at all: each failing command of it is refused with its file:line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::book::Book;
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::report::{BlockResult, Report, Status};
use crate::transcript::{self, Rules};

/// What `--bless` said and whether it fixed every failure.
pub struct BlessOutcome {
    /// One line per page rewritten and per command refused.
    pub notes: String,
    /// Every failing command was rewritten (and none refused).
    pub fixed_all: bool,
}

/// `--bless` after a failed run: rewrite the failing commands of `report`.
pub fn bless_failures(book: &Book, report: &Report) -> Result<BlessOutcome> {
    let blessed = bless(book, &report.blocks)?;
    let mut notes = String::new();
    for (page, n) in &blessed.pages {
        notes.push_str(&format!("blessed {n} command(s) in {}\n", page.display()));
    }
    for r in &blessed.refused {
        notes.push_str(&format!("not blessed: {r}\n"));
    }
    let fixed: usize = blessed.pages.iter().map(|(_, n)| n).sum();
    let failing: usize = report
        .failed()
        .map(|b| {
            b.commands
                .iter()
                .filter(|c| c.status == Status::Failed)
                .count()
        })
        .sum();
    Ok(BlessOutcome {
        notes,
        fixed_all: blessed.refused.is_empty() && fixed == failing,
    })
}

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
    /// The block (index on its page) and command (index in the block).
    block: usize,
    command: usize,
    /// What the command printed, normalized.
    actual: Vec<String>,
    /// It ended without a newline.
    no_eol: bool,
    /// `page:line` of the command.
    at: String,
}

pub fn bless(book: &Book, results: &[BlockResult]) -> Result<Blessed> {
    let mut by_page: BTreeMap<&str, Vec<Edit>> = BTreeMap::new();
    let mut done = Blessed::default();
    let rules = Rules::default();
    for r in results.iter().filter(|r| r.status == Status::Failed) {
        // `page` names the file the block was written in, `source` its page.
        let Some(page) = book.pages.iter().find(|p| {
            if r.source.is_empty() {
                p.path.to_string_lossy() == r.page
            } else {
                p.rel.to_string_lossy().replace('\\', "/") == r.source
            }
        }) else {
            continue;
        };
        let Some(block) = page.blocks.get(r.index) else {
            continue;
        };
        // Edits are byte ranges of the page's file: a page whose text is
        // not its file's alone (`{{#include}}`...) is not rewritten.
        if !page.source_map().is_identity() {
            let why = if block.origin.path != page.path {
                format!(
                    "the block comes from `{}`, included by `{}`",
                    block.origin.path.display(),
                    page.path.display()
                )
            } else {
                "the page includes other files ({{#include}}...), so its text is not its file's"
                    .to_string()
            };
            for c in r.commands.iter().filter(|c| c.status == Status::Failed) {
                done.refused.push(format!(
                    "{}:{}: {why}; bless does not rewrite it; update it by hand",
                    r.page, c.line
                ));
            }
            continue;
        }
        let parsed = transcript::parse_block(block).unwrap_or_default();
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
                    "{at}: the output has a line `{bad}` that would read as a command or a fence"
                ));
                continue;
            }
            let starts = line_starts(text);
            // The expected lines without their trailing blank lines.
            let mut end = lines.end;
            while end > lines.start && line_at(text, &starts, end - 1).trim().is_empty() {
                end -= 1;
            }
            // A command without expected lines that ends the block: its
            // lines go at the block's end.
            let from = starts.get(lines.start).copied().unwrap_or(text.len());
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
            let old = rules.expectations(&written).unwrap_or_default();
            for l in &transcript::blessed_lines(&rules, &old, actual, c.no_eol) {
                new.push_str(l);
                new.push_str(eol);
            }
            by_page.entry(&r.page).or_default().push(Edit {
                range: range.start + from..range.start + to,
                text: new,
                block: r.index,
                command: parsed
                    .iter()
                    .position(|p| p.line == c.line)
                    .unwrap_or(usize::MAX),
                actual: actual.clone(),
                no_eol: c.no_eol,
                at,
            });
        }
    }
    let mut errors = Vec::new();
    for (page_path, mut edits) in by_page {
        let page = book
            .pages
            .iter()
            .find(|p| p.path.to_string_lossy() == page_path)
            .expect("page of a result");
        edits.sort_by_key(|e| e.range.start);
        // Drop the edits of blocks that would not read back, until the rest do.
        let out = loop {
            let out = apply(&page.text, &edits);
            let bad = misread_blocks(page, &out, &edits);
            if bad.is_empty() {
                break out;
            }
            for e in edits.iter().filter(|e| bad.contains(&e.block)) {
                done.refused.push(format!(
                    "{}: the new expected output would not read back as what the command printed (a line would read as a command, `...`, a fence, or lose its indentation); update it by hand",
                    e.at
                ));
            }
            edits.retain(|e| !bad.contains(&e.block));
        };
        if edits.is_empty() {
            continue;
        }
        // Write through a symbolic link to its target, and only when the page
        // is still what was read.
        let path = Path::new(page_path);
        let target = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        let root = std::fs::canonicalize(&book.root).map_err(|e| Error::io(&book.root, e))?;
        if !target.starts_with(&root) {
            errors.push(Error::input(
                path,
                1,
                format!(
                    "a symlink to `{}`, outside the book; not blessed (bless writes only inside the book)",
                    target.display()
                ),
            ));
            continue;
        }
        let now = std::fs::read(&target).map_err(|e| Error::io(&target, e))?;
        let raw = String::from_utf8(now).ok();
        let written = raw
            .as_deref()
            .filter(|raw| crate::source::text::normalize_text(raw.to_string()) == page.text)
            .and_then(|raw| in_file_bytes(raw, &page.text, &edits))
            .filter(|w| crate::source::text::normalize_text(w.clone()) == out);
        let Some(written) = written else {
            errors.push(Error::input(
                path,
                first_changed_line(&page.text, raw.as_deref().unwrap_or("").as_bytes()),
                "the page changed while docs-check ran; not blessed (run docs-check --bless again)",
            ));
            continue;
        };
        crate::fsutil::write_atomic(&target, written.as_bytes())?;
        done.pages.push((PathBuf::from(page_path), edits.len()));
    }
    Error::from_many(errors)?;
    Ok(done)
}

/// The edits applied to the page's file as it is on disk: `source` is that
/// file read as an editor shows it (`text::normalize_text`: a byte order
/// mark dropped, lone CRs read as LFs, both keeping every other byte where
/// it is), so everything but the edits is copied byte for byte, and the
/// new lines end as the file's lines do. `None` when `raw` is not the file
/// `source` was read from.
fn in_file_bytes(raw: &str, source: &str, edits: &[Edit]) -> Option<String> {
    let bom = if raw.starts_with('\u{feff}') {
        "\u{feff}"
    } else {
        ""
    };
    let body = &raw[bom.len()..];
    if body.len() != source.len() {
        return None;
    }
    let bytes = body.as_bytes();
    let lone_cr = bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    let mut out = String::with_capacity(raw.len());
    out.push_str(bom);
    let mut at = 0;
    for e in edits {
        out.push_str(body.get(at..e.range.start)?);
        if lone_cr {
            let mut rest = e.text.as_str();
            while let Some(i) = rest.find('\n') {
                let crlf = i > 0 && rest.as_bytes()[i - 1] == b'\r';
                out.push_str(&rest[..i]);
                out.push_str(if crlf { "\n" } else { "\r" });
                rest = &rest[i + 1..];
            }
            out.push_str(rest);
        } else {
            out.push_str(&e.text);
        }
        at = e.range.end;
    }
    out.push_str(body.get(at..)?);
    Some(out)
}

fn apply(source: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&source[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// The blocks (indices) whose edits do not read back from `new`: the page
/// parsed again must have the same blocks, each edited block the same
/// commands, and each blessed command expected output that matches what it
/// printed.
fn misread_blocks(page: &Page, new: &str, edits: &[Edit]) -> Vec<usize> {
    let all: Vec<usize> = edits.iter().map(|e| e.block).collect();
    let Ok(again) = Page::parse(&page.path, &page.rel, new.to_string()) else {
        return all;
    };
    if again.blocks.len() != page.blocks.len()
        || again
            .blocks
            .iter()
            .zip(&page.blocks)
            .any(|(a, b)| a.info != b.info)
    {
        return all;
    }
    let mut bad = Vec::new();
    for e in edits {
        let old = transcript::parse_block(&page.blocks[e.block]);
        let new = transcript::parse_block(&again.blocks[e.block]);
        let ok = match (old, new) {
            (Ok(old), Ok(new)) => {
                old.len() == new.len()
                    && old.iter().zip(&new).all(|(a, b)| a.command == b.command)
                    && new.get(e.command).is_some_and(|c| {
                        transcript::matches(&c.expected, &e.actual)
                            && transcript::ends_as_expected(&c.expected, e.no_eol)
                    })
            }
            _ => false,
        };
        if !ok {
            bad.push(e.block);
        }
    }
    bad.sort_unstable();
    bad.dedup();
    bad
}

/// The 1-based line of the first byte where `now` differs from `was`.
fn first_changed_line(was: &str, now: &[u8]) -> usize {
    let at = was
        .bytes()
        .zip(now)
        .position(|(a, &b)| a != b)
        .unwrap_or(was.len().min(now.len()));
    1 + now[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Would `l`, written as an expected line, read as a command or a fence?
/// (A line that would read as a pattern is written with ` (esc)`.)
fn unsafe_line(l: &str) -> bool {
    l == "$"
        || l.starts_with("$ ")
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
