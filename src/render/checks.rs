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
    /// Not run: a failure it depends on is reported at another block.
    Blocked,
}

/// A flake example's result on one channel.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelCheck {
    pub name: String,
    pub status: Status,
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
    /// `FILE:LINE` of the failure it was not run for.
    #[serde(default)]
    pub blocked_by: Option<String>,
    /// The checker machine's trouble, said as such ("the check could not
    /// fetch nixpkgs").
    #[serde(default)]
    pub not_verified: Option<String>,
    /// A flake example's result per channel.
    #[serde(default)]
    pub channels: Vec<ChannelCheck>,
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

/// What the flake examples were checked against, as the site says it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Against {
    /// `2.26.3`.
    pub nix_version: Option<String>,
    /// The channel or reference: `nixpkgs-unstable`, `path:/...`.
    pub nixpkgs: Option<String>,
    /// The locked revision, 7 characters.
    pub rev: Option<String>,
    /// The revision's commit page, for github inputs.
    pub rev_url: Option<String>,
    /// `YYYY-MM-DD` of the locked revision (its `lastModified`).
    pub rev_date: Option<String>,
}

impl Against {
    fn from_report(
        nix: Option<&serde_json::Value>,
        nixpkgs: Option<&serde_json::Value>,
    ) -> Against {
        let s = |v: Option<&serde_json::Value>, k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(|x| x.as_str())
                .filter(|x| !x.is_empty())
                .map(str::to_string)
        };
        let full_rev = s(nixpkgs, "rev");
        let label = s(nixpkgs, "channel")
            .filter(|c| c != "default")
            .or_else(|| s(nixpkgs, "original"))
            .or_else(|| s(nixpkgs, "url"));
        // A stand-in (`--override-input nixpkgs path:...`) is not nixpkgs.
        let local = s(nixpkgs, "url").is_some_and(|u| {
            ["path:", "git+file:", "file:", "/"]
                .iter()
                .any(|p| u.starts_with(p))
        });
        let label = label.map(|l| {
            if local {
                format!("{l} (a local copy)")
            } else {
                l
            }
        });
        // github:OWNER/REPO/REV -> https://github.com/OWNER/REPO/commit/REV
        let rev_url = match (&full_rev, s(nixpkgs, "url")) {
            (Some(rev), Some(url)) => url.strip_prefix("github:").and_then(|rest| {
                let mut parts = rest.split('/');
                let (owner, repo) = (parts.next()?, parts.next()?);
                Some(format!("https://github.com/{owner}/{repo}/commit/{rev}"))
            }),
            _ => None,
        };
        let rev_date = nixpkgs
            .and_then(|n| n.get("lastModified"))
            .and_then(|t| t.as_i64())
            .and_then(|t| time::OffsetDateTime::from_unix_timestamp(t).ok())
            .map(|t| format!("{}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()));
        Against {
            nix_version: s(nix, "version"),
            nixpkgs: label,
            rev: full_rev.map(|r| r.chars().take(7).collect()),
            rev_url,
            rev_date,
        }
    }

    /// "with Nix 2.26.3 against nixpkgs-unstable 1a2b3c4" (the parts known).
    pub fn words(&self) -> String {
        let mut s = String::new();
        if let Some(v) = &self.nix_version {
            s.push_str(&format!(" with Nix {v}"));
        }
        // A channel's name says it is nixpkgs: "against nixpkgs-unstable".
        let input = self.nixpkgs.as_deref().map(|n| {
            if n.starts_with("nixpkgs") || n.starts_with("nixos-") {
                n.to_string()
            } else {
                format!("nixpkgs {n}")
            }
        });
        let locked = match (&self.rev, &self.rev_date) {
            (Some(r), Some(d)) => Some(format!("{r} of {d}")),
            (Some(r), None) => Some(r.clone()),
            (None, Some(d)) => Some(format!("of {d}")),
            (None, None) => None,
        };
        match (input, locked) {
            (Some(n), Some(l)) => s.push_str(&format!(" against {n} ({l})")),
            (Some(n), None) => s.push_str(&format!(" against {n}")),
            (None, Some(l)) => s.push_str(&format!(" against nixpkgs ({l})")),
            (None, None) => {}
        }
        s
    }
}

#[derive(Debug, Deserialize)]
struct RawReport {
    #[serde(default)]
    generated_at: String,
    #[serde(default)]
    nix: Option<serde_json::Value>,
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
    /// The Nix and nixpkgs the flake examples were checked with.
    pub against: Against,
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
        let against = Against::from_report(raw.nix.as_ref(), raw.nixpkgs.as_ref());
        let nixpkgs_rev = against.rev.clone();
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
            against,
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
    // The checker machine's trouble is not the page's failure.
    if check.is_some_and(|c| c.not_verified.is_some()) {
        return ("unverified", "not verified:");
    }
    match check.map(|c| c.status) {
        Some(Status::Passed) => ("passed", "verified"),
        Some(Status::Failed) => ("failed", "failed"),
        Some(Status::Skipped) => ("skipped", "skipped"),
        Some(Status::Blocked) => ("blocked", "blocked"),
        None => ("unchecked", "not checked"),
    }
}

/// The badge inside a checked code block. `against`: the Nix and nixpkgs,
/// named on a passed flake example.
pub fn badge(
    check: Option<&BlockCheck>,
    date: Option<&str>,
    against: Option<&Against>,
    is_flake: bool,
) -> String {
    let (class, label) = verdict(check);
    let on = date.map(|d| format!("on {d}")).unwrap_or_default();
    let with = against
        .filter(|_| is_flake)
        .map(Against::words)
        .unwrap_or_default();
    let detail = match check {
        Some(c) => match (c.status, c.detail()) {
            (Status::Passed, None) => match c.passed_channels() {
                Some(ch) => format!(
                    "on {ch}{}",
                    date.map(|d| format!(", {d}")).unwrap_or_default()
                ),
                None => format!("{on}{with}").trim().to_string(),
            },
            (_, Some(d)) => d.to_string(),
            _ => String::new(),
        },
        None => "no docs-check result for this block".to_string(),
    };
    let title = match check.map(|c| c.status) {
        _ if check.is_some_and(|c| c.not_verified.is_some()) => {
            format!("Not verified: {detail} (the checker's trouble, not this page's)")
        }
        Some(Status::Passed) => format!("Verified by docs-check {on}{with}"),
        Some(Status::Failed) => format!("Failed in docs-check: {detail}"),
        Some(Status::Skipped) => format!("Skipped by docs-check: {detail}"),
        Some(Status::Blocked) => format!("Not run by docs-check: {detail}"),
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
    badge(
        check,
        report.and_then(|r| r.date.as_deref()),
        report.map(|r| &r.against),
        block.kind() == crate::codeblock::BlockKind::Flake,
    )
}

/// `page.checks` in templates.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageChecks {
    pub verified: usize,
    pub total: usize,
    pub date: Option<String>,
    pub nixpkgs_rev: Option<String>,
    /// The nixpkgs revision's commit page (github inputs).
    pub nixpkgs_url: Option<String>,
    /// The Nix version the flakes were checked with.
    pub nix_version: Option<String>,
    pub summary: String,
}

/// The summary sentence of a page; `against` is named when the page has a
/// flake example.
pub fn summary(
    verified: usize,
    total: usize,
    has_report: bool,
    date: Option<&str>,
    against: Option<&Against>,
) -> String {
    if !has_report {
        return format!("None of the {total} checked blocks on this page has been verified.");
    }
    let mut s = format!("{verified} of {total} commands verified");
    if let Some(d) = date {
        s.push_str(&format!(" on {d}"));
    }
    if let Some(a) = against {
        s.push_str(&a.words());
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
    let has_flake = checked
        .iter()
        .any(|b| b.kind() == crate::codeblock::BlockKind::Flake);
    let against = report.map(|r| &r.against).filter(|_| has_flake);
    let summary = summary(verified, total, report.is_some(), date.as_deref(), against);
    Some(PageChecks {
        verified,
        total,
        date,
        nixpkgs_rev: against.and_then(|a| a.rev.clone()),
        nixpkgs_url: against.and_then(|a| a.rev_url.clone()),
        nix_version: against.and_then(|a| a.nix_version.clone()),
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
            let mut html = escape_html(&s);
            if let Some(v) = &r.against.nix_version {
                html.push_str(&format!(", with Nix {}", escape_html(v)));
            }
            if let Some(n) = &r.against.nixpkgs {
                html.push_str(&format!(", against {}", escape_html(n)));
            }
            if let Some(rev) = &r.against.rev {
                let rev = escape_html(rev);
                match &r.against.rev_url {
                    Some(u) => html.push_str(&format!(
                        " at <a href=\"{}\"><code>{rev}</code></a>",
                        escape_html(u)
                    )),
                    None => html.push_str(&format!(" at <code>{rev}</code>")),
                }
            }
            out.push_str(&format!("<p>{html}.</p>\n"));
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
        // Nix and nixpkgs are named on pages with a flake example only.
        assert_eq!(checks.nixpkgs_rev, None);
        assert_eq!(checks.summary, "1 of 4 commands verified on 2026-11-25");
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

    const FLAKE_REPORT: &str = r#"{
      "generated_at": "2026-12-01T10:00:00Z",
      "nix": {"version": "2.26.3", "path": "/usr/bin/nix"},
      "nixpkgs": {"url": "github:NixOS/nixpkgs/1a2b3c4d5e6f7890", "rev": "1a2b3c4d5e6f7890", "lastModified": 1764547200, "channel": "nixpkgs-unstable", "original": "github:NixOS/nixpkgs/nixpkgs-unstable"},
      "blocks": [
        {"page": "content/p.md", "line": 1, "status": "passed", "channels": [{"name": "nixos-25.11", "status": "passed"}, {"name": "nixpkgs-unstable", "status": "passed"}]},
        {"page": "content/p.md", "line": 5, "status": "blocked", "blocked_by": "content/q.md:3", "message": "blocked by content/q.md:3"},
        {"page": "content/p.md", "line": 9, "status": "failed", "message": "could not fetch nixpkgs: error: unable to download", "not_verified": "the check could not fetch nixpkgs"},
        {"page": "content/p.md", "line": 13, "status": "passed"}
      ]
    }"#;

    fn flake_page() -> Page {
        crate::page::test_page(
            "```nix file=flake.nix\n{ }\n```\n\n```console\n$ false\n```\n\n```nix file=x/flake.nix\n{ }\n```\n\n```nix file=y/flake.nix\n{ }\n```\n",
        )
        .unwrap()
    }

    #[test]
    fn flake_badges_name_what_was_checked() {
        let page = flake_page();
        let report =
            CheckReport::parse(FLAKE_REPORT, Path::new("."), Path::new("content")).unwrap();
        let b: Vec<String> = page
            .blocks
            .iter()
            .filter(|b| b.is_checked())
            .map(|b| block_badge(Some(&report), b))
            .collect();
        assert!(
            b[0].contains(">on nixos-25.11 and nixpkgs-unstable, 2026-12-01<"),
            "{}",
            b[0]
        );
        assert!(b[1].contains("check check-blocked"), "{}", b[1]);
        assert!(b[1].contains("blocked by content/q.md:3"), "{}", b[1]);
        // The checker's download failure is not shown as the page's.
        assert!(b[2].contains("check check-unverified"), "{}", b[2]);
        assert!(
            b[2].contains("not verified:</span> <span class=\"check-detail\">the check could not fetch nixpkgs<"),
            "{}",
            b[2]
        );
        assert!(!b[2].contains("unable to download"), "{}", b[2]);
        assert!(
            b[3].contains(
                ">on 2026-12-01 with Nix 2.26.3 against nixpkgs-unstable (1a2b3c4 of 2025-12-01)<"
            ),
            "{}",
            b[3]
        );
        let checks = page_checks(&page.blocks, Some(&report)).unwrap();
        assert_eq!(
            checks.summary,
            "2 of 4 commands verified on 2026-12-01 with Nix 2.26.3 against nixpkgs-unstable (1a2b3c4 of 2025-12-01)"
        );
        assert_eq!(
            checks.nixpkgs_url.as_deref(),
            Some("https://github.com/NixOS/nixpkgs/commit/1a2b3c4d5e6f7890")
        );
        let html = status_table([("p.html", "P", page.blocks.as_slice())], Some(&report));
        assert!(
            html.contains("with Nix 2.26.3, against nixpkgs-unstable at <a href=\"https://github.com/NixOS/nixpkgs/commit/1a2b3c4d5e6f7890\"><code>1a2b3c4</code></a>"),
            "{html}"
        );
    }

    #[test]
    fn a_local_nixpkgs_is_not_called_nixpkgs_alone() {
        let nixpkgs = serde_json::json!({"channel": "nixpkgs", "url": "path:/x/nixpkgs", "lastModified": 1796150322});
        let against = Against::from_report(None, Some(&nixpkgs));
        assert_eq!(
            against.words(),
            " against nixpkgs (a local copy) (of 2026-12-01)"
        );
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
