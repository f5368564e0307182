//! A page's events to the HTML of its content: headings with anchors, `.md`
//! links pointing at the rendered `.html`, GitHub alerts as callouts, and
//! highlighted code blocks (blocks marked `hidden` are left out).

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

use super::checks::{self, CheckReport};
use super::highlight::highlight;
use crate::page::Page;

/// The HTML of a page's content (checked blocks marked "not checked").
pub fn render(page: &Page) -> String {
    render_with(page, None)
}

/// The HTML of a page's content, checked blocks carrying their result in
/// `report`.
pub fn render_with(page: &Page, report: Option<&CheckReport>) -> String {
    render_events(page, &page.events(), report)
}

/// [`render_with`] from the page's events, already parsed.
pub fn render_events(page: &Page, events: &[Event<'_>], report: Option<&CheckReport>) -> String {
    let mut out = String::with_capacity(page.source.len() * 2);
    pulldown_cmark::html::push_html(&mut out, Events::new(page, events, report));
    out
}

/// The page's events with guidebook's HTML in place of headings, alerts and
/// code blocks.
struct Events<'p, 'e> {
    page: &'p Page,
    events: &'p [Event<'e>],
    pos: usize,
    /// Index of the next code block among `page.blocks`.
    block: usize,
    report: Option<&'p CheckReport>,
}

impl<'p, 'e> Events<'p, 'e> {
    fn new(page: &'p Page, events: &'p [Event<'e>], report: Option<&'p CheckReport>) -> Self {
        Events {
            page,
            events,
            pos: 0,
            block: 0,
            report,
        }
    }

    /// Consume a code block's events up to its end; its HTML, or `None` for
    /// a hidden block.
    fn code_block(&mut self) -> Option<String> {
        let mut text = String::new();
        while let Some(event) = self.events.get(self.pos) {
            self.pos += 1;
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => text.push_str(t),
                _ => {}
            }
        }
        let block = self.page.blocks.get(self.block);
        self.block += 1;
        let lang = block.map(|b| b.lang.as_str()).unwrap_or("");
        if block.is_some_and(|b| b.annotations.hidden) {
            return None;
        }
        let html = code_block_html(lang, &text);
        match block.filter(|b| b.is_checked()) {
            Some(b) => {
                let body = html.strip_suffix("</div>\n").unwrap_or(&html);
                Some(format!(
                    "{body}{}</div>\n",
                    checks::block_badge(self.report, b)
                ))
            }
            None => Some(html),
        }
    }
}

impl<'p, 'e: 'p> Iterator for Events<'p, 'e> {
    type Item = Event<'p>;

    fn next(&mut self) -> Option<Event<'p>> {
        loop {
            let event = self.events.get(self.pos)?;
            self.pos += 1;
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
                Event::Start(Tag::CodeBlock(_)) => match self.code_block() {
                    Some(html) => html,
                    None => continue,
                },
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
    let code = highlight(lang, text);
    let lang = escape_html(lang);
    if lang.is_empty() {
        format!("<div class=\"codeblock\"><pre><code>{code}</code></pre></div>\n")
    } else {
        format!(
            "<div class=\"codeblock\" data-lang=\"{lang}\"><pre><code class=\"language-{lang}\">{code}</code></pre></div>\n"
        )
    }
}

/// Is `dest` a link leaving the site (`https:`, `mailto:`, `//host`)?
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// A link to `page.md` or `dir/README.md` (with an optional `#anchor`)
/// becomes a link to its rendered page; other links are unchanged.
pub fn md_to_html(dest: &str) -> String {
    if is_external(dest) || dest.starts_with('#') {
        return dest.to_string();
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{}.html{fragment}", crate::paths::output_stem(stem)),
        None => dest.to_string(),
    }
}

/// Escape text for HTML content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(src: &str) -> Page {
        crate::page::test_page(src).unwrap()
    }

    #[test]
    fn rewrites_markdown_links() {
        assert_eq!(md_to_html("faq.md"), "faq.html");
        assert_eq!(md_to_html("../fix/lock.md#why"), "../fix/lock.html#why");
        assert_eq!(md_to_html("README.md"), "index.html");
        assert_eq!(md_to_html("sub/README.md#a"), "sub/index.html#a");
        assert_eq!(md_to_html("https://x.org/a.md"), "https://x.org/a.md");
        assert_eq!(md_to_html("#top"), "#top");
        assert_eq!(md_to_html("img/a.png"), "img/a.png");
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("dir/a:b.md"));
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
}
