//! The matcher through expected lines as written, as bless and the
//! checker see them.

use super::output::{escape_control, normalize as normalize_output};
use super::{Rules, parse};

fn matches(expected: &[String], actual: &[String]) -> bool {
    super::matches(&Rules::default().expectations(expected).unwrap(), actual)
}

fn blessed_lines(expected: &[String], actual: &[String]) -> Vec<String> {
    let rules = Rules::default();
    super::blessed_lines(
        &rules,
        &rules.expectations(expected).unwrap(),
        actual,
        false,
    )
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

#[test]
fn status_lines_follow_their_command() {
    use super::Status;
    let cmds = parse(
        "$ false\n? failed\n$ x\n? 2\nout\n$ y\n? skipped\n$ z\n? interrupted\n$ w\n? success\n$ v\n",
        1,
    )
    .unwrap();
    let status: Vec<Option<Status>> = cmds.iter().map(|c| c.status).collect();
    assert_eq!(
        status,
        [
            Some(Status::Failed),
            Some(Status::Code(2)),
            Some(Status::Skipped),
            Some(Status::Interrupted),
            Some(Status::Code(0)),
            None
        ]
    );
    // The status line is not expected output.
    assert_eq!(cmds[1].written, s(&["out"]));
    assert_eq!(cmds[1].expected_lines, 4..5);
    assert!(Status::Failed.accepts(Some(1)) && !Status::Failed.accepts(Some(0)));
    assert!(
        !Status::Failed.accepts(None),
        "a timeout is no failure status"
    );
    assert!(Status::Interrupted.accepts(Some(130)) && !Status::Interrupted.accepts(Some(1)));
    let e = parse("$ a\n? 256\n", 3).unwrap_err();
    assert_eq!(e.0, 5);
    assert!(parse("$ a\n? nope\n", 1).is_err());
    // Later in the output, a `? ` line is output.
    assert_eq!(
        parse("$ a\nx\n? 1\n", 1).unwrap()[0].written,
        s(&["x", "? 1"])
    );
}

#[test]
fn continuation_lines_are_bash_prompts_or_trycmd_arguments() {
    use super::{Dialect, Rules, parse::parse_with};
    let text = "$ echo one\n> two\none two\n$ cat <<EOF\n> a\n>\n> EOF\na\n\n$ echo 'x\n> y'\n$ echo a \\\n> b\n";
    let trycmd = parse_with(&Rules::default(), Dialect::Trycmd, text, 1).unwrap();
    let commands: Vec<&str> = trycmd.iter().map(|c| c.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "echo one two",
            "cat <<EOF\na\n\nEOF",
            "echo 'x\ny'",
            "echo a \\\nb"
        ]
    );
    assert_eq!(trycmd[0].written, s(&["one two"]));
    // In a console block, a `> ` line where bash would not prompt is
    // output: diff's `>` lines.
    let bash = parse(text, 1).unwrap();
    let commands: Vec<&str> = bash.iter().map(|c| c.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "echo one",
            "cat <<EOF\na\n\nEOF",
            "echo 'x\ny'",
            "echo a \\\nb"
        ]
    );
    assert_eq!(bash[0].written, s(&["> two", "one two"]));
    assert_eq!(
        parse("$ diff a b | grep '^>'\n> \"helper\"\n", 1).unwrap()[0].written,
        s(&["> \"helper\""])
    );
    // After output, a `> ` line is output in either dialect.
    let after = parse_with(&Rules::default(), Dialect::Trycmd, "$ d\nx\n> y\n", 1).unwrap();
    assert_eq!(after[0].written, s(&["x", "> y"]));
}

#[test]
fn no_eol_marks_the_last_line_only() {
    let rules = Rules::default();
    let e = rules.expectations(&["a", "b [..] (no-eol)"]).unwrap();
    assert!(e[1].is_no_eol() && e[1].matches_line("b x"));
    assert!(super::ends_as_expected(&e, true));
    assert!(!super::ends_as_expected(&e, false));
    // Without the mark, a missing newline is no error.
    let plain = rules.expectations(&["a"]).unwrap();
    assert!(super::ends_as_expected(&plain, true) && super::ends_as_expected(&plain, false));
    for bad in [
        &["a (no-eol)", "b"][..],
        &["... (no-eol)"][..],
        &["(unordered)", "a (no-eol)", "(end)"][..],
    ] {
        assert!(rules.expectations(bad).is_err(), "{bad:?}");
    }
    assert!(super::output::ends_without_newline(b"a\nb"));
    assert!(!super::output::ends_without_newline(b"a\nb\n"));
    assert!(!super::output::ends_without_newline(b"a\n  "));
    assert!(!super::output::ends_without_newline(b""));
}

#[test]
fn bless_marks_and_unmarks_a_missing_newline() {
    let rules = Rules::default();
    let bless = |expected: &[&str], actual: &[&str], no_eol: bool| {
        super::blessed_lines(
            &rules,
            &rules.expectations(expected).unwrap(),
            &s(actual),
            no_eol,
        )
    };
    assert_eq!(bless(&["old"], &["x"], true), s(&["x (no-eol)"]));
    assert_eq!(bless(&["x (no-eol)"], &["x"], false), s(&["x"]));
    assert_eq!(
        bless(&["a", "v[..] (no-eol)"], &["a", "v2"], true),
        s(&["a", "v[..] (no-eol)"])
    );
    // A last `...` or group stays as it is.
    assert_eq!(bless(&["a", "..."], &["a", "b"], true), s(&["a", "..."]));
}
