//! `file=` blocks: written into the page's sandbox before the blocks after
//! them run, whether or not the block itself is selected.

use super::{BlockRunner, failed};
use crate::check::nix;
use crate::check::page::PageRun;
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::BlockResult;

/// Writes a block's text to its `file=` path in the sandbox; a flake's
/// folder becomes the page's flake folder.
pub struct FileWriter;

impl BlockRunner for FileWriter {
    fn name(&self) -> &'static str {
        "file="
    }

    /// `Some` only when the file cannot be written (the block fails; the
    /// page goes on).
    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        _: &Settings,
    ) -> Option<BlockResult> {
        let file = block.annotations.file.as_ref()?;
        if let Err(e) = page.sandbox.write(file, &block.text) {
            return Some(failed(
                block,
                kind,
                format!("cannot write file={file}: {e}"),
            ));
        }
        if kind == BlockKind::Flake {
            page.flake_dir = nix::flake_dir(file);
        }
        None
    }
}
