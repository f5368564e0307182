//! docs-check results on the site: a badge in each checked code block,
//! the summary sentence of a page and the status page, from the report read
//! by [`crate::report`].

use serde::Serialize;

use super::escape::escape_html;
use crate::config::Blocks;
use crate::markdown::{BlockKind, CodeBlock};
use crate::report::{Against, BlockResult, CheckReport, Status};

/// CSS suffix, label and title words of a block's result.
fn verdict(check: Option<&BlockResult>) -> (&'static str, &'static str) {
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
    check: Option<&BlockResult>,
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

/// Does `block` get a badge: the checker runs or writes it in a book whose
/// `[check] blocks` is `selection`, or the report has its result (a Rust
/// block of a book that checks them).
pub fn has_check(block: &CodeBlock, report: Option<&CheckReport>, selection: Blocks) -> bool {
    block.is_test(selection) || report.is_some_and(|r| r.get(block).is_some())
}

/// The badge of `block` under `report` (`None`: no report).
pub fn block_badge(report: Option<&CheckReport>, block: &CodeBlock) -> String {
    let check = report.and_then(|r| r.get(block));
    badge(
        check,
        report.and_then(|r| r.date.as_deref()),
        report.map(|r| &r.against),
        block.kind() == BlockKind::Flake,
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

/// The sentence saying how many of a page's blocks were verified; `against` is named when the page has a
/// flake example.
pub fn verified_sentence(
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
pub fn page_checks(
    blocks: &[CodeBlock],
    report: Option<&CheckReport>,
    selection: Blocks,
) -> Option<PageChecks> {
    let checked: Vec<&CodeBlock> = blocks
        .iter()
        .filter(|b| has_check(b, report, selection))
        .collect();
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
    let has_flake = checked.iter().any(|b| b.kind() == BlockKind::Flake);
    let against = report.map(|r| &r.against).filter(|_| has_flake);
    let summary = verified_sentence(verified, total, report.is_some(), date.as_deref(), against);
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
    selection: Blocks,
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
        for block in blocks.iter().filter(|b| has_check(b, report, selection)) {
            let check = report.and_then(|r| r.get(block));
            let (class, label) = verdict(check);
            let detail = check.and_then(BlockResult::detail).unwrap_or("");
            out.push_str(&format!(
                "<tr class=\"check-{class}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td><span class=\"check check-{class}\"><span class=\"check-label\">{label}</span></span></td><td>{}</td></tr>\n",
                escape_html(url),
                escape_html(title),
                // The line in the page's file, or the file:line it includes.
                if block.origin.path == block.page {
                    block.origin.line.to_string()
                } else {
                    escape_html(&block.origin.to_string())
                },
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
    use crate::markdown::Page;
    use std::path::Path;

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
        crate::markdown::page::test_page(
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
        // A book that checks only marked blocks: a badge on the marked one.
        let marked = crate::markdown::page::test_page(
            "```console\n$ echo a\n```\n\n```console check\n$ echo b\n```\n",
        )
        .unwrap();
        let html =
            super::super::html::render_events(&marked, &marked.events(), None, Blocks::Marked);
        assert_eq!(html.matches("class=\"check check-").count(), 1, "{html}");
    }

    #[test]
    fn summary_text() {
        let page = page();
        let report = report();
        let checks = page_checks(&page.blocks, Some(&report), Blocks::All).unwrap();
        assert_eq!((checks.verified, checks.total), (1, 4));
        assert_eq!(checks.date.as_deref(), Some("2026-11-25"));
        // Nix and nixpkgs are named on pages with a flake example only.
        assert_eq!(checks.nixpkgs_rev, None);
        assert_eq!(checks.summary, "1 of 4 commands verified on 2026-11-25");
        assert_eq!(
            verified_sentence(2, 3, true, Some("2026-01-02"), None),
            "2 of 3 commands verified on 2026-01-02"
        );
        // A book that checks only marked blocks: none of these is a test,
        // unless the report has its result.
        assert!(page_checks(&page.blocks, None, Blocks::Marked).is_none());
        let status = status_table(
            [("p.html", "P", page.blocks.as_slice())],
            None,
            Blocks::Marked,
        );
        assert!(!status.contains("<tr class=\"check-"), "{status}");
        let reported = page_checks(&page.blocks, Some(&report), Blocks::Marked).unwrap();
        assert_eq!(reported.total, 3, "the blocks the report has");
        let none = page_checks(&page.blocks, None, Blocks::All).unwrap();
        assert_eq!(
            none.summary,
            "None of the 4 checked blocks on this page has been verified."
        );
        assert_eq!(none.verified, 0);
        assert!(page_checks(&page.blocks[4..], Some(&report), Blocks::All).is_none());
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
        crate::markdown::page::test_page(
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
        let checks = page_checks(&page.blocks, Some(&report), Blocks::All).unwrap();
        assert_eq!(
            checks.summary,
            "2 of 4 commands verified on 2026-12-01 with Nix 2.26.3 against nixpkgs-unstable (1a2b3c4 of 2025-12-01)"
        );
        assert_eq!(
            checks.nixpkgs_url.as_deref(),
            Some("https://github.com/NixOS/nixpkgs/commit/1a2b3c4d5e6f7890")
        );
        let html = status_table(
            [("p.html", "P", page.blocks.as_slice())],
            Some(&report),
            Blocks::All,
        );
        assert!(
            html.contains("with Nix 2.26.3, against nixpkgs-unstable at <a href=\"https://github.com/NixOS/nixpkgs/commit/1a2b3c4d5e6f7890\"><code>1a2b3c4</code></a>"),
            "{html}"
        );
    }

    #[test]
    fn report_paths_relative_to_root_match() {
        let text = REPORT.replace("\"content/p.md\"", "\"book/content/p.md\"");
        let report = CheckReport::parse(&text, Path::new("book"), Path::new("content")).unwrap();
        let checks = page_checks(&page().blocks, Some(&report), Blocks::All).unwrap();
        assert_eq!(checks.verified, 1);
    }

    #[test]
    fn status_table_lists_checked_blocks() {
        let page = page();
        let report = report();
        let html = status_table(
            [("p.html", "P", page.blocks.as_slice())],
            Some(&report),
            Blocks::All,
        );
        assert_eq!(html.matches("<tr class=").count(), 4);
        assert!(html.contains("<a href=\"p.html\">P</a>"));
        assert!(html.contains("needs network"));
    }
}
