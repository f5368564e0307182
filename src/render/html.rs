//! A page's events to the HTML of its content: headings with anchors, `.md`
//! links pointing at the rendered `.html`, GitHub alerts as callouts, and
//! highlighted code blocks (blocks marked `hidden` are left out; hidden
//! lines, rustdoc's `# ` lines of `rust` blocks and lines with a
//! `hidelines` prefix, are in the page inside `<span class="boring">`,
//! which the theme hides until the reader asks).

use std::collections::BTreeMap;

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::badges;
use super::escape::escape_html;
use super::highlight::{highlight, highlight_lines};
use crate::config::Blocks;
use crate::markdown::hidden::{HideRule, split_lines};
use crate::markdown::walk::{BlockNode, Node, Spanned, Walk, walk_parsed};
use crate::markdown::{CodeBlock, Page};
use crate::paths::md_to_html;
use crate::report::CheckReport;

/// The HTML of a page's content (checked blocks marked "not checked").
pub fn render(page: &Page) -> String {
    render_with(page, None)
}

/// How a block's lines are hidden: its `hidelines=` attribute, else the
/// book's `[output.html.code.hidelines]` prefix for its language, else
/// rustdoc's `# ` rule for `rust` blocks. Only `rust` blocks, as in mdBook's
/// renderer (rustdoc also reads a block with no language as Rust).
pub fn hide_rule<'a>(
    block: &'a CodeBlock,
    hidelines: &'a BTreeMap<String, String>,
) -> HideRule<'a> {
    HideRule::for_block(
        block.lang == "rust",
        block.hidelines(),
        hidelines.get(&block.lang).map(String::as_str),
    )
}

/// The HTML of a page's content, checked blocks carrying their result in
/// `report`.
pub fn render_with(page: &Page, report: Option<&CheckReport>) -> String {
    render_events(page, &page.events(), report, Blocks::All)
}

/// [`render_with`] from the page's events, already parsed.
/// Only the blocks that are tests of the book (`selection`, its `[check]
/// blocks`) carry a badge.
pub fn render_events(
    page: &Page,
    events: &[Spanned<'_>],
    report: Option<&CheckReport>,
    selection: Blocks,
) -> String {
    render_events_with(page, events, report, selection, &NO_HIDELINES)
}

/// [`render_events`] with the book's `[output.html.code.hidelines]`.
pub fn render_events_with(
    page: &Page,
    events: &[Spanned<'_>],
    report: Option<&CheckReport>,
    selection: Blocks,
    hidelines: &BTreeMap<String, String>,
) -> String {
    let mut out = String::with_capacity(page.text.len() * 2);
    let mut events = Events::new(page, events, report, selection);
    events.hidelines = hidelines;
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// The page's events with guidebook's HTML in place of headings, alerts and
/// code blocks.
struct Events<'p, 'e> {
    page: &'p Page,
    nodes: Walk<'e, std::slice::Iter<'p, Spanned<'e>>>,
    report: Option<&'p CheckReport>,
    hidelines: &'p BTreeMap<String, String>,
    selection: Blocks,
}

static NO_HIDELINES: BTreeMap<String, String> = BTreeMap::new();

impl<'p, 'e> Events<'p, 'e> {
    fn new(
        page: &'p Page,
        events: &'p [Spanned<'e>],
        report: Option<&'p CheckReport>,
        selection: Blocks,
    ) -> Self {
        Events {
            page,
            nodes: walk_parsed(events),
            report,
            hidelines: &NO_HIDELINES,
            selection,
        }
    }

    /// The HTML of a code block, or `None` for a hidden block.
    fn code_block(&self, node: &BlockNode<'_>) -> Option<String> {
        let block = self.page.blocks.get(node.index);
        let lang = block.map(|b| b.lang.as_str()).unwrap_or("");
        if block.is_some_and(|b| b.annotations.hidden) {
            return None;
        }
        let text = block.map(|b| b.text.as_str()).unwrap_or("");
        let rule = block.map_or(HideRule::None, |b| hide_rule(b, self.hidelines));
        let html = code_block_html_hiding(lang, text, rule);
        match block.filter(|b| badges::has_check(b, self.report, self.selection)) {
            Some(b) => {
                let body = html.strip_suffix("</div>\n").unwrap_or(&html);
                Some(format!(
                    "{body}{}</div>\n",
                    badges::block_badge(self.report, b)
                ))
            }
            None => Some(html),
        }
    }
}

impl<'p, 'e> Iterator for Events<'p, 'e> {
    type Item = Event<'e>;

    fn next(&mut self) -> Option<Event<'e>> {
        loop {
            let event = match self.nodes.next()?.0 {
                Node::CodeBlock(node) => match self.code_block(&node) {
                    Some(html) => return Some(Event::Html(CowStr::from(html))),
                    None => continue,
                },
                Node::Event((event, _)) => event,
            };
            let html = match event {
                Event::Start(Tag::Heading {
                    level, id, classes, ..
                }) => {
                    let id = escape_html(id.as_deref().unwrap_or_default());
                    let class = if classes.is_empty() {
                        String::new()
                    } else {
                        let names: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                        format!(" class=\"{}\"", escape_html(&names.join(" ")))
                    };
                    format!(
                        "<{level} id=\"{id}\"{class}><a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
                    )
                }
                Event::End(TagEnd::Heading(level)) => format!("</{level}>\n"),
                Event::Start(Tag::BlockQuote(Some(kind))) => {
                    let (class, title) = alert(*kind);
                    format!(
                        "<div class=\"callout callout-{class}\">\n<p class=\"callout-title\">{title}</p>\n"
                    )
                }
                Event::End(TagEnd::BlockQuote(Some(_))) => "</div>\n".to_string(),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => {
                    return Some(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: CowStr::from(md_to_html(dest_url)),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                other => return Some(other.clone()),
            };
            return Some(Event::Html(CowStr::from(html)));
        }
    }
}

/// The class suffix and title of a GitHub alert.
fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A highlighted code block.
pub fn code_block_html(lang: &str, text: &str) -> String {
    code_block_html_hiding(lang, text, HideRule::None)
}

/// A highlighted code block whose lines are hidden by `rule`.
pub fn code_block_html_hiding(lang: &str, text: &str, rule: HideRule<'_>) -> String {
    let code = match rule {
        HideRule::None => highlight(lang, text),
        rule => highlight_lines(lang, &split_lines(text, rule)),
    };
    let lang = escape_html(lang);
    if lang.is_empty() {
        format!("<div class=\"codeblock\"><pre><code>{code}</code></pre></div>\n")
    } else {
        format!(
            "<div class=\"codeblock\" data-lang=\"{lang}\"><pre><code class=\"language-{lang}\">{code}</code></pre></div>\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(src: &str) -> Page {
        crate::markdown::page::test_page(src).unwrap()
    }

    #[test]
    fn headings_alerts_and_hidden_blocks() {
        let html = render(&page(
            "# Title\n\n## Step {#custom}\n\n> [!WARNING]\n> Careful.\n\n```sh hidden\nsecret\n```\n\n```toml\na = 1\n```\n\nSee [faq](faq.md#x).\n",
        ));
        assert!(html.contains("<h1 id=\"title\"><a class=\"anchor\" href=\"#title\""));
        assert!(html.contains("<h2 id=\"custom\">"));
        assert!(html.contains(
            "<div class=\"callout callout-warning\">\n<p class=\"callout-title\">Warning</p>"
        ));
        assert!(!html.contains("secret"));
        assert!(html.contains("<code class=\"language-toml\">"));
        assert!(html.contains("href=\"faq.html#x\""));
    }

    #[test]
    fn hidden_lines_of_rust_and_prefixed_blocks_are_boring() {
        let p = page(
            "```rust\n# fn main() {\nlet x = 1;\n# }\n```\n\n```python\n~import os\nprint(os)\n```\n\n```python hidelines=!\n!a\n~b\n```\n\n```\n# shown\n```\n",
        );
        let mut hidelines = BTreeMap::new();
        hidelines.insert("python".to_string(), "~".to_string());
        let html = render_events_with(&p, &p.events(), None, Blocks::All, &hidelines);
        let blocks: Vec<&str> = html.split("<div class=\"codeblock\"").skip(1).collect();
        assert_eq!(
            blocks[0].matches("class=\"boring\"").count(),
            2,
            "{}",
            blocks[0]
        );
        assert!(!blocks[0].contains("# "), "{}", blocks[0]);
        assert_eq!(
            blocks[1].matches("class=\"boring\"").count(),
            1,
            "{}",
            blocks[1]
        );
        assert!(!blocks[1].contains('~'), "{}", blocks[1]);
        // The attribute wins over the book's prefix.
        assert_eq!(
            blocks[2].matches("class=\"boring\"").count(),
            1,
            "{}",
            blocks[2]
        );
        assert!(blocks[2].contains('~'), "{}", blocks[2]);
        // A block with no language hides nothing in the page, as in mdBook.
        assert!(blocks[3].contains("# shown"), "{}", blocks[3]);
        assert!(!blocks[3].contains("boring"), "{}", blocks[3]);
    }
}
