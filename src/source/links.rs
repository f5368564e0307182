//! mdBook's `links` preprocessor, built in: `{{#include}}`,
//! `{{#rustdoc_include}}`, `{{#playground}}` and `{{#title}}`, expanded
//! anywhere in a page's text (code blocks included) before it is parsed,
//! as mdBook expands them (`links.rs` and `links/take_lines.rs` of its
//! driver, 0.5):
//!
//! - `{{#include PATH}}`, `PATH:LINE`, `PATH:START:END`, `PATH:START:`,
//!   `PATH::END` (lines count from 1, END included) and `PATH:ANCHOR` (the
//!   lines between `ANCHOR: name` and `ANCHOR_END: name`, every other
//!   marker line dropped). `PATH` may be quoted (`"a b.rs"`).
//! - `{{#rustdoc_include PATH[:RANGE|:ANCHOR]}}`: the whole file, the lines
//!   outside the range hidden behind rustdoc's `# `.
//! - `{{#playground PATH ATTR...}}`: a `rust` code block of the file, the
//!   attributes added to its info string.
//! - `{{#title TEXT}}`: the page's `<title>`.
//! - `\{{#...}}`: the text as written, without the backslash.
//!
//! Included text is expanded in turn, relative to its own folder, at most
//! [`MAX_DEPTH`] deep. When the directive stands after other text on its
//! line (a list's indentation, a quote's `> `), every further line of the
//! included text starts with that text too, as in mdBook 0.5.
//!
//! Unlike mdBook, which logs and goes on, a file that is missing or an
//! anchor that is not there is an input error at the directive's file and
//! line. A range past the file's end (nothing included) and includes
//! nested past the limit (left as written) are warnings, as mdBook goes on
//! with both. The checker runs strangers' books, so
//! only files inside the book are read: the git work tree holding the book
//! root (books include their repository's examples: wasm-bindgen's guide
//! reads `../../../examples/wasm2js/src/lib.rs`), or the book root when it
//! is in none. An
//! absolute path, a `..` that leaves that folder, or a symlink leading out
//! of it, is an error too.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::mapped::{Mapped, lines_of};
use crate::diagnostics::{Location, Warnings};
use crate::error::{Error, Result};
use crate::paths::{display_path, normalize};

/// How deep includes nest (mdBook's limit).
pub const MAX_DEPTH: usize = 10;
/// How many files one page may include, counting repeats, and how many
/// bytes they may hold together: a book that includes a file ten times
/// from a file included ten times... would otherwise grow without end.
pub const MAX_INCLUDES: usize = 10_000;
pub const MAX_INCLUDED_BYTES: usize = 64 << 20;

/// Which lines of a file to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// 0-based first line (included) to 0-based end (excluded); `None` is
    /// the file's start or end.
    Lines(Option<usize>, Option<usize>),
    Anchor(String),
}

/// One `{{#...}}` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// `\{{#...}}`: kept as written without its backslash.
    Escaped,
    Include(String, Selection),
    RustdocInclude(String, Selection),
    /// The file and the attributes for the info string; `true` when it was
    /// written with mdBook's old name, `playpen`.
    Playground(String, Vec<String>, bool),
    Title(String),
}

/// A directive found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: std::ops::Range<usize>,
    pub directive: Directive,
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \\\{\{\#.*\}\}          # an escaped directive
        |
        \{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}   # {{#kind args}}",
    )
    .expect("valid regex")
});
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").expect("valid regex"));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").expect("valid regex"));

/// The directives of `text`, in order. Unknown kinds (`{{#foo x}}`) and
/// directives that do not parse are not directives: they stay text.
pub fn find(text: &str) -> Vec<Found> {
    LINK.captures_iter(text)
        .filter_map(|cap| {
            let whole = cap.get(0)?;
            let directive = match (cap.get(1), cap.get(2)) {
                (Some(kind), Some(args)) => parse(kind.as_str(), args.as_str())?,
                _ if whole.as_str().starts_with('\\') => Directive::Escaped,
                _ => return None,
            };
            Some(Found {
                range: whole.range(),
                directive,
            })
        })
        .collect()
}

fn parse(kind: &str, args: &str) -> Option<Directive> {
    match kind {
        "title" => Some(Directive::Title(args.to_string())),
        "include" => {
            let (path, sel) = path_and_selection(args)?;
            Some(Directive::Include(path, sel))
        }
        "rustdoc_include" => {
            let (path, sel) = path_and_selection(args)?;
            Some(Directive::RustdocInclude(path, sel))
        }
        "playground" | "playpen" => {
            let (path, rest) = match quoted(args.trim_start()) {
                Some((path, rest)) => (path, rest),
                None => {
                    let mut words = args.split_whitespace();
                    let path = words.next()?.to_string();
                    (path, words.collect::<Vec<_>>().join(" "))
                }
            };
            let attrs = rest.split_whitespace().map(str::to_string).collect();
            Some(Directive::Playground(path, attrs, kind == "playpen"))
        }
        _ => None,
    }
}

/// `"a \"b\".rs"` and the text after its closing quote.
fn quoted(input: &str) -> Option<(String, String)> {
    let after = input.strip_prefix('"')?;
    let mut path = String::new();
    let mut chars = after.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    path.push(next);
                }
            }
            '"' => return Some((path, after[i + 1..].to_string())),
            _ => path.push(c),
        }
    }
    None
}

/// `PATH[:RANGE|:ANCHOR]`, the path quoted or the first word.
fn path_and_selection(args: &str) -> Option<(String, Selection)> {
    let args = args.trim();
    if args.starts_with('"') {
        let (path, rest) = quoted(args)?;
        let sel = rest.trim_start().strip_prefix(':');
        return Some((path, selection(sel)));
    }
    let word = args.split_whitespace().next()?;
    let (path, sel) = match word.split_once(':') {
        Some((path, sel)) => (path, Some(sel)),
        None => (word, None),
    };
    Some((path.to_string(), selection(sel)))
}

/// mdBook's reading of `START:END`, `START`, `:END`, `START:` and `ANCHOR`.
fn selection(spec: Option<&str>) -> Selection {
    let mut parts = spec.unwrap_or("").splitn(3, ':');
    let first = parts.next();
    let start = match first.map(|s| (s, s.parse::<usize>())) {
        Some((_, Ok(n))) => Some(n.saturating_sub(1)),
        Some(("", _)) | None => None,
        Some((anchor, Err(_))) => return Selection::Anchor(anchor.to_string()),
    };
    match (start, parts.next().map(str::parse::<usize>)) {
        (Some(start), Some(Ok(end))) => Selection::Lines(Some(start), Some(end)),
        (Some(start), Some(Err(_))) => Selection::Lines(Some(start), None),
        (Some(start), None) => Selection::Lines(Some(start), Some(start + 1)),
        (None, Some(Ok(end))) => Selection::Lines(None, Some(end)),
        (None, _) => Selection::Lines(None, None),
    }
}

/// What expanding a page gave besides its text.
#[derive(Debug, Default)]
pub struct Extras {
    /// The text of the last `{{#title}}`.
    pub title: Option<String>,
    pub warnings: Warnings,
}

/// The folder includes may read from, as shown and resolved: the nearest
/// folder at or above the book root `root` (resolved: `real`) holding a
/// `.git`, else the book root.
fn include_root(root: &Path, real: &Path) -> (PathBuf, PathBuf) {
    let mut shown = root.to_path_buf();
    for folder in real.ancestors() {
        if folder.join(".git").exists() {
            return (normalize(&shown), folder.to_path_buf());
        }
        shown.push("..");
    }
    (root.to_path_buf(), real.to_path_buf())
}

/// Expands the directives of one page.
pub struct Expander {
    /// The book root, as given and resolved; `None` where no file may be
    /// read (a text that is not a book's page).
    root: Option<(PathBuf, PathBuf)>,
    pub extras: Extras,
    /// Files read so far and their bytes (see [`MAX_INCLUDES`]).
    reads: usize,
    bytes: usize,
}

impl Expander {
    /// An expander reading files inside the book at `root` (see the
    /// module's documentation for which folder that is).
    pub fn new(root: Option<&Path>) -> Result<Expander> {
        let root = match root {
            Some(root) => {
                let real = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
                Some(include_root(root, &real))
            }
            None => None,
        };
        Ok(Expander {
            root,
            extras: Extras::default(),
            reads: 0,
            bytes: 0,
        })
    }

    /// Expand the directives of `input`, the text of the file shown as
    /// `file` (or a part of it), `depth` includes deep. Every bad directive
    /// of the text is reported, each at its file and line.
    pub fn expand(&mut self, input: &Mapped, file: &Path, depth: usize) -> Result<Mapped> {
        let found = find(&input.text);
        if found.is_empty() {
            return Ok(input.clone());
        }
        let mut out = Mapped::default();
        let mut errors = Vec::new();
        let mut last = 0;
        for f in found {
            out.push_from(input, last..f.range.start);
            last = f.range.end;
            let at = input.locate(f.range.start);
            let written = &input.text[f.range.clone()];
            match self.render(input, &f, written, file, &at, depth) {
                Ok(Some(content)) => push_with_prefix(&mut out, &content),
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        out.push_from(input, last..input.len());
        Error::from_many(errors)?;
        Ok(out)
    }

    /// The text a directive stands for, expanded in turn; `None` for
    /// `{{#title}}`.
    fn render(
        &mut self,
        input: &Mapped,
        found: &Found,
        written: &str,
        file: &Path,
        at: &Location,
        depth: usize,
    ) -> Result<Option<Mapped>> {
        let err = |message: String| Error::input(at.path.clone(), at.line, message);
        let (path, piece) = match &found.directive {
            Directive::Escaped => {
                let mut out = Mapped::default();
                out.push_from(input, found.range.start + 1..found.range.end);
                return Ok(Some(out));
            }
            Directive::Title(title) => {
                self.extras.title = Some(title.trim().to_string());
                return Ok(None);
            }
            Directive::Include(path, sel) => {
                let (shown, whole) = self.read(file, path, written, at)?;
                let piece = match sel {
                    Selection::Lines(start, end) => {
                        let (a, b) = self.line_range(&whole, *start, *end, written, &shown, at)?;
                        take(&whole, (a..b).map(|i| (i, false)))
                    }
                    Selection::Anchor(name) => {
                        let lines = anchored(&whole, name, false, written, &shown).map_err(err)?;
                        take(&whole, lines.into_iter())
                    }
                };
                (shown, piece)
            }
            Directive::RustdocInclude(path, sel) => {
                let (shown, whole) = self.read(file, path, written, at)?;
                let lines = match sel {
                    Selection::Lines(start, end) => {
                        let (a, b) = self.line_range(&whole, *start, *end, written, &shown, at)?;
                        let n = lines_of(&whole.text).len();
                        (0..n).map(|i| (i, !(a..b).contains(&i))).collect()
                    }
                    Selection::Anchor(name) => {
                        anchored(&whole, name, true, written, &shown).map_err(err)?
                    }
                };
                (shown.clone(), take(&whole, lines.into_iter()))
            }
            Directive::Playground(path, attrs, old_name) => {
                if *old_name {
                    self.extras.warnings.push(format!(
                        "{at}: `{{{{#playpen}}}}` is mdBook's old name of `{{{{#playground}}}}`; write `{{{{#playground}}}}`"
                    ));
                }
                let (shown, whole) = self.read(file, path, written, at)?;
                let mut out = Mapped::default();
                let info = if attrs.is_empty() {
                    "```rust\n".to_string()
                } else {
                    format!("```rust,{}\n", attrs.join(","))
                };
                out.push_written(&info, at);
                out.append(&whole);
                if !whole.text.ends_with('\n') {
                    out.push_written("\n", at);
                }
                out.push_written("```\n", at);
                (shown, out)
            }
        };
        if depth >= MAX_DEPTH {
            // As mdBook: said, and the directive stays as written.
            self.extras.warnings.push(format!(
                "{at}: `{written}`: includes nest more than {MAX_DEPTH} deep, so it is left as written; does `{}` include itself?",
                path.display()
            ));
            let mut out = Mapped::default();
            out.push_from(input, found.range.clone());
            return Ok(Some(out));
        }
        self.expand(&piece, &path, depth + 1).map(Some)
    }

    /// The 0-based range of lines `start..end` selects in `whole`. A range
    /// that starts past the file's end selects nothing, as in mdBook, and
    /// is a warning.
    fn line_range(
        &mut self,
        whole: &Mapped,
        start: Option<usize>,
        end: Option<usize>,
        written: &str,
        shown: &Path,
        at: &Location,
    ) -> Result<(usize, usize)> {
        let n = lines_of(&whole.text).len();
        let a = start.unwrap_or(0);
        let b = end.unwrap_or(n).min(n);
        if end.is_some_and(|e| a >= e) {
            return Err(Error::input(
                at.path.clone(),
                at.line,
                format!(
                    "`{written}`: the range ends before it starts (lines count from 1, `START:END` includes END)"
                ),
            ));
        }
        if a >= n && !(a == 0 && n == 0) {
            self.extras.warnings.push(format!(
                "{at}: `{written}`: `{}` has {n} line{}, so there is no line {}; the range selects no line",
                shown.display(),
                if n == 1 { "" } else { "s" },
                a + 1
            ));
            return Ok((n, n));
        }
        Ok((a, b))
    }

    /// Read the file `path` names from the file shown as `file`: its shown
    /// path and its text.
    fn read(
        &mut self,
        file: &Path,
        path: &str,
        written: &str,
        at: &Location,
    ) -> Result<(PathBuf, Mapped)> {
        let err = |message: String| Error::input(at.path.clone(), at.line, message);
        let Some((root, real_root)) = &self.root else {
            return Err(err(format!(
                "`{written}`: this text is not a book's page, so it includes nothing"
            )));
        };
        if Path::new(path).is_absolute() {
            return Err(err(format!(
                "`{written}`: `{path}` is an absolute path; include files by a path relative to the including file, inside the book"
            )));
        }
        let dir = file.parent().unwrap_or(Path::new(""));
        let shown = display_path(&dir.join(path));
        // Compared as absolute paths: a relative root climbs with `..`.
        let absolute = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.into()));
        let inside = absolute(&shown)
            .strip_prefix(absolute(root))
            .is_ok_and(|rest| !rest.starts_with(".."));
        if !inside {
            return Err(err(format!(
                "`{written}`: `{}` is outside the book (`{}`); only files inside the book (its git work tree, or the book root outside one) are included",
                shown.display(),
                display_path(root).display()
            )));
        }
        let real = match std::fs::canonicalize(&shown) {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(err(format!(
                    "`{written}`: `{}` does not exist",
                    shown.display()
                )));
            }
            Err(e) => return Err(err(format!("`{written}`: `{}`: {e}", shown.display()))),
        };
        if !real.starts_with(real_root) {
            return Err(err(format!(
                "`{written}`: `{}` leads to `{}`, outside the book (`{}`); only files inside the book (its git work tree, or the book root outside one) are included",
                shown.display(),
                real.display(),
                display_path(root).display()
            )));
        }
        if !real.is_file() {
            return Err(err(format!(
                "`{written}`: `{}` is not a file",
                shown.display()
            )));
        }
        self.reads += 1;
        if self.reads > MAX_INCLUDES || self.bytes > MAX_INCLUDED_BYTES {
            return Err(err(format!(
                "`{written}`: the page includes more than {MAX_INCLUDES} files or {} MiB in all; include less",
                MAX_INCLUDED_BYTES >> 20
            )));
        }
        let text = super::text::read_text(&shown)?;
        self.bytes += text.len();
        Ok((shown.clone(), Mapped::of_file(&shown, text)))
    }
}

/// Append `content` to `out`. Its last line break goes (mdBook joins the
/// included lines), and when the directive stood after other text on its
/// line, each further line starts with that text.
fn push_with_prefix(out: &mut Mapped, content: &Mapped) {
    let text = &content.text;
    let end = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t).len())
        .unwrap_or(text.len());
    let line_start = out.text.rfind('\n').map_or(0, |i| i + 1);
    let prefix = out.text[line_start..].to_string();
    if prefix.is_empty() {
        out.push_from(content, 0..end);
        return;
    }
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', &text.as_bytes()[..end]) {
        out.push_from(content, from..nl + 1);
        from = nl + 1;
        out.push_written(&prefix, &content.locate(from));
    }
    out.push_from(content, from..end);
}

/// The lines of an anchor, `(line, hidden)`. For `{{#include}}` only the
/// lines between the anchor's markers; with `hide_rest`, every other line
/// too, hidden. Marker lines are dropped either way.
fn anchored(
    whole: &Mapped,
    name: &str,
    hide_rest: bool,
    written: &str,
    shown: &Path,
) -> std::result::Result<Vec<(usize, bool)>, String> {
    let mut out = Vec::new();
    let mut found = false;
    let mut inside = false;
    for (i, (start, end, _)) in lines_of(&whole.text).into_iter().enumerate() {
        let line = &whole.text[start..end];
        if let Some(cap) = ANCHOR_END.captures(line) {
            if inside && &cap[1] == name {
                inside = false;
            }
            continue;
        }
        if let Some(cap) = ANCHOR_START.captures(line) {
            if &cap[1] == name {
                found = true;
                inside = true;
            }
            continue;
        }
        if inside {
            out.push((i, false));
        } else if hide_rest {
            out.push((i, true));
        }
    }
    if !found {
        return Err(format!(
            "`{written}`: `{}` has no `ANCHOR: {name}` line",
            shown.display()
        ));
    }
    Ok(out)
}

/// The given lines of `whole`, hidden ones behind `# `, joined by their
/// line breaks; the last has none.
fn take(whole: &Mapped, lines: impl Iterator<Item = (usize, bool)>) -> Mapped {
    let all = lines_of(&whole.text);
    let picked: Vec<(usize, bool)> = lines.filter(|(i, _)| *i < all.len()).collect();
    let mut out = Mapped::default();
    let file = whole.locate(0).path;
    for (k, &(i, hidden)) in picked.iter().enumerate() {
        let (start, end, next) = all[i];
        if hidden {
            out.push_written("# ", &Location::new(file.clone(), i + 1));
        }
        let to = if k + 1 == picked.len() { end } else { next };
        out.push_from(whole, start..to);
    }
    out
}

#[cfg(test)]
mod tests;
