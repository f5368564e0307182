//! A runner per kind of block, behind one trait ([`BlockRunner`]):
//! - [`FileWriter`]: a `file=` block is written into the page's sandbox;
//! - [`ScriptRunner`]: a script block (`sh`, `bash`, `shell`) runs as one
//!   command with `set -e`;
//! - [`ConsoleRunner`]: a console transcript runs command by command, each
//!   output compared with what the transcript expects;
//! - [`DevShellRunner`]: either of the two in the dev shell of the page's
//!   flake (`shell=devshell`);
//! - [`FlakeRunner`]: a flake example is locked, read and checked against
//!   each channel;
//! - [`BackgroundRunner`]: a `background` script block is started and left
//!   running until the end of its page;
//! - [`RustRunner`]: a Rust block is a doctest (`check::rust`).
//!
//! [`run_block`] does what every reported block goes through first (`skip`,
//! `needs=`), then hands the block to the runner of its kind.

mod background;
mod commands;
mod console;
mod devshell;
mod file;
mod flake;
mod rust;
mod script;

pub use background::BackgroundRunner;
pub use console::ConsoleRunner;
pub use devshell::DevShellRunner;
pub use file::FileWriter;
pub use flake::FlakeRunner;
pub use rust::RustRunner;
pub use script::ScriptRunner;

use super::needs;
use super::nix;
use super::page::PageRun;
use super::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock, Shell};
use crate::report::{BlockResult, Status};

/// Runs one kind of block on its page.
pub trait BlockRunner {
    /// The kind of block it runs, for messages and tests.
    fn name(&self) -> &'static str;
    /// Run `block` (of `kind`). `None` when there is nothing to report (a
    /// `file=` block that was written).
    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        settings: &Settings,
    ) -> Option<BlockResult>;
}

/// The runner of a reported block.
fn runner_for(block: &CodeBlock, kind: BlockKind) -> &'static dyn BlockRunner {
    match (kind, &block.annotations.shell) {
        (BlockKind::Flake, _) => &FlakeRunner,
        (BlockKind::Rust, _) => &RustRunner,
        (BlockKind::Script, Shell::Host) if block.annotations.background => &BackgroundRunner,
        (_, Shell::DevShell(_)) => &DevShellRunner,
        (BlockKind::Console, _) => &ConsoleRunner,
        _ => &ScriptRunner,
    }
}

/// Run a reported block: skipped when it says `skip` or needs what the
/// machine lacks (failed with `--strict`), else by the runner of its kind.
pub fn run_block(
    block: &CodeBlock,
    kind: BlockKind,
    page: &mut PageRun,
    settings: &Settings,
) -> BlockResult {
    if let Some(reason) = &block.annotations.skip {
        return skipped(block, kind, reason.clone());
    }
    let needs = block
        .annotations
        .needs
        .iter()
        .map(String::as_str)
        .chain(nix::implied_needs(block).iter().copied())
        .chain((kind == BlockKind::Flake).then_some("nix"));
    if let Some(missing) = settings.needs.missing(needs) {
        let reason = need_reason(missing);
        if settings.strict {
            return failed(block, kind, format!("{reason} (--strict)"));
        }
        return skipped(block, kind, reason);
    }
    runner_for(block, kind)
        .run(block, kind, page, settings)
        .unwrap_or_else(|| result(block, kind, Status::Passed))
}

/// The block's timeout in seconds: `timeout=`, else book.toml's.
fn timeout_of(block: &CodeBlock, settings: &Settings) -> u64 {
    block
        .annotations
        .timeout
        .unwrap_or(settings.default_timeout)
}

fn need_reason(missing: &str) -> String {
    match missing {
        "network" => format!(
            "needs network: {} is unreachable (set GUIDEBOOK_NETWORK=1 to run it)",
            needs::NETWORK_PROBE
        ),
        "nix" => nix::NOT_FOUND.into(),
        "nightly" => {
            "needs nightly: no nightly toolchain is installed (`rustup toolchain install nightly`)"
                .into()
        }
        program => format!("needs {program}: `{program}` is not on PATH"),
    }
}

/// The result of `block` with `status` and nothing else said yet.
pub fn result(block: &CodeBlock, kind: BlockKind, status: Status) -> BlockResult {
    BlockResult {
        page: block.page.to_string_lossy().into_owned(),
        source: String::new(),
        line: block.line,
        index: block.index,
        lang: block.lang.clone(),
        kind,
        status,
        reason: None,
        message: None,
        blocked_by: None,
        not_verified: None,
        cause: None,
        channels: Vec::new(),
        commands: Vec::new(),
        duration_ms: 0,
        background: Vec::new(),
    }
}

fn skipped(block: &CodeBlock, kind: BlockKind, reason: String) -> BlockResult {
    BlockResult {
        reason: Some(reason),
        ..result(block, kind, Status::Skipped)
    }
}

/// A block that failed before any of its commands ran.
fn failed(block: &CodeBlock, kind: BlockKind, message: String) -> BlockResult {
    BlockResult {
        message: Some(message),
        ..result(block, kind, Status::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Page;
    use std::path::Path;

    #[test]
    fn each_kind_of_block_has_its_runner() {
        let source = "# T\n\n```console\n$ true\n```\n\n```sh\ntrue\n```\n\n```nix file=flake.nix\n{ }\n```\n\n```console shell=devshell\n$ true\n```\n\n```sh shell=devshell\ntrue\n```\n\n```sh background\nsleep 1\n```\n";
        let page = Page::parse(Path::new("t.md"), Path::new("t.md"), source.into()).unwrap();
        let names: Vec<&str> = page
            .blocks
            .iter()
            .map(|b| runner_for(b, b.kind()).name())
            .collect();
        assert_eq!(
            names,
            [
                "console",
                "script",
                "flake",
                "dev shell",
                "dev shell",
                "background"
            ]
        );
    }
}
