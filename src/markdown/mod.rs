//! The page model: one parse of each page ([`page::Page`]), its code blocks
//! and their info strings ([`codeblock`]), and the one walker over a page's
//! Markdown events ([`walk`]) that the parse, the HTML and the search index
//! all read the events through.

pub mod codeblock;
pub mod page;
pub mod walk;

pub use codeblock::{Annotations, BlockKind, CodeBlock, Shell};
pub use page::{Heading, Link, Page};

use pulldown_cmark::Options;

/// The Markdown extensions every page is parsed with.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}
