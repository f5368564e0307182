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
        | Options::ENABLE_DEFINITION_LIST
}

/// [`markdown_options`] for the rendered page: with `smart`, straight
/// quotes, `--`, `---` and `...` become typographic ones (mdBook's
/// `smart-punctuation`); without `definition_lists`, `Term` and
/// `: definition` lines stay paragraphs (mdBook's `definition-lists =
/// false`). The page model is always parsed with definition lists and
/// without smart punctuation, so heading ids and the checker's text do not
/// depend on either setting.
pub fn render_options(smart: bool, definition_lists: bool) -> Options {
    let mut options = markdown_options();
    options.set(Options::ENABLE_SMART_PUNCTUATION, smart);
    options.set(Options::ENABLE_DEFINITION_LIST, definition_lists);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str, options: Options) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(text, options));
        out
    }

    #[test]
    fn definition_lists_are_on_unless_turned_off() {
        let text = "Term\n: what it means\n";
        assert!(html(text, render_options(true, true)).contains("<dl>"));
        assert!(!html(text, render_options(true, false)).contains("<dl>"));
        assert!(html(text, markdown_options()).contains("<dt>Term</dt>"));
    }
}
