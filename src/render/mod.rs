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
pub mod links;
pub mod nav;
pub mod output;
pub mod search;
pub mod sitemap;
pub mod theme;

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
use theme::{PAGE_TEMPLATE, Theme};

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
    let started = Instant::now();
    let book = Book::load(&args.book_dir)?;
    links::check(&book)?;
    check_additional_files(&book)?;
    let theme = Theme::load(&book.root)?;
    let report = match checks::report_path(
        args.checks.as_deref(),
        &book.root,
        &book.config.check.report,
    ) {
        Some(path) => Some(CheckReport::load(&path, &book.root)?),
        None => None,
    };
    let dest = dest_dir(args, &book);
    let src = book.root.join(&book.config.book.src);
    output::check_dest(&dest, &book.root, &src)?;
    let staging = output::Staging::new(&dest)?;
    let search_index_bytes = render_site(
        &book,
        &theme,
        report.as_ref(),
        staging.path(),
        args.live_reload.as_deref(),
    )?;
    staging.commit(&dest)?;
    Ok(BuildReport {
        dest,
        pages: book.pages.len(),
        search_index_bytes,
        warnings: book.warnings.clone(),
        elapsed: started.elapsed(),
    })
}

/// Everything shared by the pages of one build.
struct Site<'a> {
    book: &'a Book,
    theme: &'a Theme,
    nav: Nav,
    book_ctx: BookContext,
    generator: String,
    out: &'a Path,
    live_reload: Option<&'a str>,
    /// The docs-check report shown on the pages.
    report: Option<&'a CheckReport>,
}

/// Render the whole site into `out`; the size of the search index.
fn render_site(
    book: &Book,
    theme: &Theme,
    report: Option<&CheckReport>,
    out: &Path,
    live_reload: Option<&str>,
) -> Result<usize> {
    let config = &book.config;
    let site = Site {
        book,
        theme,
        nav: Nav::new(&book.summary, !config.output.html.no_section_label),
        book_ctx: BookContext::new(config, book.title()),
        generator: format!("guidebook {}", env!("CARGO_PKG_VERSION")),
        out,
        live_reload,
        report,
    };

    // Make the page folders once, not once per page.
    let mut folders: Vec<PathBuf> = site
        .nav
        .pages
        .iter()
        .filter_map(|p| out.join(&p.url).parent().map(Path::to_path_buf))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    let rendered: Vec<Result<Vec<search::Section>>> = book
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| site.page(i, page))
        .collect();
    let mut sections = Vec::new();
    let mut errors = Vec::new();
    for r in rendered {
        match r {
            Ok(s) => sections.extend(s),
            Err(e) => {
                if !errors
                    .iter()
                    .any(|x: &Error| x.to_string() == e.to_string())
                {
                    errors.push(e);
                }
            }
        }
    }
    Error::from_many(errors)?;

    site.index_page()?;
    site.not_found_page()?;
    site.status_page()?;
    let index = search::index_js(&sections);
    write(&out.join("searchindex.js"), index.as_bytes())?;
    site.assets()?;
    copy_source_files(&book.root.join(&config.book.src), out)?;
    for file in config
        .output
        .html
        .additional_css
        .iter()
        .chain(&config.output.html.additional_js)
    {
        let from = book.root.join(file);
        let to = out.join(crate::book::normalize(file));
        create_parent(&to)?;
        fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
    }
    if let Some(site_url) = &config.output.html.site_url {
        let urls: Vec<&str> = site.nav.pages.iter().map(|p| p.url.as_str()).collect();
        write(
            &out.join("sitemap.xml"),
            sitemap::sitemap(site_url, &urls).as_bytes(),
        )?;
    }
    if let Some(cname) = &config.output.html.cname {
        write(&out.join("CNAME"), format!("{cname}\n").as_bytes())?;
    }
    Ok(index.len())
}

impl Site<'_> {
    /// Render and write the page at reading-order index `i`; its search sections.
    fn page(&self, i: usize, page: &Page) -> Result<Vec<search::Section>> {
        let link = &self.nav.pages[i];
        let html = self.render_page(page, &link.title, &link.url, Some(i), None)?;
        let path = self.out.join(&link.url);
        fs::write(&path, html.as_bytes()).map_err(|e| Error::io(&path, e))?;
        drop(html);
        Ok(search::sections(page, &link.title, &link.url))
    }

    /// The full HTML of a page. `root` overrides the prefix to the site root.
    fn render_page(
        &self,
        page: &Page,
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
                content: html::render_with(page, self.report),
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
            return write(&self.out.join("index.html"), html.as_bytes());
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
            self.render_page(page, &first.title, &first.url, Some(0), None)?
        };
        write(&self.out.join("index.html"), html.as_bytes())
    }

    /// `404.html`, from the `input-404` page (default `404.md`) when the book
    /// has one. Its links start from the site URL when `site-url` is set.
    fn not_found_page(&self) -> Result<()> {
        let config = &self.book.config;
        let name = config.output.html.input_404.as_deref().unwrap_or("404.md");
        let src = self.book.root.join(&config.book.src);
        let path = src.join(name);
        let source = if path.is_file() {
            crate::error::read_to_string(&path)?
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
        let html = self.render_page(&page, &title, "404.html", None, Some(&root))?;
        write(&self.out.join("404.html"), html.as_bytes())
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
        write(&self.out.join("status.html"), html.as_bytes())
    }

    /// The theme's static files and the highlighting stylesheet.
    fn assets(&self) -> Result<()> {
        for (name, data) in &self.theme.assets {
            write(&self.out.join(name), data)?;
        }
        if !self.theme.assets.contains_key("css/highlight.css") {
            write(
                &self.out.join("css/highlight.css"),
                highlight::stylesheet().as_bytes(),
            )?;
        }
        Ok(())
    }
}

/// `additional-css` and `additional-js` files must exist.
fn check_additional_files(book: &Book) -> Result<()> {
    let html = &book.config.output.html;
    let toml_text =
        fs::read_to_string(book.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let mut errors = Vec::new();
    for (key, files) in [
        ("additional-css", &html.additional_css),
        ("additional-js", &html.additional_js),
    ] {
        for file in files {
            if !book.root.join(file).is_file() {
                let shown = file.to_string_lossy();
                let line = toml_text
                    .lines()
                    .position(|l| l.contains(shown.as_ref()))
                    .map(|i| i + 1)
                    .unwrap_or(1);
                errors.push(Error::input(
                    crate::config::CONFIG_FILE,
                    line,
                    format!(
                        "{key}: `{shown}` does not exist (paths are relative to the book root)"
                    ),
                ));
            }
        }
    }
    Error::from_many(errors)
}

/// Copy the files of the source folder that are not Markdown (images ...),
/// skipping hidden files.
fn copy_source_files(src: &Path, out: &Path) -> Result<()> {
    let walker = walkdir::WalkDir::new(src)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| Error::Other(format!("{}: {e}", src.display())))?;
        if !entry.file_type().is_file() || entry.path().extension().is_some_and(|e| e == "md") {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(src) else {
            continue;
        };
        let to = out.join(rel);
        create_parent(&to)?;
        fs::copy(entry.path(), &to).map_err(|e| Error::io(entry.path(), e))?;
    }
    Ok(())
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|e| Error::io(parent, e)),
        None => Ok(()),
    }
}

fn write(path: &Path, data: &[u8]) -> Result<()> {
    create_parent(path)?;
    fs::write(path, data).map_err(|e| Error::io(path, e))
}
