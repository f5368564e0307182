//! `background` script blocks: started in the page's host shell state and
//! left running for the page's next blocks (`check::background`).

use std::time::Instant;

use super::{BlockRunner, failed};
use crate::check::page::PageRun;
use crate::check::session::{HostBash, Session};
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::BlockResult;

pub struct BackgroundRunner;

impl BlockRunner for BackgroundRunner {
    fn name(&self) -> &'static str {
        "background"
    }

    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        _settings: &Settings,
    ) -> Option<BlockResult> {
        let started = Instant::now();
        let network = block.annotations.needs.iter().any(|n| n == "network");
        if page.host.as_ref().is_none_or(|s| !s.is_alive()) {
            match Session::start(&HostBash, page.sandbox.path(), &page.env, &mut page.jail) {
                Ok(s) => page.host = Some(s),
                Err(e) => return Some(failed(block, kind, format!("cannot start bash: {e}"))),
            }
        }
        let session = page.host.as_ref()?;
        let r = page
            .background
            .start(block.line, &block.text, session, &mut page.jail, network);
        match r {
            Ok(()) => Some(BlockResult {
                duration_ms: started.elapsed().as_millis() as u64,
                ..super::result(block, kind, crate::report::Status::Passed)
            }),
            Err(e) => Some(failed(
                block,
                kind,
                format!("cannot start the background block: {e}"),
            )),
        }
    }
}
