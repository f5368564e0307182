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
pub mod render;
pub mod serve;
pub mod suggest;
pub mod summary;

pub use book::Book;
pub use error::{Error, Result};
