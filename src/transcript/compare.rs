//! One command's output against its expected lines: normalized, matched
//! as printed and redacted, its end checked against `(no-eol)`, and the
//! form a report shows and `--bless` writes.

use super::expectation::Expectation;
use super::matching::{ends_as_expected, matches};
use super::output::{ends_without_newline, normalize};
use super::redact::{CWD, Redactions};

/// What a command printed, against what its transcript expects.
#[derive(Debug)]
pub struct Compared {
    /// The output as a report shows it and `--bless` writes it:
    /// normalized and redacted, never a sandbox path.
    pub actual: Vec<String>,
    /// The output's last line has no newline.
    pub no_eol: bool,
    /// The lines match (as printed, or redacted in one of the orders).
    pub lines_ok: bool,
    /// The end matches: no `(no-eol)` on an output ending in a newline.
    pub end_ok: bool,
}

impl Compared {
    pub fn ok(&self) -> bool {
        self.lines_ok && self.end_ok
    }
}

/// Compare `output` (the bytes printed) with `expected`. `redactions` are
/// tried in order; the written form is the first's, or the second's when
/// the expected lines name `[CWD]` (see [`Redactions::of_command`]).
pub fn compare(expected: &[Expectation], output: &[u8], redactions: &[Redactions]) -> Compared {
    let printed = normalize(output);
    let redacted: Vec<Vec<String>> = redactions.iter().map(|r| r.redact(&printed)).collect();
    let names_cwd = expected
        .iter()
        .flat_map(Expectation::written_lines)
        .any(|l| l.contains(CWD));
    let shown = if names_cwd { 1 } else { 0 };
    let lines_ok = matches(expected, &printed) || redacted.iter().any(|a| matches(expected, a));
    let no_eol = ends_without_newline(output);
    let actual = redacted
        .get(shown)
        .or(redacted.first())
        .cloned()
        .unwrap_or(printed);
    Compared {
        actual,
        no_eol,
        lines_ok,
        end_ok: ends_as_expected(expected, no_eol),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Rules;

    fn expected(lines: &[&str]) -> Vec<Expectation> {
        Rules::default().expectations(lines).unwrap()
    }

    #[test]
    fn printed_or_redacted_and_the_written_form() {
        let orders = Redactions::default().of_command("/r", Some("/r/sub"));
        let c = compare(&expected(&["/r/sub/x"]), b"/r/sub/x\n", &orders);
        assert!(c.ok(), "as printed");
        assert_eq!(c.actual, ["[ROOT]/sub/x"], "never the sandbox path");
        let c = compare(&expected(&["[CWD]/x"]), b"/r/sub/x\n", &orders);
        assert!(c.ok());
        assert_eq!(c.actual, ["[CWD]/x"]);
        let c = compare(&expected(&["[ROOT]/sub/x"]), b"/r/sub/x\n", &orders);
        assert!(c.ok());
        let c = compare(&expected(&["other"]), b"/r/sub/x", &orders);
        assert!(!c.lines_ok && c.end_ok && c.no_eol);
        let c = compare(&expected(&["x (no-eol)"]), b"x\n", &[]);
        assert!(c.lines_ok && !c.end_ok && !c.ok());
        assert_eq!(c.actual, ["x"]);
    }
}
