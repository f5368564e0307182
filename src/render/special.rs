//! The pages that are no chapter: `index.html` when no chapter renders to
//! it, `404.html` and the status page.

use std::path::{Path, PathBuf};

use super::badges;
use super::context::{PageContext, TocEntry};
use super::escape::escape_html;
use super::site::Site;
use crate::error::Result;
use crate::markdown::Page;
use crate::paths::display_path;
use crate::source::RawSource;

impl Site<'_> {
    /// `index.html` when no page renders to it: the first chapter again
    /// (mdBook does the same), or a redirect when it lives in a subfolder.
    pub(crate) fn index_page(&self) -> Result<()> {
        if self.nav.pages.iter().any(|p| p.url == "index.html") {
            return Ok(());
        }
        let Some(first) = self.nav.pages.first() else {
            let html = "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>Empty book</title>\n<p>This book has no chapters yet.</p>\n";
            return self.out.write(Path::new("index.html"), html.as_bytes());
        };
        let html = if first.url.contains('/') {
            let url = escape_html(&first.url);
            format!(
                "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<link rel=\"canonical\" href=\"{url}\">\n<p><a href=\"{url}\">{}</a></p>\n",
                escape_html(&first.title),
                escape_html(&first.title)
            )
        } else {
            let page = &self.book.pages[0];
            let events = page.events_with(self.book.config.render_options());
            self.render_page(
                page,
                super::html::render_events_with(
                    page,
                    &events,
                    self.report,
                    self.book.config.check.blocks,
                    &self.book.config.output.html.code.hidelines,
                ),
                page.include_title.as_deref().unwrap_or(&first.title),
                &first.url,
                Some(0),
                None,
            )?
        };
        self.out.write(Path::new("index.html"), html.as_bytes())
    }

    /// `404.html`, from the `input-404` page (default `404.md`) when the book
    /// has one. Its links start from the site URL (`site-url`, else `/`).
    pub(crate) fn not_found_page(&self) -> Result<()> {
        let config = &self.book.config;
        let name = config.output.html.input_404.as_deref().unwrap_or("404.md");
        let src = self.book.root.join(&config.book.src);
        let path = src.join(name);
        let page = if path.is_file() {
            crate::book::load_page(&self.book.root, &src, Path::new(name))?
        } else {
            let raw = RawSource {
                shown: display_path(&path),
                rel: PathBuf::from(name),
                text: "# Page not found\n\nThe page you asked for does not exist. \
                       Try the search, or start from the [first page](index.html).\n"
                    .to_string(),
                root: None,
            };
            Page::from_resolved(crate::source::preprocess(raw)?)?
        };
        let title = page.first_title().unwrap_or("Page not found").to_string();
        // The 404 page is served for missing paths at any depth, so its
        // links start from the site URL; without `site-url`, from `/`, as
        // mdBook's do.
        let root = match &config.output.html.site_url {
            Some(url) => super::context::site_root(url),
            None => "/".to_string(),
        };
        let events = page.events_with(self.book.config.render_options());
        let content = super::html::render_events_with(
            &page,
            &events,
            self.report,
            self.book.config.check.blocks,
            &self.book.config.output.html.code.hidelines,
        );
        let html = self.render_page(&page, content, &title, "404.html", None, Some(&root))?;
        self.out.write(Path::new("404.html"), html.as_bytes())
    }

    /// `status.html`: every checked block of the book and its docs-check
    /// result. Not in the navigation; left out when a chapter renders to
    /// `status.html`.
    pub(crate) fn status_page(&self) -> Result<()> {
        if self.nav.pages.iter().any(|p| p.url == "status.html") {
            return Ok(());
        }
        let pages = self
            .book
            .pages
            .iter()
            .zip(&self.nav.pages)
            .map(|(p, l)| (l.url.as_str(), l.title.as_str(), p.blocks.as_slice()));
        let content = badges::status_table(pages, self.report, self.book.config.check.blocks);
        let toc: Vec<TocEntry<'_>> = Vec::new();
        let html = self.render_content(
            PageContext {
                title: "Verification status",
                url: "status.html",
                content,
                toc,
                edit_url: None,
                source_path: None,
                is_404: false,
                is_print: false,
                fragment_map: None,
                checks: None,
            },
            None,
            None,
        )?;
        self.out.write(Path::new("status.html"), html.as_bytes())
    }
}
