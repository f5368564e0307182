//! `print.html`: every chapter on one page, as mdBook writes it. The
//! chapters' HTML is rewritten so that the page holds together:
//!
//! - every `id` is unique across the book (a repeated one gets `-1`,
//!   `-2` ..., as mdBook numbers them), and links to it follow;
//! - a chapter that does not start with an `<h1 id>` gets one from its
//!   title, so that a link to the chapter has somewhere to land;
//! - a link to a chapter becomes a link to its place on this page
//!   (`other.html#part` -> `#part`, `other.html` -> `#other-title`); a
//!   link to anything else is rewritten relative to the site root, where
//!   `print.html` lives.
//!
//! The HTML is rewritten with `lol_html`, so raw HTML in a page is handled
//! like Markdown's.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use lol_html::{HtmlRewriter, Settings, element};

use super::escape::escape_html;
use crate::error::{Error, Result};
use crate::paths::{is_external, normalize, percent_decode, url_path};

/// The page's URL, relative to the site root.
pub const PRINT_PAGE: &str = "print.html";

/// One chapter of the print page.
pub struct Chapter<'a> {
    /// Its URL relative to the site root: `fix/lockfile.html`.
    pub url: &'a str,
    pub title: &'a str,
    /// The HTML of its content.
    pub html: &'a str,
}

/// What the first pass learns of a chapter.
#[derive(Default)]
struct Ids {
    /// The new id of each element with an id, in document order.
    new: Vec<String>,
    /// Old id -> new id, where they differ.
    changed: HashMap<String, String>,
    /// The id of the chapter's top: its first heading's, when that is an
    /// `<h1 id>`; else one made from its title, for a new `<h1>`.
    top: String,
    /// The chapter has no `<h1 id>` to start with: one is put in front.
    new_top: bool,
}

/// The content of the print page: every chapter, in order, rewritten (see
/// the module documentation); with `page_break`, each chapter after the
/// first starts a printed page.
///
/// Two passes, as mdBook makes them: the first reads every id of the book
/// (so that a link can lead to a later chapter), the second writes.
pub fn print_content(chapters: &[Chapter<'_>], page_break: bool) -> Result<String> {
    let mut out: Vec<u8> = Vec::new();
    print_into(chapters, page_break, &mut out)?;
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// [`print_content`], written to `out` chapter by chapter.
pub fn print_into(
    chapters: &[Chapter<'_>],
    page_break: bool,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let mut used = Used::default();
    let mut ids = Vec::with_capacity(chapters.len());
    for chapter in chapters {
        ids.push(scan(chapter, &mut used)?);
    }
    // As mdBook does, the tops made from titles come after every id.
    for (chapter, ids) in chapters.iter().zip(&mut ids) {
        if ids.new_top {
            let slug = crate::markdown::page::slug(chapter.title);
            let base = if slug.is_empty() { "chapter" } else { &slug };
            ids.top = unique_id(base, &mut used);
        }
    }
    let by_url: HashMap<&str, &Ids> = chapters.iter().map(|c| c.url).zip(&ids).collect();
    for (n, (chapter, ids)) in chapters.iter().zip(&ids).enumerate() {
        if n > 0 && page_break {
            out.write_all(b"<div class=\"print-page-break\" aria-hidden=\"true\"></div>\n")
                .map_err(write_error)?;
        }
        if ids.new_top {
            let id = escape_html(&ids.top);
            writeln!(
                out,
                "<h1 id=\"{id}\"><a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>{}</h1>",
                escape_html(chapter.title)
            )
            .map_err(write_error)?;
        }
        write(chapter, ids, &by_url, out)?;
    }
    Ok(())
}

/// The ids taken on the page, and for each id the last number tried after
/// it, so that the hundredth `overview` does not try the 99 before it.
#[derive(Default)]
struct Used {
    ids: HashSet<String>,
    last: HashMap<String, usize>,
}

/// `id` itself when unused, else `id-1`, `id-2` ...: the first free one,
/// marked used.
fn unique_id(id: &str, used: &mut Used) -> String {
    if used.ids.insert(id.to_string()) {
        return id.to_string();
    }
    let n = used.last.entry(id.to_string()).or_insert(0);
    loop {
        *n += 1;
        let candidate = format!("{id}-{n}");
        if used.ids.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn rewrite_error(url: &str, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("{PRINT_PAGE}: chapter `{url}`: {e}"))
}

/// The first pass over a chapter: its ids made unique in `used`, and
/// whether it starts with an `<h1 id>`.
fn scan(chapter: &Chapter<'_>, used: &mut Used) -> Result<Ids> {
    let used = RefCell::new(used);
    let ids = RefCell::new(Ids::default());
    // None: no heading seen yet; Some(None): the first was not an h1 with an id.
    let top: RefCell<Option<Option<String>>> = RefCell::new(None);
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .with_strict(false)
            .with_enable_esi_tags(false)
            .append_element_content_handler(element!("[id], h1, h2, h3, h4, h5, h6", |el| {
                let new_id = el.get_attribute("id").map(|id| {
                    let new = unique_id(&id, &mut used.borrow_mut());
                    let mut ids = ids.borrow_mut();
                    ids.new.push(new.clone());
                    if new != id {
                        ids.changed.insert(id, new.clone());
                    }
                    new
                });
                let name = el.tag_name();
                let mut top = top.borrow_mut();
                if top.is_none() && matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                {
                    *top = Some(new_id.filter(|_| name == "h1"));
                }
                Ok(())
            })),
        |_: &[u8]| {},
    );
    rewriter
        .write(chapter.html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| rewrite_error(chapter.url, e))?;
    let mut ids = ids.into_inner();
    match top.into_inner().flatten() {
        Some(id) => ids.top = id,
        None => ids.new_top = true,
    }
    Ok(ids)
}

/// The second pass over a chapter: its HTML with the new ids and its links
/// rewritten for the print page, appended to `out`.
fn write(
    chapter: &Chapter<'_>,
    ids: &Ids,
    by_url: &HashMap<&str, &Ids>,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let url = chapter.url;
    let base = Path::new(url).parent().unwrap_or(Path::new(""));
    let rewrite = |dest: &str| -> Option<String> {
        if is_external(dest) || dest.starts_with('/') {
            return None;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (dest, None),
        };
        // Raw HTML may still name a page by its `.md` file.
        let page_path = crate::paths::md_to_html(path);
        let target = if path.is_empty() {
            url.to_string()
        } else {
            url_path(&normalize(&base.join(percent_decode(&page_path))))
        };
        let Some(chapter) = by_url.get(target.as_str()) else {
            // Not a chapter: the same file, seen from the site root.
            if path.is_empty() {
                return None;
            }
            let mut link = url_path(&normalize(&base.join(path)));
            if let Some(anchor) = anchor {
                link.push('#');
                link.push_str(anchor);
            }
            return Some(link);
        };
        let id = match anchor {
            Some(anchor) => chapter.changed.get(anchor).map_or(anchor, String::as_str),
            None => chapter.top.as_str(),
        };
        Some(format!("#{id}"))
    };
    let link = |attr: &'static str| {
        move |el: &mut lol_html::html_content::Element<'_, '_>| -> lol_html::HandlerResult {
            if let Some(dest) = el.get_attribute(attr)
                && let Some(new) = rewrite(&dest)
            {
                el.set_attribute(attr, &new)?;
            }
            Ok(())
        }
    };
    let mut next_id = ids.new.iter();
    let mut failed: Option<std::io::Error> = None;
    let mut rewriter = HtmlRewriter::new(
        Settings::new()
            .with_strict(false)
            .with_enable_esi_tags(false)
            .append_element_content_handler(element!("[id]", |el| {
                if let Some(new) = next_id.next()
                    && el.get_attribute("id").is_some_and(|id| id != *new)
                {
                    el.set_attribute("id", new)?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("a[href]", link("href")))
            .append_element_content_handler(element!("img[src]", link("src"))),
        |c: &[u8]| {
            if failed.is_none()
                && let Err(e) = out.write_all(c)
            {
                failed = Some(e);
            }
        },
    );
    rewriter
        .write(chapter.html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| rewrite_error(url, e))?;
    failed.map_or(Ok(()), |e| Err(write_error(e)))
}

fn write_error(e: std::io::Error) -> Error {
    Error::io(Path::new(PRINT_PAGE), e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter<'a>(url: &'a str, title: &'a str, html: &'a str) -> Chapter<'a> {
        Chapter { url, title, html }
    }

    #[test]
    fn unique_ids_take_the_first_free_number() {
        let mut used = Used::default();
        let got: Vec<String> = ["a", "a-1", "a", "a", "b", "a-2"]
            .iter()
            .map(|id| unique_id(id, &mut used))
            .collect();
        assert_eq!(got, ["a", "a-1", "a-2", "a-3", "b", "a-2-1"]);
    }

    #[test]
    fn ids_are_unique_and_links_follow_them() {
        let out = print_content(
            &[
                chapter(
                    "a.html",
                    "A",
                    "<h1 id=\"a\">A</h1>\n<h2 id=\"setup\">Setup</h2>\n<p><a href=\"#setup\">here</a> <a href=\"b.html#setup\">there</a> <a href=\"b.html\">B</a></p>\n",
                ),
                chapter(
                    "b.html",
                    "B",
                    "<h1 id=\"b\">B</h1>\n<h2 id=\"setup\">Setup</h2>\n<p><a href=\"#setup\">mine</a> <a href=\"a.html#setup\">theirs</a></p>\n",
                ),
            ],
            true,
        )
        .unwrap();
        assert_eq!(
            out,
            "<h1 id=\"a\">A</h1>\n<h2 id=\"setup\">Setup</h2>\n<p><a href=\"#setup\">here</a> <a href=\"#setup-1\">there</a> <a href=\"#b\">B</a></p>\n\
             <div class=\"print-page-break\" aria-hidden=\"true\"></div>\n\
             <h1 id=\"b\">B</h1>\n<h2 id=\"setup-1\">Setup</h2>\n<p><a href=\"#setup-1\">mine</a> <a href=\"#setup\">theirs</a></p>\n"
        );
    }

    #[test]
    fn a_chapter_without_h1_gets_one_and_other_links_start_from_the_root() {
        let out = print_content(
            &[
                chapter(
                    "first/index.html",
                    "First one",
                    "<h2 id=\"x\">X</h2>\n<p><a href=\"nested.html\">n</a> <img src=\"../img/a.png\"> <a href=\"data.json#k\">d</a> <a href=\"https://e.org/a.html\">e</a> <a href=\"/abs.html\">r</a></p>\n",
                ),
                chapter("first/nested.html", "Nested", "<p>no heading</p>\n"),
            ],
            false,
        )
        .unwrap();
        assert!(
            out.starts_with("<h1 id=\"first-one\"><a class=\"anchor\" href=\"#first-one\""),
            "{out}"
        );
        assert!(out.contains("<a href=\"#nested\">n</a>"), "{out}");
        assert!(out.contains("<img src=\"img/a.png\">"), "{out}");
        assert!(out.contains("<a href=\"first/data.json#k\">d</a>"), "{out}");
        assert!(out.contains("href=\"https://e.org/a.html\""), "{out}");
        assert!(out.contains("href=\"/abs.html\""), "{out}");
        assert!(out.contains("<h1 id=\"nested\">"), "{out}");
        assert!(!out.contains("print-page-break"), "{out}");
    }
}
