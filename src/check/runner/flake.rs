//! Flake examples: locked, read and checked against each channel (once per
//! distinct flake, see `check::nix`).

use std::time::{Duration, Instant};

use super::{BlockRunner, result, timeout_of};
use crate::check::nix;
use crate::check::page::PageRun;
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::{BlockResult, Status};

pub struct FlakeRunner;

impl BlockRunner for FlakeRunner {
    fn name(&self) -> &'static str {
        "flake"
    }

    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        settings: &Settings,
    ) -> Option<BlockResult> {
        let timeout = timeout_of(block, settings);
        let started = Instant::now();
        let at = block.origin.path.to_string_lossy().into_owned();
        let file = block.annotations.file.as_deref().unwrap_or("flake.nix");
        let dir = page.sandbox.path().join(nix::flake_dir(file));
        let outcome = settings.nix.test_flake_on_channels(
            (&at, block.origin.line),
            &dir,
            &block.text,
            &page.env,
            Duration::from_secs(timeout),
            &mut page.jail,
        );
        Some(nix::flake_result(
            result(block, kind, Status::Passed),
            outcome,
            timeout,
            started.elapsed().as_millis() as u64,
        ))
    }
}
