//! Expected output lines as typed expectations, and the registry of rules
//! that makes them.
//!
//! A rule looks at one written line and, when the line is its kind, makes
//! an [`Expectation`]; the [`Rules`] registry asks its rules in order and the
//! first that takes the line wins, a literal line being the last resort. A
//! new kind of line (a regular expression, a glob, an escaped line, a status
//! line, a redaction) is a new rule registered here; the matcher and its
//! callers do not change.

use std::fmt::Debug;

/// How one expected line matches one actual line.
pub trait LineRule: Debug + Send + Sync {
    /// The rule's name, for messages and tests.
    fn kind(&self) -> &'static str;
    /// Does `line` (normalized actual output) match?
    fn matches(&self, line: &str) -> bool;
}

/// One expected line.
#[derive(Debug)]
pub enum Expectation {
    /// Matches exactly one actual line by its rule.
    Line {
        /// The line as written in the transcript.
        written: String,
        rule: Box<dyn LineRule>,
    },
    /// `...`: any number of actual lines, none included.
    AnyLines { written: String },
}

impl Expectation {
    /// The line as written in the transcript (what a diff shows and what
    /// `--bless` keeps).
    pub fn written(&self) -> &str {
        match self {
            Expectation::Line { written, .. } | Expectation::AnyLines { written } => written,
        }
    }

    /// The name of the rule that made it.
    pub fn kind(&self) -> &'static str {
        match self {
            Expectation::Line { rule, .. } => rule.kind(),
            Expectation::AnyLines { .. } => "any-lines",
        }
    }

    /// Does it match any number of lines?
    pub fn is_any_lines(&self) -> bool {
        matches!(self, Expectation::AnyLines { .. })
    }

    /// Does the one-line expectation match `line`? (`false` for `...`,
    /// which the matcher handles as a run of lines.)
    pub fn matches_line(&self, line: &str) -> bool {
        match self {
            Expectation::Line { rule, .. } => rule.matches(line),
            Expectation::AnyLines { .. } => false,
        }
    }
}

/// Makes an expectation of a written line, or leaves the line to the next
/// rule.
pub type MakeExpectation = fn(&str) -> Option<Expectation>;

/// The rules that turn written lines into expectations, asked in order.
pub struct Rules {
    makers: Vec<(&'static str, MakeExpectation)>,
}

impl Default for Rules {
    /// `...`, then `[..]` wildcards; any other line is literal.
    fn default() -> Self {
        let mut rules = Rules::empty();
        rules
            .register("any-lines", any_lines)
            .register("wildcard", Wildcard::make);
        rules
    }
}

impl Rules {
    /// No rule but the literal line.
    pub fn empty() -> Self {
        Rules { makers: Vec::new() }
    }

    /// Add a rule after those registered so far.
    pub fn register(&mut self, name: &'static str, make: MakeExpectation) -> &mut Self {
        self.makers.push((name, make));
        self
    }

    /// The names of the rules, in the order they are asked.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.makers.iter().map(|(n, _)| *n)
    }

    /// The expectation of one written line.
    pub fn expectation(&self, written: &str) -> Expectation {
        self.makers
            .iter()
            .find_map(|(_, make)| make(written))
            .unwrap_or_else(|| Literal::make(written))
    }

    /// The expectations of written lines, one each.
    pub fn expectations<S: AsRef<str>>(&self, written: &[S]) -> Vec<Expectation> {
        written
            .iter()
            .map(|l| self.expectation(l.as_ref()))
            .collect()
    }
}

/// `...` alone on a line.
fn any_lines(written: &str) -> Option<Expectation> {
    (written == "...").then(|| Expectation::AnyLines {
        written: written.to_string(),
    })
}

/// A line that matches only itself.
#[derive(Debug)]
struct Literal(String);

impl Literal {
    fn make(written: &str) -> Expectation {
        Expectation::Line {
            written: written.to_string(),
            rule: Box::new(Literal(written.to_string())),
        }
    }
}

impl LineRule for Literal {
    fn kind(&self) -> &'static str {
        "literal"
    }

    fn matches(&self, line: &str) -> bool {
        self.0 == line
    }
}

/// A line with `[..]`: each matches any text within the line.
#[derive(Debug)]
struct Wildcard {
    /// The literal parts between the wildcards (at least two).
    parts: Vec<String>,
}

impl Wildcard {
    const MARK: &'static str = "[..]";

    fn make(written: &str) -> Option<Expectation> {
        written.contains(Self::MARK).then(|| Expectation::Line {
            written: written.to_string(),
            rule: Box::new(Wildcard {
                parts: written.split(Self::MARK).map(str::to_string).collect(),
            }),
        })
    }
}

impl LineRule for Wildcard {
    fn kind(&self) -> &'static str {
        "wildcard"
    }

    fn matches(&self, line: &str) -> bool {
        let (first, rest) = self.parts.split_first().expect("split yields one part");
        let Some(mut tail) = line.strip_prefix(first.as_str()) else {
            return false;
        };
        let (last, middle) = rest.split_last().expect("the line contains [..]");
        for part in middle {
            match tail.find(part.as_str()) {
                Some(i) => tail = &tail[i + part.len()..],
                None => return false,
            }
        }
        tail.len() >= last.len() && tail.ends_with(last.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rule_that_takes_a_line_wins() {
        let rules = Rules::default();
        assert_eq!(rules.names().collect::<Vec<_>>(), ["any-lines", "wildcard"]);
        assert_eq!(rules.expectation("...").kind(), "any-lines");
        assert_eq!(rules.expectation("a [..] b").kind(), "wildcard");
        assert_eq!(rules.expectation(".... [.]").kind(), "literal");
        // Without rules every line is literal.
        let e = Rules::empty().expectation("[..]");
        assert_eq!(e.kind(), "literal");
        assert!(e.matches_line("[..]") && !e.matches_line("x"));
    }

    #[test]
    fn a_registered_rule_needs_no_change_elsewhere() {
        #[derive(Debug)]
        struct Upper;
        impl LineRule for Upper {
            fn kind(&self) -> &'static str {
                "upper"
            }
            fn matches(&self, line: &str) -> bool {
                !line.is_empty() && line.chars().all(|c| c.is_ascii_uppercase())
            }
        }
        let mut rules = Rules::default();
        rules.register("upper", |w| {
            (w == "(upper)").then(|| Expectation::Line {
                written: w.into(),
                rule: Box::new(Upper),
            })
        });
        let expected = rules.expectations(&["(upper)", "..."]);
        let actual = ["ABC".to_string(), "x".to_string()];
        assert!(crate::transcript::matches(&expected, &actual));
        assert!(!crate::transcript::matches(&expected, &["abc".to_string()]));
    }
}
