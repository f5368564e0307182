//! Running a preprocessor's command as mdBook 0.5 runs it: the command
//! line split into words as a shell splits them (no shell runs it), a
//! program named with a folder (`./pre.py`, `bin/pre`) found from the book
//! root and a bare name on `PATH`, the book root as working folder, stderr
//! passed through. `COMMAND supports html` asks first (exit 0: yes); then
//! the command reads `[context, book]` on stdin and prints the book.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::config::PreprocessorTable;

/// Why a preprocessor did not give a book back.
#[derive(Debug)]
pub enum Failure {
    /// Its program does not exist.
    Missing,
    /// It could not be started, or did not end well: what to say.
    Failed(String),
}

/// The command of `table`, ready to take arguments.
fn command(table: &PreprocessorTable, root: &Path) -> Result<Command, Failure> {
    let words = shlex::split(&table.command).unwrap_or_default();
    let Some((program, args)) = words.split_first() else {
        return Err(Failure::Failed(format!(
            "its command `{}` is empty or its quotes are not closed",
            table.command
        )));
    };
    let program = PathBuf::from(program);
    let program = if program.components().count() == 1 {
        program
    } else {
        root.join(program)
    };
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(root);
    Ok(cmd)
}

/// A program that could not be started: missing, or another failure.
fn not_started(table: &PreprocessorTable, e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::NotFound {
        Failure::Missing
    } else {
        Failure::Failed(format!(
            "its command `{}` could not start: {e}",
            table.command
        ))
    }
}

/// Does the preprocessor of `table` run for `renderer`? Asks it when its
/// table has no `renderers` list. What it prints goes to stderr, so that
/// it never mixes with a report on stdout.
pub fn supports(table: &PreprocessorTable, root: &Path, renderer: &str) -> Result<bool, Failure> {
    if let Some(renderers) = &table.renderers {
        return Ok(renderers.iter().any(|r| r == renderer));
    }
    let status = command(table, root)?
        .arg("supports")
        .arg(renderer)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .map_err(|e| not_started(table, e))?;
    Ok(status.success())
}

/// Run the preprocessor of `table` with `input` on stdin; its stdout.
pub fn run(table: &PreprocessorTable, root: &Path, input: Vec<u8>) -> Result<Vec<u8>, Failure> {
    let mut child = command(table, root)?
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| not_started(table, e))?;
    // Written from a thread while stdout is read, so that a preprocessor
    // that prints before it has read everything cannot block both sides.
    // One that stops reading early is left to say why by its exit status.
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        })
    });
    let output = child
        .wait_with_output()
        .map_err(|e| Failure::Failed(format!("waiting for it failed: {e}")))?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if !output.status.success() {
        let how = match output.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "a signal".to_string(),
        };
        return Err(Failure::Failed(format!(
            "its command `{}` ended with {how}",
            table.command
        )));
    }
    Ok(output.stdout)
}
