//! A block's program run in the page's jail, judged as rustdoc judges a
//! doctest's: exit 0, or a failure for `should_panic`; a panic's message
//! and page line when it failed.

use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::Regex;

use super::Doctest;
use super::locate::{Located, relocate};
use crate::check::env::Env;
use crate::check::isolation::Jail;
use crate::process::{self, Kill};

/// What a block's program did.
#[derive(Debug)]
pub struct Ran {
    pub passed: bool,
    pub exit_code: Option<i32>,
    pub message: Option<String>,
    pub line: usize,
    pub output: String,
    pub duration: Duration,
}

/// Run `exe` (with `arg`) of `test` in the page's jail, in `cwd`, until
/// `timeout` seconds have passed, and judge it as rustdoc does.
#[allow(clippy::too_many_arguments)]
pub fn run_program(
    tests: &[Doctest],
    test: &Doctest,
    exe: &Path,
    arg: Option<usize>,
    located: &Located,
    jail: &mut Jail,
    env: &Env,
    cwd: &Path,
    network: bool,
    timeout: u64,
) -> Ran {
    let mut cmd = Command::new(exe);
    if let Some(a) = arg {
        cmd.arg(a.to_string());
    }
    cmd.current_dir(cwd);
    env.apply(&mut cmd);
    let failed = |message: String| Ran {
        passed: false,
        exit_code: None,
        message: Some(message),
        line: test.block.line,
        output: String::new(),
        duration: Duration::ZERO,
    };
    let cmd = match jail.command(&cmd, network) {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot start the page's sandbox: {e}")),
    };
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut kill_all = || jail.kill_all();
    let f = match process::run(cmd, deadline, Kill::All(&mut kill_all)) {
        Ok(f) => f,
        Err(e) => return failed(format!("cannot run the block's program: {e}")),
    };
    let block_of = |i: usize| tests.get(i).map(|t| &t.block);
    let mut output = f.stdout.text();
    output.push_str(&f.stderr.text());
    let output = relocate(&output, located, block_of);
    let mut ran = Ran {
        passed: false,
        exit_code: f.exit_code,
        message: None,
        line: test.block.line,
        output,
        duration: f.duration,
    };
    if f.timed_out {
        ran.message = Some(format!(
            "timed out after {timeout} s; its processes were killed"
        ));
        return ran;
    }
    let code = f.exit_code.unwrap_or(-1);
    if test.attrs.should_panic {
        // Any failure, as rustdoc 1.95 and its nightly take it (an `exit(1)`
        // passes there too).
        ran.passed = code != 0;
        if !ran.passed {
            ran.message = Some("it ran to its end, but it is marked should_panic".into());
        }
        return ran;
    }
    ran.passed = code == 0;
    if !ran.passed {
        let panic = panic_of(&ran.output);
        if let Some((line, what)) = &panic {
            ran.line = *line;
            ran.message = Some(what.clone());
        } else {
            ran.message = Some(format!("exit code {code}, expected 0"));
        }
    }
    ran
}

/// The exit code of a Rust program that panicked.
pub const PANIC_EXIT: i32 = 101;

static PANIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^thread '[^']*'(?: \(\d+\))? panicked at (\S+?):(\d+):\d+:\n(.*)$")
        .expect("regex")
});

/// The first panic in `output`: its page line (when it is on the page)
/// and `panicked at page:line: message`.
fn panic_of(output: &str) -> Option<(usize, String)> {
    let c = PANIC.captures(output)?;
    let line: usize = c[2].parse().ok()?;
    let at = format!("{}:{line}", &c[1]);
    let line = if c[1].ends_with(".md") { line } else { 0 };
    Some((line, format!("panicked at {at}: {}", c[3].trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_names_its_page_line_and_message() {
        let (line, message) =
            panic_of("thread 'main' (35) panicked at content/p.md:5:9:\nboom\nnote: x\n").unwrap();
        assert_eq!(
            (line, message.as_str()),
            (5, "panicked at content/p.md:5: boom")
        );
        // A panic in a dependency names no page line.
        let (line, _) = panic_of("thread 'main' panicked at src/lib.rs:2:5:\nx\n").unwrap();
        assert_eq!(line, 0);
        assert!(panic_of("Error: ParseIntError\n").is_none());
    }
}
