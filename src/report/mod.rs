//! The docs-check report as the site reads it back: each block's result,
//! keyed by (page, line), and what the flake examples were checked against.
//! docs-check writes it (see `check::report`); `render::badges` shows it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::markdown::CodeBlock;
use crate::paths::display_path;

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
            .map_err(|e| Error::input(path, e.line().max(1), format!("invalid check report: {e}")))
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
                    Some(source) => crate::paths::normalize(&src.join(source))
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
}
