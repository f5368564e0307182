//! `console` transcripts: `$ command` lines and the output expected after
//! each, and the matcher that compares expected with actual output.
//!
//! Rules (the user's view is in `content/contributing.md`):
//! - a line starting with `$ ` starts a command; a command line ending in `\`
//!   continues on the next line (a `> ` prompt there is dropped);
//! - the lines after a command, up to the next `$ `, are its expected output;
//!   with no such lines the output is not compared;
//! - `...` alone on a line matches any number of lines (none included);
//! - `[..]` inside a line matches any text within that line;
//! - ANSI escape codes are removed and trailing spaces ignored; a carriage
//!   return keeps what a terminal would show (the text after the last `\r`);
//!   trailing blank lines are ignored on both sides.

use std::ops::Range;

/// One command of a console block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleCommand {
    /// 1-based line of the command (its first line) in the page.
    pub line: usize,
    /// The command, continuation lines joined with newlines (as bash reads them).
    pub command: String,
    /// Expected output lines; empty means "not compared".
    pub expected: Vec<String>,
    /// 0-based indices of the block's lines holding the expected output
    /// (trailing blank lines included), for `--bless`.
    pub expected_lines: Range<usize>,
}

/// Parse a console block's text. `fence_line` is the 1-based line of the
/// opening fence. An error is (1-based page line, message).
pub fn parse(text: &str, fence_line: usize) -> Result<Vec<ConsoleCommand>, (usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<ConsoleCommand> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let Some(first) = command_start(raw) else {
            if out.is_empty() {
                if raw.trim().is_empty() {
                    i += 1;
                    continue;
                }
                return Err((
                    fence_line + 1 + i,
                    format!(
                        "console block: `{}` comes before the first command; commands start with `$ `",
                        raw.trim_end()
                    ),
                ));
            }
            unreachable!("output lines are consumed with their command");
        };
        let start = i;
        let mut command = first.to_string();
        while command.ends_with('\\') && i + 1 < lines.len() {
            i += 1;
            command.push('\n');
            let next = lines[i].trim_end_matches('\r');
            command.push_str(next.strip_prefix("> ").unwrap_or(next));
        }
        i += 1;
        let out_start = i;
        while i < lines.len() && command_start(lines[i]).is_none() {
            i += 1;
        }
        let mut expected: Vec<String> = lines[out_start..i]
            .iter()
            .map(|l| l.trim_end().to_string())
            .collect();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        if command.trim().is_empty() {
            return Err((
                fence_line + 1 + start,
                "console block: empty command after `$`".into(),
            ));
        }
        out.push(ConsoleCommand {
            line: fence_line + 1 + start,
            command,
            expected,
            expected_lines: out_start..i,
        });
    }
    Ok(out)
}

/// The command text of a line starting a command, if it does.
fn command_start(line: &str) -> Option<&str> {
    let line = line.trim_end_matches('\r');
    if line == "$" {
        return Some("");
    }
    line.strip_prefix("$ ")
}

/// Output as compared: lossy UTF-8, no ANSI codes, what a terminal shows of
/// carriage returns, no trailing spaces, no trailing blank lines.
pub fn normalize_output(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let text = strip_ansi(&text);
    let mut lines: Vec<String> = text
        .lines()
        .map(|l| {
            let l = l.trim_end();
            let l = l.rsplit('\r').next().unwrap_or(l);
            l.trim_end().to_string()
        })
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

/// `s` with every control character except newline and tab shown as an
/// escape (`\x1b`, `\x07`, `\r` ...), so a block's output cannot move the
/// cursor, set a title or clear the screen of whoever reads the report.
pub fn escape_control(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Remove ANSI escape sequences (CSI, OSC and two-byte escapes).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // parameters and intermediates, then one final byte @..~
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ST (ESC \)
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' {
                        if chars.peek() == Some(&'\\') {
                            chars.next();
                        }
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Does `actual` match the `expected` lines (with `...` and `[..]`)?
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    let a_len = actual.len();
    // next[a]: does expected[e+1..] match actual[a..]? Filled from the end.
    let mut next = vec![false; a_len + 1];
    next[a_len] = true;
    let mut cur = vec![false; a_len + 1];
    for e in expected.iter().rev() {
        if e == "..." {
            cur[a_len] = next[a_len];
            for a in (0..a_len).rev() {
                cur[a] = next[a] || cur[a + 1];
            }
        } else {
            cur[a_len] = false;
            for a in (0..a_len).rev() {
                cur[a] = next[a + 1] && line_matches(e, &actual[a]);
            }
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// The expected lines that `--bless` writes for `actual`: the lines of
/// `expected` that still match (with their `[..]` wildcards) and its `...`
/// lines are kept; the rest is the actual output. Of all such alignments,
/// the one with the fewest changed lines. When no line of `expected` still
/// matches, simply `actual`.
pub fn blessed_lines(expected: &[String], actual: &[String]) -> Vec<String> {
    // A changed line costs EDIT; a line taken by `...` costs 1, so that of
    // two alignments changing as many lines, `...` takes fewer lines.
    const EDIT: usize = 1 << 20;
    let (n, m) = (expected.len(), actual.len());
    if (n + 1) * (m + 1) > 4 << 20 {
        return actual.to_vec();
    }
    // cost[i][j]: cheapest alignment of expected[i..] with actual[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for j in (0..m).rev() {
        cost[n][j] = (m - j) * EDIT;
    }
    for i in (0..n).rev() {
        let ellipsis = expected[i] == "...";
        cost[i][m] = cost[i + 1][m] + if ellipsis { 0 } else { EDIT };
        for j in (0..m).rev() {
            cost[i][j] = if ellipsis {
                cost[i + 1][j].min(1 + cost[i][j + 1])
            } else {
                let kept = if line_matches(&expected[i], &actual[j]) {
                    cost[i + 1][j + 1]
                } else {
                    usize::MAX
                };
                kept.min(EDIT + cost[i + 1][j]).min(EDIT + cost[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let mut kept = 0;
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i == n {
            out.push(actual[j].clone());
            j += 1;
        } else if expected[i] == "..." {
            if j < m && cost[i][j] == 1 + cost[i][j + 1] {
                j += 1;
            } else {
                out.push(expected[i].clone());
                i += 1;
            }
        } else if j < m
            && line_matches(&expected[i], &actual[j])
            && cost[i][j] == cost[i + 1][j + 1]
        {
            out.push(expected[i].clone());
            kept += 1;
            i += 1;
            j += 1;
        } else if j < m && cost[i][j] == EDIT + cost[i][j + 1] {
            out.push(actual[j].clone());
            j += 1;
        } else {
            i += 1;
        }
    }
    // With no line of the old output left, an ellipsis would only hide the
    // new output: write it out.
    if kept > 0 && matches(&out, actual) {
        out
    } else {
        actual.to_vec()
    }
}

/// Does one actual line match one expected line (with `[..]`)?
pub fn line_matches(pattern: &str, line: &str) -> bool {
    if !pattern.contains("[..]") {
        return pattern == line;
    }
    let parts: Vec<&str> = pattern.split("[..]").collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut tail) = line.strip_prefix(first) else {
        return false;
    };
    let (last, middle) = rest.split_last().expect("pattern contains [..]");
    for part in middle {
        match tail.find(part) {
            Some(i) => tail = &tail[i + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

/// A unified diff of expected against actual output.
pub fn diff(expected: &[String], actual: &[String]) -> String {
    let mut e = expected.join("\n");
    e.push('\n');
    let mut a = actual.join("\n");
    if !actual.is_empty() {
        a.push('\n');
    }
    similar::TextDiff::from_lines(e.as_str(), a.as_str())
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
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
