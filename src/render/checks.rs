//! docs-check results on the site: the JSON report read back, a badge in
//! each checked code block, a summary per page and the status page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::html::escape_html;
use crate::book::display_path;
use crate::codeblock::CodeBlock;
use crate::error::{Error, Result};

/// Outcome of one block in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// One block's result, as the site needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockCheck {
    pub page: String,
    /// The page inside the source folder (reports since guidebook 0.1 have
    /// it); matched instead of `page`, which depends on where docs-check ran.
    #[serde(default)]
    pub source: Option<String>,
    pub line: usize,
    pub status: Status,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub commands: Vec<CommandCheck>,
}

/// One command of a block in the report, as the site needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct CommandCheck {
    pub line: usize,
    #[serde(default)]
    pub command: String,
    pub status: Status,
    /// Unified diff of the expected against the actual output.
    #[serde(default)]
    pub diff: Option<String>,
}

impl BlockCheck {
    /// Why it failed or was skipped.
    pub fn detail(&self) -> Option<&str> {
        match self.status {
            Status::Failed => self.message.as_deref().or(self.reason.as_deref()),
            _ => self.reason.as_deref().or(self.message.as_deref()),
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawReport {
    #[serde(default)]
    generated_at: String,
    #[serde(default)]
    nixpkgs: Option<serde_json::Value>,
    #[serde(default)]
    blocks: Vec<BlockCheck>,
}

/// A docs-check report, keyed by (page, line).
#[derive(Debug, Default)]
pub struct CheckReport {
    /// The book root, to compare page paths written from other folders.
    root: PathBuf,
    /// `YYYY-MM-DD` of `generated_at`.
    pub date: Option<String>,
    /// The nixpkgs revision, shortened to 7 characters.
    pub nixpkgs_rev: Option<String>,
    blocks: HashMap<(String, usize), BlockCheck>,
}

impl CheckReport {
    /// Read the report at `path` for the book at `root` whose source folder
    /// is `src` (relative to `root`).
    pub fn load(path: &Path, root: &Path, src: &Path) -> Result<CheckReport> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        CheckReport::parse(&text, root, src)
            .map_err(|e| Error::Other(format!("{}: invalid check report: {e}", path.display())))
    }

    /// Parse the JSON text of a report.
    pub fn parse(
        text: &str,
        root: &Path,
        src: &Path,
    ) -> std::result::Result<CheckReport, serde_json::Error> {
        let raw: RawReport = serde_json::from_str(text)?;
        let root = display_path(root);
        let date = raw
            .generated_at
            .get(..10)
            .filter(|d| {
                d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
            })
            .map(str::to_string);
        let nixpkgs_rev = raw
            .nixpkgs
            .as_ref()
            .and_then(|n| n.get("rev"))
            .and_then(|r| r.as_str())
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(7).collect());
        let blocks = raw
            .blocks
            .into_iter()
            .map(|b| {
                let key = match &b.source {
                    Some(source) => crate::book::normalize(&src.join(source))
                        .to_string_lossy()
                        .replace('\\', "/"),
                    None => page_key(&root, Path::new(&b.page)),
                };
                ((key, b.line), b)
            })
            .collect();
        Ok(CheckReport {
            root,
            date,
            nixpkgs_rev,
            blocks,
        })
    }

    /// The result of `block`, when the report has it.
    pub fn get(&self, block: &CodeBlock) -> Option<&BlockCheck> {
        self.blocks
            .get(&(page_key(&self.root, &block.page), block.line))
    }
}

/// A page path relative to the book root, with `/` separators.
fn page_key(root: &Path, page: &Path) -> String {
    let page = display_path(page);
    let rel = if root.as_os_str() == "." {
        &page
    } else {
        page.strip_prefix(root).unwrap_or(&page)
    };
    rel.to_string_lossy().replace('\\', "/")
}

/// The report a build shows: `--checks`, else the book's `[check] report`
/// when that file exists.
pub fn report_path(explicit: Option<&Path>, root: &Path, configured: &Path) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => Some(root.join(configured)).filter(|p| p.is_file()),
    }
}

/// CSS suffix, label and title words of a block's result.
fn verdict(check: Option<&BlockCheck>) -> (&'static str, &'static str) {
    match check.map(|c| c.status) {
        Some(Status::Passed) => ("passed", "verified"),
        Some(Status::Failed) => ("failed", "failed"),
        Some(Status::Skipped) => ("skipped", "skipped"),
        None => ("unchecked", "not checked"),
    }
}

/// The badge inside a checked code block.
pub fn badge(check: Option<&BlockCheck>, date: Option<&str>) -> String {
    let (class, label) = verdict(check);
    let detail = match check {
        Some(c) => match (c.status, c.detail()) {
            (_, Some(d)) => d.to_string(),
            (Status::Passed, None) => date.map(|d| format!("on {d}")).unwrap_or_default(),
            _ => String::new(),
        },
        None => "no docs-check result for this block".to_string(),
    };
    let title = match check.map(|c| c.status) {
        Some(Status::Passed) => match date {
            Some(d) => format!("Verified by docs-check on {d}"),
            None => "Verified by docs-check".to_string(),
        },
        Some(Status::Failed) => format!("Failed in docs-check: {detail}"),
        Some(Status::Skipped) => format!("Skipped by docs-check: {detail}"),
        None => "Not checked by docs-check".to_string(),
    };
    let title = title.trim_end_matches([':', ' ']);
    // A failed command's output diff, folded under the badge.
    let diff = check
        .filter(|c| c.status == Status::Failed)
        .and_then(|c| c.commands.iter().find(|x| x.status == Status::Failed))
        .and_then(|x| x.diff.as_deref().map(|d| (x, d)))
        .map(|(x, d)| {
            format!(
                "<details class=\"check-diff\"><summary>line {}: <code>{}</code></summary><pre>{}</pre></details>",
                x.line,
                escape_html(&x.command),
                diff_html(d)
            )
        })
        .unwrap_or_default();
    format!(
        "<div class=\"check check-{class}\" title=\"{}\"><span class=\"check-label\">{label}</span> <span class=\"check-detail\">{}</span>{diff}</div>",
        escape_html(title),
        escape_html(&detail)
    )
}

/// A unified diff with its removed and added lines marked.
fn diff_html(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len() * 2);
    for line in diff.lines() {
        let class = match line.chars().next() {
            Some('-') if !line.starts_with("---") => Some("del"),
            Some('+') if !line.starts_with("+++") => Some("ins"),
            _ => None,
        };
        match class {
            Some(c) => out.push_str(&format!(
                "<span class=\"diff-{c}\">{}</span>\n",
                escape_html(line)
            )),
            None => {
                out.push_str(&escape_html(line));
                out.push('\n');
            }
        }
    }
    out
}

/// The badge of `block` under `report` (`None`: no report).
pub fn block_badge(report: Option<&CheckReport>, block: &CodeBlock) -> String {
    let check = report.and_then(|r| r.get(block));
    badge(check, report.and_then(|r| r.date.as_deref()))
}

/// `page.checks` in templates.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageChecks {
    pub verified: usize,
    pub total: usize,
    pub date: Option<String>,
    pub nixpkgs_rev: Option<String>,
    pub summary: String,
}

/// The summary sentence of a page.
pub fn summary(
    verified: usize,
    total: usize,
    has_report: bool,
    date: Option<&str>,
    nixpkgs_rev: Option<&str>,
) -> String {
    if !has_report {
        return format!("None of the {total} checked blocks on this page has been verified.");
    }
    let mut s = format!("{verified} of {total} commands verified");
    if let Some(d) = date {
        s.push_str(&format!(" on {d}"));
    }
    if let Some(rev) = nixpkgs_rev {
        s.push_str(&format!(" against nixpkgs {rev}"));
    }
    s
}

/// `page.checks` for a page's blocks; `None` when none is checked.
pub fn page_checks(blocks: &[CodeBlock], report: Option<&CheckReport>) -> Option<PageChecks> {
    let checked: Vec<&CodeBlock> = blocks.iter().filter(|b| b.is_checked()).collect();
    if checked.is_empty() {
        return None;
    }
    let total = checked.len();
    let verified = checked
        .iter()
        .filter(|b| {
            report
                .and_then(|r| r.get(b))
                .is_some_and(|c| c.status == Status::Passed)
        })
        .count();
    let date = report.and_then(|r| r.date.clone());
    let nixpkgs_rev = report.and_then(|r| r.nixpkgs_rev.clone());
    let summary = summary(
        verified,
        total,
        report.is_some(),
        date.as_deref(),
        nixpkgs_rev.as_deref(),
    );
    Some(PageChecks {
        verified,
        total,
        date,
        nixpkgs_rev,
        summary,
    })
}

/// The content of `status.html`: every checked block of the book. `pages`
/// holds each page's URL (relative to the site root), title and blocks.
pub fn status_table<'a>(
    pages: impl IntoIterator<Item = (&'a str, &'a str, &'a [CodeBlock])>,
    report: Option<&CheckReport>,
) -> String {
    let mut out = String::from("<h1 id=\"verification-status\">Verification status</h1>\n");
    match report {
        Some(r) => {
            let mut s = String::from("Results of docs-check");
            if let Some(d) = &r.date {
                s.push_str(&format!(" from {d}"));
            }
            if let Some(rev) = &r.nixpkgs_rev {
                s.push_str(&format!(", against nixpkgs {rev}"));
            }
            out.push_str(&format!("<p>{}.</p>\n", escape_html(&s)));
        }
        None => out.push_str("<p>No docs-check report was available for this build.</p>\n"),
    }
    out.push_str(
        "<table class=\"check-status\">\n<thead><tr><th>Page</th><th>Line</th><th>Language</th><th>Status</th><th>Details</th></tr></thead>\n<tbody>\n",
    );
    for (url, title, blocks) in pages {
        for block in blocks.iter().filter(|b| b.is_checked()) {
            let check = report.and_then(|r| r.get(block));
            let (class, label) = verdict(check);
            let detail = check.and_then(BlockCheck::detail).unwrap_or("");
            out.push_str(&format!(
                "<tr class=\"check-{class}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td><span class=\"check check-{class}\"><span class=\"check-label\">{label}</span></span></td><td>{}</td></tr>\n",
                escape_html(url),
                escape_html(title),
                block.line,
                escape_html(&block.lang),
                escape_html(detail),
            ));
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;

    const REPORT: &str = r#"{
      "version": 1,
      "generated_at": "2026-11-25T10:00:00Z",
      "nixpkgs": {"rev": "1a2b3c4d5e6f7890"},
      "totals": {"passed": 1, "failed": 1, "skipped": 1},
      "blocks": [
        {"page": "content/p.md", "line": 1, "index": 0, "lang": "console", "kind": "console", "status": "passed", "commands": [], "duration_ms": 1},
        {"page": "content/p.md", "line": 5, "index": 1, "lang": "console", "kind": "console", "status": "failed", "message": "exit code 1 <bad>", "commands": [{"line": 6, "command": "false <x>", "status": "failed", "diff": "--- expected\n+++ actual\n-yes\n+no\n"}], "duration_ms": 1},
        {"page": "content/p.md", "line": 9, "index": 2, "lang": "console", "kind": "console", "status": "skipped", "reason": "needs network", "commands": [], "duration_ms": 1}
      ],
      "flakes": []
    }"#;

    fn page() -> Page {
        crate::page::test_page(
            "```console\n$ echo a\n```\n\n```console\n$ false\n```\n\n```console\n$ curl x\n```\n\n```console\n$ true\n```\n\n```text\nplain\n```\n",
        )
        .unwrap()
    }

    fn report() -> CheckReport {
        CheckReport::parse(REPORT, Path::new("."), Path::new("content")).unwrap()
    }

    #[test]
    fn badges_for_each_status() {
        let page = page();
        let report = report();
        let b: Vec<String> = page
            .blocks
            .iter()
            .filter(|b| b.is_checked())
            .map(|b| block_badge(Some(&report), b))
            .collect();
        assert_eq!(b.len(), 4);
        assert!(
            b[0].starts_with("<div class=\"check check-passed\""),
            "{}",
            b[0]
        );
        assert!(b[0].contains("<span class=\"check-label\">verified</span>"));
        assert!(b[1].contains("check check-failed"));
        assert!(b[1].contains("<span class=\"check-label\">failed</span>"));
        assert!(b[1].contains("exit code 1 &lt;bad&gt;"));
        assert!(!b[1].contains("<bad>"));
        assert!(
            b[1].contains("<summary>line 6: <code>false &lt;x&gt;</code></summary>"),
            "{}",
            b[1]
        );
        assert!(
            b[1].contains(
                "<span class=\"diff-del\">-yes</span>\n<span class=\"diff-ins\">+no</span>"
            )
        );
        assert!(!b[0].contains("<details"));
        assert!(b[2].contains("check check-skipped"));
        assert!(b[2].contains("<span class=\"check-label\">skipped</span> <span class=\"check-detail\">needs network</span>"));
        assert!(b[3].contains("check check-unchecked"));
        assert!(b[3].contains("<span class=\"check-label\">not checked</span>"));
        let none = block_badge(None, &page.blocks[0]);
        assert!(none.contains("check check-unchecked"));
        assert!(none.contains(">not checked<"));
    }

    #[test]
    fn rendered_block_carries_badge() {
        let page = page();
        let report = report();
        let html = super::super::html::render_with(&page, Some(&report));
        assert_eq!(html.matches("class=\"check check-").count(), 4);
        let plain = html.split("plain").nth(1).unwrap();
        assert!(!plain.contains("check-"));
        let html = super::super::html::render(&page);
        assert_eq!(html.matches("check check-unchecked").count(), 4);
    }

    #[test]
    fn summary_text() {
        let page = page();
        let report = report();
        let checks = page_checks(&page.blocks, Some(&report)).unwrap();
        assert_eq!((checks.verified, checks.total), (1, 4));
        assert_eq!(checks.date.as_deref(), Some("2026-11-25"));
        assert_eq!(checks.nixpkgs_rev.as_deref(), Some("1a2b3c4"));
        assert_eq!(
            checks.summary,
            "1 of 4 commands verified on 2026-11-25 against nixpkgs 1a2b3c4"
        );
        assert_eq!(
            summary(2, 3, true, Some("2026-01-02"), None),
            "2 of 3 commands verified on 2026-01-02"
        );
        let none = page_checks(&page.blocks, None).unwrap();
        assert_eq!(
            none.summary,
            "None of the 4 checked blocks on this page has been verified."
        );
        assert_eq!(none.verified, 0);
        assert!(page_checks(&page.blocks[4..], Some(&report)).is_none());
    }

    #[test]
    fn report_paths_relative_to_root_match() {
        let text = REPORT.replace("\"content/p.md\"", "\"book/content/p.md\"");
        let report = CheckReport::parse(&text, Path::new("book"), Path::new("content")).unwrap();
        let checks = page_checks(&page().blocks, Some(&report)).unwrap();
        assert_eq!(checks.verified, 1);
    }

    #[test]
    fn bad_report_names_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "{ not json").unwrap();
        let err = CheckReport::load(&path, dir.path(), Path::new("src"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("r.json"), "{err}");
        let missing = dir.path().join("missing.json");
        let err = CheckReport::load(&missing, dir.path(), Path::new("src"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.json"), "{err}");
    }

    #[test]
    fn status_table_lists_checked_blocks() {
        let page = page();
        let report = report();
        let html = status_table([("p.html", "P", page.blocks.as_slice())], Some(&report));
        assert_eq!(html.matches("<tr class=").count(), 4);
        assert!(html.contains("<a href=\"p.html\">P</a>"));
        assert!(html.contains("needs network"));
    }
}
