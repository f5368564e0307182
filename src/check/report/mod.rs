//! The results of a check run, and the ways of showing them.
//!
//! [`Report`] is also the JSON report the site reads (schema version 1).

pub mod github;
pub mod human;
pub mod json;
pub mod junit;

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::markdown::codeblock::BlockKind;

/// Write the report files of a run: the JSON report to `json` and, when
/// asked (`--junit FILE`), the JUnit XML to `junit`. One path for both is a
/// usage error, and nothing is written.
pub fn write(report: &Report, json: &Path, junit: Option<&Path>) -> Result<()> {
    if let Some(junit) = junit.filter(|j| *j == json) {
        return Err(Error::Other(format!(
            "--junit {}: that is the JSON report's file (--report); give another",
            junit.display()
        )));
    }
    json::write(report, json)?;
    match junit {
        Some(path) => junit::write(report, path),
        None => Ok(()),
    }
}

/// Write `text` to `path`, creating its folder.
fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
    /// Not run: an earlier failure it depends on (its flake, or the same
    /// root cause reported at another block) is reported instead.
    Blocked,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
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

#[derive(Debug, Clone, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct BlockResult {
    /// Page path as the user knows it (`content/intro.md`).
    pub page: String,
    /// Page path inside the book's source folder (`intro.md`), the same
    /// wherever docs-check was run from.
    pub source: String,
    /// Line of the opening fence.
    pub line: usize,
    /// Index of the block on its page.
    pub index: usize,
    pub lang: String,
    pub kind: BlockKind,
    pub status: Status,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Why it failed, in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `FILE:LINE` of the failure this block was not run for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// When the checker's machine, not the page, is at fault (a download
    /// failed, its Nix is too old): what a reader is told instead of the
    /// error, e.g. "the check could not fetch nixpkgs".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_verified: Option<String>,
    /// A root cause that several blocks can share (`fetch:nixpkgs`,
    /// `nix-older-than:2.18.0`): reported at its first block only.
    #[serde(skip)]
    pub cause: Option<String>,
    /// A flake example's result per channel (`[check.nix]` inputs with
    /// several references).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelResult>,
    pub commands: Vec<CommandResult>,
    pub duration_ms: u64,
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
}

/// A flake example checked against one channel.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChannelResult {
    pub name: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommandResult {
    /// Line of the command in the page (a script block: its first line).
    pub line: usize,
    pub command: String,
    /// `null` when it timed out.
    pub exit_code: Option<i32>,
    pub expected_exit: i32,
    pub duration_ms: u64,
    pub status: Status,
    /// Unified diff of expected against actual output, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// The tail of the output, for failed commands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Bytes of output dropped before that tail.
    #[serde(skip_serializing_if = "is_zero")]
    pub output_dropped: u64,
    /// The normalized actual output, when it differed from the expected one
    /// (what `--bless` writes).
    #[serde(skip)]
    pub actual: Option<Vec<String>>,
    /// Lines of the block holding the expected output (for `--bless`).
    #[serde(skip)]
    pub expected_lines: Option<std::ops::Range<usize>>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
