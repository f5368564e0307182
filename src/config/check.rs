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
    /// Host paths (absolute) blocks may write besides their sandbox; `/nix`
    /// is writable for pages that need nix without being named.
    #[serde(default)]
    pub writable: Vec<PathBuf>,
    /// Blocks get the caller's HOME (writable) instead of one of their own.
    #[serde(default)]
    pub host_home: bool,
    /// Which command blocks are tests: all of them, or those marked
    /// `check`. `all` when the book has a `[check]` table and does not say;
    /// `marked` for a book without one (an mdBook book never written for
    /// docs-check runs nothing it did not ask for).
    #[serde(default)]
    pub blocks: Blocks,
    /// Placeholders of values that differ between runs: `"[HASH]" =
    /// "[0-9a-f]{40}"` (a regular expression). Matches in a command's
    /// output compare as the placeholder, and `--bless` writes it.
    #[serde(default)]
    pub redactions: BTreeMap<String, String>,
    /// `[check.rust]`: the book's Rust blocks as doctests.
    #[serde(default)]
    pub rust: super::CheckRust,
}

/// `[check] blocks`: which `sh`/`bash`/`shell`/`console` blocks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Blocks {
    /// Every command block is a test (opt out with `skip=` or `ignore`).
    #[default]
    All,
    /// Only blocks with the `check` attribute are tests.
    Marked,
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

/// The longest timeout a block may have, in seconds (one day).
pub const MAX_TIMEOUT: u64 = 86_400;

impl Default for CheckSection {
    fn default() -> Self {
        CheckSection {
            timeout: default_timeout(),
            env: Vec::new(),
            report: default_report(),
            nix: BTreeMap::new(),
            writable: Vec::new(),
            host_home: false,
            // No `[check]` table at all: the book did not ask for checks.
            blocks: Blocks::Marked,
            redactions: BTreeMap::new(),
            rust: super::CheckRust::default(),
        }
    }
}

/// `[check] timeout` out of range and `writable` paths that are not
/// absolute or hold `..`: errors at their line.
pub(super) fn validate(config: &super::Config, errors: &mut Vec<crate::error::Error>) {
    use crate::error::Error;
    let file = &config.file;
    let check = &config.check;
    if !(1..=MAX_TIMEOUT).contains(&check.timeout) {
        errors.push(Error::input(
            &file.shown,
            file.key_line(&["check", "timeout"]),
            format!(
                "[check] timeout = {}: expected a whole number of seconds from 1 to {MAX_TIMEOUT}",
                check.timeout
            ),
        ));
    }
    for (name, re) in &check.redactions {
        let line = file.key_line(&["check", "redactions", name]);
        if !crate::transcript::redact::valid_placeholder(name) {
            errors.push(Error::input(
                &file.shown,
                line,
                format!(
                    "[check.redactions] `{name}`: a placeholder is a name in capitals between brackets, like \"[HASH]\" ([ROOT], [EXE] and [CWD] are built in)"
                ),
            ));
        } else if re.is_empty() {
            errors.push(Error::input(
                &file.shown,
                line,
                format!("[check.redactions] `{name}`: the pattern is empty"),
            ));
        } else if let Err(e) = compile_redaction(re) {
            let why = e.to_string();
            let why = why
                .lines()
                .last()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            errors.push(Error::input(
                &file.shown,
                line,
                format!("[check.redactions] `{name}` = `{re}`: not a regular expression: {why}"),
            ));
        }
    }
    for (i, w) in check.writable.iter().enumerate() {
        if !w.is_absolute() || w.components().any(|c| c.as_os_str() == "..") {
            errors.push(Error::input(
                &file.shown,
                file.element_line(&["check", "writable"], i),
                format!(
                    "[check] writable: `{}` must be an absolute path without `..`",
                    w.display()
                ),
            ));
        }
    }
}

impl CheckSection {
    /// The compiled `[check.redactions]` (checked when the book loaded:
    /// one that does not compile is left out).
    pub fn redactions(&self) -> Vec<(regex::Regex, String)> {
        self.redactions
            .iter()
            .filter_map(|(name, re)| Some((compile_redaction(re).ok()?, name.clone())))
            .collect()
    }
}

fn compile_redaction(re: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(re).size_limit(1 << 20).build()
}

fn default_timeout() -> u64 {
    60
}
fn default_report() -> PathBuf {
    PathBuf::from("target/docs-check/report.json")
}
