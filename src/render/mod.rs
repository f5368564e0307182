//! `guidebook build`: the book rendered into a static site.
//!
//! The pipeline: load the book, check every internal link, then render each
//! page (in parallel, each written and dropped at once) into a temporary
//! folder next to the output folder, add the search index, the theme's files,
//! the book's other files, the 404 page and the sitemap, and only then swap
//! the new site in (see [`output`]).

pub mod checks;
pub mod context;
pub mod highlight;
pub mod html;
pub mod interrupt;
pub mod links;
pub mod live;
pub mod lock;
pub mod nav;
pub mod output;
pub mod search;
pub mod sitemap;
pub mod swap;
pub mod theme;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::book::{Book, display_path};
use crate::cli::BuildArgs;
use crate::error::{Error, Result};
use crate::page::Page;
use checks::CheckReport;
use context::{BookContext, Context, PageContext, TocEntry};
use nav::Nav;
use output::SiteDir;
use theme::{PAGE_TEMPLATE, Theme};

/// Pages rendered in parallel between two merges into the search index.
const RENDER_CHUNK: usize = 64;

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The output folder, as the user would name it.
    pub dest: PathBuf,
    /// Pages rendered from the summary.
    pub pages: usize,
    /// Size of `searchindex.js` in bytes.
    pub search_index_bytes: usize,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
}

/// The output folder of a build: `--dest-dir` (relative to the current
/// folder) or `[build] build-dir` (relative to the book root).
pub fn dest_dir(args: &BuildArgs, book: &Book) -> PathBuf {
    match &args.dest_dir {
        Some(d) => d.clone(),
        None => display_path(&book.root.join(&book.config.build.build_dir)),
    }
}

/// Build the site of the book at `args.book_dir`.
pub fn build(args: &BuildArgs) -> Result<BuildReport> {
    build_keeping(args).map(|(report, _)| report)
}

/// What a build keeps for [`live::LiveSite`] to re-render single pages.
pub(crate) struct Built {
    book: Book,
    theme: Theme,
    report: Option<CheckReport>,
    /// Each page's search docs, in reading order, and their terms.
    docs: Vec<Vec<search::Doc>>,
    terms: search::Terms,
}

/// Build the site; also what is needed to re-render a page.
fn build_keeping(args: &BuildArgs) -> Result<(BuildReport, Built)> {
    let started = Instant::now();
    // Loading the syntax definitions takes tens of milliseconds; do it
    // while the book loads rather than when the first block needs them.
    rayon::spawn(highlight::warm_up);
    let book = Book::load(&args.book_dir)?;
    links::check(&book)?;
    check_additional_files(&book)?;
    let theme = Theme::load(&book.root)?;
    let mut report_warning = None;
    let report = match checks::report_path(
        args.checks.as_deref(),
        &book.root,
        &book.config.check.report,
    ) {
        Some(path) => {
            let report = CheckReport::load(&path, &book.root, &book.config.book.src)?;
            let checked = book
                .pages
                .iter()
                .flat_map(|p| &p.blocks)
                .filter(|b| b.is_checked());
            let (total, found) = checked.fold((0, 0), |(t, f), b| {
                (t + 1, f + usize::from(report.get(b).is_some()))
            });
            if total > 0 && found == 0 {
                report_warning = Some(format!(
                    "{}: the report has none of this book's {total} checked blocks; every block shows \"not checked\" (run docs-check again)",
                    path.display()
                ));
            }
            Some(report)
        }
        None => None,
    };
    let dest = dest_dir(args, &book);
    let src = book.root.join(&book.config.book.src);
    output::check_dest(&dest, &book.root, &src)?;
    let staging = output::Staging::new(&dest)?;
    let out = output::SiteDir::new(staging.path());
    let (search_index_bytes, terms, docs) = render_site(
        &book,
        &theme,
        report.as_ref(),
        &out,
        args.live_reload.as_deref(),
    )?;
    if staging.reused() {
        out.remove_unwritten()?;
    }
    staging.commit(&dest)?;
    let build_report = BuildReport {
        dest,
        pages: book.pages.len(),
        search_index_bytes,
        warnings: book
            .warnings
            .iter()
            .cloned()
            .chain(report_warning)
            .collect(),
        elapsed: started.elapsed(),
    };
    Ok((
        build_report,
        Built {
            book,
            theme,
            report,
            docs,
            terms,
        },
    ))
}

/// Everything shared by the pages of one build.
struct Site<'a> {
    book: &'a Book,
    theme: &'a Theme,
    nav: Nav,
    book_ctx: BookContext,
    generator: String,
    out: &'a SiteDir,
    live_reload: Option<&'a str>,
    /// The docs-check report shown on the pages.
    report: Option<&'a CheckReport>,
}

/// Render the whole site into `out`; the size of the search index, and
/// each page's search docs with their terms.
fn render_site(
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
            site.assets()?;
            let pages = site.nav.pages.iter().map(|p| p.url.as_str()).collect();
            copy_source_files(book, &pages, out)
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
        out.copy(&book.root.join(file), &crate::book::normalize(file))?;
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
        let events = page.events();
        let html = self.render_page(page, &events, &link.title, &link.url, Some(i), None)?;
        self.out.write(Path::new(&link.url), html.as_bytes())?;
        drop(html);
        Ok(search::sections_of(&events, &link.title, &link.url))
    }

    /// The full HTML of a page. `root` overrides the prefix to the site root.
    fn render_page(
        &self,
        page: &Page,
        events: &[pulldown_cmark::Event<'_>],
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
            checks::page_checks(&page.blocks, self.report)
        };
        self.render_content(
            PageContext {
                title,
                url,
                content: html::render_events(page, events, self.report),
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
    fn render_content(
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

    /// `index.html` when no page renders to it: the first chapter again
    /// (mdBook does the same), or a redirect when it lives in a subfolder.
    fn index_page(&self) -> Result<()> {
        if self.nav.pages.iter().any(|p| p.url == "index.html") {
            return Ok(());
        }
        let Some(first) = self.nav.pages.first() else {
            let html = "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>Empty book</title>\n<p>This book has no chapters yet.</p>\n";
            return self.out.write(Path::new("index.html"), html.as_bytes());
        };
        let html = if first.url.contains('/') {
            let url = html::escape_html(&first.url);
            format!(
                "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<link rel=\"canonical\" href=\"{url}\">\n<p><a href=\"{url}\">{}</a></p>\n",
                html::escape_html(&first.title),
                html::escape_html(&first.title)
            )
        } else {
            let page = &self.book.pages[0];
            self.render_page(
                page,
                &page.events(),
                &first.title,
                &first.url,
                Some(0),
                None,
            )?
        };
        self.out.write(Path::new("index.html"), html.as_bytes())
    }

    /// `404.html`, from the `input-404` page (default `404.md`) when the book
    /// has one. Its links start from the site URL when `site-url` is set.
    fn not_found_page(&self) -> Result<()> {
        let config = &self.book.config;
        let name = config.output.html.input_404.as_deref().unwrap_or("404.md");
        let src = self.book.root.join(&config.book.src);
        let path = src.join(name);
        let source = if path.is_file() {
            crate::text::read_text(&path)?
        } else {
            "# Page not found\n\nThe page you asked for does not exist. \
             Try the search, or start from the [first page](index.html).\n"
                .to_string()
        };
        let page = Page::parse(&display_path(&path), Path::new(name), source)?;
        let title = page.first_title().unwrap_or("Page not found").to_string();
        let root = match &config.output.html.site_url {
            Some(url) => format!("{}/", url.trim_end_matches('/')),
            None => String::new(),
        };
        let html =
            self.render_page(&page, &page.events(), &title, "404.html", None, Some(&root))?;
        self.out.write(Path::new("404.html"), html.as_bytes())
    }

    /// `status.html`: every checked block of the book and its docs-check
    /// result. Not in the navigation; left out when a chapter renders to
    /// `status.html`.
    fn status_page(&self) -> Result<()> {
        if self.nav.pages.iter().any(|p| p.url == "status.html") {
            return Ok(());
        }
        let pages = self
            .book
            .pages
            .iter()
            .zip(&self.nav.pages)
            .map(|(p, l)| (l.url.as_str(), l.title.as_str(), p.blocks.as_slice()));
        let content = checks::status_table(pages, self.report);
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
                checks: None,
            },
            None,
            None,
        )?;
        self.out.write(Path::new("status.html"), html.as_bytes())
    }

    /// The theme's static files and the highlighting stylesheet.
    fn assets(&self) -> Result<()> {
        for (name, data) in &self.theme.assets {
            self.out.write(Path::new(name), data)?;
        }
        if !self.theme.assets.contains_key("css/highlight.css") {
            self.out.write(
                Path::new("css/highlight.css"),
                highlight::stylesheet().as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// `additional-css` and `additional-js` files must exist, inside the book
/// once symlinks are followed (a committed link to `~/.ssh/id_rsa` is not
/// published).
fn check_additional_files(book: &Book) -> Result<()> {
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
                &config.source.shown,
                config.source.element_line(&["output", "html", key], i),
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
fn copy_source_files(book: &Book, pages: &HashSet<&str>, out: &SiteDir) -> Result<()> {
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
