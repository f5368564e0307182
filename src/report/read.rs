//! The report as the site reads it back: each block's result, keyed by
//! (page, line), and what the flake examples were checked against.
//! docs-check writes it (the schema is `super::model`); `render::badges`
//! shows it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::model::{BlockResult, Report};
use crate::error::{Error, Result};
use crate::markdown::CodeBlock;
use crate::paths::display_path;

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

/// A docs-check report, keyed by (page, index of the block on its page);
/// a report older than guidebook 0.1 (no `source`) by (page, line).
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
    blocks: HashMap<(String, usize), BlockResult>,
    /// Results of an old report, by (page, line).
    by_line: HashMap<(String, usize), BlockResult>,
}

impl CheckReport {
    /// Read the report at `path` for the book at `root` whose source folder
    /// is `src` (relative to `root`).
    pub fn load(path: &Path, root: &Path, src: &Path) -> Result<CheckReport> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        CheckReport::parse(&text, root, src)
            .map_err(|e| Error::input(path, e.line().max(1), format!("invalid check report: {e}")))
    }

    /// Parse the JSON text of a report.
    pub fn parse(
        text: &str,
        root: &Path,
        src: &Path,
    ) -> std::result::Result<CheckReport, serde_json::Error> {
        let raw: Report = serde_json::from_str(text)?;
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
        // A block's `page` and `line` say where it was written (a file the
        // page includes, maybe); `source` and `index` which page and block
        // it is. Reports older than guidebook 0.1 have no `source`.
        let mut blocks = HashMap::new();
        let mut by_line = HashMap::new();
        for b in raw.blocks {
            if b.source.is_empty() {
                by_line.insert((page_key(&root, Path::new(&b.page)), b.line), b);
            } else {
                let key = crate::paths::normalize(&src.join(&b.source))
                    .to_string_lossy()
                    .replace('\\', "/");
                blocks.insert((key, b.index), b);
            }
        }
        Ok(CheckReport {
            root,
            date,
            nixpkgs_rev,
            against,
            blocks,
            by_line,
        })
    }

    /// The result of `block`, when the report has it.
    pub fn get(&self, block: &CodeBlock) -> Option<&BlockResult> {
        let page = page_key(&self.root, &block.page);
        self.blocks
            .get(&(page.clone(), block.index))
            .or_else(|| self.by_line.get(&(page, block.line)))
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_report_of_the_pass_book_is_keyed_by_its_sources_and_indices() {
        let text = include_str!("../../tests/fixtures/report/main-pass.json");
        let report = CheckReport::parse(text, Path::new("pass"), Path::new("src")).unwrap();
        assert_eq!(report.blocks.len(), 9);
        let skipped = &report.blocks[&("src/scripts.md".to_string(), 3)];
        assert_eq!(skipped.line, 18);
        assert_eq!(skipped.status, crate::report::Status::Skipped);
        assert_eq!(skipped.detail(), Some("shown for illustration only"));
        assert_eq!(report.date.as_deref(), Some("2026-12-01"));
    }
}
