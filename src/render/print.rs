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

use lol_html::{RewriteStrSettings, element, rewrite_str};

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

/// The content of the print page: every chapter, in order, rewritten (see
/// the module documentation); with `page_break`, each chapter after the
/// first starts a printed page.
pub fn print_content(chapters: Vec<Chapter<'_>>, page_break: bool) -> Result<String> {
    let mut used = HashSet::new();
    // Chapter URL -> (old id -> new id), and the id of each chapter's top.
    let mut remap: HashMap<&str, HashMap<String, String>> = HashMap::new();
    let mut tops: HashMap<&str, String> = HashMap::new();
    let mut unique = Vec::with_capacity(chapters.len());
    for chapter in &chapters {
        let (html, ids, top) = unique_ids(chapter, &mut used)?;
        remap.insert(chapter.url, ids);
        tops.insert(chapter.url, top);
        unique.push(html);
    }
    let mut out = String::new();
    for (chapter, html) in chapters.iter().zip(unique) {
        if !out.is_empty() && page_break {
            out.push_str("<div class=\"print-page-break\" aria-hidden=\"true\"></div>\n");
        }
        out.push_str(&rewrite_links(chapter.url, &html, &remap, &tops)?);
    }
    Ok(out)
}

/// `id` itself when unused, else `id-1`, `id-2` ...: the first free one,
/// marked used.
fn unique_id(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_string()) {
        return id.to_string();
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .unwrap_or_default()
}

/// The chapter's HTML with ids unique in `used`; the ids it changed, and
/// the id of its top (its first heading when that is an `<h1 id>`, else a
/// new `<h1>` with its title put in front).
fn unique_ids(
    chapter: &Chapter<'_>,
    used: &mut HashSet<String>,
) -> Result<(String, HashMap<String, String>, String)> {
    let used = RefCell::new(used);
    let changed = RefCell::new(HashMap::new());
    // None: no heading seen yet; Some(None): the first was not an h1 with an id.
    let top: RefCell<Option<Option<String>>> = RefCell::new(None);
    let html = rewrite_str(
        chapter.html,
        RewriteStrSettings::new()
            .with_strict(false)
            .with_enable_esi_tags(false)
            .append_element_content_handler(element!("*", |el| {
                let new_id = match el.get_attribute("id") {
                    Some(id) => {
                        let new = unique_id(&id, &mut used.borrow_mut());
                        if new != id {
                            el.set_attribute("id", &new)?;
                            changed.borrow_mut().insert(id, new.clone());
                        }
                        Some(new)
                    }
                    None => None,
                };
                let name = el.tag_name();
                let mut top = top.borrow_mut();
                if top.is_none() && matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                {
                    *top = Some(new_id.filter(|_| name == "h1"));
                }
                Ok(())
            })),
    )
    .map_err(|e| Error::Other(format!("{PRINT_PAGE}: chapter `{}`: {e}", chapter.url)))?;
    let (html, top) = match top.into_inner().flatten() {
        Some(id) => (html, id),
        None => {
            let slug = crate::markdown::page::slug(chapter.title);
            let base = if slug.is_empty() { "chapter" } else { &slug };
            let id = escape_html(&unique_id(base, &mut used.borrow_mut()));
            (
                format!(
                    "<h1 id=\"{id}\"><a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>{}</h1>\n{html}",
                    escape_html(chapter.title)
                ),
                id,
            )
        }
    };
    Ok((html, changed.into_inner(), top))
}

/// Links of one chapter rewritten for the print page.
fn rewrite_links(
    url: &str,
    html: &str,
    remap: &HashMap<&str, HashMap<String, String>>,
    tops: &HashMap<&str, String>,
) -> Result<String> {
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
        let Some(top) = tops.get(target.as_str()) else {
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
            Some(anchor) => remap
                .get(target.as_str())
                .and_then(|ids| ids.get(anchor))
                .map_or(anchor, String::as_str),
            None => top.as_str(),
        };
        Some(format!("#{id}"))
    };
    let handler = |attr: &'static str| {
        move |el: &mut lol_html::html_content::Element<'_, '_>| -> lol_html::HandlerResult {
            if let Some(dest) = el.get_attribute(attr)
                && let Some(new) = rewrite(&dest)
            {
                el.set_attribute(attr, &new)?;
            }
            Ok(())
        }
    };
    rewrite_str(
        html,
        RewriteStrSettings::new()
            .with_strict(false)
            .with_enable_esi_tags(false)
            .append_element_content_handler(element!("a[href]", handler("href")))
            .append_element_content_handler(element!("img[src]", handler("src"))),
    )
    .map_err(|e| Error::Other(format!("{PRINT_PAGE}: chapter `{url}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter<'a>(url: &'a str, title: &'a str, html: &'a str) -> Chapter<'a> {
        Chapter { url, title, html }
    }

    #[test]
    fn ids_are_unique_and_links_follow_them() {
        let out = print_content(
            vec![
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
            vec![
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
