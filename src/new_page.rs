//! `guidebook new "Title"`: a new edge-case page from a template, listed in
//! SUMMARY.md under the edge cases. SUMMARY.md gets one new line; nothing
//! else in it changes.

use std::path::{Path, PathBuf};

use crate::book::Book;
use crate::error::{Error, Result};
use crate::markdown::page::slug;
use crate::paths::display_path;
use crate::summary::{SUMMARY_FILE, SummaryItem};

const TEMPLATE: &str = include_str!("templates/edge-case.md");

/// What `new` wrote.
#[derive(Debug)]
pub struct NewPage {
    /// The new page, as the user names it.
    pub page: PathBuf,
    pub summary: PathBuf,
    /// 1-based line of SUMMARY.md that lists it.
    pub summary_line: usize,
}

/// Add an edge-case page titled `title` to the book at `root`.
pub fn new_edge_case(root: &Path, title: &str) -> Result<NewPage> {
    let title = title.trim();
    if title.is_empty() || title.contains(['\n', '[', ']']) {
        return Err(Error::Usage(format!(
            "`{title}` is not a usable page title (one line, no brackets)"
        )));
    }
    let book = Book::load(root)?;
    let src = root.join(&book.config.book.src);
    let summary_path = src.join(SUMMARY_FILE);
    let summary_display = display_path(&summary_path);
    let summary_text = crate::error::read_to_string(&summary_path)?;

    let place = edge_case_place(&book, &summary_text).ok_or_else(|| {
        Error::input(
            &summary_display,
            1,
            "no edge cases to add to: SUMMARY.md needs a part titled `# Edge cases` or a chapter `edge-cases/index.md`",
        )
    })?;
    let rel = place.dir.join(format!("{}.md", slug(title)));
    let full = src.join(&rel);
    if full.exists() {
        return Err(Error::Source {
            path: display_path(&full),
            message: "the file already exists; choose another title".into(),
        });
    }
    if let Some(same) = book
        .summary
        .chapters()
        .iter()
        .find(|c| c.title.eq_ignore_ascii_case(title))
    {
        return Err(Error::input(
            &summary_display,
            same.line,
            format!("a chapter titled `{title}` is already listed here"),
        ));
    }

    let link_target = rel.to_string_lossy().replace(' ', "%20");
    let entry = format!("{}- [{title}]({link_target})", place.indent);
    let (new_summary, line) = insert_line_after(&summary_text, place.after_line, &entry);

    let fix_link = relative_link(&rel, &book);
    let text = TEMPLATE
        .replace("{{title}}", title)
        .replace("{{fix_link}}", &fix_link);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&full, text).map_err(|e| Error::io(&full, e))?;
    if let Err(e) = crate::fsutil::write_atomic(&summary_path, new_summary.as_bytes()) {
        let _ = std::fs::remove_file(&full);
        return Err(e);
    }
    Ok(NewPage {
        page: display_path(&full),
        summary: summary_display,
        summary_line: line,
    })
}

/// Where edge-case pages live and where SUMMARY.md lists them.
struct Place {
    dir: PathBuf,
    indent: String,
    /// The new entry goes after this 1-based line.
    after_line: usize,
}

fn edge_case_place(book: &Book, summary_text: &str) -> Option<Place> {
    let items = &book.summary.items;
    // An `edge-cases/index.md`-style chapter with children: add a child.
    let parent = book.summary.chapters().into_iter().find(|c| {
        c.path.as_ref().is_some_and(|p| {
            p.parent().is_some_and(|d| d.ends_with("edge-cases"))
                && p.file_stem().is_some_and(|s| s == "index" || s == "README")
        })
    });
    let lines: Vec<&str> = summary_text.lines().collect();
    if let Some(parent) = parent {
        let dir = parent.path.as_ref()?.parent()?.to_path_buf();
        let (indent, last) = match parent.children.last() {
            Some(SummaryItem::Chapter(last)) => {
                (indent_of(lines.get(last.line - 1)?), last_line(last))
            }
            _ => (
                format!("{}  ", indent_of(lines.get(parent.line - 1)?)),
                parent.line,
            ),
        };
        return Some(Place {
            dir,
            indent,
            after_line: last,
        });
    }
    // Otherwise the chapters after a part titled "Edge cases".
    let start = items.iter().position(|i| {
        matches!(i, SummaryItem::PartTitle { title, .. } if title.to_lowercase().contains("edge case"))
    })?;
    let chapters: Vec<_> = items[start + 1..]
        .iter()
        .take_while(|i| !matches!(i, SummaryItem::PartTitle { .. }))
        .filter_map(|i| match i {
            SummaryItem::Chapter(c) if c.number.is_some() => Some(c),
            _ => None,
        })
        .collect();
    let last = chapters.last()?;
    let dir = last
        .path
        .as_ref()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("edge-cases"));
    Some(Place {
        dir,
        indent: indent_of(lines.get(last.line - 1)?),
        after_line: last_line(last),
    })
}

/// The last SUMMARY.md line of a chapter and its nested children.
fn last_line(chapter: &crate::summary::Chapter) -> usize {
    match chapter.children.iter().rev().find_map(|c| match c {
        SummaryItem::Chapter(c) => Some(c),
        _ => None,
    }) {
        Some(child) => last_line(child),
        None => chapter.line,
    }
}

fn indent_of(line: &str) -> String {
    line.chars().take_while(|c| c.is_whitespace()).collect()
}

/// Insert `entry` as a line after 1-based `after`; returns the text and the new line's number.
fn insert_line_after(text: &str, after: usize, entry: &str) -> (String, usize) {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if i + 1 == after {
            let mut out = String::with_capacity(text.len() + entry.len() + 1);
            out.push_str(&text[..offset]);
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(entry);
            out.push('\n');
            out.push_str(&text[offset..]);
            return (out, after + 1);
        }
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(entry);
    out.push('\n');
    let line = crate::diagnostics::LineIndex::new(&out).count(out.len());
    (out, line)
}

/// A link from the new page to the fix overview (or the first chapter).
fn relative_link(from: &Path, book: &Book) -> String {
    let target = book
        .summary
        .chapters()
        .into_iter()
        .filter_map(|c| c.path.clone())
        .find(|p| p.starts_with("fix"))
        .unwrap_or_else(|| PathBuf::from("index.md"));
    let depth = from.components().count().saturating_sub(1);
    format!("{}{}", "../".repeat(depth), target.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_exactly_one_line() {
        let (out, line) = insert_line_after("a\nb\nc\n", 2, "x");
        assert_eq!(out, "a\nb\nx\nc\n");
        assert_eq!(line, 3);
        let (out, line) = insert_line_after("a\nb", 2, "x");
        assert_eq!(out, "a\nb\nx\n");
        assert_eq!(line, 3);
    }

    fn book(summary: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("content");
        std::fs::create_dir_all(src.join("edge-cases")).unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]\nsrc = \"content\"\n").unwrap();
        std::fs::write(src.join("SUMMARY.md"), summary).unwrap();
        for p in [
            "intro.md",
            "fix/index.md",
            "edge-cases/index.md",
            "edge-cases/leaked-path.md",
            "faq.md",
        ] {
            std::fs::create_dir_all(src.join(p).parent().unwrap()).unwrap();
            std::fs::write(src.join(p), "# Page\n").unwrap();
        }
        dir
    }

    const SUMMARY: &str = "# Summary\n\n[Intro](intro.md)\n\n# The fix\n\n- [Fix](fix/index.md)\n\n# Edge cases\n\n- [Edge cases](edge-cases/index.md)\n    - [Leaked PATH](edge-cases/leaked-path.md)\n\n# Reference\n\n- [FAQ](faq.md)\n";

    #[test]
    fn adds_page_and_one_summary_line() {
        let dir = book(SUMMARY);
        let made = new_edge_case(dir.path(), "Shared target directories").unwrap();
        assert!(
            made.page
                .ends_with("content/edge-cases/shared-target-directories.md")
        );
        let summary = std::fs::read_to_string(dir.path().join("content/SUMMARY.md")).unwrap();
        let expected = SUMMARY.replace(
            "leaked-path.md)\n",
            "leaked-path.md)\n    - [Shared target directories](edge-cases/shared-target-directories.md)\n",
        );
        assert_eq!(summary, expected);
        assert_eq!(made.summary_line, 13);
        let page = std::fs::read_to_string(
            dir.path()
                .join("content/edge-cases/shared-target-directories.md"),
        )
        .unwrap();
        assert!(page.starts_with("# Shared target directories\n"));
        assert!(page.contains("](../fix/index.md)"));
        // The new page loads and its blocks parse.
        let loaded = Book::load(dir.path()).unwrap();
        assert_eq!(
            loaded
                .page(Path::new("edge-cases/shared-target-directories.md"))
                .unwrap()
                .blocks
                .len(),
            3
        );
        let again = new_edge_case(dir.path(), "Shared target directories").unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
    }

    #[test]
    fn part_without_index_chapter() {
        let summary = "# Summary\n\n# Edge cases\n\n- [Leaked PATH](edge-cases/leaked-path.md)\n\n# Reference\n\n- [FAQ](faq.md)\n";
        let dir = book(summary);
        new_edge_case(dir.path(), "Mixed channels").unwrap();
        let text = std::fs::read_to_string(dir.path().join("content/SUMMARY.md")).unwrap();
        assert!(
            text.contains(
                "leaked-path.md)\n- [Mixed channels](edge-cases/mixed-channels.md)\n\n# Reference"
            ),
            "{text}"
        );
    }
}
