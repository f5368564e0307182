//! guidebook: a documentation-site generator whose code blocks are tests.
//!
//! The pipeline: [`config`] (book.toml) -> [`book`] (SUMMARY.md and pages,
//! each parsed once into a [`page::Page`] whose code blocks are
//! [`codeblock::CodeBlock`]s) -> the site renderer or the checker.

pub mod book;
pub mod check;
pub mod cli;
pub mod codeblock;
pub mod config;
pub mod error;
pub mod fsutil;
pub mod new_page;
pub mod page;
pub mod process;
pub mod render;
pub mod serve;
pub mod suggest;
pub mod summary;
pub mod text;
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
