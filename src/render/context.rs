//! What templates see. URLs are relative to the site root; templates prefix
//! them with `root`.

use serde::Serialize;

use super::nav::{NavItem, NavLink};
use crate::config::Config;
use crate::markdown::Page;
pub use crate::paths::url_path;

#[derive(Debug, Serialize)]
pub struct Context<'a> {
    /// Prefix from this page to the site root: "", "../" ... (or the site
    /// URL on the 404 page when `site-url` is set).
    pub root: &'a str,
    pub book: &'a BookContext,
    pub page: PageContext<'a>,
    pub nav: Vec<NavItem>,
    pub prev: Option<&'a NavLink>,
    pub next: Option<&'a NavLink>,
    pub live_reload: Option<&'a str>,
    pub generator: &'a str,
}

#[derive(Debug, Serialize)]
pub struct BookContext {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    pub authors: Vec<String>,
    /// `light`, `dark` or `auto`.
    pub default_theme: &'static str,
    pub git_repository_url: Option<String>,
    pub site_url: Option<String>,
    /// `site_url` ending in exactly one `/`: `https://example.org/docs/`
    /// or `/docs/`, to put before a page's URL.
    pub site_root: Option<String>,
    /// Stylesheets and scripts of `additional-css` / `additional-js`.
    pub additional_css: Vec<String>,
    pub additional_js: Vec<String>,
    /// The book's `theme/favicon.svg` / `favicon.png`, at the site root.
    pub favicon_svg: bool,
    pub favicon_png: bool,
    /// `print.html` is written (`[output.html.print] enable`).
    pub print: bool,
}

impl BookContext {
    pub fn new(config: &Config, title: String) -> BookContext {
        let html = &config.output.html;
        let urls = |paths: &[std::path::PathBuf]| {
            paths
                .iter()
                .map(|p| url_path(&crate::paths::normalize(p)))
                .collect()
        };
        BookContext {
            title,
            description: config.book.description.clone(),
            language: config.book.language.clone(),
            authors: config.book.authors.clone(),
            default_theme: config.default_theme(),
            git_repository_url: html.git_repository_url.clone(),
            site_url: html.site_url.clone(),
            site_root: html.site_url.as_deref().map(site_root),
            additional_css: urls(&html.additional_css),
            additional_js: urls(&html.additional_js),
            favicon_svg: false,
            favicon_png: false,
            print: html.print.enable,
        }
    }
}

/// `site_url` ending in exactly one `/`.
pub fn site_root(site_url: &str) -> String {
    format!("{}/", site_url.trim_end_matches('/'))
}

#[derive(Debug, Serialize)]
pub struct PageContext<'a> {
    pub title: &'a str,
    pub url: &'a str,
    /// The page's HTML.
    pub content: String,
    pub toc: Vec<TocEntry<'a>>,
    pub edit_url: Option<String>,
    /// The page's Markdown file, relative to the book root.
    pub source_path: Option<String>,
    pub is_404: bool,
    /// True on `print.html`, the whole book on one page.
    pub is_print: bool,
    /// Redirects of this page's old fragments (`[output.html.redirect]`
    /// keys with a `#`): a JSON object from `#old` to the new URL, ready
    /// for a script.
    pub fragment_map: Option<String>,
    /// Results of docs-check for the page's checked blocks; `None` when
    /// the page has none.
    pub checks: Option<super::badges::PageChecks>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct TocEntry<'a> {
    pub level: u8,
    pub id: &'a str,
    pub title: &'a str,
}

/// The outline of a page: its headings of levels 2 to 4.
pub fn toc(page: &Page) -> Vec<TocEntry<'_>> {
    page.headings
        .iter()
        .filter(|h| (2..=4).contains(&h.level))
        .map(|h| TocEntry {
            level: h.level,
            id: &h.id,
            title: &h.title,
        })
        .collect()
}

/// The source file of the page at `rel` (in the source folder), relative to
/// the book root, with `/` separators: `content/faq.md`.
pub fn source_path(config: &Config, rel: &std::path::Path) -> String {
    url_path(&crate::paths::normalize(&config.book.src.join(rel)))
}

/// The edit link of a page, from `edit-url-template`.
pub fn edit_url(config: &Config, source_path: &str) -> Option<String> {
    config
        .output
        .html
        .edit_url_template
        .as_ref()
        .map(|t| t.replace("{path}", source_path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn edit_url_uses_path_from_book_root() {
        let mut config = Config::default();
        config.book.src = "./content".into();
        config.output.html.edit_url_template =
            Some("https://github.com/o/r/edit/main/{path}".into());
        let path = source_path(&config, Path::new("fix/lockfile.md"));
        assert_eq!(path, "content/fix/lockfile.md");
        assert_eq!(
            edit_url(&config, &path).unwrap(),
            "https://github.com/o/r/edit/main/content/fix/lockfile.md"
        );
    }

    #[test]
    fn toc_keeps_levels_two_to_four() {
        let page = Page::parse(
            Path::new("p.md"),
            Path::new("p.md"),
            "# T\n## A\n### B\n#### C\n##### D\n".into(),
        )
        .unwrap();
        let levels: Vec<u8> = toc(&page).iter().map(|e| e.level).collect();
        assert_eq!(levels, [2, 3, 4]);
    }
}
