//! A page: its resolved text parsed once into headings, code blocks, links
//! and anchors, read by both the renderer and the checker.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use super::codeblock::{CodeBlock, parse_info};
use super::markdown_options;
use super::walk::{Node, Spanned, walk};
use crate::diagnostics::SourceMap;
use crate::error::{Error, Result};
use crate::source::{RawSource, Resolved, preprocess};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub dest: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path shown to users, relative to the book root (`content/faq.md`).
    pub path: PathBuf,
    /// Path relative to the book's source folder (`faq.md`).
    pub rel: PathBuf,
    /// The resolved text the page was parsed from (its file's text, until
    /// includes exist); code blocks' byte ranges point into it.
    pub text: String,
    pub headings: Vec<Heading>,
    pub blocks: Vec<CodeBlock>,
    pub links: Vec<Link>,
    /// Findings that do not stop the build, as `path:line: message`.
    pub warnings: crate::diagnostics::Warnings,
    /// Anchors other than headings: footnote names and `id`/`name`
    /// attributes of raw HTML.
    other_anchors: Vec<String>,
    /// Where each offset of `text` came from.
    map: SourceMap,
}

impl Page {
    /// Parse `source`, the text of the file shown as `path` (`rel` inside
    /// the source folder), through the source stage. Errors (bad
    /// annotations) carry `path` and the line.
    pub fn parse(path: &Path, rel: &Path, source: String) -> Result<Page> {
        let raw = RawSource {
            shown: path.to_path_buf(),
            rel: rel.to_path_buf(),
            text: source,
        };
        Page::from_resolved(preprocess(raw)?)
    }

    /// Parse a page's resolved text: the one parse of a page.
    pub fn from_resolved(resolved: Resolved) -> Result<Page> {
        let Resolved {
            shown: path,
            rel,
            text: source,
            map,
        } = resolved;
        let path = path.as_path();
        let mut headings = Vec::new();
        let mut other_anchors = Vec::new();
        let mut blocks = Vec::new();
        let mut links = Vec::new();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut ids = IdAllocator::default();

        // (line, explicit id, text) of the heading being read.
        let mut heading: Option<(usize, Option<String>, String)> = None;

        let events = Parser::new_ext(&source, markdown_options()).into_offset_iter();
        for (node, range) in walk(events) {
            let line = map.line(range.start);
            let event = match node {
                Node::CodeBlock(open) => {
                    let open = *open;
                    let (info, fenced) = match &open.kind {
                        CodeBlockKind::Fenced(info) => (info.to_string(), true),
                        CodeBlockKind::Indented => (String::new(), false),
                    };
                    let whole = &source[range.clone()];
                    let unclosed = fenced && !fence_is_closed(whole);
                    // Messages name the file the fence was written in.
                    let written = map.locate(range.start);
                    if unclosed {
                        warnings.push(format!(
                            "{written}: this code block is never closed, so it swallows everything after it; it is shown as text and not checked (add a closing {} line)",
                            open_fence(whole).unwrap_or("```")
                        ));
                    }
                    match noted(parse_info(&info, &written.path, written.line), &written) {
                        Ok(parsed) => {
                            warnings.extend(parsed.warnings);
                            let super::codeblock::Info {
                                lang, annotations, ..
                            } = parsed;
                            let text_range = fenced.then(|| {
                                let start = content_start(&source, range.clone());
                                open.text_range.unwrap_or(start..start)
                            });
                            blocks.push(CodeBlock {
                                page: path.to_path_buf(),
                                line,
                                lang,
                                info,
                                annotations,
                                text: open.text,
                                text_range,
                                index: blocks.len(),
                                unclosed,
                            });
                        }
                        Err(e) => errors.push(e),
                    }
                    continue;
                }
                Node::Event((event, _)) => event,
            };
            match &event {
                Event::Start(Tag::Heading { id, .. }) => {
                    heading = Some((line, id.as_deref().map(str::to_string), String::new()));
                }
                Event::End(TagEnd::Heading(level)) => {
                    if let Some((start_line, explicit, title)) = heading.take() {
                        let title = title.trim().to_string();
                        let id = match explicit {
                            Some(explicit) => ids.claim(explicit),
                            None => ids.claim(slug(&title)),
                        };
                        headings.push(Heading {
                            level: *level as u8,
                            id,
                            title,
                            line: start_line,
                        });
                    }
                }
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    other_anchors.push(name.to_string());
                    other_anchors.push(format!("fn-{name}"));
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    other_anchors.extend(html_anchors(h));
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, title)) = &mut heading {
                        title.push_str(t);
                    }
                }
                Event::Start(Tag::Link { dest_url, .. })
                | Event::Start(Tag::Image { dest_url, .. }) => links.push(Link {
                    dest: dest_url.to_string(),
                    line,
                }),
                _ => {}
            }
        }
        Error::from_many(errors)?;
        Ok(Page {
            path: path.to_path_buf(),
            rel,
            text: source,
            headings,
            blocks,
            links,
            warnings,
            other_anchors,
            map,
        })
    }

    /// The events of the page with their byte ranges, the heading ids
    /// filled in, for the renderer to walk (see [`super::walk`]). The page
    /// keeps only its text and what the parse read from it, so this parses
    /// the text a second time: holding every page's events would cost far
    /// more memory than parsing twice costs time.
    pub fn events(&self) -> Vec<Spanned<'_>> {
        self.events_with(markdown_options())
    }

    /// [`Page::events`] parsed with `options` (see
    /// [`super::render_options`]).
    pub fn events_with(&self, options: pulldown_cmark::Options) -> Vec<Spanned<'_>> {
        let mut ids = self.headings.iter().map(|h| h.id.as_str());
        Parser::new_ext(&self.text, options)
            .into_offset_iter()
            .map(|(event, range)| {
                let event = match event {
                    Event::Start(Tag::Heading {
                        level,
                        id: _,
                        classes,
                        attrs,
                    }) => Event::Start(Tag::Heading {
                        level,
                        id: ids.next().map(CowStr::Borrowed),
                        classes,
                        attrs,
                    }),
                    other => other,
                };
                (event, range)
            })
            .collect()
    }

    /// The 1-based line of a byte offset of the page's text.
    pub fn line_of(&self, offset: usize) -> usize {
        self.map.line(offset)
    }

    /// Where each offset of the page's text came from.
    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// The page's title: its first level-1 heading, if any.
    pub fn first_title(&self) -> Option<&str> {
        self.headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.title.as_str())
    }

    /// Is `id` an anchor of this page (a heading or a footnote)?
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || self.other_anchors.iter().any(|a| a == id)
    }
}

/// The values of `id="…"` and `name="…"` attributes in a piece of HTML.
fn html_anchors(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["id=\"", "name=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            if before.is_none_or(|c| c.is_whitespace()) {
                out.push(rest[..end].to_string());
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Is the fenced block whose whole source is `block` closed? Its last line
/// must be a fence of the opening fence's character, at least as long,
/// with nothing after it; list indentation and `>` of a quote come first.
fn fence_is_closed(block: &str) -> bool {
    let block = block.trim_end_matches(['\n', '\r']);
    let Some((first, rest)) = block.split_once('\n') else {
        return false;
    };
    let Some(open) = open_fence(first) else {
        return false;
    };
    let last = rest.rsplit('\n').next().unwrap_or(rest);
    let last = last.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let fence_char = open.chars().next().unwrap_or('`');
    let run = last.len() - last.trim_start_matches(fence_char).len();
    run >= open.len() && last[run..].trim().is_empty()
}

/// The fence (like "```" or "~~~~") opening the first line of `text`.
fn open_fence(text: &str) -> Option<&str> {
    let line = text.lines().next()?;
    let line = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = line.len() - line.trim_start_matches(c).len();
    (run >= 3).then(|| &line[..run])
}

/// Offset just after the opening fence line of a block.
fn content_start(source: &str, range: Range<usize>) -> usize {
    source[range.clone()]
        .find('\n')
        .map(|i| range.start + i + 1)
        .unwrap_or(range.end)
}

/// GitHub/mdBook-style anchor of a heading text.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

/// Gives each heading a unique id: repeats get `-1`, `-2` ...
#[derive(Default)]
struct IdAllocator {
    used: HashMap<String, usize>,
}

impl IdAllocator {
    fn claim(&mut self, id: String) -> String {
        let n = self.used.entry(id.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            id
        } else {
            let unique = format!("{id}-{}", *n - 1);
            self.used.insert(unique.clone(), 1);
            unique
        }
    }
}

/// A page `content/p.md` with source `src`, for unit tests.
/// What [`parse_info`] said of a block at `written`, with the note of
/// `written` (the preprocessor that wrote the block) in its messages.
fn noted(
    result: Result<super::codeblock::Info>,
    written: &crate::diagnostics::Location,
) -> Result<super::codeblock::Info> {
    let Some(via) = &written.via else {
        return result;
    };
    let plain = format!("{}:{}:", written.path.display(), written.line);
    match result {
        Ok(mut info) => {
            for w in &mut info.warnings {
                if let Some(rest) = w.strip_prefix(&plain) {
                    *w = format!("{written}:{rest}");
                }
            }
            Ok(info)
        }
        Err(Error::Input {
            mut location,
            message,
        }) => {
            location.via = Some(via.clone());
            Err(Error::Input { location, message })
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
pub(crate) fn test_page(src: &str) -> Result<Page> {
    Page::parse(
        Path::new("content/p.md"),
        Path::new("p.md"),
        src.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(src: &str) -> Result<Page> {
        test_page(src)
    }

    #[test]
    fn blocks_carry_page_line_lang_attributes_and_text() {
        let p = page("# T\n\ntext\n\n```console timeout=5\n$ echo hi\nhi\n```\n\n    indented\n")
            .unwrap();
        assert_eq!(p.blocks.len(), 2);
        let b = &p.blocks[0];
        assert_eq!(b.page, PathBuf::from("content/p.md"));
        assert_eq!(b.line, 5);
        assert_eq!(b.lang, "console");
        assert_eq!(b.annotations.timeout, Some(5));
        assert_eq!(b.text, "$ echo hi\nhi\n");
        assert_eq!(&p.text[b.text_range.clone().unwrap()], "$ echo hi\nhi\n");
        assert_eq!(p.blocks[1].lang, "");
        assert_eq!(p.blocks[1].text_range, None);
    }

    #[test]
    fn empty_block_has_an_empty_range_at_its_content() {
        let p = page("```sh\n```\n").unwrap();
        assert_eq!(p.blocks[0].text_range, Some(6..6));
    }

    #[test]
    fn headings_get_unique_ids() {
        let p = page("# Title\n## Step one\n## Step one\n## Custom {#mine}\n## `cargo` & Nix!\n")
            .unwrap();
        let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            ["title", "step-one", "step-one-1", "mine", "cargo--nix"]
        );
        assert_eq!(p.first_title(), Some("Title"));
        assert_eq!(p.headings[3].line, 4);
        assert!(p.has_anchor("mine"));
    }

    #[test]
    fn links_have_lines() {
        let p = page("a\n\nsee [x](other.md#y) and ![i](img.png)\n").unwrap();
        assert_eq!(
            p.links,
            vec![
                Link {
                    dest: "other.md#y".into(),
                    line: 3
                },
                Link {
                    dest: "img.png".into(),
                    line: 3
                }
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_warns_with_its_line_and_is_not_checked() {
        let p = page("# T\n\n```sh\ntrue\n```\n\ntext\n\n````console\n$ echo hi\n```\n## Lost\n")
            .unwrap();
        assert!(!p.blocks[0].unclosed);
        assert!(p.blocks[0].is_checked());
        assert!(p.blocks[1].unclosed);
        assert!(!p.blocks[1].is_checked());
        assert_eq!(p.warnings.len(), 1);
        assert!(
            p.warnings[0].starts_with("content/p.md:9: this code block is never closed"),
            "{:?}",
            p.warnings
        );
        assert!(
            p.warnings[0].ends_with("(add a closing ```` line)"),
            "{:?}",
            p.warnings
        );
        for closed in [
            "```\n```\n",
            "~~~sh\nx\n~~~~  \n",
            "- item\n\n  ```sh\n  x\n  ```\n",
            "> ```sh\n> x\n> ```\n",
            "```sh\nx\n```",
        ] {
            let p = page(closed).unwrap();
            assert!(p.warnings.is_empty(), "{closed:?}: {:?}", p.warnings);
        }
        for open in [
            "```\n",
            "```sh\n",
            "~~~\nx\n```\n",
            "- a\n\n  ```sh\n  x\n- b\n",
        ] {
            let p = page(open).unwrap();
            assert_eq!(p.warnings.len(), 1, "{open:?}");
        }
    }

    #[test]
    fn bad_annotations_fail_with_line() {
        let e = page("x\n\n```sh fiel=a\n```\n\n```sh exit=x\n```\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("content/p.md:3: unknown attribute `fiel`; did you mean `file`?"),
            "{msg}"
        );
        assert!(msg.contains("content/p.md:6: exit=x"), "{msg}");
    }
}
