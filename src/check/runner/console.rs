//! Console blocks: a transcript's commands run one after another in the
//! page's host shell, each output compared with its expected lines.

use super::BlockRunner;
use super::commands::{self, Step};
use crate::check::nix::Route;
use crate::check::page::PageRun;
use crate::check::session::Mode;
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::BlockResult;
use crate::transcript::{self, Status};

pub struct ConsoleRunner;

impl ConsoleRunner {
    /// A step per command of the transcript (which parsed before the run
    /// began) but those marked `? skipped`; a command's `? STATUS` line
    /// says what it must exit with, else the block's `exit=` for the last
    /// command and 0 for the others.
    pub fn steps(block: &CodeBlock) -> Vec<Step> {
        let cmds = transcript::parse_block(block).unwrap_or_default();
        let n = cmds.len();
        let block_exit = block.annotations.exit.unwrap_or(0);
        cmds.into_iter()
            .enumerate()
            .filter(|(_, c)| c.status != Some(Status::Skipped))
            .map(|(i, c)| Step {
                line: c.line,
                mode: Mode::Command,
                text: c.command,
                expected: Some(c.expected),
                expected_lines: Some(c.expected_lines),
                exit: c
                    .status
                    .unwrap_or(Status::Code(if i + 1 == n { block_exit } else { 0 })),
            })
            .collect()
    }
}

impl BlockRunner for ConsoleRunner {
    fn name(&self) -> &'static str {
        "console"
    }

    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        settings: &Settings,
    ) -> Option<BlockResult> {
        let steps = Self::steps(block);
        Some(commands::run(
            block,
            kind,
            steps,
            Route::Host,
            page,
            settings,
        ))
    }
}
