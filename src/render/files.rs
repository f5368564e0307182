//! The files of a site that are not rendered pages: the theme's assets,
//! the book's own files (images ...) and its `additional-css`/`-js`.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use super::context;
use super::highlight;
use super::output::SiteDir;
use super::theme::Theme;
use crate::book::Book;
use crate::error::{Error, Result};
use crate::paths::display_path;

/// The theme's static files and the highlighting stylesheet.
pub(super) fn assets(theme: &Theme, out: &SiteDir) -> Result<()> {
    for (name, data) in &theme.assets {
        out.write(Path::new(name), data)?;
    }
    if !theme.assets.contains_key("css/highlight.css") {
        out.write(
            Path::new("css/highlight.css"),
            highlight::stylesheet().as_bytes(),
        )?;
    }
    Ok(())
}

/// `additional-css` and `additional-js` files must exist, inside the book
/// once symlinks are followed (a committed link to `~/.ssh/id_rsa` is not
/// published).
pub(super) fn require_additional_files(book: &Book) -> Result<()> {
    let config = &book.config;
    let html = &config.output.html;
    let root = book
        .root
        .canonicalize()
        .map_err(|e| Error::io(&book.root, e))?;
    let mut errors = Vec::new();
    for (key, files) in [
        ("additional-css", &html.additional_css),
        ("additional-js", &html.additional_js),
    ] {
        for (i, file) in files.iter().enumerate() {
            let path = book.root.join(file);
            let message = match path.canonicalize() {
                Ok(real) if !real.starts_with(&root) => format!(
                    "{key}: `{}` leads to `{}`, outside the book (through a symlink); copy the file into the book",
                    file.display(),
                    real.display()
                ),
                _ if !path.is_file() => format!(
                    "{key}: `{}` does not exist (paths are relative to the book root)",
                    file.display()
                ),
                _ => continue,
            };
            errors.push(Error::input(
                &config.file.shown,
                config.file.element_line(&["output", "html", key], i),
                message,
            ));
        }
    }
    Error::from_many(errors)
}

/// Copy the files of the source folder that are not Markdown (images ...),
/// skipping hidden files. A symlink is followed when what it points to lies
/// inside the book root; one leading out of the book, or nowhere, is an
/// error. A file whose output path is that of a page is an error too.
pub(super) fn copy_source_files(book: &Book, pages: &HashSet<&str>, out: &SiteDir) -> Result<()> {
    let src = book.root.join(&book.config.book.src);
    let root = book
        .root
        .canonicalize()
        .map_err(|e| Error::io(&book.root, e))?;
    let walker = walkdir::WalkDir::new(&src)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut errors = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = display_path(e.path().unwrap_or(&src));
                let message = if e.loop_ancestor().is_some() {
                    "a symlink to a folder that contains it; remove the link".to_string()
                } else if fs::symlink_metadata(e.path().unwrap_or(&src))
                    .is_ok_and(|m| m.file_type().is_symlink())
                {
                    "a symlink to nothing; remove the link or restore what it points to".to_string()
                } else {
                    e.io_error().map_or(e.to_string(), |io| io.to_string())
                };
                errors.push(Error::Source { path, message });
                continue;
            }
        };
        if entry.depth() > 0 && entry.path_is_symlink() {
            let target = entry
                .path()
                .canonicalize()
                .map_err(|e| Error::io(entry.path(), e))?;
            if !target.starts_with(&root) {
                errors.push(Error::Source {
                    path: display_path(entry.path()),
                    message: format!(
                        "a symlink to `{}`, outside the book; the site would lose it (copy the file into the book instead)",
                        target.display()
                    ),
                });
                continue;
            }
        }
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "md") {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&src) else {
            continue;
        };
        let url = context::url_path(rel);
        if pages.contains(url.as_str()) {
            errors.push(Error::Source {
                path: display_path(entry.path()),
                message: format!(
                    "a page of {} is written to `{url}` too; rename one of them",
                    crate::summary::SUMMARY_FILE
                ),
            });
            continue;
        }
        out.copy(entry.path(), rel)?;
    }
    Error::from_many(errors)
}
