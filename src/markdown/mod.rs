//! The page model: one parse of each page ([`page::Page`]), its code blocks
//! and their info strings ([`codeblock`]), and the one walker over a page's
//! Markdown events ([`walk`]) that the parse, the HTML and the search index
//! all read the events through.

pub mod codeblock;
pub mod hidden;
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

/// [`markdown_options`] for the rendered page: with `smart`, straight
/// quotes, `--`, `---` and `...` become typographic ones (mdBook's
/// `smart-punctuation`). The page model is always parsed without it, so
/// heading ids and the checker's text do not depend on the setting.
pub fn render_options(smart: bool) -> Options {
    if smart {
        markdown_options() | Options::ENABLE_SMART_PUNCTUATION
    } else {
        markdown_options()
    }
}
