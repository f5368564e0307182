//! The matcher through expected lines as written, as bless and the
//! checker see them.

use super::output::{escape_control, normalize as normalize_output};
use super::{Rules, parse};

fn matches(expected: &[String], actual: &[String]) -> bool {
    super::matches(&Rules::default().expectations(expected).unwrap(), actual)
}

fn blessed_lines(expected: &[String], actual: &[String]) -> Vec<String> {
    let rules = Rules::default();
    super::blessed_lines(&rules, &rules.expectations(expected).unwrap(), actual)
}

fn line_matches(pattern: &str, line: &str) -> bool {
    Rules::default()
        .expectation(pattern)
        .unwrap()
        .matches_line(line)
}

fn diff(expected: &[String], actual: &[String]) -> String {
    super::diff(&Rules::default().expectations(expected).unwrap(), actual)
}

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
    let text = "$ echo hi\nhi\n\n$ cargo build \\\n    --release\n$ ls\na\n...\n$ echo a \\\n> b\n";
    let cmds = parse(text, 10).unwrap();
    assert_eq!(cmds.len(), 4);
    assert_eq!(cmds[3].command, "echo a \\\nb");
    assert_eq!(cmds[0].line, 11);
    assert_eq!(cmds[0].command, "echo hi");
    assert_eq!(cmds[0].written, s(&["hi"]));
    assert_eq!(cmds[0].expected_lines, 1..3);
    assert_eq!(cmds[1].line, 14);
    assert_eq!(cmds[1].command, "cargo build \\\n    --release");
    assert!(cmds[1].written.is_empty());
    assert_eq!(cmds[2].line, 16);
    assert_eq!(cmds[2].written, s(&["a", "..."]));
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
    assert_eq!(cmds[0].written, s(&["hi"]));
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
