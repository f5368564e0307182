//! What a run checks, decided before anything runs: the book and the pages
//! named on the command line, the blocks `--filter` keeps, the checks of
//! the input (console transcripts parse, the report can be written), and
//! `--list`.
//!
//! Which command blocks are tests is the book's choice (`[check] blocks`):
//! all of them, or only those marked `check` (the default of a book
//! without a `[check]` table). Flake examples (`file=flake.nix`) always are.

use std::path::{Path, PathBuf};

use super::partition::Partition;
use crate::book::Book;
use crate::config::Blocks;
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::markdown::codeblock::{self, BlockKind, CodeBlock};
use crate::paths::normalize;
use crate::transcript;

/// The selected pages, in book order, each with its selected blocks (pages
/// with none are left out).
pub struct Plan<'b> {
    pub pages: Vec<(&'b Page, Vec<&'b CodeBlock>)>,
    /// Every block `--list` shows, in book order: the selected ones
    /// (`None`) and those that could run but do not, with why.
    listed: Vec<(&'b Page, &'b CodeBlock, Option<&'static str>)>,
}

/// `--list`'s note on a command block the book does not make a test.
pub const NOT_MARKED: &str = "not a test: this book checks only blocks marked `check` ([check] blocks = \"marked\", the default without a [check] table)";
/// `--list`'s note on a console block without a command.
pub const OUTPUT_ONLY: &str = "output only: shown, never run";

impl<'b> Plan<'b> {
    /// Select the pages named in `page_args` (all when none) and their
    /// blocks that `filter` keeps, then this job's share of those pages
    /// (`partition`); `Err` when a page is not in the book or a console
    /// transcript does not parse.
    pub fn new(
        book: &'b Book,
        page_args: &[PathBuf],
        filter: Option<&str>,
        partition: Option<&Partition>,
    ) -> Result<Plan<'b>> {
        let selection = book.config.check.blocks;
        let rust = book.config.check.rust.enable;
        let mut listed = Vec::new();
        let mut pages = Vec::new();
        // The index of each page with blocks to run, as partitions count.
        let mut running = 0;
        for p in select_pages(book, page_args)? {
            let mut blocks = Vec::new();
            let mut notes = Vec::new();
            for b in p.blocks.iter().filter(|b| matches_filter(p, b, filter)) {
                if is_reported(b, selection) || is_rust_test(b, rust) {
                    blocks.push(b);
                    notes.push((p, b, None));
                } else if let Some(note) = not_run_note(b) {
                    notes.push((p, b, Some(note)));
                }
            }
            let mine = if blocks.is_empty() {
                // Nothing of it runs: listed by a run of the whole book.
                partition.is_none()
            } else {
                running += 1;
                partition.is_none_or(|part| part.selects(running - 1, &p.rel.to_string_lossy()))
            };
            if !mine {
                continue;
            }
            listed.extend(notes);
            if !blocks.is_empty() {
                pages.push((p, blocks));
            }
        }
        let plan = Plan { pages, listed };
        validate(&plan.pages)?;
        Ok(plan)
    }

    /// How many blocks run.
    pub fn block_count(&self) -> usize {
        self.pages.iter().map(|(_, b)| b.len()).sum()
    }

    /// How many command blocks could run but are not tests of this book.
    pub fn not_marked(&self) -> usize {
        self.listed
            .iter()
            .filter(|(_, _, note)| *note == Some(NOT_MARKED))
            .count()
    }

    /// `--list`: one line per selected block, and one per block that could
    /// run but does not, with why.
    pub fn list(&self) -> String {
        let mut out = String::new();
        for (_, b, note) in &self.listed {
            let mut line = format!("{}\t{}\t{}", b.location(), b.lang, b.first_line());
            if let Some(note) = note {
                line.push_str(&format!("\t({note})"));
            } else if let Some(reason) = &b.annotations.skip {
                line.push_str(&format!("\t(skip: {reason})"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// Blocks that appear in the report: flake examples, and the command
/// blocks `selection` makes tests.
pub fn is_reported(b: &CodeBlock, selection: Blocks) -> bool {
    matches!(
        b.kind(),
        BlockKind::Script | BlockKind::Console | BlockKind::Flake
    ) && b.is_test(selection)
}

/// Why a block that is not reported could have been: a command block
/// left unmarked, or a console block of output only.
fn not_run_note(b: &CodeBlock) -> Option<&'static str> {
    match b.kind() {
        BlockKind::Script | BlockKind::Console => Some(NOT_MARKED),
        BlockKind::Display
            if codeblock::CONSOLE_LANGS.contains(&b.lang.as_str()) && !b.unclosed =>
        {
            Some(OUTPUT_ONLY)
        }
        _ => None,
    }
}

/// Is `b` a Rust doctest of a book that checks them (`rust`)?
pub fn is_rust_test(b: &CodeBlock, rust: bool) -> bool {
    kind_of(b, rust) == BlockKind::Rust
}

/// What the checker does with `b`: a Rust block is a doctest when the book
/// checks Rust blocks (`rust`), else as its kind says.
pub fn kind_of(b: &CodeBlock, rust: bool) -> BlockKind {
    if rust && super::rust::attrs::is_rust(b) {
        BlockKind::Rust
    } else {
        b.kind()
    }
}

pub fn matches_filter(page: &Page, b: &CodeBlock, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| page.path.to_string_lossy().contains(f) || b.text.contains(f))
}

/// The book root and the page arguments: a first argument that is a folder
/// is the book; with none, the current folder. A first argument that does
/// not exist at all is an error about it.
pub fn split_paths(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>)> {
    match paths.split_first() {
        Some((first, rest)) if first.is_dir() => Ok((first.clone(), rest.to_vec())),
        Some((first, _)) if std::fs::symlink_metadata(first).is_err() => Err(Error::Other(
            format!("{}: no such folder or page", first.display()),
        )),
        _ => Ok((PathBuf::from("."), paths.to_vec())),
    }
}

/// Fail before anything runs when the report cannot be written at `path`.
pub fn ensure_writable(path: &Path, option: &str) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Other(format!(
            "{}: {option} names a folder; give the path of a file",
            path.display()
        )));
    }
    let mut dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    while !dir.exists() {
        match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => dir = p,
            None => {
                dir = Path::new(".");
                break;
            }
        }
    }
    let writable = |p: &Path| {
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok();
        // SAFETY: access(2) with a valid C string.
        c.is_some_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
    };
    let ok = if path.exists() {
        writable(path)
    } else {
        dir.is_dir() && writable(dir)
    };
    if !ok {
        return Err(Error::Other(format!(
            "{}: the report cannot be written there ({} is not a writable folder)",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Pages named on the command line (all when none), in book order.
fn select_pages<'b>(book: &'b Book, args: &[PathBuf]) -> Result<Vec<&'b Page>> {
    if args.is_empty() {
        return Ok(book.pages.iter().collect());
    }
    let canonical = |p: &Path| p.canonicalize().ok();
    let mut wanted = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let found = book.pages.iter().position(|p| {
            normalize(arg) == p.path
                || normalize(arg) == p.rel
                || (canonical(arg).is_some() && canonical(arg) == canonical(&p.path))
                || (canonical(&book.root.join(arg)).is_some()
                    && canonical(&book.root.join(arg)) == canonical(&p.path))
        });
        match found {
            Some(i) => wanted.push(i),
            None => {
                let names: Vec<String> = book
                    .pages
                    .iter()
                    .map(|p| p.path.to_string_lossy().into_owned())
                    .collect();
                let hint = crate::suggest::did_you_mean(
                    &arg.to_string_lossy(),
                    names.iter().map(String::as_str),
                );
                errors.push(Error::Other(format!(
                    "{}: not a page of the book at {}{hint}",
                    arg.display(),
                    book.root.display()
                )));
            }
        }
    }
    Error::from_many(errors)?;
    wanted.sort_unstable();
    wanted.dedup();
    Ok(wanted.into_iter().map(|i| &book.pages[i]).collect())
}

/// Console transcripts must parse before anything runs, and a background
/// block must be a script.
fn validate(selected: &[(&Page, Vec<&CodeBlock>)]) -> Result<()> {
    let mut errors = Vec::new();
    for (_, blocks) in selected {
        for b in blocks.iter().filter(|b| b.kind() == BlockKind::Console) {
            if b.annotations.background {
                errors.push(Error::input(
                    &b.origin.path,
                    b.origin.line,
                    format!(
                        "a `{} background` block is a script, but its first line is a `$ ` command, which makes it a transcript; write the commands without `$ `",
                        b.lang
                    ),
                ));
            } else if let Err((line, message)) = transcript::parse_block(b) {
                errors.push(Error::input(&b.origin.path, line, message));
            }
        }
    }
    Error::from_many(errors)
}
