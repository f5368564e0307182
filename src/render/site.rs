//! The pages of one build: what they share ([`Site`]), rendering each page
//! and the whole site, and what a build keeps ([`Built`]) so that `serve`
//! can render single pages again.

use std::path::Path;

use rayon::prelude::*;

use super::context::{BookContext, Context, PageContext};
use super::nav::{self, Nav};
use super::output::SiteDir;
use super::theme::{PAGE_TEMPLATE, Theme};
use super::{badges, context, files, html, search, sitemap};
use crate::book::Book;
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::report::CheckReport;

/// Pages rendered in parallel between two merges into the search index.
const RENDER_CHUNK: usize = 64;

/// What a build keeps for [`live::LiveSite`] to re-render single pages.
pub(crate) struct Built {
    pub(crate) book: Book,
    pub(crate) theme: Theme,
    pub(crate) report: Option<CheckReport>,
    /// Each page's search docs, in reading order, and their terms.
    pub(crate) docs: Vec<Vec<search::Doc>>,
    pub(crate) terms: search::Terms,
}

impl Built {
    /// Render the pages at reading-order `indices` again into `out` (and
    /// `index.html` when it copies the first page), then the status page
    /// and the search index, with the pages' new search docs.
    pub(crate) fn render_again(
        &mut self,
        indices: &[usize],
        out: &SiteDir,
        live_reload: Option<&str>,
    ) -> Result<()> {
        let site = Site::new(
            &self.book,
            &self.theme,
            self.report.as_ref(),
            out,
            live_reload,
        );
        let mut fresh = Vec::new();
        for &i in indices {
            fresh.push((i, site.page(i, &self.book.pages[i])?));
        }
        if indices.contains(&0) {
            site.index_page()?;
        }
        site.status_page()?;
        for (i, sections) in fresh {
            let docs = sections
                .iter()
                .map(|s| search::Doc::new(s, &mut self.terms))
                .collect();
            self.docs[i] = docs;
        }
        let index = search::index_js(&self.terms, self.docs.iter().flatten());
        out.write(Path::new("searchindex.js"), index.as_bytes())
    }
}

/// Everything shared by the pages of one build.
pub(super) struct Site<'a> {
    pub(super) book: &'a Book,
    pub(super) theme: &'a Theme,
    pub(super) nav: Nav,
    book_ctx: BookContext,
    generator: String,
    pub(super) out: &'a SiteDir,
    live_reload: Option<&'a str>,
    /// The docs-check report shown on the pages.
    pub(super) report: Option<&'a CheckReport>,
}

/// Render the whole site into `out`; the size of the search index, and
/// each page's search docs with their terms.
pub(super) fn render_site(
    book: &Book,
    theme: &Theme,
    report: Option<&CheckReport>,
    out: &SiteDir,
    live_reload: Option<&str>,
) -> Result<(usize, search::Terms, Vec<Vec<search::Doc>>)> {
    let config = &book.config;
    let site = Site::new(book, theme, report, out, live_reload);

    // Pages are rendered in parallel a chunk at a time, and each chunk's
    // search sections become docs of term numbers at once, so that memory
    // holds the words of one chunk, not of the whole book.
    let mut terms = search::Terms::default();
    let mut docs = Vec::with_capacity(book.pages.len());
    let mut errors: Vec<Error> = Vec::new();
    for (c, chunk) in book.pages.chunks(RENDER_CHUNK).enumerate() {
        let rendered: Vec<Result<Vec<search::Section>>> = chunk
            .par_iter()
            .enumerate()
            .map(|(j, page)| site.page(c * RENDER_CHUNK + j, page))
            .collect();
        for r in rendered {
            match r {
                Ok(sections) => docs.push(
                    sections
                        .iter()
                        .map(|s| search::Doc::new(s, &mut terms))
                        .collect(),
                ),
                Err(e) => {
                    if !errors.iter().any(|x| x.to_string() == e.to_string()) {
                        errors.push(e);
                    }
                }
            }
        }
    }
    Error::from_many(errors)?;

    site.index_page()?;
    site.not_found_page()?;
    site.status_page()?;
    // The index is written while the other files are copied.
    let (index, copied) = rayon::join(
        || -> Result<usize> {
            let index = search::index_js(&terms, docs.iter().flatten());
            out.write(Path::new("searchindex.js"), index.as_bytes())?;
            Ok(index.len())
        },
        || -> Result<()> {
            files::assets(site.theme, out)?;
            let pages = site.nav.pages.iter().map(|p| p.url.as_str()).collect();
            files::copy_source_files(book, &pages, out)
        },
    );
    let index_bytes = index?;
    copied?;
    for file in config
        .output
        .html
        .additional_css
        .iter()
        .chain(&config.output.html.additional_js)
    {
        out.copy(&book.root.join(file), &crate::paths::normalize(file))?;
    }
    if let Some(site_url) = &config.output.html.site_url {
        let urls: Vec<&str> = site.nav.pages.iter().map(|p| p.url.as_str()).collect();
        out.write(
            Path::new("sitemap.xml"),
            sitemap::sitemap(site_url, &urls).as_bytes(),
        )?;
    }
    if let Some(cname) = &config.output.html.cname {
        out.write(Path::new("CNAME"), format!("{cname}\n").as_bytes())?;
    }
    Ok((index_bytes, terms, docs))
}

impl<'a> Site<'a> {
    fn new(
        book: &'a Book,
        theme: &'a Theme,
        report: Option<&'a CheckReport>,
        out: &'a SiteDir,
        live_reload: Option<&'a str>,
    ) -> Site<'a> {
        Site {
            book,
            theme,
            nav: Nav::new(&book.summary, !book.config.output.html.no_section_label),
            book_ctx: BookContext::new(&book.config, book.title()),
            generator: format!("guidebook {}", env!("CARGO_PKG_VERSION")),
            out,
            live_reload,
            report,
        }
    }

    /// Render and write the page at reading-order index `i`; its search sections.
    fn page(&self, i: usize, page: &Page) -> Result<Vec<search::Section>> {
        let link = &self.nav.pages[i];
        let events = page.events_with(self.book.config.render_options());
        let html = self.render_page(page, &events, &link.title, &link.url, Some(i), None)?;
        self.out.write(Path::new(&link.url), html.as_bytes())?;
        drop(html);
        Ok(search::sections_of(page, &events, &link.title, &link.url))
    }

    /// The full HTML of a page. `root` overrides the prefix to the site root.
    pub(super) fn render_page(
        &self,
        page: &Page,
        events: &[crate::markdown::walk::Spanned<'_>],
        title: &str,
        url: &str,
        index: Option<usize>,
        root: Option<&str>,
    ) -> Result<String> {
        let config = &self.book.config;
        let is_404 = index.is_none();
        let source_path = (!is_404).then(|| context::source_path(config, &page.rel));
        let checks = if is_404 {
            None
        } else {
            badges::page_checks(&page.blocks, self.report, config.check.blocks)
        };
        self.render_content(
            PageContext {
                title,
                url,
                content: html::render_events(page, events, self.report, config.check.blocks),
                toc: context::toc(page),
                edit_url: source_path
                    .as_deref()
                    .and_then(|p| context::edit_url(config, p)),
                source_path,
                is_404,
                checks,
            },
            index,
            root,
        )
    }

    /// The full HTML of a page from its template context.
    pub(super) fn render_content(
        &self,
        page: PageContext<'_>,
        index: Option<usize>,
        root: Option<&str>,
    ) -> Result<String> {
        let root = match root {
            Some(r) => r.to_string(),
            None => nav::root_of(page.url),
        };
        let ctx = Context {
            root: &root,
            book: &self.book_ctx,
            page,
            nav: self.nav.view(index),
            prev: index.and_then(|i| self.nav.prev(i)),
            next: index.and_then(|i| self.nav.next(i)),
            live_reload: self.live_reload,
            generator: &self.generator,
        };
        self.theme.render(PAGE_TEMPLATE, ctx)
    }
}
