//! Hidden lines of a code block: lines a page does not show (until the
//! reader asks) but the checker compiles or runs, as rustdoc and mdBook
//! hide them.
//!
//! - Rust blocks follow rustdoc (`map_line` in
//!   src/librustdoc/html/markdown.rs): a line whose trimmed text starts with
//!   `# `, or is `#` alone, is hidden, and the code is the text after `# `;
//!   `##` at the start of the trimmed text is an escape for a shown line
//!   starting with `#`. `#[attr]` and `#!` lines are shown.
//! - Other languages hide lines only with a prefix, from the block's
//!   `hidelines=PREFIX` attribute or `[output.html.code.hidelines]`, as
//!   mdBook does (`hide_lines_with_prefix` in its HTML renderer): a line
//!   whose text after leading whitespace starts with the prefix is hidden,
//!   and the prefix is removed.
//!
//! One function serves the page and the checker, so both agree on which
//! lines are hidden.

use std::borrow::Cow;

/// How a block's lines are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HideRule<'a> {
    /// Nothing is hidden.
    None,
    /// rustdoc's `# ` lines.
    Rust,
    /// Lines starting with this prefix (after leading whitespace).
    Prefix(&'a str),
}

impl<'a> HideRule<'a> {
    /// The rule for a block of language `lang` (lowercase), with its
    /// `hidelines=` attribute `attribute` and the book's
    /// `[output.html.code.hidelines]` prefix for that language `configured`.
    /// The attribute wins, then the book's setting, then rustdoc's rule for
    /// Rust. `is_rust` says whether the block is Rust (rustdoc also reads
    /// blocks with no language, or only attributes, as Rust).
    pub fn for_block(
        is_rust: bool,
        attribute: Option<&'a str>,
        configured: Option<&'a str>,
    ) -> Self {
        match attribute.or(configured) {
            Some(prefix) if !prefix.is_empty() => HideRule::Prefix(prefix),
            _ if is_rust => HideRule::Rust,
            _ => HideRule::None,
        }
    }
}

/// One line of a code block, split by a [`HideRule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLine<'a> {
    /// The line as the page shows it (when revealed, for a hidden one),
    /// without its line ending.
    pub shown: Cow<'a, str>,
    /// The line as the checker compiles or runs it.
    pub code: Cow<'a, str>,
    pub hidden: bool,
}

/// Split `text` into its lines under `rule`.
pub fn split_lines<'a>(text: &'a str, rule: HideRule<'_>) -> Vec<CodeLine<'a>> {
    text.lines().map(|line| split_line(line, rule)).collect()
}

fn split_line<'a>(line: &'a str, rule: HideRule<'_>) -> CodeLine<'a> {
    let shown = |text: Cow<'a, str>| CodeLine {
        shown: text.clone(),
        code: text,
        hidden: false,
    };
    let hidden = |text: &'a str| CodeLine {
        shown: Cow::Borrowed(text),
        code: Cow::Borrowed(text),
        hidden: true,
    };
    match rule {
        HideRule::None => shown(Cow::Borrowed(line)),
        HideRule::Rust => {
            let trimmed = line.trim();
            if trimmed.starts_with("##") {
                shown(Cow::Owned(line.replacen("##", "#", 1)))
            } else if let Some(rest) = trimmed.strip_prefix("# ") {
                hidden(rest)
            } else if trimmed == "#" {
                hidden("")
            } else {
                shown(Cow::Borrowed(line))
            }
        }
        HideRule::Prefix(prefix) => {
            let rest = line.trim_start();
            match rest.strip_prefix(prefix) {
                Some(after) => {
                    let indent = &line[..line.len() - rest.len()];
                    let text = format!("{indent}{after}");
                    CodeLine {
                        shown: Cow::Owned(text.clone()),
                        code: Cow::Owned(text),
                        hidden: true,
                    }
                }
                None => shown(Cow::Borrowed(line)),
            }
        }
    }
}

/// The text the checker reads: every line, hidden ones included, each
/// ending in `\n`.
pub fn code_text(text: &str, rule: HideRule<'_>) -> String {
    join(split_lines(text, rule).iter().map(|l| &*l.code))
}

/// The text a reader copies: the shown lines only, each ending in `\n`.
pub fn visible_text(text: &str, rule: HideRule<'_>) -> String {
    join(
        split_lines(text, rule)
            .iter()
            .filter(|l| !l.hidden)
            .map(|l| &*l.shown),
    )
}

fn join<'s>(lines: impl Iterator<Item = &'s str>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUST: &str = "# fn main() {\nlet x = 1;\n    # let y = 2;\n#\n##[derive(Debug)]\n#[derive(Clone)]\n#![allow(unused)]\n#x\n# }\n";

    #[test]
    fn rust_lines_follow_rustdoc() {
        let lines = split_lines(RUST, HideRule::Rust);
        let hidden: Vec<bool> = lines.iter().map(|l| l.hidden).collect();
        assert_eq!(
            hidden,
            [true, false, true, true, false, false, false, false, true]
        );
        assert_eq!(
            code_text(RUST, HideRule::Rust),
            "fn main() {\nlet x = 1;\nlet y = 2;\n\n#[derive(Debug)]\n#[derive(Clone)]\n#![allow(unused)]\n#x\n}\n"
        );
        assert_eq!(
            visible_text(RUST, HideRule::Rust),
            "let x = 1;\n#[derive(Debug)]\n#[derive(Clone)]\n#![allow(unused)]\n#x\n"
        );
    }

    #[test]
    fn prefix_lines_follow_mdbook() {
        let text = "~import os\n  ~x = 1\nprint(os)\n# comment\n";
        let rule = HideRule::Prefix("~");
        assert_eq!(
            code_text(text, rule),
            "import os\n  x = 1\nprint(os)\n# comment\n"
        );
        assert_eq!(visible_text(text, rule), "print(os)\n# comment\n");
    }

    #[test]
    fn the_attribute_wins_over_the_book_and_rust() {
        assert_eq!(
            HideRule::for_block(true, Some("!!"), Some("~")),
            HideRule::Prefix("!!")
        );
        assert_eq!(
            HideRule::for_block(false, None, Some("~")),
            HideRule::Prefix("~")
        );
        assert_eq!(HideRule::for_block(true, None, None), HideRule::Rust);
        assert_eq!(HideRule::for_block(false, None, None), HideRule::None);
    }

    #[test]
    fn nothing_hidden_keeps_the_text() {
        let text = "# not hidden\nline\n";
        assert_eq!(code_text(text, HideRule::None), text);
        assert_eq!(visible_text(text, HideRule::None), text);
    }
}
