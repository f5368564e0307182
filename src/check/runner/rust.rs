//! Rust blocks: the page's blocks are compiled at its first Rust block
//! (`check::rust`), then each block's program runs in the page's jail.

use std::time::Instant;

use super::{BlockRunner, failed, result, skipped, timeout_of};
use crate::check::page::PageRun;
use crate::check::rust::{self, Built, Context};
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::{BlockResult, CommandResult, Status};

pub struct RustRunner;

impl BlockRunner for RustRunner {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn run(
        &self,
        block: &CodeBlock,
        kind: BlockKind,
        page: &mut PageRun,
        settings: &Settings,
    ) -> Option<BlockResult> {
        let started = Instant::now();
        let Some(run) = settings.rust.as_ref() else {
            return Some(failed(
                block,
                kind,
                "Rust blocks are not checked here".into(),
            ));
        };
        let tool = match &run.tool {
            Ok(t) => t,
            Err(reason) if settings.strict => {
                return Some(failed(block, kind, format!("{reason} (--strict)")));
            }
            Err(reason) => return Some(skipped(block, kind, reason.clone())),
        };
        if page.rust.built.is_none() {
            let dir = page.sandbox.tmp().join("guidebook-rust");
            let mut cx = Context {
                run,
                jail: &mut page.jail,
                env: &page.env,
                dir: &dir,
                timeout: settings.default_timeout,
            };
            page.rust.build(&mut cx, &tool.host);
        }
        let built = page
            .rust
            .built
            .as_ref()
            .and_then(|b| b.get(&block.index))
            .cloned();
        let done = |mut r: BlockResult| {
            r.duration_ms = started.elapsed().as_millis() as u64;
            Some(r)
        };
        let command = |line: usize, what: &str, exit: Option<i32>, expected: i32| CommandResult {
            expected_exit: expected,
            ..CommandResult::failed(line, what, exit)
        };
        match built {
            None => done(failed(block, kind, "the block was not compiled".into())),
            Some(Built::Ignored) => done(skipped(
                block,
                kind,
                "ignore: rustdoc's attribute, not compiled".into(),
            )),
            Some(Built::Checked) => done(result(block, kind, Status::Passed)),
            Some(Built::Failed(f)) => {
                let what = format!("rustc --edition {}", edition(block, run));
                let cmd = CommandResult {
                    output: Some(f.output).filter(|o| !o.is_empty()),
                    ..command(f.line, &what, Some(1), 0)
                };
                done(BlockResult {
                    message: Some(f.message),
                    commands: vec![cmd],
                    ..result(block, kind, Status::Failed)
                })
            }
            Some(Built::Run { exe, arg, source }) => {
                let Some(test) = page
                    .rust
                    .tests
                    .iter()
                    .find(|t| t.block.index == block.index)
                else {
                    return done(failed(block, kind, "the block was not compiled".into()));
                };
                let network = block.annotations.needs.iter().any(|n| n == "network");
                let ran = rust::run_program(
                    &page.rust.tests,
                    test,
                    &exe,
                    arg,
                    &source,
                    &mut page.jail,
                    &page.env,
                    page.sandbox.path(),
                    network,
                    timeout_of(block, settings),
                );
                if ran.passed {
                    return done(result(block, kind, Status::Passed));
                }
                let expected = if test.attrs.should_panic {
                    rust::PANIC_EXIT
                } else {
                    0
                };
                let cmd = CommandResult {
                    duration_ms: ran.duration.as_millis() as u64,
                    output: Some(ran.output),
                    ..command(
                        if ran.line > 0 {
                            ran.line
                        } else {
                            block.origin.line
                        },
                        "(the block's program)",
                        ran.exit_code,
                        expected,
                    )
                };
                done(BlockResult {
                    message: ran.message,
                    commands: vec![cmd],
                    ..result(block, kind, Status::Failed)
                })
            }
        }
    }
}

fn edition(block: &CodeBlock, run: &rust::RustRun) -> String {
    rust::attrs::attrs(block)
        .edition
        .unwrap_or_else(|| run.edition.clone())
}
