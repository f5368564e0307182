//! Every internal link and `#anchor` of the book is checked before anything
//! is written; all broken links are reported at once, each with its line.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::paths::{is_external, normalize, percent_decode};

/// Check the links of every page of `book`.
pub fn validate(book: &Book) -> Result<()> {
    let src = book.root.join(&book.config.book.src);
    let errors: Vec<Error> = book
        .pages
        .par_iter()
        .flat_map_iter(|page| page_errors(book, &src, page))
        .collect();
    Error::from_many(errors)
}

fn page_errors(book: &Book, src: &Path, page: &Page) -> Vec<Error> {
    let mut errors = Vec::new();
    for link in &page.links {
        if let Err(reason) = broken_reason(book, src, page, &link.dest) {
            errors.push(Error::input(
                &page.path,
                link.line,
                format!("broken link `{}`: {reason}", link.dest),
            ));
        }
    }
    errors
}

fn broken_reason(book: &Book, src: &Path, page: &Page, dest: &str) -> Result<(), String> {
    if dest.is_empty() || is_external(dest) || dest.starts_with('/') {
        return Ok(());
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        let id = fragment.unwrap_or_default();
        return anchor(page, id, "this page");
    }
    let decoded = percent_decode(path);
    let target = normalize(&page.rel.parent().unwrap_or(Path::new("")).join(&decoded));
    if target.starts_with("..") {
        return Err("it points outside the source folder, which is not part of the site".into());
    }
    let shown = |p: &Path| {
        crate::paths::display_path(&src.join(p))
            .display()
            .to_string()
    };
    let linked_page = if decoded.ends_with(".md") {
        match book.page(&target) {
            Some(p) => Some(p),
            None if src.join(&target).is_file() => {
                return Err(format!(
                    "`{}` is not listed in SUMMARY.md, so it is not rendered",
                    shown(&target)
                ));
            }
            None => return Err(format!("no page `{}`", shown(&target))),
        }
    } else if let Some(stem) = decoded.strip_suffix(".html") {
        let stem = normalize(&page.rel.parent().unwrap_or(Path::new("")).join(stem));
        html_page(book, &stem)
    } else {
        None
    };
    match (linked_page, fragment) {
        (Some(p), Some(id)) if !id.is_empty() => anchor(p, id, &format!("`{}`", p.path.display())),
        (Some(_), _) => Ok(()),
        (None, _) if src.join(&target).exists() => Ok(()),
        (None, _) => Err(format!("no file `{}`", shown(&target))),
    }
}

/// The page rendered to `stem.html`.
fn html_page<'b>(book: &'b Book, stem: &Path) -> Option<&'b Page> {
    crate::paths::sources_of_stem(stem)
        .iter()
        .find_map(|c: &PathBuf| book.page(c))
        .or_else(|| {
            // The first chapter doubles as index.html.
            (stem == Path::new("index")).then(|| book.pages.first())?
        })
}

fn anchor(page: &Page, id: &str, where_: &str) -> Result<(), String> {
    if id.is_empty() || page.has_anchor(&percent_decode(id)) {
        Ok(())
    } else {
        let known: Vec<&str> = page.headings.iter().map(|h| h.id.as_str()).collect();
        let hint = crate::suggest::did_you_mean(id, known.iter().copied());
        Err(format!("no heading or anchor `#{id}` on {where_}{hint}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(files: &[(&str, &str)]) -> (tempfile::TempDir, Book) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let book = Book::load(dir.path()).unwrap();
        (dir, book)
    }

    #[test]
    fn reports_every_broken_link_with_its_line() {
        let (_dir, book) = book(&[
            ("src/SUMMARY.md", "# S\n\n- [A](a.md)\n- [B](sub/b.md)\n"),
            (
                "src/a.md",
                "# A\n\n## Setup\n\n[ok](sub/b.md#deep) [ok](#setup) [ok](img.png) [ok](https://x.org)\n\n[bad](gone.md)\n[bad](sub/b.md#nope)\n[bad](#setpu)\n",
            ),
            ("src/img.png", "png"),
            ("src/stray.md", "# S\n"),
            (
                "src/sub/b.md",
                "# B\n\n## Deep\n\n[ok](../a.md) [bad](../stray.md) [bad](../../x.md) [ok](../index.html)\n",
            ),
        ]);
        let msg = validate(&book).unwrap_err().to_string();
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines.len(), 5, "{msg}");
        assert!(
            lines[0].contains("a.md:7: broken link `gone.md`: no page"),
            "{msg}"
        );
        assert!(
            lines[1].contains("a.md:8: broken link `sub/b.md#nope`: no heading or anchor `#nope`"),
            "{msg}"
        );
        assert!(lines[2].contains("a.md:9: broken link `#setpu`: no heading or anchor `#setpu` on this page; did you mean `setup`?"), "{msg}");
        assert!(
            lines[3].contains("b.md:5: broken link `../stray.md`: "),
            "{msg}"
        );
        assert!(
            lines[3].ends_with("is not listed in SUMMARY.md, so it is not rendered"),
            "{msg}"
        );
        assert!(lines[4].contains("outside the source folder"), "{msg}");
    }
}
