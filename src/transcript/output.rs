//! Actual output as the matcher compares it, and as a report shows it.

/// Output as compared: lossy UTF-8, no ANSI codes, what a terminal shows of
/// carriage returns, no trailing spaces, no trailing blank lines.
pub fn normalize(bytes: &[u8]) -> Vec<String> {
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

/// Does the output end in a line without a newline (not counting a last
/// line that normalizes to nothing)?
pub fn ends_without_newline(bytes: &[u8]) -> bool {
    let last = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(bytes, |i| &bytes[i + 1..]);
    !normalize(last).is_empty()
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
///
/// A sequence never spans lines: one that reaches a newline ends there and
/// the newline stays, and a CSI sequence ends at the first character that
/// cannot belong to it, which stays too. So stray escape bytes (binary
/// output) hide at most the rest of their own line, never the lines after.
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
                // parameters and intermediates (0x20..=0x3f), then one final
                // byte (0x40..=0x7e)
                for c in chars.by_ref() {
                    match c {
                        ' '..='?' => {}
                        '@'..='~' => break,
                        other => {
                            out.push(other);
                            break;
                        }
                    }
                }
            }
            Some(']') => {
                // OSC: up to BEL or ST (ESC \)
                while let Some(c) = chars.next() {
                    match c {
                        '\x07' => break,
                        '\n' => {
                            out.push('\n');
                            break;
                        }
                        '\x1b' => {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            Some('\n') => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_removed() {
        assert_eq!(strip_ansi("\x1b[1;31mred\x1b[0m"), "red");
        assert_eq!(strip_ansi("\x1b]0;title\x07text"), "text");
        assert_eq!(strip_ansi("\x1b]8;;url\x1b\\link"), "link");
        assert_eq!(strip_ansi("a\x1b=b"), "ab");
    }

    #[test]
    fn stray_escapes_never_hide_the_next_lines() {
        // Binary output: an escape that never ends is cut at its line.
        assert_eq!(strip_ansi("x\x1b]garbage\nend\n"), "x\nend\n");
        assert_eq!(strip_ansi("x\x1b[12\nend\n"), "x\nend\n");
        assert_eq!(strip_ansi("x\x1b\nend\n"), "x\nend\n");
        assert_eq!(strip_ansi("x\x1b[1\u{fffd}y\nend"), "x\u{fffd}y\nend");
        assert_eq!(normalize(b"\x1b]\xff\xfe\nend\n"), ["", "end"]);
    }
}
