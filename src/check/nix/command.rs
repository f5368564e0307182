//! Running one `nix` command in the page's jail, and reading its errors.

use crate::check::isolation::Jail;
use crate::process::{self, Kill};
use std::process::Command;
use std::time::Instant;

/// Lines of nix's stderr kept for a failure.
pub(super) const STDERR_LINES: usize = 40;

pub(super) struct Output {
    pub(super) exit_code: Option<i32>,
    pub(super) stdout: String,
    pub(super) stderr: String,
    pub(super) timed_out: bool,
    pub(super) spawn_error: Option<String>,
}

/// Output kept of a nix command, per stream: its JSON (`flake metadata
/// --json`) and its error trace are read whole, so more than the tail a
/// block's command keeps.
pub(super) const NIX_OUTPUT_CAP: usize = 16 << 20;

/// Run `cmd` contained in the page's jail (with network, so that nix can
/// fetch inputs) until it ends or `deadline` passes; then every process of
/// the page is killed, nix's builders included, and their build folders are
/// in the page's TMPDIR.
pub(super) fn run(cmd: Command, deadline: Instant, jail: &mut Jail) -> Output {
    let failed = |message: String| Output {
        exit_code: None,
        stdout: String::new(),
        stderr: String::new(),
        timed_out: false,
        spawn_error: Some(message),
    };
    let cmd = match jail.command(&cmd, true) {
        Ok(cmd) => cmd,
        Err(e) => return failed(format!("cannot start the page's sandbox: {e}")),
    };
    let mut kill_all = || jail.kill_all();
    match process::run_capped(cmd, deadline, Kill::All(&mut kill_all), NIX_OUTPUT_CAP) {
        Ok(f) => Output {
            exit_code: f.code,
            stdout: f.stdout.text(),
            stderr: f.stderr.text(),
            timed_out: f.timed_out,
            spawn_error: None,
        },
        Err(e) => failed(format!("cannot run nix: {e}")),
    }
}

/// One line about a failed nix command.
pub(super) fn failure_message(out: &Output) -> String {
    if let Some(e) = &out.spawn_error {
        return e.clone();
    }
    if out.timed_out {
        return "timed out; nix was killed".into();
    }
    error_line(&out.stderr).unwrap_or_else(|| {
        format!(
            "nix exited with {}",
            out.exit_code.map_or("no code".into(), |c| c.to_string())
        )
    })
}

/// nix's `error:` line: the innermost one (Nix 2.26 prints an empty
/// `error:` and a trace before it), with the next line when the message goes
/// on there: after an opening quote (`error: evaluation aborted with the
/// following error message: '`) or a colon, but not a position (`at FILE:`)
/// after a message that ends with a closed quote (`undefined variable 'x'`).
pub(super) fn error_line(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .rposition(|l| {
            l.strip_prefix("error:")
                .is_some_and(|m| !m.trim().is_empty())
        })
        .or_else(|| lines.iter().position(|l| l.starts_with("error:")))?;
    let mut line = lines[at].to_string();
    let open_quote = line.ends_with('\'') && line.matches('\'').count() % 2 == 1;
    if (open_quote || line.ends_with(':'))
        && let Some(next) = lines[at + 1..].iter().find(|l| !l.is_empty())
        && !next.starts_with("at ")
    {
        if !open_quote {
            line.push(' ');
        }
        line.push_str(next);
    }
    Some(line)
}

/// The last lines of nix's stderr, from its first `error:` line when there is one.
pub(super) fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let from = lines
        .iter()
        .position(|l| l.trim_start().starts_with("error:"))
        .unwrap_or(0)
        .max(lines.len().saturating_sub(STDERR_LINES));
    let mut s = lines[from..].join("\n");
    s.push('\n');
    s
}
