//! Where a line of a generated source came from: a compiled file and its
//! line map ([`Located`]), and positions in compiler and panic messages
//! (`FILE:LINE:COL`) turned into page lines.

use std::sync::LazyLock;

use regex::Regex;

use super::wrap::Source;
use crate::markdown::codeblock::CodeBlock;

/// A compiled source and its file name, to map messages back to the page.
#[derive(Debug)]
pub struct Located {
    pub file: String,
    pub source: Source,
}

/// The page line of a block's first line of code: after its fence, or its
/// own line for an indented block (which rustdoc tests too).
pub fn first_code_line(block: &CodeBlock) -> usize {
    block.line + usize::from(block.text_range.is_some())
}

static POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([A-Za-z0-9_.-]+\.rs):(\d+):(\d+)").expect("regex"));

/// Replace positions in `located`'s file by `page:line:col` of the block
/// `block_of` gives for them.
pub fn relocate<'b>(
    text: &str,
    located: &Located,
    block_of: impl Fn(usize) -> Option<&'b CodeBlock>,
) -> String {
    POSITION
        .replace_all(text, |c: &regex::Captures<'_>| {
            let whole = c[0].to_string();
            if c[1] != located.file {
                return whole;
            }
            let line: usize = c[2].parse().unwrap_or(0);
            match located
                .source
                .origin(line)
                .and_then(|(i, l)| Some((block_of(i)?, l)))
            {
                Some((b, l)) => {
                    format!("{}:{}:{}", b.page.display(), first_code_line(b) + l, &c[3])
                }
                None => whole,
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rust::Doctest;
    use crate::check::rust::wrap;
    use crate::markdown::Page;
    use std::path::Path;

    #[test]
    fn positions_in_generated_sources_become_page_lines() {
        let page = Page::parse(
            Path::new("content/p.md"),
            Path::new("p.md"),
            "# P\n\n```rust\n# let hidden = 1;\nlet x: u8 = \"no\";\n```\n".into(),
        )
        .unwrap();
        let test = Doctest::new(&page.blocks[0]);
        assert_eq!(test.code, "let hidden = 1;\nlet x: u8 = \"no\";\n");
        let located = Located {
            file: "block-0.rs".into(),
            source: wrap::crate_source(&test.code, 0),
        };
        let tests = [test];
        // Line 4 of the wrapped source is the block's second line (page line 5).
        let text = relocate(" --> block-0.rs:4:13\n --> other.rs:4:1\n", &located, |i| {
            tests.get(i).map(|t| &t.block)
        });
        assert_eq!(text, " --> content/p.md:5:13\n --> other.rs:4:1\n");
    }
}
