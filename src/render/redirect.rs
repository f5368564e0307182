//! Redirect pages of `[output.html.redirect]`, as mdBook writes them: each
//! old path gets a small page (`redirect.html` of the theme) that sends the
//! reader on with a meta refresh, and a script that maps the old page's
//! `#fragment`s. Old fragments of a page that still exists are mapped by a
//! script in that page.
//!
//! The keys were checked when book.toml was read (see
//! [`crate::config::Redirect`]); here they are checked against the site:
//! a redirect may not replace a page or any other file the build writes.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::output::SiteDir;
use super::theme::Theme;
use crate::book::Book;
use crate::config::{Redirect, redirects};
use crate::error::{Error, Result};

/// The template of a redirect page.
pub const REDIRECT_TEMPLATE: &str = "redirect.html";

/// One redirect page to write.
#[derive(Debug, PartialEq, Eq)]
pub struct RedirectPage {
    /// The old file, relative to the site root.
    pub path: String,
    /// Where it leads.
    pub target: String,
    /// Old fragment (`#old`) -> new URL.
    pub fragments: BTreeMap<String, String>,
}

/// What the redirects of a book do to its site.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pages written for old paths.
    pub pages: Vec<RedirectPage>,
    /// For a page of the book: its old fragments -> new URLs.
    pub page_fragments: BTreeMap<String, BTreeMap<String, String>>,
}

/// The redirects of `book`, checked against the files its site holds;
/// every redirect that would replace one is an error at its book.toml line.
pub fn plan(book: &Book, theme: &Theme, pages: &[&str]) -> Result<Plan> {
    let config = &book.config;
    let pages: HashSet<&str> = pages.iter().copied().collect();
    let written = written_files(book, theme);
    let src = book.root.join(&config.book.src);
    let mut errors = Vec::new();
    let mut plan = Plan::default();
    // Old path -> its redirects, in book.toml order.
    let mut by_path: BTreeMap<String, Vec<Redirect>> = BTreeMap::new();
    for r in redirects(config) {
        by_path.entry(r.path.clone()).or_default().push(r);
    }
    // Every path the site will hold, to find a redirect written where a
    // folder of the site is, or inside a file of it.
    let html = &config.output.html;
    let site_files: HashSet<String> = pages
        .iter()
        .copied()
        .chain(written.iter().copied())
        .map(str::to_string)
        .chain(by_path.keys().cloned())
        .chain(
            html.additional_css
                .iter()
                .chain(&html.additional_js)
                .map(|f| crate::paths::url_path(&crate::paths::normalize(f))),
        )
        .collect();
    let error = |r: &Redirect, message: String| {
        Error::input(
            &config.file.shown,
            r.line,
            format!("redirect `{}`: {message}", r.key),
        )
    };
    for (path, entries) in by_path {
        let fragments: BTreeMap<String, String> = entries
            .iter()
            .filter_map(|r| Some((r.fragment.clone()?, r.target.clone())))
            .collect();
        let base = entries.iter().find(|r| r.fragment.is_none());
        if pages.contains(path.as_str()) {
            match base {
                Some(r) => errors.push(error(
                    r,
                    format!(
                        "`{path}` is a page of the book ({}); remove the redirect or the page",
                        crate::summary::SUMMARY_FILE
                    ),
                )),
                None => {
                    plan.page_fragments.insert(path, fragments);
                }
            }
            continue;
        }
        if let Some(message) = overlap(&path, &site_files, &src) {
            errors.push(error(&entries[0], message));
            continue;
        }
        let source_file = src.join(&path);
        if written.contains(path.as_str())
            || is_additional(book, &path)
            || (source_file.is_file() && !path.ends_with(".md"))
        {
            errors.push(error(
                &entries[0],
                format!("`{path}` is a file the build writes; remove the redirect or rename it"),
            ));
            continue;
        }
        let Some(base) = base else {
            errors.push(error(
                &entries[0],
                format!(
                    "`{path}` has only keys with a `#fragment`; add `\"/{path}\" = \"...\"` for where the rest of the old page leads"
                ),
            ));
            continue;
        };
        plan.pages.push(RedirectPage {
            path,
            target: base.target.clone(),
            fragments,
        });
    }
    Error::from_many(errors)?;
    Ok(plan)
}

/// Why `path` cannot be written beside the other files of the site: one
/// of its folders is a file of the site, or it is a folder of the site.
fn overlap(path: &str, site_files: &HashSet<String>, src: &Path) -> Option<String> {
    let is_file = |p: &str| site_files.contains(p) || src.join(p).is_file();
    let mut at = 0;
    while let Some(i) = path[at..].find('/') {
        let folder = &path[..at + i];
        if is_file(folder) {
            return Some(format!(
                "`{folder}` is a file of the site, so `{path}` cannot be written inside it"
            ));
        }
        at += i + 1;
    }
    let inside = format!("{path}/");
    if src.join(path).is_dir() || site_files.iter().any(|f| f.starts_with(&inside)) {
        return Some(format!(
            "`{path}` is a folder of the site; name the old page's file, like `/{path}/index.html`"
        ));
    }
    None
}

/// Files the build writes besides the pages and the book's own files.
fn written_files<'t>(book: &Book, theme: &'t Theme) -> HashSet<&'t str> {
    let html = &book.config.output.html;
    let mut files: HashSet<&str> = theme.assets.keys().map(String::as_str).collect();
    files.extend(["index.html", "404.html", "status.html", "searchindex.js"]);
    files.insert("css/highlight.css");
    if html.print.enable {
        files.insert("print.html");
    }
    if html.site_url.is_some() {
        files.insert("sitemap.xml");
    }
    if html.cname.is_some() {
        files.insert("CNAME");
    }
    files.insert(super::output::MARKER);
    files
}

/// Is `path` one of the book's `additional-css` / `-js` files?
fn is_additional(book: &Book, path: &str) -> bool {
    let html = &book.config.output.html;
    html.additional_css
        .iter()
        .chain(&html.additional_js)
        .any(|f| crate::paths::url_path(&crate::paths::normalize(f)) == path)
}

/// `value` as JSON for a script, with `<`, `>` and `&` escaped so that no
/// string in it can end the script.
pub fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_string())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[derive(Serialize)]
struct RedirectContext<'a> {
    language: &'a str,
    /// The new URL, for attributes (escaped by the template).
    url: &'a str,
    /// The new URL as a JSON string, for the script.
    url_json: String,
    /// Old fragments -> new URLs, as JSON for the script.
    fragment_map: String,
}

/// Write the redirect pages of `plan` into `out`.
pub fn write(book: &Book, theme: &Theme, plan: &Plan, out: &SiteDir) -> Result<()> {
    for page in &plan.pages {
        let html = theme.render(
            REDIRECT_TEMPLATE,
            RedirectContext {
                language: &book.config.book.language,
                url: &page.target,
                url_json: script_json(&page.target),
                fragment_map: script_json(&page.fragments),
            },
        )?;
        out.write(Path::new(&page.path), html.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_end_the_script() {
        let map = BTreeMap::from([("#a".to_string(), "x</script><b>&".to_string())]);
        assert_eq!(
            script_json(&map),
            "{\"#a\":\"x\\u003c/script\\u003e\\u003cb\\u003e\\u0026\"}"
        );
    }
}
