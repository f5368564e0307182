//! The search index, `searchindex.js`:
//!
//! ```js
//! window.guidebookSearchIndex = {docs: [[title, url, excerpt], ...], terms: {"word": [doc, ...]}};
//! ```
//!
//! One doc per section of a page (split at h1-h3 headings). Terms are
//! lowercased words of two or more characters (`snake_case` words also by
//! part); each posting list is sorted and holds a doc once per occurrence
//! kind: once for the body, once more when the word is in the title. No full
//! text is stored, which keeps the index small.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::markdown::Page;
use crate::markdown::walk::{Node, Spanned, walk_parsed};

const EXCERPT_CHARS: usize = 160;

/// One section of a page, ready for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub url: String,
    pub excerpt: String,
    /// Distinct words of the body.
    pub words: Vec<String>,
    /// Distinct words of the title.
    pub title_words: Vec<String>,
}

/// The sections of `page`, whose title (from SUMMARY.md) is `page_title` and
/// whose URL is `url`.
pub fn sections(page: &Page, page_title: &str, url: &str) -> Vec<Section> {
    sections_of(page, &page.events(), page_title, url, &Default::default())
}

/// [`sections`] from the page's events, already parsed. The words of
/// `hidden` blocks, and of hidden lines (`hidelines`: the book's
/// `[output.html.code.hidelines]`), which the page does not show, are left
/// out.
pub fn sections_of(
    page: &Page,
    events: &[Spanned<'_>],
    page_title: &str,
    url: &str,
    hidelines: &std::collections::BTreeMap<String, String>,
) -> Vec<Section> {
    let mut out = Vec::new();
    let mut current = Open::new(page_title.to_string(), url.to_string());
    let mut heading: Option<(String, String)> = None; // (id, text)
    for (node, _) in walk_parsed(events) {
        let event = match node {
            Node::CodeBlock(node) => {
                match page.blocks.get(node.index) {
                    Some(block) if !block.annotations.hidden => {
                        let rule = super::html::hide_rule(block, hidelines);
                        current.text(
                            &crate::markdown::hidden::visible_text(&block.text, rule),
                            false,
                        )
                    }
                    _ => {}
                }
                continue;
            }
            Node::Event((event, _)) => event,
        };
        match event {
            Event::Start(Tag::Heading { level, id, .. }) if (*level as u8) <= 3 => {
                heading = Some((id.as_deref().unwrap_or_default().to_string(), String::new()));
            }
            Event::End(TagEnd::Heading(level)) if (*level as u8) <= 3 => {
                if let Some((id, text)) = heading.take() {
                    let text = text.trim();
                    // The page's own title heading starts no new section.
                    if *level as u8 == 1 && out.is_empty() && current.is_blank() {
                        continue;
                    }
                    let title = if text.is_empty() {
                        page_title.to_string()
                    } else {
                        format!("{page_title} › {text}")
                    };
                    let next = Open::new(title, format!("{url}#{id}"));
                    out.push(std::mem::replace(&mut current, next).finish());
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut heading {
                Some((_, h)) => h.push_str(t),
                None => current.text(t, true),
            },
            Event::SoftBreak | Event::HardBreak => current.text(" ", true),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::Heading(_),
            ) => current.text(" ", true),
            _ => {}
        }
    }
    out.push(current.finish());
    out
}

struct Open {
    title: String,
    url: String,
    excerpt: String,
    excerpt_full: bool,
    body: String,
}

impl Open {
    fn new(title: String, url: String) -> Open {
        Open {
            title,
            url,
            excerpt: String::new(),
            excerpt_full: false,
            body: String::new(),
        }
    }

    fn is_blank(&self) -> bool {
        self.body.trim().is_empty()
    }

    fn text(&mut self, t: &str, prose: bool) {
        self.body.push_str(t);
        self.body.push(' ');
        if prose && !self.excerpt_full {
            for c in t.chars() {
                if c.is_whitespace() {
                    if !self.excerpt.is_empty() && !self.excerpt.ends_with(' ') {
                        self.excerpt.push(' ');
                    }
                } else {
                    self.excerpt.push(c);
                }
            }
            if self.excerpt.chars().count() >= EXCERPT_CHARS {
                self.excerpt_full = true;
            }
        }
    }

    fn finish(self) -> Section {
        let mut excerpt: String = self.excerpt.trim().chars().take(EXCERPT_CHARS).collect();
        if self.excerpt_full {
            excerpt = excerpt.trim_end().to_string();
            excerpt.push('…');
        }
        Section {
            title_words: words(&self.title),
            title: self.title,
            url: self.url,
            excerpt,
            words: words(&self.body),
        }
    }
}

/// The distinct index terms of `text`, sorted.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        let token = raw.trim_matches('_');
        if token.is_empty() {
            continue;
        }
        let lower = token.to_lowercase();
        push_term(&mut out, &lower);
        if lower.contains('_') {
            for part in lower.split('_') {
                push_term(&mut out, part);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn push_term(out: &mut Vec<String>, term: &str) {
    let chars = term.chars().count();
    if (2..=40).contains(&chars) && !term.chars().all(|c| c.is_ascii_digit()) {
        out.push(term.to_string());
    }
}

/// The index terms met so far, each with a number.
#[derive(Debug, Default)]
pub struct Terms {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Terms {
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(term.to_string(), id);
        self.names.push(term.to_string());
        id
    }
}

/// One doc of the index: a section with its words turned into term
/// numbers, so that the book's words are held once, not once per section.
#[derive(Debug, Clone)]
pub struct Doc {
    /// `[title, url, excerpt]`, as JSON.
    json: String,
    /// The section's terms, title terms a second time.
    terms: Vec<u32>,
}

impl Doc {
    pub fn new(section: &Section, terms: &mut Terms) -> Doc {
        Doc {
            json: format!(
                "[{},{},{}]",
                json(&section.title),
                json(&section.url),
                json(&section.excerpt)
            ),
            terms: section
                .words
                .iter()
                .chain(&section.title_words)
                .map(|w| terms.id(w))
                .collect(),
        }
    }
}

/// The text of `searchindex.js` for `docs`, in order.
pub fn index_js<'a>(terms: &Terms, docs: impl IntoIterator<Item = &'a Doc>) -> String {
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); terms.names.len()];
    let mut out = String::from("window.guidebookSearchIndex = {docs: [");
    for (n, doc) in docs.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&doc.json);
        for &t in &doc.terms {
            postings[t as usize].push(n as u32);
        }
    }
    out.push_str("], terms: {");
    let mut order: Vec<u32> = (0..terms.names.len() as u32)
        .filter(|&t| !postings[t as usize].is_empty())
        .collect();
    order.sort_unstable_by_key(|&t| terms.names[t as usize].as_str());
    let mut number = itoa::Buffer::new();
    for (i, &t) in order.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Terms are letters, digits and `_` (see `words`): nothing to escape.
        out.push('"');
        out.push_str(&terms.names[t as usize]);
        out.push_str("\":[");
        for (j, d) in postings[t as usize].iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(number.format(*d));
        }
        out.push(']');
    }
    out.push_str("}};\n");
    out
}

/// The text of `searchindex.js` for all sections of the book.
pub fn sections_js(sections: &[Section]) -> String {
    let mut terms = Terms::default();
    let docs: Vec<Doc> = sections.iter().map(|s| Doc::new(s, &mut terms)).collect();
    index_js(&terms, &docs)
}

/// A JSON string literal that is also safe inside a `<script>`.
fn json(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap_or_default()
        .replace("</", "<\\/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(src: &str) -> Page {
        crate::markdown::page::test_page(src).unwrap()
    }

    #[test]
    fn splits_words() {
        assert_eq!(
            words("Use wasmtime_component_macro, a 2 x 42 Übung"),
            [
                "component",
                "macro",
                "use",
                "wasmtime",
                "wasmtime_component_macro",
                "übung"
            ]
        );
    }

    #[test]
    fn one_doc_per_section() {
        let s = sections(
            &page(
                "# Fixing\n\nIntro text.\n\n## Step one\n\nRun it:\n\n```sh\ncargo_build\n```\n\n#### Deep\n\nmore\n\n### Last\n\nend\n",
            ),
            "Fixing locks",
            "fix.html",
        );
        let titles: Vec<_> = s.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Fixing locks",
                "Fixing locks › Step one",
                "Fixing locks › Last"
            ]
        );
        assert_eq!(s[0].url, "fix.html");
        assert_eq!(s[1].url, "fix.html#step-one");
        assert_eq!(s[0].excerpt, "Intro text.");
        assert_eq!(s[1].excerpt, "Run it: Deep more");
        assert!(s[1].words.contains(&"cargo_build".to_string()));
        assert!(s[1].title_words.contains(&"step".to_string()));
    }

    #[test]
    fn hidden_blocks_reach_no_search_words() {
        let s = sections(
            &page("# T\n\nshown\n\n```sh hidden\nsecretword\n```\n\n```sh\nvisibleword\n```\n"),
            "T",
            "t.html",
        );
        assert!(!s[0].words.contains(&"secretword".to_string()), "{s:?}");
        assert!(s[0].words.contains(&"visibleword".to_string()), "{s:?}");
        let s = sections(
            &page("# T\n\n```rust\n# fn secretword() {}\nfn visibleword() {}\n```\n"),
            "T",
            "t.html",
        );
        assert!(!s[0].words.contains(&"secretword".to_string()), "{s:?}");
        assert!(s[0].words.contains(&"visibleword".to_string()), "{s:?}");
    }

    #[test]
    fn title_words_weigh_twice() {
        let js = sections_js(&[
            Section {
                title: "A".into(),
                url: "a.html".into(),
                excerpt: "x</script>".into(),
                words: vec!["nix".into()],
                title_words: vec!["nix".into()],
            },
            Section {
                title: "B".into(),
                url: "b.html".into(),
                excerpt: String::new(),
                words: vec!["nix".into()],
                title_words: vec![],
            },
        ]);
        assert_eq!(
            js,
            "window.guidebookSearchIndex = {docs: [[\"A\",\"a.html\",\"x<\\/script>\"],[\"B\",\"b.html\",\"\"]], terms: {\"nix\":[0,0,1]}};\n"
        );
    }
}
