//! The one walker over a page's Markdown events. It passes every event
//! through, except that a code block (its start, text and end events)
//! comes as one [`Node::CodeBlock`] with its text, byte ranges and index
//! among the page's code blocks, so that each reader (the parse into a
//! [`super::Page`], the HTML, the search index) gets the block whole and can
//! find its [`super::CodeBlock`] (and whether it is `hidden`) by index.
//!
//! It walks owned events (the parse, straight from the parser) or borrowed
//! ones (the renderer, over [`super::Page::events`] held once for both the
//! HTML and the search index), so that no event is copied to be walked.

use std::marker::PhantomData;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

/// An event with its byte range in the page's text.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// An event with its range, owned or borrowed.
pub trait AsSpanned<'a> {
    fn event(&self) -> &Event<'a>;
    fn range(&self) -> Range<usize>;
}

impl<'a> AsSpanned<'a> for Spanned<'a> {
    fn event(&self) -> &Event<'a> {
        &self.0
    }
    fn range(&self) -> Range<usize> {
        self.1.clone()
    }
}

impl<'a> AsSpanned<'a> for &Spanned<'a> {
    fn event(&self) -> &Event<'a> {
        &self.0
    }
    fn range(&self) -> Range<usize> {
        self.1.clone()
    }
}

/// What the walker yields: `E` is the walked item, an owned or borrowed
/// [`Spanned`].
#[derive(Debug)]
pub enum Node<'a, E> {
    /// An event outside code blocks, as walked.
    Event(E),
    /// A whole code block (boxed: blocks are few, events many, and every
    /// event is moved through the walk).
    CodeBlock(Box<BlockNode<'a>>),
}

/// A code block as the walker reads it.
#[derive(Debug)]
pub struct BlockNode<'a> {
    pub kind: CodeBlockKind<'a>,
    /// The block's text: its text events joined. Empty from
    /// [`walk_parsed`], whose readers take it from the page's block.
    pub text: String,
    /// Byte range of the whole block, fences included.
    pub range: Range<usize>,
    /// Byte range of its text, when it has any.
    pub text_range: Option<Range<usize>>,
    /// 0-based index among the page's code blocks.
    pub index: usize,
}

/// Walk `events` (with their byte ranges) as [`Node`]s.
pub fn walk<'a, I>(events: I) -> Walk<'a, I::IntoIter>
where
    I: IntoIterator,
    I::Item: AsSpanned<'a>,
{
    Walk {
        events: events.into_iter(),
        blocks: 0,
        keep_text: true,
        lifetime: PhantomData,
    }
}

/// [`walk`] for the events of a page already parsed: a block's text is in
/// `page.blocks[node.index].text`, so it is not joined again here.
pub fn walk_parsed<'a, I>(events: I) -> Walk<'a, I::IntoIter>
where
    I: IntoIterator,
    I::Item: AsSpanned<'a>,
{
    Walk {
        keep_text: false,
        ..walk(events)
    }
}

pub struct Walk<'a, I> {
    events: I,
    blocks: usize,
    keep_text: bool,
    /// The lifetime of the walked events' text.
    lifetime: PhantomData<&'a ()>,
}

impl<'a, I> Iterator for Walk<'a, I>
where
    I: Iterator,
    I::Item: AsSpanned<'a>,
{
    type Item = (Node<'a, I::Item>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.events.next()?;
        let range = item.range();
        let Event::Start(Tag::CodeBlock(kind)) = item.event() else {
            return Some((Node::Event(item), range));
        };
        let kind = kind.clone();
        let mut text = String::new();
        let mut text_range: Option<Range<usize>> = None;
        for item in self.events.by_ref() {
            match item.event() {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => {
                    if self.keep_text {
                        text.push_str(t);
                    }
                    let r = item.range();
                    text_range = Some(match text_range {
                        Some(open) => open.start..r.end,
                        None => r,
                    });
                }
                _ => {}
            }
        }
        let index = self.blocks;
        self.blocks += 1;
        let node = Box::new(BlockNode {
            kind,
            text,
            range: range.clone(),
            text_range,
            index,
        });
        Some((Node::CodeBlock(node), range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    #[test]
    fn a_code_block_comes_whole_with_its_index() {
        let src = "# T\n\n```sh\na\nb\n```\n\ntext\n\n    indented\n";
        let nodes: Vec<_> = walk(Parser::new(src).into_offset_iter()).collect();
        let blocks: Vec<&BlockNode> = nodes
            .iter()
            .filter_map(|(n, _)| match n {
                Node::CodeBlock(b) => Some(b.as_ref()),
                Node::Event(_) => None,
            })
            .collect();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].text, "a\nb\n");
        assert_eq!(&src[blocks[0].text_range.clone().unwrap()], "a\nb\n");
        assert_eq!(&src[blocks[0].range.clone()], "```sh\na\nb\n```");
        assert_eq!(blocks[1].index, 1);
        assert_eq!(blocks[1].text, "indented\n");
        let texts: Vec<&str> = nodes
            .iter()
            .filter_map(|(n, _)| match n {
                Node::Event((Event::Text(t), _)) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["T", "text"]);
    }

    #[test]
    fn borrowed_events_walk_alike_without_text() {
        let src = "```sh\na\n```\n";
        let events: Vec<Spanned> = Parser::new(src).into_offset_iter().collect();
        let nodes: Vec<_> = walk_parsed(&events).collect();
        assert_eq!(nodes.len(), 1);
        match &nodes[0].0 {
            Node::CodeBlock(b) => {
                assert_eq!(b.text, "");
                assert_eq!(&src[b.text_range.clone().unwrap()], "a\n");
            }
            Node::Event(_) => panic!("not a block"),
        }
    }
}
