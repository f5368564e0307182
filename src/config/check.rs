//! The `[check]` table: guidebook's own, read by docs-check.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckSection {
    /// Default timeout of a block, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout: u64,
    /// Names of environment variables passed to blocks besides PATH, HOME, LANG.
    #[serde(default)]
    pub env: Vec<String>,
    /// Where docs-check writes its JSON report (relative to the book root).
    #[serde(default = "default_report")]
    pub report: PathBuf,
    /// Flake inputs overridden for every flake example: name -> flake
    /// reference, or a list of them (channels: each flake is checked against
    /// each, e.g. `nixpkgs = ["github:NixOS/nixpkgs/nixos-25.11",
    /// "github:NixOS/nixpkgs/nixpkgs-unstable"]`).
    #[serde(default)]
    pub nix: BTreeMap<String, InputRefs>,
}

/// The value of a `[check.nix]` key: one flake reference or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum InputRefs {
    One(String),
    Many(Vec<String>),
}

impl InputRefs {
    /// The references, in the order written.
    pub fn refs(&self) -> Vec<String> {
        match self {
            InputRefs::One(r) => vec![r.clone()],
            InputRefs::Many(v) => v.clone(),
        }
    }
}

impl Default for CheckSection {
    fn default() -> Self {
        CheckSection {
            timeout: default_timeout(),
            env: Vec::new(),
            report: default_report(),
            nix: BTreeMap::new(),
        }
    }
}

fn default_timeout() -> u64 {
    60
}
fn default_report() -> PathBuf {
    PathBuf::from("target/docs-check/report.json")
}
