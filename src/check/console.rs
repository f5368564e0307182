//! Console transcripts as lines of text: the model of `crate::transcript`
//! seen through written expected lines (`Vec<String>`), for callers that
//! hold text rather than expectations (the property tests of tests/fuzz.rs).
//! The checker and `--bless` use `crate::transcript` itself.

use std::ops::Range;

pub use crate::transcript::output::{escape_control, normalize as normalize_output, strip_ansi};
use crate::transcript::{self, Rules};

/// One command of a console block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleCommand {
    /// 1-based line of the command (its first line) in the page.
    pub line: usize,
    /// The command, continuation lines joined with newlines (as bash reads them).
    pub command: String,
    /// Expected output lines as written; empty means "not compared".
    pub expected: Vec<String>,
    /// 0-based indices of the block's lines holding the expected output
    /// (trailing blank lines included), for `--bless`.
    pub expected_lines: Range<usize>,
}

/// Parse a console block's text (see [`transcript::parse`]).
pub fn parse(text: &str, fence_line: usize) -> Result<Vec<ConsoleCommand>, (usize, String)> {
    Ok(transcript::parse(text, fence_line)?
        .into_iter()
        .map(|c| ConsoleCommand {
            line: c.line,
            command: c.command,
            expected: c.written,
            expected_lines: c.expected_lines,
        })
        .collect())
}

/// Does `actual` match the written `expected` lines?
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    transcript::matches(&Rules::default().expectations(expected), actual)
}

/// The lines `--bless` writes (see [`transcript::blessed_lines`]).
pub fn blessed_lines(expected: &[String], actual: &[String]) -> Vec<String> {
    let rules = Rules::default();
    transcript::blessed_lines(&rules, &rules.expectations(expected), actual)
}

/// Does one actual line match one written expected line?
pub fn line_matches(pattern: &str, line: &str) -> bool {
    Rules::default().expectation(pattern).matches_line(line)
}

/// A unified diff of expected against actual output.
pub fn diff(expected: &[String], actual: &[String]) -> String {
    transcript::diff(&Rules::default().expectations(expected), actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_escaped() {
        assert_eq!(
            escape_control("a\x1b]0;t\x07b\r\n\tc\u{9b}"),
            "a\\x1b]0;t\\x07b\\r\n\tc\\x9b"
        );
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn bless_keeps_wildcards_and_ellipses_that_still_match() {
        let expected = lines(
            "   Compiling demo v[..]
...
    Finished dev
old line
",
        );
        let actual = lines(
            "   Compiling demo v0.2.0
   Compiling a
   Compiling b
    Finished dev
new line
",
        );
        assert_eq!(
            blessed_lines(&expected, &actual),
            lines(
                "   Compiling demo v[..]
...
    Finished dev
new line
"
            )
        );
        // Nothing matches any more: the actual output.
        let actual = lines(
            "error: no
",
        );
        assert_eq!(
            blessed_lines(
                &lines(
                    "ok [..]
"
                ),
                &actual
            ),
            lines(
                "error: no
"
            )
        );
        // Lines added around a wildcard line.
        let actual = lines(
            "first
v 1.2
last
",
        );
        assert_eq!(
            blessed_lines(
                &lines(
                    "v [..]
"
                ),
                &actual
            ),
            lines(
                "first
v [..]
last
"
            )
        );
    }

    fn s(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn parses_commands_output_and_lines() {
        let text =
            "$ echo hi\nhi\n\n$ cargo build \\\n    --release\n$ ls\na\n...\n$ echo a \\\n> b\n";
        let cmds = parse(text, 10).unwrap();
        assert_eq!(cmds.len(), 4);
        assert_eq!(cmds[3].command, "echo a \\\nb");
        assert_eq!(cmds[0].line, 11);
        assert_eq!(cmds[0].command, "echo hi");
        assert_eq!(cmds[0].expected, s(&["hi"]));
        assert_eq!(cmds[0].expected_lines, 1..3);
        assert_eq!(cmds[1].line, 14);
        assert_eq!(cmds[1].command, "cargo build \\\n    --release");
        assert!(cmds[1].expected.is_empty());
        assert_eq!(cmds[2].line, 16);
        assert_eq!(cmds[2].expected, s(&["a", "..."]));
        assert_eq!(cmds[2].expected_lines, 6..8);
    }

    #[test]
    fn text_before_first_command_is_an_error() {
        let e = parse("echo hi\n$ true\n", 4).unwrap_err();
        assert_eq!(e.0, 5);
        assert!(e.1.contains("before the first command"), "{}", e.1);
        assert!(parse("\n$ true\n", 1).is_ok());
        assert!(parse("$ \n", 1).unwrap_err().1.contains("empty command"));
    }

    #[test]
    fn crlf_blocks_parse() {
        let cmds = parse("$ echo hi\r\nhi\r\n", 1).unwrap();
        assert_eq!(cmds[0].command, "echo hi");
        assert_eq!(cmds[0].expected, s(&["hi"]));
    }

    #[test]
    fn exact_and_wildcard_lines() {
        assert!(matches(&s(&["a", "b"]), &s(&["a", "b"])));
        assert!(!matches(&s(&["a", "b"]), &s(&["a", "c"])));
        assert!(!matches(&s(&["a"]), &s(&["a", "b"])));
        assert!(line_matches(
            "Compiling [..] (v0.1.0)",
            "Compiling hello (v0.1.0)"
        ));
        assert!(line_matches("[..]", ""));
        assert!(line_matches("a[..]b[..]c", "a-b-b-c"));
        assert!(!line_matches("a[..]b", "ab-"));
        assert!(!line_matches("ab[..]ba", "aba"));
        assert!(line_matches("x[..]", "xyz"));
    }

    #[test]
    fn ellipsis_matches_any_lines() {
        let exp = s(&["start", "...", "end"]);
        assert!(matches(&exp, &s(&["start", "end"])));
        assert!(matches(&exp, &s(&["start", "1", "2", "end"])));
        assert!(!matches(&exp, &s(&["start", "1", "2"])));
        assert!(matches(&s(&["..."]), &s(&[])));
        assert!(matches(&s(&["...", "b", "..."]), &s(&["a", "b", "c"])));
        assert!(!matches(&s(&["...", "b", "..."]), &s(&["a", "c"])));
        assert!(matches(&s(&["...", "[..]ed"]), &s(&["x", "Finished"])));
    }

    #[test]
    fn output_is_normalized() {
        let out = normalize_output(
            b"\x1b[1;32mok\x1b[0m  \r\n10%\r50%\r100%\n\x1b]8;;http://x\x07link\x1b]8;;\x07\n\n\n",
        );
        assert_eq!(out, s(&["ok", "100%", "link"]));
        assert_eq!(normalize_output(b"\xff\xfeA\n"), s(&["\u{fffd}\u{fffd}A"]));
    }

    #[test]
    fn diff_is_unified() {
        let d = diff(&s(&["hello"]), &s(&["goodbye"]));
        assert!(d.contains("--- expected"), "{d}");
        assert!(d.contains("+++ actual"), "{d}");
        assert!(d.contains("-hello"), "{d}");
        assert!(d.contains("+goodbye"), "{d}");
    }
}
