//! The one parser of console transcripts: first the lines of a block by
//! kind ([`lines`], also what the site highlights), then the commands with
//! their expected output ([`parse`]).

use std::ops::Range;

use super::expectation::{Expectation, Rules};

/// What a line of a transcript is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `$ command` (or a lone `$`): the first line of a command.
    Prompt,
    /// A line after a command line ending in `\`, `> ` prompt included, or
    /// a `> ` line right after a command's lines where bash prompts so
    /// (inside a heredoc or a quote; in a trycmd block, any).
    Continuation,
    /// Anything else: output (expected output after a command).
    Output,
}

/// One line of a transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub kind: LineKind,
    /// The line as written, without its line ending.
    pub text: &'a str,
}

/// How a `> ` line after a command reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// A console transcript: a `> ` line continues the command only where
    /// bash itself would have prompted `> ` (after a `\`, inside a heredoc
    /// or a quote); elsewhere it is output (`diff`'s `>` lines).
    #[default]
    Bash,
    /// trycmd's: any `> ` line right after a command's lines continues it,
    /// as more arguments where bash would not have prompted.
    Trycmd,
}

impl Dialect {
    /// The dialect of a block of `lang`.
    pub fn of(lang: &str) -> Dialect {
        if lang == "trycmd" {
            Dialect::Trycmd
        } else {
            Dialect::Bash
        }
    }
}

/// The lines of `text` by kind, read as a console transcript. Every line is
/// one (`str::lines`).
pub fn lines(text: &str) -> Vec<Line<'_>> {
    lines_in(Dialect::Bash, text)
}

/// [`lines`] in `dialect`.
pub fn lines_in(dialect: Dialect, text: &str) -> Vec<Line<'_>> {
    let mut out: Vec<Line> = Vec::new();
    let mut command: Option<String> = None;
    for text in text.lines() {
        let bare = text.trim_end_matches('\r');
        let prompted = bare == ">" || bare.starts_with("> ");
        let kind = match &command {
            Some(c) if c.ends_with('\\') => LineKind::Continuation,
            Some(c) if prompted && (dialect == Dialect::Trycmd || joins_with_newline(c)) => {
                LineKind::Continuation
            }
            _ if command_start(text).is_some() => LineKind::Prompt,
            _ => LineKind::Output,
        };
        match kind {
            LineKind::Prompt => command = Some(bare.to_string()),
            LineKind::Continuation => {
                if let Some(c) = &mut command {
                    c.push('\n');
                    c.push_str(bare);
                }
            }
            LineKind::Output => command = None,
        }
        out.push(Line { kind, text });
    }
    out
}

/// What a command must exit with: trycmd's `? STATUS` line after it, or
/// the block's `exit=` (0 without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `? N`, `? success` (0), `exit=N`.
    Code(i32),
    /// `? failed`: any status but 0.
    Failed,
    /// `? interrupted`: killed by a signal (status 129 or more, as bash
    /// reports it).
    Interrupted,
    /// `? skipped`: not run.
    Skipped,
}

impl Status {
    /// The status of a `? ...` line, `None` when it is not one; `Err` for a
    /// `? ` line that names no status.
    fn of_line(line: &str) -> Option<Result<Status, String>> {
        let word = line.trim_end().strip_prefix("? ")?.trim();
        Some(match word {
            "success" => Ok(Status::Code(0)),
            "failed" => Ok(Status::Failed),
            "interrupted" => Ok(Status::Interrupted),
            "skipped" => Ok(Status::Skipped),
            n => n
                .parse()
                .ok()
                .filter(|c| (0..=255).contains(c))
                .map(Status::Code)
                .ok_or_else(|| {
                    format!(
                        "console block: `{}`: a status line is `? success`, `? failed`, `? interrupted`, `? skipped` or `? N` (0 to 255)",
                        line.trim_end()
                    )
                }),
        })
    }

    /// Does a command that exited with `code` (`None`: it did not end)
    /// meet it?
    pub fn accepts(self, code: Option<i32>) -> bool {
        match (self, code) {
            (Status::Code(want), Some(c)) => c == want,
            (Status::Failed, Some(c)) => c != 0,
            (Status::Interrupted, Some(c)) => c > 128,
            _ => false,
        }
    }

    /// How a message names it.
    pub fn describe(self) -> String {
        match self {
            Status::Code(c) => c.to_string(),
            Status::Failed => "a failure (`? failed`)".into(),
            Status::Interrupted => "a signal (`? interrupted`)".into(),
            Status::Skipped => "none (`? skipped`)".into(),
        }
    }
}

/// How a `> ` line joins the command above: with a newline where bash
/// itself would have prompted `> ` (after a `\`, inside a heredoc or a
/// quote), else with a space (trycmd: more arguments).
fn joins_with_newline(command: &str) -> bool {
    if command.ends_with('\\') || command.contains("<<") {
        return true;
    }
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in command.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single || double
}

/// One command of a console block.
#[derive(Debug)]
pub struct Command {
    /// 1-based line of the command (its first line) in the page.
    pub line: usize,
    /// The command as bash reads it: continuation lines joined with
    /// newlines, their `> ` prompts dropped.
    pub command: String,
    /// The expected output lines as written (trailing spaces and trailing
    /// blank lines removed); empty means "prints nothing".
    pub written: Vec<String>,
    /// The expected output, one expectation per written line.
    pub expected: Vec<Expectation>,
    /// Its `? STATUS` line, if it has one.
    pub status: Option<Status>,
    /// 0-based indices of the block's lines holding the expected output
    /// (trailing blank lines included), for `--bless`.
    pub expected_lines: Range<usize>,
}

/// Parse a console block's text with the default [`Rules`]. `fence_line` is
/// the 1-based line of the opening fence. An error is (1-based page line,
/// message).
pub fn parse(text: &str, fence_line: usize) -> Result<Vec<Command>, (usize, String)> {
    parse_with(&Rules::default(), Dialect::Bash, text, fence_line)
}

/// [`parse`] of a block's text, in the dialect of its language.
pub fn parse_block(block: &crate::markdown::CodeBlock) -> Result<Vec<Command>, (usize, String)> {
    parse_with(
        &Rules::default(),
        Dialect::of(&block.lang),
        &block.text,
        block.origin.line,
    )
}

/// [`parse`] with the rules and dialect given.
pub fn parse_with(
    rules: &Rules,
    dialect: Dialect,
    text: &str,
    fence_line: usize,
) -> Result<Vec<Command>, (usize, String)> {
    let lines = lines_in(dialect, text);
    let mut out: Vec<Command> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].text;
        if lines[i].kind != LineKind::Prompt {
            // Output lines are taken with their command: this is text before
            // the first one.
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
        let start = i;
        let mut command = command_start(raw).unwrap_or_default().to_string();
        i += 1;
        while i < lines.len() && lines[i].kind == LineKind::Continuation {
            let next = lines[i].text.trim_end_matches('\r');
            let prompted = next == ">" || next.starts_with("> ");
            let next = next
                .strip_prefix('>')
                .map_or(next, |n| n.strip_prefix(' ').unwrap_or(n));
            let newline = !prompted || dialect == Dialect::Bash || joins_with_newline(&command);
            command.push(if newline { '\n' } else { ' ' });
            command.push_str(next);
            i += 1;
        }
        let mut status = None;
        if let Some(s) = lines.get(i).and_then(|l| Status::of_line(l.text)) {
            status = Some(s.map_err(|m| (fence_line + 1 + i, m))?);
            i += 1;
        }
        let out_start = i;
        while i < lines.len() && lines[i].kind == LineKind::Output {
            i += 1;
        }
        let mut written: Vec<String> = lines[out_start..i]
            .iter()
            .map(|l| l.text.trim_end().to_string())
            .collect();
        while written.last().is_some_and(|l| l.is_empty()) {
            written.pop();
        }
        if command.trim().is_empty() {
            return Err((
                fence_line + 1 + start,
                "console block: empty command after `$`".into(),
            ));
        }
        let expected = rules.expectations(&written).map_err(|(at, message)| {
            (
                fence_line + 1 + out_start + at,
                format!("console block: {message}"),
            )
        })?;
        out.push(Command {
            line: fence_line + 1 + start,
            command,
            expected,
            status,
            written,
            expected_lines: out_start..i,
        });
    }
    Ok(out)
}

/// Does the first line that is not blank start a command? (What makes a
/// `sh`/`bash`/`shell` block a transcript rather than a script.)
pub fn is_transcript(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| command_start(l).is_some())
}

/// Does any line start a command? (A console block without one is output
/// only, and shown.)
pub fn has_command(text: &str) -> bool {
    text.lines().any(|l| command_start(l).is_some())
}

/// The command text of a line starting a command, if it does.
fn command_start(line: &str) -> Option<&str> {
    let line = line.trim_end_matches('\r');
    if line == "$" {
        return Some("");
    }
    line.strip_prefix("$ ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_keep_their_prompt_in_the_lines_only() {
        let text = "$ echo a \\\n> b\nab\n$ true\n";
        let kinds: Vec<LineKind> = lines(text).iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                LineKind::Prompt,
                LineKind::Continuation,
                LineKind::Output,
                LineKind::Prompt
            ]
        );
        assert_eq!(lines(text)[1].text, "> b");
        let cmds = parse(text, 1).unwrap();
        assert_eq!(cmds[0].command, "echo a \\\nb");
        assert_eq!(cmds[0].written, ["ab"]);
        assert_eq!(cmds[0].expected_lines, 2..3);
    }

    #[test]
    fn expected_lines_are_typed() {
        let cmds = parse("$ make\nbuilt [..]\n...\ndone\n", 1).unwrap();
        let kinds: Vec<&str> = cmds[0].expected.iter().map(Expectation::kind).collect();
        assert_eq!(kinds, ["wildcard", "any-lines", "literal"]);
    }

    #[test]
    fn output_ending_in_a_backslash_does_not_continue() {
        let kinds: Vec<LineKind> = lines("$ printf 'a\\\\\\n'\na\\\n$ true\n")
            .iter()
            .map(|l| l.kind)
            .collect();
        assert_eq!(
            kinds,
            [LineKind::Prompt, LineKind::Output, LineKind::Prompt]
        );
    }
}
