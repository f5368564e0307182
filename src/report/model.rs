//! The report's schema (version 1): what docs-check writes and the site
//! reads back. One set of types for both sides: the checker serializes a
//! [`Report`], the site deserializes it (`super::read`).
//!
//! Reading is lenient: every field the site can do without has a default,
//! so reports written by older versions (without `source`, `kind`,
//! `duration_ms`...) still load.

use serde::{Deserialize, Serialize};

use crate::check::partition::Partition;
use crate::markdown::codeblock::BlockKind;

/// Outcome of one block, command or channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    /// Not run: an earlier failure it depends on (its flake, or the same
    /// root cause reported at another block) is reported instead.
    Blocked,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Blocks not run because of a failure reported elsewhere.
    pub blocked: usize,
}

impl std::fmt::Display for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )?;
        if self.blocked > 0 {
            write!(f, ", {} blocked", self.blocked)?;
        }
        Ok(())
    }
}

/// A check run. Every field has a default when read back.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub version: u32,
    /// RFC 3339, UTC.
    pub generated_at: String,
    /// The Nix that ran the flake examples: `{"version", "path"}`.
    pub nix: Option<serde_json::Value>,
    /// The nixpkgs the flake examples were checked against (the Nix step):
    /// the first channel's locked nixpkgs, whenever a flake was locked.
    pub nixpkgs: Option<serde_json::Value>,
    /// The names of the channels each flake was checked against.
    pub channels: Vec<String>,
    pub totals: Totals,
    pub blocks: Vec<BlockResult>,
    /// Flake examples (the Nix step).
    pub flakes: Vec<serde_json::Value>,
    /// How the pages' processes were contained: `bwrap` or `fallback`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub isolation: String,
    /// The book's title (book.toml), so that reports of other books are
    /// not merged with this one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub book: String,
    /// The guidebook version that wrote it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub guidebook: String,
    /// The share of the pages this run checked (`--partition`); `None`:
    /// every page selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<Partition>,
    /// The partitions a merged report was made of (`docs-check merge`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged: Vec<Partition>,
}

impl Report {
    pub fn new(blocks: Vec<BlockResult>) -> Report {
        let mut totals = Totals::default();
        for b in &blocks {
            match b.status {
                Status::Passed => totals.passed += 1,
                Status::Failed => totals.failed += 1,
                Status::Skipped => totals.skipped += 1,
                Status::Blocked => totals.blocked += 1,
            }
        }
        let generated_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Report {
            version: 1,
            generated_at,
            nix: None,
            nixpkgs: None,
            channels: Vec::new(),
            totals,
            blocks,
            flakes: Vec::new(),
            isolation: String::new(),
            book: String::new(),
            guidebook: String::new(),
            partition: None,
            merged: Vec::new(),
        }
    }

    pub fn failed(&self) -> impl Iterator<Item = &BlockResult> {
        self.blocks.iter().filter(|b| b.status == Status::Failed)
    }

    pub fn skipped(&self) -> impl Iterator<Item = &BlockResult> {
        self.blocks.iter().filter(|b| b.status == Status::Skipped)
    }

    pub fn blocked(&self) -> impl Iterator<Item = &BlockResult> {
        self.blocks.iter().filter(|b| b.status == Status::Blocked)
    }
}

/// One block's result. `page`, `line` and `status` are required when read
/// back; the rest default.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlockResult {
    /// The file the block was written in, as the user knows it
    /// (`content/intro.md`, or a file the page includes).
    pub page: String,
    /// Page path inside the book's source folder (`intro.md`), the same
    /// wherever docs-check was run from. Empty when read from a report
    /// older than guidebook 0.1: the site then matches `page`.
    #[serde(default)]
    pub source: String,
    /// Line of the opening fence in `page`.
    pub line: usize,
    /// Index of the block on its page (the page of `source`).
    #[serde(default)]
    pub index: usize,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub kind: BlockKind,
    pub status: Status,
    /// Why it was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it failed, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `FILE:LINE` of the failure this block was not run for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// When the checker's machine, not the page, is at fault (a download
    /// failed, its Nix is too old): what a reader is told instead of the
    /// error, e.g. "the check could not fetch nixpkgs".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_verified: Option<String>,
    /// A root cause that several blocks can share (`fetch:nixpkgs`,
    /// `nix-older-than:2.18.0`): reported at its first block only.
    #[serde(skip)]
    pub cause: Option<String>,
    /// A flake example's result per channel (`[check.nix]` inputs with
    /// several references).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelResult>,
    #[serde(default)]
    pub commands: Vec<CommandResult>,
    #[serde(default)]
    pub duration_ms: u64,
    /// A failed block's page had `background` blocks running: what each
    /// had printed by then (or how it had ended).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub background: Vec<BackgroundOutput>,
}

impl BlockResult {
    /// `page:line` of the first failing command, else of the block.
    pub fn failure_line(&self) -> usize {
        self.commands
            .iter()
            .find(|c| c.status == Status::Failed)
            .map(|c| c.line)
            .unwrap_or(self.line)
    }

    /// Why it failed or was skipped, as the site says it.
    pub fn detail(&self) -> Option<&str> {
        if let Some(n) = &self.not_verified {
            return Some(n);
        }
        match self.status {
            Status::Failed | Status::Blocked => self.message.as_deref().or(self.reason.as_deref()),
            _ => self.reason.as_deref().or(self.message.as_deref()),
        }
    }

    /// "nixos-25.11 and nixpkgs-unstable": the channels it passed on, when
    /// it was checked on several.
    pub fn passed_channels(&self) -> Option<String> {
        let names: Vec<&str> = self
            .channels
            .iter()
            .filter(|c| c.status == Status::Passed)
            .map(|c| c.name.as_str())
            .collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(one.to_string()),
            [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
        }
    }
}

/// What a `background` block of the page had done when a later block
/// failed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BackgroundOutput {
    /// Line of the background block.
    pub line: usize,
    /// Its exit status when it had ended by itself; `None`: still running.
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// The tail of its output (stdout and stderr).
    #[serde(default)]
    pub output: String,
    /// Bytes of output dropped before that tail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub output_dropped: u64,
}

impl BackgroundOutput {
    /// `page:line: background block (still running), its output:` and the
    /// output, each line indented.
    pub fn describe(&self, page: &str) -> String {
        let state = match self.exit_code {
            None => "still running".to_string(),
            Some(code) => format!("ended with exit code {code}"),
        };
        let mut out = format!("{page}:{}: background block ({state})", self.line);
        if self.output.trim().is_empty() {
            out.push_str(", no output\n");
            return out;
        }
        if self.output_dropped > 0 {
            out.push_str(&format!(
                ", the last {} bytes of its output:\n",
                self.output.len()
            ));
        } else {
            out.push_str(", its output:\n");
        }
        for line in self.output.lines() {
            out.push_str(&format!("    | {line}\n"));
        }
        out
    }
}

/// A flake example checked against one channel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChannelResult {
    pub name: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One command of a block. `line` and `status` are required when read
/// back; the rest default.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommandResult {
    /// Line of the command in the page (a script block: its first line).
    pub line: usize,
    #[serde(default)]
    pub command: String,
    /// `null` when it timed out.
    #[serde(default)]
    pub exit_code: Option<i32>,
    #[serde(default)]
    pub expected_exit: i32,
    /// A status no single code names (trycmd's `? failed`, `?
    /// interrupted`): what `expected_exit` only approximates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_status: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
    pub status: Status,
    /// Unified diff of expected against actual output, when they differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// The tail of the output, for failed commands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Bytes of output dropped before that tail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub output_dropped: u64,
    /// The normalized actual output, when it differed from the expected one
    /// (what `--bless` writes).
    #[serde(skip)]
    pub actual: Option<Vec<String>>,
    /// The output's last line has no newline (for `--bless`'s `(no-eol)`).
    #[serde(skip)]
    pub no_eol: bool,
    /// Lines of the block holding the expected output (for `--bless`).
    #[serde(skip)]
    pub expected_lines: Option<std::ops::Range<usize>>,
}

impl CommandResult {
    /// A command at `line` that failed with `exit_code` (`None`: timed
    /// out) where 0 was expected; the rest empty.
    pub fn failed(line: usize, command: impl Into<String>, exit_code: Option<i32>) -> Self {
        CommandResult {
            line,
            command: command.into(),
            exit_code,
            expected_exit: 0,
            expected_status: None,
            duration_ms: 0,
            status: Status::Failed,
            diff: None,
            output: None,
            output_dropped: 0,
            actual: None,
            no_eol: false,
            expected_lines: None,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reports docs-check wrote before the schema was one model: the
    /// `pass` fixture book and the bundled guide (some blocks failed, flake
    /// examples on several channels).
    const MAIN_REPORTS: [(&str, &str); 2] = [
        (
            "main-pass.json",
            include_str!("../../tests/fixtures/report/main-pass.json"),
        ),
        (
            "main-guide.json",
            include_str!("../../tests/fixtures/report/main-guide.json"),
        ),
    ];

    #[test]
    fn reports_of_earlier_versions_read_back_and_write_the_same_bytes() {
        for (name, text) in MAIN_REPORTS {
            let report: Report = serde_json::from_str(text).expect(name);
            assert!(!report.blocks.is_empty(), "{name}");
            assert_eq!(super::super::json::render(&report), text, "{name}");
        }
    }

    #[test]
    fn totals_of_a_read_report_match_its_blocks() {
        for (name, text) in MAIN_REPORTS {
            let read: Report = serde_json::from_str(text).expect(name);
            assert_eq!(
                Report::new(read.blocks.clone()).totals,
                read.totals,
                "{name}"
            );
        }
    }

    #[test]
    fn a_block_needs_page_line_and_status_only() {
        let b: BlockResult =
            serde_json::from_str(r#"{"page": "p.md", "line": 3, "status": "skipped"}"#).unwrap();
        assert_eq!(
            (b.page.as_str(), b.line, b.status),
            ("p.md", 3, Status::Skipped)
        );
        assert_eq!(b.kind, BlockKind::Display);
        assert!(b.source.is_empty() && b.commands.is_empty());
        let missing = serde_json::from_str::<BlockResult>(r#"{"page": "p.md", "line": 3}"#);
        assert!(missing.unwrap_err().to_string().contains("status"));
    }
}
