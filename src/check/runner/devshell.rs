//! `shell=devshell`: a script or console block run in the dev shell of the
//! page's flake, one session per dev shell and page.

use std::path::Path;

use super::commands;
use super::{BlockRunner, ConsoleRunner, ScriptRunner, failed};
use crate::check::nix;
use crate::check::page::PageRun;
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::BlockResult;

pub struct DevShellRunner;

impl BlockRunner for DevShellRunner {
    fn name(&self) -> &'static str {
        "dev shell"
    }

    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        settings: &Settings,
    ) -> Option<BlockResult> {
        let flake = page.sandbox.path().join(&page.flake_dir).join("flake.nix");
        if !flake.is_file() {
            return Some(failed(
                block,
                kind,
                format!(
                    "shell=devshell runs in the dev shell of the page's flake, but there is no {} in the page's sandbox yet; put a `nix file=flake.nix` block before this one",
                    Path::new(&page.flake_dir).join("flake.nix").display()
                ),
            ));
        }
        let steps = match kind {
            BlockKind::Console => ConsoleRunner::steps(block),
            _ => ScriptRunner::steps(block),
        };
        let route = nix::route(block, &settings.nix, &page.flake_dir);
        Some(commands::run(block, kind, steps, route, page, settings))
    }
}
