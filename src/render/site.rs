//! The pages of one build: what they share ([`Site`]), rendering each page
//! and the whole site, and what a build keeps ([`Built`]) so that `serve`
//! can render single pages again.

use std::path::Path;

use rayon::prelude::*;

use super::context::{BookContext, Context, PageContext};
use super::nav::{self, Nav};
use super::output::SiteDir;
use super::theme::{PAGE_TEMPLATE, Theme};
use super::{badges, context, files, html, print, redirect, search, sitemap};
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
    /// Each page's content HTML, in reading order, for `print.html`
    /// (empty when the print page is off).
    pub(crate) contents: Vec<String>,
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
        )?;
        let mut fresh = Vec::new();
        for &i in indices {
            let (sections, content) = site.page(i, &self.book.pages[i])?;
            if let Some(slot) = self.contents.get_mut(i) {
                *slot = content;
            }
            fresh.push((i, sections));
        }
        if indices.contains(&0) {
            site.index_page()?;
        }
        site.status_page()?;
        site.print_page(&self.contents)?;
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
    /// What `[output.html.redirect]` writes.
    redirects: redirect::Plan,
    /// Old fragments of pages that still exist: page URL -> the JSON map
    /// for its script.
    fragment_maps: std::collections::BTreeMap<String, String>,
}

/// What the redirects and the print page would write, checked against the
/// book before anything is rendered: a redirect may not replace a page or
/// another file of the site, and no page may render to `print.html` while
/// the print page is on.
pub(super) fn check_site_paths(book: &Book, theme: &Theme) -> Result<redirect::Plan> {
    let urls: Vec<String> = book
        .pages
        .iter()
        .map(|p| crate::paths::page_url(&p.rel))
        .collect();
    if book.config.output.html.print.enable
        && let Some(page) = book
            .pages
            .iter()
            .zip(&urls)
            .find_map(|(p, u)| (u == print::PRINT_PAGE).then_some(p))
    {
        return Err(Error::input(
            &page.path,
            1,
            format!(
                "this page renders to `{}`, where the whole book is printed; rename the page, or set `[output.html.print] enable = false`",
                print::PRINT_PAGE
            ),
        ));
    }
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    redirect::plan(book, theme, &urls)
}

/// What [`render_site`] gives back: the size of the search index, the
/// search docs of each page with their terms, and each page's content
/// for the print page.
pub(super) type Rendered = (usize, search::Terms, Vec<Vec<search::Doc>>, Vec<String>);

/// Render the whole site into `out`; the size of the search index, and
/// each page's search docs with their terms.
pub(super) fn render_site(
    book: &Book,
    theme: &Theme,
    report: Option<&CheckReport>,
    out: &SiteDir,
    live_reload: Option<&str>,
) -> Result<Rendered> {
    let config = &book.config;
    let site = Site::new(book, theme, report, out, live_reload)?;

    // Pages are rendered in parallel a chunk at a time, and each chunk's
    // search sections become docs of term numbers at once, so that memory
    // holds the words of one chunk, not of the whole book.
    let mut terms = search::Terms::default();
    let mut docs = Vec::with_capacity(book.pages.len());
    let mut contents = Vec::with_capacity(book.pages.len());
    let mut errors: Vec<Error> = Vec::new();
    for (c, chunk) in book.pages.chunks(RENDER_CHUNK).enumerate() {
        let rendered: Vec<Result<(Vec<search::Section>, String)>> = chunk
            .par_iter()
            .enumerate()
            .map(|(j, page)| site.page(c * RENDER_CHUNK + j, page))
            .collect();
        for r in rendered {
            match r {
                Ok((sections, content)) => {
                    docs.push(
                        sections
                            .iter()
                            .map(|s| search::Doc::new(s, &mut terms))
                            .collect(),
                    );
                    contents.push(content);
                }
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
    redirect::write(book, theme, &site.redirects, out)?;
    // The index and the print page are written while the other files are
    // copied.
    let ((index, printed), copied) = rayon::join(
        || {
            rayon::join(
                || -> Result<usize> {
                    let index = search::index_js(&terms, docs.iter().flatten());
                    out.write(Path::new("searchindex.js"), index.as_bytes())?;
                    Ok(index.len())
                },
                || site.print_page(&contents),
            )
        },
        || -> Result<()> {
            files::assets(site.theme, out)?;
            let pages = site.nav.pages.iter().map(|p| p.url.as_str()).collect();
            files::copy_source_files(book, &pages, out)
        },
    );
    let index_bytes = index?;
    printed?;
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
    Ok((index_bytes, terms, docs, contents))
}

impl<'a> Site<'a> {
    fn new(
        book: &'a Book,
        theme: &'a Theme,
        report: Option<&'a CheckReport>,
        out: &'a SiteDir,
        live_reload: Option<&'a str>,
    ) -> Result<Site<'a>> {
        let redirects = check_site_paths(book, theme)?;
        let fragment_maps = redirects
            .page_fragments
            .iter()
            .map(|(url, map)| (url.clone(), redirect::script_json(map)))
            .collect();
        Ok(Site {
            book,
            theme,
            redirects,
            fragment_maps,
            nav: Nav::new(
                &book.summary,
                !book.config.output.html.no_section_label,
                &book.config.output.html.fold,
            ),
            book_ctx: BookContext {
                favicon_svg: theme.favicon_svg,
                favicon_png: theme.favicon_png,
                ..BookContext::new(&book.config, book.title())
            },
            generator: format!("guidebook {}", env!("CARGO_PKG_VERSION")),
            out,
            live_reload,
            report,
        })
    }

    /// Render and write the page at reading-order index `i`; its search
    /// sections, and its content for the print page (empty when that is off).
    fn page(&self, i: usize, page: &Page) -> Result<(Vec<search::Section>, String)> {
        let link = &self.nav.pages[i];
        let events = page.events_with(self.book.config.render_options());
        let hidelines = &self.book.config.output.html.code.hidelines;
        let content = html::render_events_with(
            page,
            &events,
            self.report,
            self.book.config.check.blocks,
            hidelines,
        );
        let kept = if self.book.config.output.html.print.enable {
            content.clone()
        } else {
            String::new()
        };
        // A `{{#title}}` names the page's <title>; the navigation keeps
        // SUMMARY.md's title, as in mdBook.
        let title = page.include_title.as_deref().unwrap_or(&link.title);
        let html = self.render_page(page, content, title, &link.url, Some(i), None)?;
        self.out.write(Path::new(&link.url), html.as_bytes())?;
        drop(html);
        Ok((
            search::sections_of(page, &events, &link.title, &link.url, hidelines),
            kept,
        ))
    }

    /// `print.html` from the pages' `contents`, in reading order, when
    /// `[output.html.print]` is on.
    pub(super) fn print_page(&self, contents: &[String]) -> Result<()> {
        let config = &self.book.config.output.html.print;
        if !config.enable {
            return Ok(());
        }
        let chapters: Vec<print::Chapter<'_>> = self
            .nav
            .pages
            .iter()
            .zip(contents)
            .map(|(link, html)| print::Chapter {
                url: &link.url,
                title: &link.title,
                html,
            })
            .collect();
        // The template is rendered around a placeholder, and the book put
        // in its place: the template engine would copy the whole book twice.
        const SLOT: &str = "\u{1}guidebook-print-content\u{1}";
        let frame = self.render_content(
            PageContext {
                title: &self.book_ctx.title,
                url: print::PRINT_PAGE,
                content: SLOT.to_string(),
                toc: Vec::new(),
                edit_url: None,
                source_path: None,
                is_404: false,
                is_print: true,
                fragment_map: None,
                checks: None,
            },
            None,
            None,
        )?;
        self.out.write_with(Path::new(print::PRINT_PAGE), |out| {
            let write = |out: &mut dyn std::io::Write, text: &str| {
                out.write_all(text.as_bytes())
                    .map_err(|e| Error::io(Path::new(print::PRINT_PAGE), e))
            };
            match frame.split_once(SLOT) {
                Some((head, tail)) => {
                    write(out, head)?;
                    print::print_into(&chapters, config.page_break, out)?;
                    write(out, tail)
                }
                // A template that does not show the content.
                None => write(out, &frame),
            }
        })
    }

    /// The full HTML of a page around its `content`. `root` overrides the
    /// prefix to the site root.
    pub(super) fn render_page(
        &self,
        page: &Page,
        content: String,
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
                content,
                toc: context::toc(page),
                edit_url: source_path
                    .as_deref()
                    .and_then(|p| context::edit_url(config, p)),
                source_path,
                is_404,
                is_print: false,
                fragment_map: if is_404 {
                    None
                } else {
                    self.fragment_maps.get(url).cloned()
                },
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
