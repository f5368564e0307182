//! Script blocks (`sh`, `bash`, `shell`): the whole block is one command,
//! run with `set -e` in the page's host shell.

use super::BlockRunner;
use super::commands::{self, Step};
use crate::check::nix::Route;
use crate::check::page::PageRun;
use crate::check::session::Mode;
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::BlockResult;

pub struct ScriptRunner;

impl ScriptRunner {
    /// The one step of a script block.
    pub fn steps(block: &CodeBlock) -> Vec<Step> {
        vec![Step {
            line: block.origin.line + 1,
            mode: Mode::Script,
            text: block.text.clone(),
            expected: None,
            expected_lines: None,
            exit: crate::transcript::Status::Code(block.annotations.exit.unwrap_or(0)),
        }]
    }
}

impl BlockRunner for ScriptRunner {
    fn name(&self) -> &'static str {
        "script"
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
