//! A flake example's result in the report, and the blocks its failure
//! blocks.

use super::*;
use crate::report::{BlockResult, ChannelResult, CommandResult, Status};
use std::collections::HashMap;

/// A flake block's result from its outcome per channel: passed when every
/// channel passed; else failed at the block with the first failing
/// channel's command and nix's `error:` line (named after the channel when
/// there are several). A failure that is the checker machine's fault gets
/// `cause` and `not_verified`.
pub fn flake_result(
    mut base: BlockResult,
    outcome: Vec<(Channel, Checked)>,
    timeout: u64,
    duration_ms: u64,
) -> BlockResult {
    let several = outcome.len() > 1;
    base.channels = outcome
        .iter()
        .map(|(ch, c)| ChannelResult {
            name: ch.name.clone(),
            status: if c.error.is_none() {
                Status::Passed
            } else {
                Status::Failed
            },
            message: c.error.as_ref().map(|e| e.summary.clone()),
        })
        .filter(|_| several)
        .collect();
    base.duration_ms = duration_ms;
    let Some((ch, e)) = outcome
        .into_iter()
        .find_map(|(ch, c)| c.error.map(|e| (ch, e)))
    else {
        base.status = Status::Passed;
        return base;
    };
    let mut message = if e.timed_out {
        format!("timed out after {timeout} s: {}", e.command)
    } else {
        e.summary.clone()
    };
    if several {
        message = format!("on {}: {message}", ch.name);
    }
    base.status = Status::Failed;
    base.message = Some(message);
    base.cause = e.cause.as_ref().map(Cause::key);
    base.not_verified = e.cause.as_ref().map(Cause::not_verified);
    // The minimum-version check runs no command: its message says it all.
    if e.exit_code.is_none() && !e.timed_out {
        return base;
    }
    base.commands = vec![CommandResult {
        duration_ms,
        output: Some(e.stderr),
        ..CommandResult::failed(base.line, e.command, e.exit_code)
    }];
    base
}

/// A block not run because the flake at `by` (`FILE:LINE`) failed.
pub fn blocked(mut base: BlockResult, by: &FlakeFailure) -> BlockResult {
    base.status = Status::Blocked;
    base.message = Some(format!("blocked by {}", by.at));
    base.blocked_by = Some(by.at.clone());
    base.not_verified = by.not_verified.clone();
    base
}

/// A failed flake of a page, for the blocks that depend on it.
#[derive(Debug, Clone)]
pub struct FlakeFailure {
    /// `FILE:LINE` of the flake block.
    pub at: String,
    pub not_verified: Option<String>,
}

impl FlakeFailure {
    pub fn of(result: &BlockResult) -> Option<FlakeFailure> {
        (result.status == Status::Failed).then(|| FlakeFailure {
            at: format!("{}:{}", result.page, result.line),
            not_verified: result.not_verified.clone(),
        })
    }
}

/// One root cause, said once: of the failed blocks with the same `cause`
/// (in book order), the first stays failed and the others become blocked by
/// it; blocks blocked by one of those then point at the first too.
pub fn said_once(results: &mut [BlockResult]) {
    let mut first: HashMap<String, String> = HashMap::new();
    let mut moved: HashMap<String, String> = HashMap::new();
    for r in results.iter_mut() {
        let Some(key) = r.cause.clone().filter(|_| r.status == Status::Failed) else {
            continue;
        };
        let at = format!("{}:{}", r.page, r.line);
        match first.get(&key) {
            None => {
                first.insert(key, at);
            }
            Some(root) => {
                r.status = Status::Blocked;
                r.message = Some(format!("blocked by {root}: the same cause"));
                r.blocked_by = Some(root.clone());
                r.commands.clear();
                moved.insert(at, root.clone());
            }
        }
    }
    for r in results.iter_mut() {
        if let Some(root) = r.blocked_by.as_ref().and_then(|b| moved.get(b)) {
            r.blocked_by = Some(root.clone());
            r.message = Some(format!("blocked by {root}"));
        }
    }
}
