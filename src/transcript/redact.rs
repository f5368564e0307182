//! Redactions, as trycmd and snapbox spell them: a placeholder in the
//! expected output stands for a value that differs between runs. The
//! actual output is compared as printed and, failing that, with each value
//! replaced by its placeholder; `--bless` writes the redacted form, so a
//! page never receives a sandbox path or a value a redaction names.
//!
//! Built in: `[ROOT]`, the page's sandbox folder (where its blocks run),
//! `[CWD]`, the folder the command started in, and `[EXE]`, the executable
//! suffix of the platform (nothing on Unix), which is read into the
//! expected line itself. A book adds its own in
//! `[check.redactions]`: `"[HASH]" = "[0-9a-f]{40}"`.

use regex::Regex;

/// The placeholder of the page's sandbox folder.
pub const ROOT: &str = "[ROOT]";
/// The placeholder of the folder a command starts in.
pub const CWD: &str = "[CWD]";
/// The placeholder of the executable suffix.
pub const EXE: &str = "[EXE]";

/// The redactions of one page's run.
#[derive(Debug, Clone, Default)]
pub struct Redactions {
    /// Values replaced as they are, in the order given: (value,
    /// placeholder).
    values: Vec<(String, String)>,
    /// The book's: (pattern, placeholder), in the order of the book.
    patterns: Vec<(Regex, String)>,
}

impl Redactions {
    /// The book's redactions (already checked: each compiles).
    pub fn new(patterns: Vec<(Regex, String)>) -> Redactions {
        Redactions {
            values: Vec::new(),
            patterns,
        }
    }

    /// The same, with `value` standing for `placeholder` (a sandbox path),
    /// replaced after the values given before.
    pub fn with_value(&self, value: &str, placeholder: &str) -> Redactions {
        let mut r = self.clone();
        if !value.is_empty() {
            r.values.push((value.to_string(), placeholder.to_string()));
        }
        r
    }

    /// The redactions of a command that starts in `cwd` in the sandbox
    /// `root`: two orders, `[ROOT]` first and `[CWD]` first, since one path
    /// may be written either way (`[ROOT]/sub` is `[CWD]` in `sub`).
    pub fn of_command(&self, root: &str, cwd: Option<&str>) -> [Redactions; 2] {
        let cwd = cwd.unwrap_or_default();
        [
            self.with_value(root, ROOT).with_value(cwd, CWD),
            self.with_value(cwd, CWD).with_value(root, ROOT),
        ]
    }

    /// `lines` with every value and every match of a pattern replaced by
    /// its placeholder.
    pub fn redact(&self, lines: &[String]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                let mut l = l.clone();
                for (value, placeholder) in &self.values {
                    l = l.replace(value.as_str(), placeholder);
                }
                for (re, placeholder) in &self.patterns {
                    l = re
                        .replace_all(&l, regex::NoExpand(placeholder))
                        .into_owned();
                }
                l
            })
            .collect()
    }

    /// Is there nothing to redact?
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.patterns.is_empty()
    }
}

/// An expected line as compared: `[EXE]` read as the platform's suffix.
pub fn expand(written: &str) -> std::borrow::Cow<'_, str> {
    if written.contains(EXE) {
        written.replace(EXE, std::env::consts::EXE_SUFFIX).into()
    } else {
        written.into()
    }
}

/// Is `name` a placeholder a book may define: `[NAME]`, capitals, digits,
/// `_` and `-`, and not one of the built-in ones or a wildcard?
pub fn valid_placeholder(name: &str) -> bool {
    name.strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .is_some_and(|n| {
            !n.is_empty()
                && n.starts_with(|c: char| c.is_ascii_uppercase())
                && n.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
        })
        && name != ROOT
        && name != EXE
        && name != "[CWD]"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn values_and_patterns_become_placeholders() {
        let [r, cwd_first] =
            Redactions::new(vec![(Regex::new("[0-9a-f]{8}").unwrap(), "[HASH]".into())])
                .of_command(
                    "/tmp/docs-check-p-1/work",
                    Some("/tmp/docs-check-p-1/work/sub"),
                );
        assert_eq!(
            r.redact(&s(&["/tmp/docs-check-p-1/work/sub/f"])),
            s(&["[ROOT]/sub/f"])
        );
        assert_eq!(
            cwd_first.redact(&s(&[
                "/tmp/docs-check-p-1/work/sub/f",
                "/tmp/docs-check-p-1/work"
            ])),
            s(&["[CWD]/f", "[ROOT]"])
        );
        assert_eq!(
            r.redact(&s(&[
                "at /tmp/docs-check-p-1/work/src",
                "commit deadbeef",
                "$1 kept"
            ])),
            s(&["at [ROOT]/src", "commit [HASH]", "$1 kept"])
        );
        assert!(Redactions::default().is_empty());
    }

    #[test]
    fn exe_is_the_platform_suffix() {
        assert_eq!(
            expand("hello[EXE]"),
            format!("hello{}", std::env::consts::EXE_SUFFIX)
        );
        assert_eq!(expand("plain"), "plain");
    }

    #[test]
    fn placeholders_a_book_may_name() {
        assert!(valid_placeholder("[HASH]"));
        assert!(valid_placeholder("[RUST_VERSION-2]"));
        for bad in [
            "HASH", "[hash]", "[]", "[..]", "[ROOT]", "[EXE]", "[CWD]", "[1X]",
        ] {
            assert!(!valid_placeholder(bad), "{bad}");
        }
    }
}
