//! guidebook: a documentation-site generator whose code blocks are tests.
//!
//! The pipeline, a module per stage:
//!
//! ```text
//! config (book.toml, a file per table)      summary (SUMMARY.md)
//!        \                                   /
//!         book: every page's raw text (source), then the whole book
//!         through preprocess (includes, mdBook preprocessor commands, each
//!         page with a source map) -> markdown (the one parse into a Page
//!         and its CodeBlocks; one walker over the events)
//!        /                                   \
//! render (the site: pages, special pages,   check (docs-check: runs the
//!  badges from report, highlight, nav,       blocks, writes the report)
//!  search, links, theme, live, output)
//!        \                                  /
//!         report (the one schema, written by check and read by render;
//!         its formats: human, json, junit, github)
//! ```
//!
//! Beside them: [`diagnostics`] (locations, the line index, source maps,
//! warnings) and [`error`]; [`paths`] (normalizing, page URLs, link
//! decoding); [`fsutil`] (atomic writes); [`options`], the plain options
//! the entry points take (the binaries own the command line, `src/cli/`).
//! Each page is parsed once into its model; the renderer walks its events
//! once more, parsing the text again rather than holding every page's
//! events.

pub mod book;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod fsutil;
pub mod markdown;
pub mod new_page;
pub mod options;
pub mod paths;
pub mod preprocess;
pub mod process;
pub mod render;
pub mod report;
pub mod serve;
pub mod source;
pub mod suggest;
pub mod summary;
pub mod transcript;

pub use book::Book;
pub use error::{Error, Result};

/// Keep the process off transparent huge pages. The build allocates and
/// frees many page-sized buffers; with huge pages every fresh 2 MiB page is
/// zeroed before use, which costs more time than it saves and doubles the
/// resident memory.
pub fn tune_memory() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
