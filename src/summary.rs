//! `SUMMARY.md`, in mdBook's format: a title, prefix chapters, part titles,
//! numbered chapters (nested lists), separators, drafts, suffix chapters.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::diagnostics::LineIndex;
use crate::error::{Error, Result};

pub const SUMMARY_FILE: &str = "SUMMARY.md";

/// The deepest nesting of chapters accepted. mdBook books nest a handful
/// of levels; the limit keeps the parser, the navigation and the templates
/// (all recursive) far from any stack or recursion limit.
pub const MAX_NESTING: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryItem {
    PartTitle { title: String, line: usize },
    Separator,
    Chapter(Chapter),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    /// Path relative to the source folder; `None` for a draft.
    pub path: Option<PathBuf>,
    /// Section number (`[1, 2]` is "1.2."); `None` for prefix/suffix chapters.
    pub number: Option<Vec<u32>>,
    pub children: Vec<SummaryItem>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub title: Option<String>,
    pub items: Vec<SummaryItem>,
}

impl Summary {
    /// Every chapter in reading order (depth first).
    pub fn chapters(&self) -> Vec<&Chapter> {
        fn walk<'a>(items: &'a [SummaryItem], out: &mut Vec<&'a Chapter>) {
            for item in items {
                if let SummaryItem::Chapter(c) = item {
                    out.push(c);
                    walk(&c.children, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.items, &mut out);
        out
    }
}

/// Parse the text of a SUMMARY.md; `display` names it in errors.
pub fn parse(text: &str, display: &Path) -> Result<Summary> {
    let lines = LineIndex::new(text);
    let mut p = SummaryParser {
        events: Parser::new(text).into_offset_iter().collect(),
        pos: 0,
        lines,
        display,
        numbering: vec![0],
    };
    p.parse()
}

type Spanned<'a> = (Event<'a>, std::ops::Range<usize>);

struct SummaryParser<'a, 'p> {
    events: Vec<Spanned<'a>>,
    pos: usize,
    lines: LineIndex,
    display: &'p Path,
    numbering: Vec<u32>,
}

impl<'a> SummaryParser<'a, '_> {
    fn err(&self, offset: usize, msg: impl Into<String>) -> Error {
        Error::input(self.display, self.lines.line(offset), msg)
    }

    fn parse(&mut self) -> Result<Summary> {
        let mut summary = Summary::default();
        let mut seen_numbered = false;
        let mut seen_suffix = false;
        let mut first = true;
        while let Some((event, range)) = self.events.get(self.pos).cloned() {
            self.pos += 1;
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    let title = self.text_until_end();
                    if first && summary.title.is_none() {
                        summary.title = Some(title);
                    } else if level == HeadingLevel::H1 {
                        if seen_suffix {
                            return Err(self.err(range.start, "a part title after suffix chapters"));
                        }
                        summary.items.push(SummaryItem::PartTitle {
                            title,
                            line: self.lines.line(range.start),
                        });
                    } else {
                        return Err(self.err(
                            range.start,
                            "only `# Part title` headings are allowed after the summary title",
                        ));
                    }
                }
                Event::Start(Tag::Paragraph) => {
                    let links = self.paragraph_links(range.start)?;
                    for mut chapter in links {
                        if seen_numbered {
                            seen_suffix = true;
                        }
                        chapter.number = None;
                        summary.items.push(SummaryItem::Chapter(chapter));
                    }
                }
                Event::Start(Tag::List(ordered)) => {
                    if ordered.is_some() {
                        return Err(self.err(range.start, "use `-` for chapter lists, not numbers"));
                    }
                    if seen_suffix {
                        return Err(self.err(
                            range.start,
                            "numbered chapters after suffix chapters; suffix chapters must come last",
                        ));
                    }
                    seen_numbered = true;
                    let items = self.list(range.start)?;
                    summary.items.extend(items);
                }
                Event::Rule => {
                    if seen_numbered || !summary.items.is_empty() {
                        summary.items.push(SummaryItem::Separator)
                    }
                }
                Event::Html(_) | Event::InlineHtml(_) => {} // comments
                Event::End(_) => {}
                other => {
                    return Err(self.err(
                        range.start,
                        format!("unexpected {} in SUMMARY.md", describe(&other)),
                    ));
                }
            }
            first = false;
        }
        Ok(summary)
    }

    /// Plain text up to the end of the current element.
    fn text_until_end(&mut self) -> String {
        let mut depth = 1;
        let mut text = String::new();
        while let Some((event, _)) = self.events.get(self.pos) {
            self.pos += 1;
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        text.trim().to_string()
    }

    /// Prefix or suffix chapters: a paragraph holding only links.
    fn paragraph_links(&mut self, start: usize) -> Result<Vec<Chapter>> {
        let mut out = Vec::new();
        while let Some((event, range)) = self.events.get(self.pos).cloned() {
            self.pos += 1;
            match event {
                Event::End(TagEnd::Paragraph) => return Ok(out),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let title = self.text_until_end();
                    out.push(self.chapter(title, &dest_url, range.start)?);
                }
                Event::SoftBreak | Event::HardBreak => {}
                Event::Text(t) if t.trim().is_empty() => {}
                Event::Html(_) | Event::InlineHtml(_) => {}
                _ => {
                    return Err(self.err(
                        range.start.max(start),
                        "prefix and suffix chapters must be links, like `[Title](page.md)`",
                    ));
                }
            }
        }
        Ok(out)
    }

    fn chapter(&self, title: String, dest: &str, offset: usize) -> Result<Chapter> {
        let line = self.lines.line(offset);
        let path = if dest.is_empty() {
            None
        } else {
            let decoded = crate::paths::percent_decode(dest);
            if decoded.contains("://") || decoded.starts_with('/') {
                return Err(self.err(
                    offset,
                    format!("chapter link `{dest}` must be a relative path to a .md file"),
                ));
            }
            Some(PathBuf::from(decoded))
        };
        Ok(Chapter {
            title,
            path,
            number: None,
            children: Vec::new(),
            line,
        })
    }

    /// A `-` list of chapters, numbered from the current position.
    fn list(&mut self, start: usize) -> Result<Vec<SummaryItem>> {
        let mut items = Vec::new();
        while let Some((event, range)) = self.events.get(self.pos).cloned() {
            self.pos += 1;
            match event {
                Event::End(TagEnd::List(_)) => return Ok(items),
                Event::Start(Tag::Item) => items.push(self.item(range.start)?),
                _ => {
                    return Err(self.err(
                        range.start.max(start),
                        "unexpected content in a chapter list",
                    ));
                }
            }
        }
        Ok(items)
    }

    fn item(&mut self, start: usize) -> Result<SummaryItem> {
        let mut chapter: Option<Chapter> = None;
        let mut separator = false;
        // Children numbered so far: a change of marker (`-` then `*`) starts
        // a second list in the same item, whose chapters come after.
        let mut numbered = 0;
        while let Some((event, range)) = self.events.get(self.pos).cloned() {
            self.pos += 1;
            match event {
                Event::End(TagEnd::Item) => break,
                Event::Start(Tag::List(Some(_))) => {
                    return Err(self.err(range.start, "use `-` for chapter lists, not numbers"));
                }
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::Start(Tag::Link { dest_url, .. }) if chapter.is_none() => {
                    let title = self.text_until_end();
                    let mut c = self.chapter(title, &dest_url, range.start)?;
                    *self.numbering.last_mut().unwrap_or(&mut 0) += 1;
                    c.number = Some(self.numbering.clone());
                    chapter = Some(c);
                }
                Event::Start(Tag::List(None)) => {
                    let Some(parent) = chapter.as_mut() else {
                        return Err(
                            self.err(range.start, "a nested list must follow a chapter link")
                        );
                    };
                    if self.numbering.len() >= MAX_NESTING {
                        return Err(self.err(
                            range.start,
                            format!(
                                "chapters nest deeper than {MAX_NESTING} levels here; flatten the list (mdBook books nest a few levels)"
                            ),
                        ));
                    }
                    self.numbering.push(numbered);
                    let children = self.list(range.start);
                    numbered = self.numbering.pop().unwrap_or_default();
                    parent.children.extend(children?);
                }
                Event::Rule => separator = true,
                Event::Text(t) if t.trim() == "---" || t.trim().is_empty() => {
                    separator = t.trim() == "---" || separator
                }
                Event::SoftBreak => {}
                // Text after the chapter's link (`- [Title](t.md) (draft)`):
                // mdBook's SUMMARY parser takes the link and skips the rest
                // of the item (`parse_nested_item`, then `Some(_) => {}` in
                // `parse_nested_numbered`, crates/mdbook-summary/src/lib.rs),
                // so the chapter is the link and the text is not shown.
                _ if chapter.is_some() => {}
                other => {
                    return Err(self.err(
                        range.start,
                        format!(
                            "a chapter must be a link like `- [Title](page.md)`, found {}",
                            describe(&other)
                        ),
                    ));
                }
            }
        }
        match chapter {
            Some(c) => Ok(SummaryItem::Chapter(c)),
            None if separator => Ok(SummaryItem::Separator),
            None => Err(self.err(
                start,
                "a chapter list item without a link; write `- [Title](page.md)`",
            )),
        }
    }
}

fn describe(event: &Event) -> String {
    match event {
        Event::Text(t) => format!("text `{}`", t.trim()),
        Event::Start(tag) => format!("{tag:?}")
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or("markup")
            .to_lowercase(),
        _ => "markup".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Summary {
        parse(text, Path::new("src/SUMMARY.md")).unwrap()
    }

    #[test]
    fn text_after_a_chapter_link_is_skipped_as_mdbook_does() {
        let s = parse_ok(
            "# Summary\n\n- [One](one.md) (draft, *soon*)\n  - [Two](two.md) `x` [more](m.md)\n- [Three](three.md)\n",
        );
        let chapters: Vec<(&str, Option<&Path>)> = s
            .chapters()
            .iter()
            .map(|c| (c.title.as_str(), c.path.as_deref()))
            .collect();
        assert_eq!(
            chapters,
            [
                ("One", Some(Path::new("one.md"))),
                ("Two", Some(Path::new("two.md"))),
                ("Three", Some(Path::new("three.md")))
            ]
        );
        // Text before the link is still an error.
        assert!(parse("- draft [One](one.md)\n", Path::new("SUMMARY.md")).is_err());
    }

    #[test]
    fn mdbook_shapes() {
        let s = parse_ok(
            "# Summary\n\n[Intro](intro.md)\n\n# Part one\n\n- [A](a.md)\n  - [A1](a/1.md)\n  - [Draft]()\n- [B](b.md)\n\n---\n\n# Part two\n\n- [C](c.md)\n\n---\n\n[Outro](outro.md)\n",
        );
        assert_eq!(s.title.as_deref(), Some("Summary"));
        let chapters = s.chapters();
        let names: Vec<_> = chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(names, ["Intro", "A", "A1", "Draft", "B", "C", "Outro"]);
        let numbers: Vec<_> = chapters.iter().map(|c| c.number.clone()).collect();
        assert_eq!(
            numbers,
            [
                None,
                Some(vec![1]),
                Some(vec![1, 1]),
                Some(vec![1, 2]),
                Some(vec![2]),
                Some(vec![3]),
                None
            ]
        );
        assert_eq!(chapters[3].path, None);
        assert_eq!(chapters[2].line, 8);
        assert!(
            matches!(s.items[1], SummaryItem::PartTitle { ref title, line: 5 } if title == "Part one")
        );
        assert!(s.items.contains(&SummaryItem::Separator));
    }

    /// A list nested `depth` levels: each chapter holds the next.
    fn nested(depth: usize) -> String {
        let mut text = String::from("# Summary\n\n");
        for d in 0..depth {
            text.push_str(&"  ".repeat(d));
            text.push_str(&format!("- [C{d}](c{d}.md)\n"));
        }
        text
    }

    #[test]
    fn nesting_is_limited_with_the_line() {
        assert!(parse(&nested(MAX_NESTING), Path::new("SUMMARY.md")).is_ok());
        for depth in [MAX_NESTING + 1, 1_000] {
            let e = parse(&nested(depth), Path::new("SUMMARY.md")).unwrap_err();
            // The title and a blank line come first; the 17th item is too deep.
            let line = MAX_NESTING + 3;
            assert!(
                e.to_string()
                    .starts_with(&format!("SUMMARY.md:{line}: chapters nest deeper than 16")),
                "{e}"
            );
        }
    }

    #[test]
    fn errors_have_lines() {
        let e = parse(
            "# Summary\n\n- [A](a.md)\n- plain text\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("SUMMARY.md:4: a chapter"), "{e}");
        let e = parse(
            "# Summary\n\n- [A](a.md)\n\n[S](s.md)\n\n- [B](b.md)\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("SUMMARY.md:7: numbered chapters after suffix"),
            "{e}"
        );
    }
}
