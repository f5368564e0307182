//! Expected output lines as typed expectations, and the registry of rules
//! that makes them.
//!
//! A rule looks at one written line and, when the line is its kind, makes
//! an [`Expectation`]; the [`Rules`] registry asks its rules in order and the
//! first that takes the line wins, a literal line being the last resort. A
//! new kind of line is a new rule registered here; the matcher and its
//! callers do not change.
//!
//! The default rules, as cram and scrut spell them: `...` alone on a line;
//! a line ending in ` (re)` (a regular expression, `regex` syntax, matching
//! the whole line), ` (glob)` (`*`, `?`, `[...]`, `{a,b}`, `\` escapes;
//! `globset` syntax) or ` (esc)` (a literal line with `\t`, `\r`, `\\`,
//! `\xNN` and `\u{N}` escapes); a line with `[..]`. A last line may end
//! in ` (no-eol)` besides: the output ends there without a newline. Beside
//! the rules,
//! [`Rules::expectations`] reads groups: the lines between a line
//! `(unordered)` and a line `(end)` match as many actual lines, in any
//! order.

use std::fmt::Debug;

/// How one expected line matches one actual line.
pub trait LineRule: Debug + Send + Sync {
    /// The rule's name, for messages and tests.
    fn kind(&self) -> &'static str;
    /// Does `line` (normalized actual output) match?
    fn matches(&self, line: &str) -> bool;
}

/// One expectation: one line, a run of lines (`...`), or a group.
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
    /// `(unordered)` ... `(end)`: the lines between (one-line expectations)
    /// match as many actual lines, in any order.
    Unordered {
        open: String,
        lines: Vec<Expectation>,
        close: String,
    },
}

/// The line that opens a group of lines in any order.
pub const UNORDERED: &str = "(unordered)";
/// The line that closes it.
pub const END: &str = "(end)";
/// The most lines a group holds: matching one costs the cube of its size at
/// each place it may start.
pub const GROUP_MAX: usize = 32;

impl Expectation {
    /// The lines as written in the transcript (what a diff shows and what
    /// `--bless` keeps): one, or a group's with its markers.
    pub fn written_lines(&self) -> Vec<&str> {
        match self {
            Expectation::Line { written, .. } | Expectation::AnyLines { written } => {
                vec![written]
            }
            Expectation::Unordered { open, lines, close } => std::iter::once(open.as_str())
                .chain(lines.iter().flat_map(Expectation::written_lines))
                .chain(std::iter::once(close.as_str()))
                .collect(),
        }
    }

    /// The name of the rule that made it.
    pub fn kind(&self) -> &'static str {
        match self {
            Expectation::Line { rule, .. } => rule.kind(),
            Expectation::AnyLines { .. } => "any-lines",
            Expectation::Unordered { .. } => "unordered",
        }
    }

    /// Is it a last line ending in ` (no-eol)`?
    pub fn is_no_eol(&self) -> bool {
        self.kind() == NoEol::KIND
    }

    /// Does it match any number of lines?
    pub fn is_any_lines(&self) -> bool {
        matches!(self, Expectation::AnyLines { .. })
    }

    /// How many actual lines it matches (`None` for `...`).
    pub fn width(&self) -> Option<usize> {
        match self {
            Expectation::Line { .. } => Some(1),
            Expectation::AnyLines { .. } => None,
            Expectation::Unordered { lines, .. } => Some(lines.len()),
        }
    }

    /// Does the one-line expectation match `line`? (`false` for `...` and
    /// groups, which the matcher handles as runs of lines.)
    pub fn matches_line(&self, line: &str) -> bool {
        match self {
            Expectation::Line { rule, .. } => rule.matches(line),
            _ => false,
        }
    }

    /// Does it match exactly `actual` (as many lines as its width)?
    pub fn matches_lines(&self, actual: &[String]) -> bool {
        match self {
            Expectation::Line { rule, .. } => actual.len() == 1 && rule.matches(&actual[0]),
            Expectation::AnyLines { .. } => true,
            Expectation::Unordered { lines, .. } => {
                lines.len() == actual.len() && perfect_matching(lines, actual)
            }
        }
    }
}

/// Can each expected line take a different actual line? (Kuhn's
/// augmenting paths: a group is a handful of lines.)
fn perfect_matching(expected: &[Expectation], actual: &[String]) -> bool {
    fn augment(
        e: usize,
        expected: &[Expectation],
        actual: &[String],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for a in 0..actual.len() {
            if seen[a] || !expected[e].matches_line(&actual[a]) {
                continue;
            }
            seen[a] = true;
            if owner[a].is_none_or(|o| augment(o, expected, actual, seen, owner)) {
                owner[a] = Some(e);
                return true;
            }
        }
        false
    }
    let mut owner = vec![None; actual.len()];
    (0..expected.len()).all(|e| {
        let mut seen = vec![false; actual.len()];
        augment(e, expected, actual, &mut seen, &mut owner)
    })
}

/// Makes an expectation of a written line, or leaves the line to the next
/// rule; `Some(Err)` when the line is the rule's kind but wrong (a regular
/// expression that does not compile).
pub type MakeExpectation = fn(&str) -> Option<Result<Expectation, String>>;

/// The rules that turn written lines into expectations, asked in order.
pub struct Rules {
    makers: Vec<(&'static str, MakeExpectation)>,
}

impl Default for Rules {
    /// `...`, the `(re)`, `(glob)` and `(esc)` suffixes, then `[..]`
    /// wildcards; any other line is literal.
    fn default() -> Self {
        let mut rules = Rules::empty();
        rules
            .register("any-lines", any_lines)
            .register("regex", Regex::make)
            .register("glob", Glob::make)
            .register("escaped", escaped)
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
    pub fn expectation(&self, written: &str) -> Result<Expectation, String> {
        if let Some(inner) = written.strip_suffix(NO_EOL) {
            let rule = match self.expectation(inner)? {
                Expectation::Line { rule, .. } => rule,
                _ => {
                    return Err(format!(
                        "`{written}`: (no-eol) ends a line of output, not `...`"
                    ));
                }
            };
            return Ok(Expectation::Line {
                written: written.to_string(),
                rule: Box::new(NoEol(rule)),
            });
        }
        let text = super::redact::expand(written);
        let e = self
            .makers
            .iter()
            .find_map(|(_, make)| make(&text))
            .unwrap_or_else(|| Ok(Literal::make(&text)))?;
        Ok(match e {
            // Kept as written (`[EXE]` and all), for diffs and `--bless`.
            Expectation::Line { rule, .. } => Expectation::Line {
                written: written.to_string(),
                rule,
            },
            other => other,
        })
    }

    /// The expectations of written lines: one per line, a group for the
    /// lines between `(unordered)` and `(end)`. An error is (0-based index
    /// of the line, message).
    pub fn expectations<S: AsRef<str>>(
        &self,
        written: &[S],
    ) -> Result<Vec<Expectation>, (usize, String)> {
        let mut out = Vec::new();
        let mut group: Option<(usize, Vec<Expectation>)> = None;
        for (i, line) in written.iter().enumerate() {
            let line = line.as_ref();
            if line == UNORDERED {
                if group.is_some() {
                    return Err((
                        i,
                        format!("`{UNORDERED}` inside a group; close it with `{END}` first"),
                    ));
                }
                group = Some((i, Vec::new()));
                continue;
            }
            if line == END {
                let Some((_, lines)) = group.take() else {
                    return Err((i, format!("`{END}` without `{UNORDERED}` above it")));
                };
                out.push(Expectation::Unordered {
                    open: UNORDERED.into(),
                    lines,
                    close: END.into(),
                });
                continue;
            }
            let e = self.expectation(line).map_err(|m| (i, m))?;
            if e.is_no_eol() && (group.is_some() || i + 1 != written.len()) {
                return Err((
                    i,
                    format!("`{line}`: (no-eol) marks the last line of the output only"),
                ));
            }
            match &mut group {
                Some(_) if e.is_any_lines() => {
                    return Err((
                        i,
                        format!("`...` inside an `{UNORDERED}` group: a group's lines are counted"),
                    ));
                }
                Some((start, lines)) => {
                    if lines.len() == GROUP_MAX {
                        return Err((
                            *start,
                            format!("an `{UNORDERED}` group holds at most {GROUP_MAX} lines"),
                        ));
                    }
                    lines.push(e)
                }
                None => out.push(e),
            }
        }
        if let Some((start, _)) = group {
            return Err((
                start,
                format!("`{UNORDERED}` is never closed by a line `{END}`"),
            ));
        }
        Ok(out)
    }

    /// How `--bless` writes an actual line so that it reads back as a
    /// literal of itself: as it is when it does, else escaped with ` (esc)`
    /// (a line that would read as a pattern, a group marker, or holds
    /// control characters).
    pub fn written_form(&self, actual: &str) -> String {
        let plain = actual != UNORDERED
            && actual != END
            && !actual.chars().any(|c| c.is_control() && c != '\t')
            && self
                .expectation(actual)
                .is_ok_and(|e| e.kind() == "literal" && e.matches_line(actual));
        if plain {
            return actual.to_string();
        }
        format!("{}{ESC}", escape(actual))
    }
}

/// `...` alone on a line.
fn any_lines(written: &str) -> Option<Result<Expectation, String>> {
    (written == "...").then(|| {
        Ok(Expectation::AnyLines {
            written: written.to_string(),
        })
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

/// The text of a line ending in ` SUFFIX`, without it.
fn suffixed<'a>(written: &'a str, suffix: &str) -> Option<&'a str> {
    written.strip_suffix(suffix)
}

const RE: &str = " (re)";
/// The suffix of a last line the output ends without a newline after.
pub const NO_EOL: &str = " (no-eol)";

/// A line ending in ` (no-eol)`: its rule, and the output ends there
/// without a newline (the matcher's caller knows that; see
/// [`super::matching::ends_as_expected`]).
#[derive(Debug)]
struct NoEol(Box<dyn LineRule>);

impl NoEol {
    const KIND: &'static str = "no-eol";
}

impl LineRule for NoEol {
    fn kind(&self) -> &'static str {
        Self::KIND
    }

    fn matches(&self, line: &str) -> bool {
        self.0.matches(line)
    }
}
const GLOB: &str = " (glob)";
const ESC: &str = " (esc)";

/// A line ending in ` (re)`: a regular expression matching the whole line.
#[derive(Debug)]
struct Regex(regex::Regex);

impl Regex {
    /// The most a pattern may compile to: a block is hostile.
    const SIZE_LIMIT: usize = 1 << 20;

    fn make(written: &str) -> Option<Result<Expectation, String>> {
        let pattern = suffixed(written, RE)?;
        Some(
            regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                .size_limit(Self::SIZE_LIMIT)
                .build()
                .map(|re| Expectation::Line {
                    written: written.to_string(),
                    rule: Box::new(Regex(re)),
                })
                .map_err(|e| {
                    let why = e.to_string();
                    let why = why
                        .lines()
                        .last()
                        .unwrap_or("")
                        .trim_start_matches("error: ");
                    format!("`{pattern}` (re): not a regular expression: {why}")
                }),
        )
    }
}

impl LineRule for Regex {
    fn kind(&self) -> &'static str {
        "regex"
    }

    fn matches(&self, line: &str) -> bool {
        self.0.is_match(line)
    }
}

/// A line ending in ` (glob)`: a glob matching the whole line (`*` takes
/// `/` too).
#[derive(Debug)]
struct Glob(globset::GlobMatcher);

impl Glob {
    fn make(written: &str) -> Option<Result<Expectation, String>> {
        let pattern = suffixed(written, GLOB)?;
        Some(
            globset::GlobBuilder::new(pattern)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map(|g| Expectation::Line {
                    written: written.to_string(),
                    rule: Box::new(Glob(g.compile_matcher())),
                })
                .map_err(|e| format!("`{pattern}` (glob): not a glob: {}", e.kind())),
        )
    }
}

impl LineRule for Glob {
    fn kind(&self) -> &'static str {
        "glob"
    }

    fn matches(&self, line: &str) -> bool {
        self.0.is_match(line)
    }
}

/// A line ending in ` (esc)`: a literal line written with escapes.
fn escaped(written: &str) -> Option<Result<Expectation, String>> {
    let text = suffixed(written, ESC)?;
    Some(unescape(text).map(|line| Expectation::Line {
        written: written.to_string(),
        rule: Box::new(Escaped(line)),
    }))
}

#[derive(Debug)]
struct Escaped(String);

impl LineRule for Escaped {
    fn kind(&self) -> &'static str {
        "escaped"
    }

    fn matches(&self, line: &str) -> bool {
        self.0 == line
    }
}

/// `\t`, `\r`, `\\`, `\xNN` (at most 7f) and `\u{N}` read as what they name.
fn unescape(text: &str) -> Result<String, String> {
    let bad =
        |what: &str| format!("`{text}` (esc): {what}; escapes are \\t \\r \\\\ \\xNN \\u{{N}}");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let b = u8::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|b| b.is_ascii() && hex.len() == 2)
                    .ok_or_else(|| bad(&format!("`\\x{hex}` is not an escape of an ASCII byte")))?;
                out.push(char::from(b));
            }
            Some('u') => {
                let rest = chars.as_str();
                let code = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|n| (hex.len(), n)))
                    .and_then(|(len, n)| char::from_u32(n).map(|c| (len, c)));
                let Some((len, c)) = code else {
                    return Err(bad("`\\u` needs a code point, like \\u{1b}"));
                };
                out.push(c);
                chars = rest[len + 2..].chars();
            }
            other => {
                return Err(bad(&format!(
                    "unknown escape `\\{}`",
                    other.map(String::from).unwrap_or_default()
                )));
            }
        }
    }
    Ok(out)
}

/// `line` written with the escapes [`unescape`] reads.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A line with `[..]`: each matches any text within the line.
#[derive(Debug)]
struct Wildcard {
    /// The literal parts between the wildcards (at least two).
    parts: Vec<String>,
}

impl Wildcard {
    const MARK: &'static str = "[..]";

    fn make(written: &str) -> Option<Result<Expectation, String>> {
        written.contains(Self::MARK).then(|| {
            Ok(Expectation::Line {
                written: written.to_string(),
                rule: Box::new(Wildcard {
                    parts: written.split(Self::MARK).map(str::to_string).collect(),
                }),
            })
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

    fn expectation(w: &str) -> Expectation {
        Rules::default().expectation(w).unwrap()
    }

    #[test]
    fn the_first_rule_that_takes_a_line_wins() {
        let rules = Rules::default();
        assert_eq!(
            rules.names().collect::<Vec<_>>(),
            ["any-lines", "regex", "glob", "escaped", "wildcard"]
        );
        assert_eq!(expectation("...").kind(), "any-lines");
        assert_eq!(expectation("a [..] b").kind(), "wildcard");
        assert_eq!(expectation("a [..] (re)").kind(), "regex");
        assert_eq!(expectation(".... [.]").kind(), "literal");
        assert_eq!(expectation("x(re)").kind(), "literal");
        // Without rules every line is literal.
        let e = Rules::empty().expectation("[..]").unwrap();
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
            (w == "(upper)").then(|| {
                Ok(Expectation::Line {
                    written: w.into(),
                    rule: Box::new(Upper),
                })
            })
        });
        let expected = rules.expectations(&["(upper)", "..."]).unwrap();
        let actual = ["ABC".to_string(), "x".to_string()];
        assert!(crate::transcript::matches(&expected, &actual));
        assert!(!crate::transcript::matches(&expected, &["abc".to_string()]));
    }

    #[test]
    fn regex_glob_and_escaped_lines() {
        let re = expectation(r"v\d+\.\d+ (re)");
        assert!(re.matches_line("v1.22") && !re.matches_line("v1.22 beta"));
        assert!(!re.matches_line("xv1.2"), "the whole line");
        let glob = expectation("/nix/store/*-cargo/bin/cargo (glob)");
        assert!(glob.matches_line("/nix/store/abc-cargo/bin/cargo"));
        assert!(glob.matches_line("/nix/store/a/b-cargo/bin/cargo"));
        assert!(!glob.matches_line("/usr/bin/cargo"));
        assert!(expectation(r"a\*b (glob)").matches_line("a*b"));
        assert!(!expectation(r"a\*b (glob)").matches_line("axb"));
        let esc = expectation(r"\x1b]0;t\x07 \u{e9}\t\\ (esc)");
        assert!(esc.matches_line("\x1b]0;t\x07 é\t\\"));
        let err = Rules::default().expectation("a(b (re)").unwrap_err();
        assert!(
            err.starts_with("`a(b` (re): not a regular expression"),
            "{err}"
        );
        assert!(Rules::default().expectation("a[b (glob)").is_err());
        for bad in [
            r"\q (esc)",
            r"\x (esc)",
            r"\xff (esc)",
            r"\u{d800} (esc)",
            r"\u12 (esc)",
            r"\ (esc)",
        ] {
            assert!(Rules::default().expectation(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_hostile_regex_is_refused_not_compiled() {
        let huge = format!("{} (re)", "(a{1000}){1000}");
        assert!(Rules::default().expectation(&huge).is_err());
    }

    #[test]
    fn unordered_groups() {
        let rules = Rules::default();
        let e = rules
            .expectations(&["first", "(unordered)", "b", "a[..]", "(end)", "last"])
            .unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[1].kind(), "unordered");
        assert_eq!(e[1].width(), Some(2));
        assert_eq!(e[1].written_lines(), ["(unordered)", "b", "a[..]", "(end)"]);
        let s = |v: &[&str]| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert!(e[1].matches_lines(&s(&["ab", "b"])));
        assert!(e[1].matches_lines(&s(&["b", "ab"])));
        assert!(!e[1].matches_lines(&s(&["b", "b"])));
        // A line that two patterns take goes to the one that needs it.
        let g = rules
            .expectations(&["(unordered)", "[..]", "x", "(end)"])
            .unwrap();
        assert!(g[0].matches_lines(&s(&["x", "y"])));
        for (bad, at) in [
            (&["(unordered)", "a"][..], 0),
            (&["a", "(end)"][..], 1),
            (&["(unordered)", "...", "(end)"][..], 1),
            (&["(unordered)", "(unordered)"][..], 1),
        ] {
            assert_eq!(rules.expectations(bad).unwrap_err().0, at, "{bad:?}");
        }
        let mut big = vec!["x".to_string(); GROUP_MAX + 3];
        big[1] = UNORDERED.into();
        assert_eq!(
            rules.expectations(&big).unwrap_err(),
            (1, "an `(unordered)` group holds at most 32 lines".into())
        );
    }

    #[test]
    fn bless_writes_lines_that_read_back_as_themselves() {
        let rules = Rules::default();
        for line in [
            "plain",
            "v[..]",
            "x (re)",
            "a * (glob)",
            "...",
            "(unordered)",
            "(end)",
            "bell\x07 and \\",
            "tab\there",
            "c1 \u{9b}",
            "q (esc)",
        ] {
            let w = rules.written_form(line);
            let e = rules.expectations(&[w.as_str()]).unwrap();
            assert_eq!(e.len(), 1, "{w}");
            assert!(e[0].matches_lines(&[line.to_string()]), "{line:?} as {w:?}");
            assert!(!w.chars().any(|c| c.is_control() && c != '\t'), "{w:?}");
        }
        assert_eq!(rules.written_form("plain"), "plain");
        assert_eq!(rules.written_form("..."), "... (esc)");
        assert_eq!(rules.written_form("v[..]"), "v[..] (esc)");
        assert_eq!(rules.written_form("a[EXE]"), "a[EXE] (esc)");
    }
}
