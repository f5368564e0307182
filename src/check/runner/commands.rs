//! What script, console and dev-shell blocks share: their steps run one
//! after another in a shell session of the page until one exits wrongly or
//! the block's time is up.

use std::ops::Range;
use std::time::{Duration, Instant};

use super::{result, timeout_of};
use crate::check::nix::Route;
use crate::check::page::PageRun;
use crate::check::session::{self, HostBash, Mode, Outcome, Session, ShellLauncher};
use crate::check::settings::Settings;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::{BlockResult, CommandResult, Status};
use crate::transcript::{self, Compared, Expectation, Redactions, Status as Exit};

/// One command of a block, with what it must do.
pub struct Step {
    /// 1-based page line of the command.
    pub line: usize,
    pub mode: Mode,
    pub text: String,
    /// The expected output (`None`: not compared, a script); a transcript's
    /// command without expected lines must print nothing.
    pub expected: Option<Vec<Expectation>>,
    /// The block's lines holding the expected output (console), for bless.
    pub expected_lines: Option<Range<usize>>,
    /// What it must exit with.
    pub exit: Exit,
}

/// Run `steps` of `block` in the session `route` names, all within the
/// block's timeout. A wrong exit or a timeout stops the block; a wrong
/// output does not, so one `--bless` fixes every command of the block.
pub fn run(
    block: &CodeBlock,
    kind: BlockKind,
    steps: Vec<Step>,
    route: Route,
    page: &mut PageRun,
    settings: &Settings,
) -> BlockResult {
    let timeout = timeout_of(block, settings);
    let network = block.annotations.needs.iter().any(|n| n == "network");
    let mut launcher_session: Option<Session> = None;
    let (launcher, session): (Box<dyn ShellLauncher>, &mut Option<Session>) = match route {
        Route::Host => (Box::new(HostBash), &mut page.host),
        Route::Launcher(l) => {
            // One session per dev shell and page, kept across blocks.
            if let Some(i) = page.shells.iter().position(|(n, _)| *n == l.name()) {
                launcher_session = Some(page.shells.swap_remove(i).1);
            }
            (l, &mut launcher_session)
        }
    };
    let root = page.sandbox.path().to_string_lossy().into_owned();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(timeout);
    let mut commands = Vec::new();
    let mut message = None;
    for step in steps {
        if session.as_ref().is_none_or(|s| !s.is_alive()) {
            match Session::start(
                launcher.as_ref(),
                page.sandbox.path(),
                &page.env,
                &mut page.jail,
            ) {
                Ok(s) => *session = Some(s),
                Err(e) => {
                    message = Some(format!("cannot start the {} shell: {e}", launcher.name()));
                    break;
                }
            }
        }
        let s = session.as_mut().expect("session started");
        let cwd = s.cwd().map(|p| p.to_string_lossy().into_owned());
        let redactions = settings.redactions.of_command(&root, cwd.as_deref());
        let outcome = s.run(step.mode, &step.text, deadline, &mut page.jail, network);
        if !s.is_alive() {
            *session = None;
        }
        let (cmd, failure) = judge(&step, &outcome, timeout, &redactions);
        let exit_ok = step.exit.accepts(cmd.exit_code);
        if message.is_none() {
            message = failure;
        }
        commands.push(cmd);
        if !exit_ok {
            break;
        }
    }
    let launcher_name = launcher.name();
    if let Some(s) = launcher_session {
        page.shells.push((launcher_name, s));
    }
    let status = if message.is_some() {
        Status::Failed
    } else {
        Status::Passed
    };
    BlockResult {
        message,
        commands,
        duration_ms: started.elapsed().as_millis() as u64,
        ..result(block, kind, status)
    }
}

/// The result of one step from its outcome, and the block's message when
/// it failed.
fn judge(
    step: &Step,
    outcome: &Outcome,
    timeout: u64,
    redactions: &[Redactions; 2],
) -> (CommandResult, Option<String>) {
    // A script's output is not compared.
    let compared = step
        .expected
        .as_ref()
        .map(|e| transcript::compare(e, &outcome.output.tail, redactions));
    let exit_ok = step.exit.accepts(outcome.exit_code);
    let output_ok = compared.as_ref().is_none_or(Compared::ok);
    let status = if exit_ok && output_ok {
        Status::Passed
    } else {
        Status::Failed
    };
    let mut cmd = CommandResult {
        line: step.line,
        command: step.text.trim_end().to_string(),
        exit_code: outcome.exit_code,
        // The report holds a number: a failure reads as 1, a signal as
        // 130 (SIGINT); the message names the status as written.
        expected_exit: match step.exit {
            Exit::Code(c) => c,
            Exit::Failed => 1,
            Exit::Interrupted | Exit::Skipped => 130,
        },
        expected_status: match step.exit {
            Exit::Code(_) => None,
            other => Some(other.describe()),
        },
        duration_ms: outcome.duration.as_millis() as u64,
        status,
        diff: None,
        output: None,
        output_dropped: 0,
        actual: None,
        no_eol: compared.as_ref().is_some_and(|c| c.no_eol),
        expected_lines: None,
    };
    if status == Status::Passed {
        return (cmd, None);
    }
    cmd.output = Some(outcome.output.text());
    cmd.output_dropped = outcome.output.dropped;
    if let (Some(expected), Some(c)) = (&step.expected, compared.filter(|c| !c.ok())) {
        let mut diff = transcript::diff(expected, &c.actual);
        if !c.end_ok {
            diff.push_str(
                "(the output ends with a newline; its last expected line says (no-eol))\n",
            );
        }
        if outcome.output.dropped > 0 {
            diff.push_str(&format!(
                "(the first {} bytes of output were dropped; only the last {} KiB are kept)\n",
                outcome.output.dropped,
                session::OUTPUT_CAP / 1024
            ));
        }
        cmd.diff = Some(diff);
        if exit_ok {
            cmd.actual = Some(c.actual);
            cmd.expected_lines = step.expected_lines.clone();
        }
    }
    let message = if outcome.timed_out {
        format!("timed out after {timeout} s; its processes were killed")
    } else if !exit_ok {
        format!(
            "exit code {}, expected {}",
            outcome.exit_code.map_or("none".into(), |c| c.to_string()),
            step.exit.describe()
        )
    } else {
        "output differs from the expected output".into()
    };
    (cmd, Some(message))
}
