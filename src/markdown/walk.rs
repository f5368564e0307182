//! The one walker over a page's Markdown events. It passes every event
//! through, except that a code block (its start, text and end events)
//! comes as one [`Node::CodeBlock`] with its text, byte ranges and index
//! among the page's code blocks, so that each reader (the parse into a
//! [`super::Page`], the HTML, the search index) gets the block whole and can
//! find its [`super::CodeBlock`] (and whether it is `hidden`) by index.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

/// An event with its byte range in the page's text.
pub type Spanned<'a> = (Event<'a>, Range<usize>);

/// The walk over a page's events held in a slice (see [`super::Page::events`]).
pub type SliceWalk<'p, 'e> = Walk<std::iter::Cloned<std::slice::Iter<'p, Spanned<'e>>>>;

/// What the walker yields.
#[derive(Debug)]
pub enum Node<'a> {
    /// An event outside code blocks, unchanged.
    Event(Event<'a>),
    /// A whole code block.
    CodeBlock(BlockNode<'a>),
}

/// A code block as the walker reads it.
#[derive(Debug)]
pub struct BlockNode<'a> {
    pub kind: CodeBlockKind<'a>,
    /// The block's text: its text events joined.
    pub text: String,
    /// Byte range of the whole block, fences included.
    pub range: Range<usize>,
    /// Byte range of its text, when it has any.
    pub text_range: Option<Range<usize>>,
    /// 0-based index among the page's code blocks.
    pub index: usize,
}

/// Walk `events` (with their byte ranges) as [`Node`]s.
pub fn walk<'a, I>(events: I) -> Walk<I::IntoIter>
where
    I: IntoIterator<Item = (Event<'a>, Range<usize>)>,
{
    Walk {
        events: events.into_iter(),
        blocks: 0,
    }
}

pub struct Walk<I> {
    events: I,
    blocks: usize,
}

impl<'a, I> Iterator for Walk<I>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    type Item = (Node<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let (event, range) = self.events.next()?;
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            return Some((Node::Event(event), range));
        };
        let mut text = String::new();
        let mut text_range: Option<Range<usize>> = None;
        for (event, r) in self.events.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => {
                    text.push_str(&t);
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
        let node = BlockNode {
            kind,
            text,
            range: range.clone(),
            text_range,
            index,
        };
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
                Node::CodeBlock(b) => Some(b),
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
                Node::Event(Event::Text(t)) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["T", "text"]);
    }
}
