//! Nix: flake examples and the blocks that run inside their dev shells.
//!
//! A `nix` block written to `flake.nix` gives the page a flake and is a check
//! of its own: the flake is locked with the book's inputs
//! (`nix flake lock path:DIR --override-input ...`), its locked inputs are read
//! (`nix flake metadata --json`) for the report, and it is evaluated
//! (`nix flake check`). Each distinct flake (its text and the overrides) is
//! locked and checked once per run; pages with the same flake reuse the lock
//! file and the outcome.
//!
//! Blocks with `shell=devshell[:NAME]` run in a session started by
//! [`NixDevShell`]: `nix develop path:DIR[#NAME] --override-input ... -i -k HOME
//! --command bash ...`.
//!
//! The flake is always named `path:/abs/dir` (never `.`, which inside a git
//! work tree means the repository and hides untracked files); the sandbox is
//! a temporary folder outside the book. `NIX_CONFIG` of the caller is passed
//! to every `nix` command.
//!
//! Parts: `program` (the `nix` used), `channels` (the input overrides a
//! flake is checked against), `flake` (lock, read, check, once per distinct
//! flake), `command` (one `nix` command in the page's jail, by
//! `crate::process`, and its errors), `results` (a flake's block result and
//! the blocks it blocks), `devshell` (the dev-shell launcher); this file
//! says where a block runs and what it needs.

mod channels;
mod command;
mod devshell;
mod flake;
mod program;
mod results;

pub use channels::*;
#[cfg(test)]
use command::*;
pub use devshell::*;
pub use flake::*;
pub use program::*;
pub use results::*;

use crate::markdown::codeblock::{CodeBlock, Shell};
use std::path::Path;

/// Skip reason when `nix` is missing.
pub const NOT_FOUND: &str = "needs nix: `nix` not found on PATH";

/// Options that turn on flakes for every `nix` command.
const FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// Needs implied by where a block runs (`shell=devshell` needs `nix`).
pub fn implied_needs(block: &CodeBlock) -> &'static [&'static str] {
    match block.annotations.shell {
        Shell::Host => &[],
        Shell::DevShell(_) => &["nix"],
    }
}

/// Does `block` depend on the page's flake: it runs in its dev shell, or it
/// needs nix (`needs=nix`, or a `nix ...` command)?
pub fn depends_on_flake(block: &CodeBlock) -> bool {
    matches!(block.annotations.shell, Shell::DevShell(_))
        || block.annotations.needs.iter().any(|n| n == "nix")
        || block.text.lines().any(|l| {
            let l = l.trim_start().trim_start_matches("$ ");
            l.starts_with("nix ") || l.starts_with("nix-")
        })
}

/// The folder of a flake block's file, relative to the sandbox.
pub fn flake_dir(file: &str) -> String {
    Path::new(file)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::session::ShellLauncher;
    use crate::config::InputRefs;
    use crate::report::{BlockResult, Status};
    use serde_json::Value;
    use std::collections::BTreeMap;

    fn dev_shell(name: Option<&str>, flake_dir: &str) -> NixDevShell {
        NixDevShell {
            program: "nix".into(),
            name: name.map(String::from),
            override_inputs: Vec::new(),
            flake_dir: flake_dir.into(),
            nix_config: None,
        }
    }

    #[test]
    fn each_flake_of_a_page_has_a_dev_shell_session_of_its_own() {
        assert_eq!(dev_shell(None, "").name(), "devshell");
        assert_eq!(dev_shell(Some("ci"), "").name(), "devshell:ci");
        assert_eq!(
            dev_shell(None, "editor").name(),
            "devshell of editor/flake.nix"
        );
        assert_ne!(dev_shell(None, "editor").name(), dev_shell(None, "").name());
    }

    fn one(r: &str) -> InputRefs {
        InputRefs::One(r.to_string())
    }

    #[test]
    fn command_line_overrides_win() {
        let mut config = BTreeMap::new();
        config.insert("nixpkgs".to_string(), one("github:NixOS/nixpkgs"));
        config.insert("flake-utils".to_string(), one("github:numtide/flake-utils"));
        let ch = channels(&config, &["nixpkgs".into(), "path:/x".into()]);
        assert_eq!(ch.len(), 1);
        assert_eq!(
            ch[0].overrides,
            [
                (
                    "flake-utils".to_string(),
                    "github:numtide/flake-utils".to_string()
                ),
                ("nixpkgs".to_string(), "path:/x".to_string())
            ]
        );
        assert_eq!(ch[0].name, "x");
    }

    #[test]
    fn several_references_are_several_channels() {
        let mut config = BTreeMap::new();
        config.insert(
            "nixpkgs".to_string(),
            InputRefs::Many(vec![
                "github:NixOS/nixpkgs/nixos-25.11".into(),
                "github:NixOS/nixpkgs?ref=nixpkgs-unstable".into(),
            ]),
        );
        config.insert("flake-utils".to_string(), one("github:numtide/flake-utils"));
        let ch = channels(&config, &[]);
        let names: Vec<&str> = ch.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["nixos-25.11", "nixpkgs-unstable"]);
        assert!(ch.iter().all(|c| c.overrides.len() == 2));
        assert_eq!(channels(&BTreeMap::new(), &[])[0].name, "default");
    }

    #[test]
    fn versions_compare_as_nix_does() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("2.8.0", "2.18.0"), Less);
        assert_eq!(compare_versions("2.26.3", "2.18.0"), Greater);
        assert_eq!(compare_versions("2.18.0", "2.18.0"), Equal);
        assert_eq!(compare_versions("2.18pre20230101", "2.18"), Less);
        assert_eq!(compare_versions("2.18.1", "2.18"), Greater);
        assert_eq!(
            min_version("# Expose the minimum required version\n\"2.18.0\"\n").as_deref(),
            Some("2.18.0")
        );
    }

    #[test]
    fn a_download_failure_names_the_input() {
        let err = "error: unable to download 'https://api.github.com/repos/numtide/flake-utils/commits/HEAD': Couldn't resolve host name (6)\n";
        let flake = "inputs = {\n  nixpkgs.url = \"github:NixOS/nixpkgs/nixpkgs-unstable\";\n  utils.url = \"github:numtide/flake-utils\";\n};";
        assert_eq!(fetch_failure(err, flake, &[]).as_deref(), Some("utils"));
        let ovr = [(
            "flake-utils".to_string(),
            "github:numtide/flake-utils".to_string(),
        )];
        assert_eq!(
            fetch_failure(err, flake, &ovr).as_deref(),
            Some("flake-utils")
        );
        assert_eq!(
            fetch_failure("error: attribute 'x' missing", flake, &[]),
            None
        );
        assert_eq!(
            Cause::Fetch {
                input: "nixpkgs".into()
            }
            .not_verified(),
            "the check could not fetch nixpkgs"
        );
    }

    fn block_result(page: &str, line: usize, status: Status, cause: Option<&str>) -> BlockResult {
        BlockResult {
            page: page.into(),
            source: String::new(),
            line,
            index: 0,
            lang: "nix".into(),
            kind: crate::markdown::codeblock::BlockKind::Flake,
            status,
            reason: None,
            message: Some("boom".into()),
            blocked_by: None,
            not_verified: None,
            cause: cause.map(str::to_string),
            channels: Vec::new(),
            commands: Vec::new(),
            duration_ms: 0,
            background: Vec::new(),
        }
    }

    #[test]
    fn one_cause_is_said_once() {
        let mut results = vec![
            block_result("a.md", 3, Status::Failed, Some("fetch:nixpkgs")),
            block_result("a.md", 9, Status::Blocked, None),
            block_result("b.md", 5, Status::Failed, Some("fetch:nixpkgs")),
            block_result("b.md", 7, Status::Blocked, None),
            block_result("c.md", 1, Status::Failed, None),
            block_result("d.md", 1, Status::Failed, Some("fetch:flake-utils")),
        ];
        results[1].blocked_by = Some("a.md:3".into());
        results[3].blocked_by = Some("b.md:5".into());
        said_once(&mut results);
        let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
        use Status::*;
        assert_eq!(
            statuses,
            [Failed, Blocked, Blocked, Blocked, Failed, Failed]
        );
        for r in &results[1..4] {
            assert_eq!(r.blocked_by.as_deref(), Some("a.md:3"));
        }
    }

    #[test]
    fn blocks_that_depend_on_the_flake() {
        let page = crate::markdown::page::test_page(
            "```console shell=devshell\n$ cargo -V\n```\n\n```console\n$ nix flake metadata\n```\n\n```sh needs=nix\ntrue\n```\n\n```console\n$ cargo -V\n```\n",
        )
        .unwrap();
        let deps: Vec<bool> = page.blocks.iter().map(depends_on_flake).collect();
        assert_eq!(deps, [true, true, true, false]);
    }

    #[test]
    fn reads_locked_inputs() {
        let meta = serde_json::json!({"locks": {"root": "root", "nodes": {
            "root": {"inputs": {"nixpkgs": "nixpkgs", "f": ["x", "y"]}},
            "nixpkgs": {"locked": {"type": "path", "path": "/p", "narHash": "sha256-x", "lastModified": 5}}
        }}});
        let inputs = locked_inputs(&meta);
        assert_eq!(
            Value::Object(inputs),
            serde_json::json!({"nixpkgs": {"url": "path:/p", "narHash": "sha256-x", "lastModified": 5}})
        );
    }

    #[test]
    fn the_error_line_is_the_innermost_one() {
        let new = "error:\n       … while checking flake output 'devShells'\n\n       error: attribute 'doesNotExist' missing\n       at /nix/store/x-source/flake.nix:16:35:\n";
        assert_eq!(
            error_line(new).as_deref(),
            Some("error: attribute 'doesNotExist' missing")
        );
        let abort = "evaluating flake...\nerror: evaluation aborted with the following error message: '\n\n       This version of Nixpkgs requires Nix >= 2.18.0, please upgrade:\n";
        assert_eq!(
            error_line(abort).as_deref(),
            Some(
                "error: evaluation aborted with the following error message: 'This version of Nixpkgs requires Nix >= 2.18.0, please upgrade:"
            )
        );
        // Nix 2.8: a closed quote ends the message; the position is not part of it.
        let undefined =
            "error: undefined variable 'shells'\n\n       at /nix/store/x-source/flake.nix:3:17:\n";
        assert_eq!(
            error_line(undefined).as_deref(),
            Some("error: undefined variable 'shells'")
        );
        assert_eq!(error_line("warning: x\n"), None);
    }

    #[test]
    fn tail_starts_at_the_error() {
        assert_eq!(
            tail("evaluating flake...\nerror: boom\n  at x\n"),
            "error: boom\n  at x\n"
        );
    }
}
