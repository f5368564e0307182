//! One rustc run in the page's jail, and what it said: rustc's JSON
//! diagnostics (`--error-format=json`), each with the line of its primary
//! span in the generated source.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::check::env::Env;
use crate::check::isolation::Jail;
use crate::process::{self, Kill};

/// What every compile of a run passes to rustc besides the source.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub rustc: PathBuf,
    /// `--extern NAME=PATH`: the manifest's dependencies.
    pub externs: Vec<(String, PathBuf)>,
    /// `-L dependency=DIR` (their own dependencies) and `-L DIR`.
    pub lib_dirs: Vec<String>,
}

/// How one source is compiled.
pub struct Job<'a> {
    pub source: &'a Path,
    pub out: &'a Path,
    pub edition: &'a str,
    /// `--test` (test_harness).
    pub test: bool,
    /// `--emit=metadata` only (`no_run`, `compile_fail`, as rustdoc).
    pub metadata_only: bool,
}

/// One compiler message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: String,
    /// `E0308`.
    pub code: Option<String>,
    pub message: String,
    /// 1-based line of the primary span in the compiled source.
    pub line: Option<usize>,
    pub rendered: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.level == "error" || self.level.starts_with("error:")
    }

    /// `error[E0308]: mismatched types`.
    pub fn headline(&self) -> String {
        match &self.code {
            Some(c) => format!("{}[{c}]: {}", self.level, self.message),
            None => format!("{}: {}", self.level, self.message),
        }
    }
}

/// The outcome of a compile.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub success: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// stderr lines that were not JSON (a crash of the compiler).
    pub other: String,
    /// It could not run, or timed out: the reason.
    pub trouble: Option<String>,
}

impl Outcome {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Bytes of rustc's stderr read: its JSON is read whole.
const STDERR_CAP: usize = 8 << 20;

/// Compile `job` with `flags` in `jail` (no network), until `deadline`.
pub fn compile(
    flags: &Flags,
    job: &Job<'_>,
    jail: &mut Jail,
    env: &Env,
    cwd: &Path,
    deadline: Instant,
) -> Outcome {
    let mut cmd = Command::new(&flags.rustc);
    cmd.arg("--edition")
        .arg(job.edition)
        .arg("--error-format=json")
        .args(["-C", "debuginfo=0"])
        .arg("-o")
        .arg(job.out);
    if job.test {
        cmd.arg("--test");
    } else {
        cmd.args(["--crate-type", "bin"]);
    }
    if job.metadata_only {
        cmd.arg("--emit=metadata");
    }
    for dir in &flags.lib_dirs {
        cmd.arg("-L").arg(dir);
    }
    for (name, path) in &flags.externs {
        let mut arg = std::ffi::OsString::from(format!("{name}="));
        arg.push(path);
        cmd.arg("--extern").arg(arg);
    }
    cmd.arg(job.source).current_dir(cwd);
    env.apply(&mut cmd);
    let trouble = |m: String| Outcome {
        trouble: Some(m),
        ..Outcome::default()
    };
    let cmd = match jail.command(&cmd, false) {
        Ok(c) => c,
        Err(e) => return trouble(format!("cannot start the page's sandbox: {e}")),
    };
    let mut kill_all = || jail.kill_all();
    let finished = match process::run_capped(cmd, deadline, Kill::All(&mut kill_all), STDERR_CAP) {
        Ok(f) => f,
        Err(e) => return trouble(format!("cannot run {}: {e}", flags.rustc.display())),
    };
    if finished.timed_out {
        return trouble("rustc timed out; it was killed".into());
    }
    let (diagnostics, other) = parse(&finished.stderr.text());
    Outcome {
        success: finished.code == Some(0),
        diagnostics,
        other,
        trouble: None,
    }
}

/// rustc's JSON lines, and the lines that are not.
pub fn parse(stderr: &str) -> (Vec<Diagnostic>, String) {
    let mut diagnostics = Vec::new();
    let mut other = String::new();
    for line in stderr.lines() {
        let value: Option<serde_json::Value> = line
            .starts_with('{')
            .then(|| serde_json::from_str(line).ok())
            .flatten();
        let Some(v) = value else {
            other.push_str(line);
            other.push('\n');
            continue;
        };
        if v.get("$message_type")
            .and_then(|t| t.as_str())
            .is_some_and(|t| t != "diagnostic")
        {
            continue;
        }
        let text = |key: &str| {
            v.get(key)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let line = v
            .get("spans")
            .and_then(|s| s.as_array())
            .and_then(|spans| {
                spans
                    .iter()
                    .find(|s| s.get("is_primary").and_then(|p| p.as_bool()) == Some(true))
                    .or(spans.first())
            })
            .and_then(|s| s.get("line_start"))
            .and_then(|l| l.as_u64())
            .map(|l| l as usize);
        diagnostics.push(Diagnostic {
            level: text("level"),
            code: v
                .get("code")
                .and_then(|c| c.get("code"))
                .and_then(|c| c.as_str())
                .map(str::to_string),
            message: text("message"),
            line,
            rendered: text("rendered"),
        });
    }
    (diagnostics, other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rustc_json_diagnostics() {
        let stderr = r#"{"$message_type":"diagnostic","message":"mismatched types","code":{"code":"E0308","explanation":"..."},"level":"error","spans":[{"file_name":"b.rs","line_start":9,"is_primary":false},{"file_name":"b.rs","line_start":4,"is_primary":true}],"children":[],"rendered":"error[E0308]: mismatched types\n --> b.rs:4:18\n"}
{"$message_type":"diagnostic","message":"aborting due to 1 previous error","code":null,"level":"error","spans":[],"children":[],"rendered":"error: aborting due to 1 previous error\n"}
thread 'rustc' panicked
"#;
        let (d, other) = parse(stderr);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].headline(), "error[E0308]: mismatched types");
        assert_eq!(d[0].line, Some(4));
        assert_eq!(d[1].line, None);
        assert!(d[1].is_error());
        assert_eq!(other, "thread 'rustc' panicked\n");
    }
}
