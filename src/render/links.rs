//! Every internal link and `#anchor` of the book is checked before anything
//! is written. A broken one is a warning with its file and line, as mdBook
//! builds with broken links; `--strict` (or `[build] strict`) makes them
//! fatal. Links leaving the source folder are checked only with `[build]
//! link-check-outside-src`, and `[build] link-exclude` skips targets by
//! prefix.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::book::Book;
use crate::error::Result;
use crate::markdown::Page;
use crate::paths::{is_external, normalize, percent_decode};

/// The broken links of every page of `book`, each a `file:line: ...`
/// warning, in page order.
pub fn validate(book: &Book) -> Vec<String> {
    let src = book.root.join(&book.config.book.src);
    book.pages
        .par_iter()
        .flat_map_iter(|page| page_warnings(book, &src, page))
        .collect()
}

fn page_warnings(book: &Book, src: &Path, page: &Page) -> Vec<String> {
    let mut warnings = Vec::new();
    for link in &page.links {
        if excluded(&book.config.build.link_exclude, &link.dest) {
            continue;
        }
        if let Err(reason) = broken_reason(book, src, page, &link.dest) {
            warnings.push(format!(
                "{}: broken link `{}`: {reason}",
                link.at.clone(),
                link.dest
            ));
        }
    }
    warnings
}

/// Does a `[build] link-exclude` prefix match `dest`?
fn excluded(patterns: &[String], dest: &str) -> bool {
    patterns.iter().any(|p| {
        let prefix = p.strip_suffix('*').unwrap_or(p);
        !prefix.is_empty() && dest.starts_with(prefix)
    })
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
        if !book.config.build.link_check_outside_src {
            return Ok(());
        }
        return if src.join(&target).exists() {
            Ok(())
        } else {
            Err(format!(
                "it points outside the source folder and there is no `{}`",
                crate::paths::display_path(&src.join(&target)).display()
            ))
        };
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
        let lines = validate(&book);
        let msg = lines.join("\n");
        // `../../x.md` leaves the source folder: not checked by default.
        assert_eq!(lines.len(), 4, "{msg}");
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
    }

    #[test]
    fn outside_links_opt_in_and_exclusions() {
        let files = |toml: &'static str| {
            [
                ("book.toml", toml),
                ("src/SUMMARY.md", "# S\n\n- [A](a.md)\n"),
                (
                    "src/a.md",
                    "# A\n\n[std](../std/index.html) [here](../book.toml) [old](gone.md#x) [b](b.md)\n",
                ),
            ]
        };
        let (_d, b) = book(&files("[book]\n"));
        assert_eq!(validate(&b).len(), 2, "{:?}", validate(&b));
        let (_d, b) = book(&files("[build]\nlink-check-outside-src = true\n"));
        let w = validate(&b);
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(
            w[0].ends_with("a.md:3: broken link `../std/index.html`: it points outside the source folder and there is no `")
                || w[0].contains("a.md:3: broken link `../std/index.html`: it points outside the source folder and there is no `"),
            "{w:?}"
        );
        let (_d, b) = book(&files(
            "[build]\nlink-check-outside-src = true\nlink-exclude = [\"../std/\", \"gone.md*\", \"\"]\n",
        ));
        let w = validate(&b);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("broken link `b.md`: no page"), "{w:?}");
    }
}
