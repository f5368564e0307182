//! `guidebook build`: the book rendered into a static site.
//!
//! The pipeline: load the book, check every internal link, then render each
//! page (in parallel, each written and dropped at once) into a temporary
//! folder next to the output folder, add the search index, the theme's files,
//! the book's other files, the 404 page and the sitemap, and only then swap
//! the new site in (see [`output`]).

pub mod badges;
pub mod context;
pub mod escape;
mod files;
pub mod highlight;
pub mod html;
pub mod interrupt;
pub mod links;
pub mod live;
pub mod lock;
pub mod nav;
pub mod output;
pub mod print;
pub mod redirect;
pub mod search;
mod site;
pub mod sitemap;
mod special;
pub mod swap;
pub mod theme;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::book::Book;
use crate::error::Result;
use crate::options::BuildOptions;
use crate::paths::display_path;
use crate::report::{self, CheckReport};
use site::Built;
use theme::Theme;

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
    /// Said but never fatal (an optional preprocessor not installed).
    pub notes: Vec<String>,
    pub elapsed: Duration,
}

/// The output folder of a build: `--dest-dir` (relative to the current
/// folder) or `[build] build-dir` (relative to the book root).
pub fn dest_dir(args: &BuildOptions, book: &Book) -> PathBuf {
    match &args.dest_dir {
        Some(d) => d.clone(),
        None => display_path(&book.root.join(&book.config.build.build_dir)),
    }
}

/// Build the site of the book at `args.book_dir`.
pub fn build(args: &BuildOptions) -> Result<BuildReport> {
    build_keeping(args).map(|(report, _)| report)
}

/// Build the site; also what is needed to re-render a page.
pub(crate) fn build_keeping(args: &BuildOptions) -> Result<(BuildReport, Built)> {
    let started = Instant::now();
    // Loading the syntax definitions takes tens of milliseconds; do it
    // while the book loads rather than when the first block needs them.
    rayon::spawn(highlight::warm_up);
    let book = Book::load(&args.book_dir)?;
    let link_warnings = links::validate(&book);
    files::require_additional_files(&book)?;
    let theme = Theme::load(&book.root)?;
    site::check_site_paths(&book, &theme)?;
    let mut report_warning = None;
    let report = match report::report_path(
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
                .filter(|b| b.is_test(book.config.check.blocks));
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
    let warnings: Vec<String> = book
        .warnings
        .iter()
        .cloned()
        .chain(link_warnings)
        .chain(theme.warnings.iter().cloned())
        .chain(report_warning)
        .collect();
    if args.strict.unwrap_or(book.config.build.strict) && !warnings.is_empty() {
        return Err(crate::Error::Strict(warnings));
    }
    let dest = dest_dir(args, &book);
    let src = book.root.join(&book.config.book.src);
    output::guard_dest(&dest, &book.root, &src)?;
    let staging = output::Staging::new(&dest)?;
    let out = output::SiteDir::new(staging.path());
    let (search_index_bytes, terms, docs, contents) = site::render_site(
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
        warnings,
        notes: book.notes.clone(),
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
            contents,
        },
    ))
}
