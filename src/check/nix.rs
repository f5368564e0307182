//! Nix: flake examples and the blocks that run inside their dev shells.
//!
//! A `nix` block written to `flake.nix` gives the page a flake and is a check
//! of its own: the flake is locked with the book's inputs
//! (`nix flake lock path:DIR --override-input ...`), its locked inputs are read
//! (`nix flake metadata --json`) for the report, and it is evaluated
//! (`nix flake check`). Each distinct flake (its text and the overrides) is
//! locked and checked once per run; pages with the same flake reuse the lock
//! file and the outcome.
//!
//! Blocks with `shell=devshell[:NAME]` run in a session started by
//! [`NixDevShell`]: `nix develop path:DIR[#NAME] --override-input ... -i -k HOME
//! --command bash ...`.
//!
//! The flake is always named `path:/abs/dir` (never `.`, which inside a git
//! work tree means the repository and hides untracked files); the sandbox is
//! a temporary folder outside the book. `NIX_CONFIG` of the caller is passed
//! to every `nix` command.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::check::env::Env;
use crate::check::isolation::Jail;
use crate::check::session::ShellLauncher;
use crate::codeblock::{CodeBlock, Shell};

/// Skip reason when `nix` is missing.
pub const NOT_FOUND: &str = "needs nix: `nix` not found on PATH";

/// Options that turn on flakes for every `nix` command.
const FEATURES: [&str; 2] = ["--extra-experimental-features", "nix-command flakes"];

/// Lines of nix's stderr kept for a failure.
const STDERR_LINES: usize = 40;

/// Variables kept inside `nix develop -i`.
const KEPT: &[&str] = &["HOME", "LANG", "TERM", "NO_COLOR", "GUIDEBOOK_SANDBOX"];

/// Where a block's commands run.
pub enum Route {
    /// The page's host bash session.
    Host,
    /// A session started by this launcher (one per launcher name and page).
    Launcher(Box<dyn ShellLauncher>),
}

/// The route of a runnable block; `flake_dir` is the folder of the page's
/// flake relative to the sandbox (`""` for the sandbox itself).
pub fn route(block: &CodeBlock, nix: &Nix, flake_dir: &str) -> Route {
    match &block.annotations.shell {
        Shell::Host => Route::Host,
        Shell::DevShell(name) => Route::Launcher(Box::new(NixDevShell {
            name: name.clone(),
            override_inputs: nix.overrides.clone(),
            flake_dir: flake_dir.to_string(),
            nix_config: nix.nix_config.clone(),
        })),
    }
}

/// Needs implied by where a block runs (`shell=devshell` needs `nix`).
pub fn implied_needs(block: &CodeBlock) -> &'static [&'static str] {
    match block.annotations.shell {
        Shell::Host => &[],
        Shell::DevShell(_) => &["nix"],
    }
}

/// The folder of a flake block's file, relative to the sandbox.
pub fn flake_dir(file: &str) -> String {
    Path::new(file)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The Nix settings of a run and its cache of checked flakes.
pub struct Nix {
    /// `--override-input NAME REF` pairs: book.toml `[check.nix]`, then the
    /// command line (which wins), by name.
    pub overrides: Vec<(String, String)>,
    /// The caller's `NIX_CONFIG`.
    pub nix_config: Option<OsString>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Checked>>>>,
    records: Mutex<Vec<Value>>,
}

/// The outcome of locking and checking one flake.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The lock file nix wrote, to reuse for the same flake.
    pub lock: Option<String>,
    /// `{name: {url, rev?, narHash, lastModified}}` of the locked inputs.
    pub inputs: Map<String, Value>,
    /// What failed: the command and nix's stderr tail.
    pub error: Option<NixError>,
}

#[derive(Debug, Clone)]
pub struct NixError {
    /// `nix flake lock ...` as run.
    pub command: String,
    pub exit_code: Option<i32>,
    /// One line: nix's first `error:` line, or why nix did not run.
    pub summary: String,
    /// The last lines of nix's stderr.
    pub stderr: String,
    pub timed_out: bool,
}

impl Nix {
    /// `config`: book.toml `[check.nix]`; `cli`: flat `NAME REF` pairs.
    pub fn new(config: &BTreeMap<String, String>, cli: &[String]) -> Nix {
        let mut merged = config.clone();
        for pair in cli.chunks(2) {
            if let [name, reference] = pair {
                merged.insert(name.clone(), reference.clone());
            }
        }
        Nix {
            overrides: merged.into_iter().collect(),
            nix_config: std::env::var_os("NIX_CONFIG"),
            cache: Mutex::new(HashMap::new()),
            records: Mutex::new(Vec::new()),
        }
    }

    /// `nix --extra-experimental-features 'nix-command flakes'` with `env`
    /// (plus `NIX_CONFIG`), in `dir`.
    fn command(&self, env: &Env, dir: &Path) -> Command {
        let mut cmd = Command::new("nix");
        cmd.args(FEATURES);
        cmd.current_dir(dir);
        env.apply(&mut cmd);
        if let Some(c) = &self.nix_config {
            cmd.env("NIX_CONFIG", c);
        }
        cmd
    }

    fn override_args(&self) -> Vec<String> {
        self.overrides
            .iter()
            .flat_map(|(n, r)| ["--override-input".to_string(), n.clone(), r.clone()])
            .collect()
    }

    /// Lock, read and check the flake in `dir` (written from `text`), once
    /// per distinct flake; record it for the report under `page:line`.
    pub fn check_flake(
        &self,
        (page, line): (&str, usize),
        dir: &Path,
        text: &str,
        env: &Env,
        timeout: Duration,
        jail: &mut Jail,
    ) -> Checked {
        let key = format!("{:?}\0{text}", self.overrides);
        let cell = self
            .cache
            .lock()
            .expect("flake cache")
            .entry(key)
            .or_default()
            .clone();
        let checked = cell
            .get_or_init(|| self.lock_and_check(dir, env, Instant::now() + timeout, jail))
            .clone();
        let lock_file = dir.join("flake.lock");
        if let Some(lock) = &checked.lock
            && !lock_file.exists()
        {
            let _ = std::fs::write(&lock_file, lock);
        }
        if checked.error.is_none() || !checked.inputs.is_empty() {
            self.records
                .lock()
                .expect("flake records")
                .push(serde_json::json!({ "page": page, "line": line, "inputs": checked.inputs }));
        }
        checked
    }

    fn lock_and_check(&self, dir: &Path, env: &Env, deadline: Instant, jail: &mut Jail) -> Checked {
        let flake = format!("path:{}", dir.display());
        let ovr = self.override_args();
        let mut checked = Checked {
            lock: None,
            inputs: Map::new(),
            error: None,
        };
        let steps: [(&str, Vec<&str>); 3] = [
            ("lock", vec!["flake", "lock"]),
            ("metadata", vec!["flake", "metadata", "--json"]),
            ("check", vec!["flake", "check"]),
        ];
        for (step, sub) in steps {
            let mut cmd = self.command(env, dir);
            cmd.args(&sub).arg(&flake).args(&ovr);
            let shown = format!(
                "nix {} {flake}{}",
                sub.join(" "),
                self.overrides
                    .iter()
                    .map(|(n, r)| format!(" --override-input {n} {r}"))
                    .collect::<String>()
            );
            let out = match jail.command(&cmd, true) {
                Ok(cmd) => run(cmd, deadline, jail),
                Err(e) => Output {
                    exit_code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                    timed_out: false,
                    spawn_error: Some(format!("cannot start the page's sandbox: {e}")),
                },
            };
            if out.exit_code != Some(0) {
                checked.error = Some(NixError {
                    command: shown,
                    exit_code: out.exit_code,
                    summary: summary(&out),
                    stderr: tail(&out.stderr),
                    timed_out: out.timed_out,
                });
                return checked;
            }
            match step {
                "lock" => checked.lock = std::fs::read_to_string(dir.join("flake.lock")).ok(),
                "metadata" => {
                    if let Ok(v) = serde_json::from_str::<Value>(&out.stdout) {
                        checked.inputs = locked_inputs(&v);
                    }
                }
                _ => {}
            }
        }
        checked
    }

    /// The flakes checked so far, by page and line, and the nixpkgs entry.
    pub fn records(&self) -> (Vec<Value>, Option<Value>) {
        let mut records = self.records.lock().expect("flake records").clone();
        records.sort_by(|a, b| {
            (a["page"].as_str(), a["line"].as_u64()).cmp(&(b["page"].as_str(), b["line"].as_u64()))
        });
        let nixpkgs = records
            .iter()
            .find_map(|r| r["inputs"].get("nixpkgs").cloned());
        (records, nixpkgs)
    }
}

/// `{name: {url, rev?, narHash, lastModified}}` from `nix flake metadata --json`.
fn locked_inputs(meta: &Value) -> Map<String, Value> {
    let nodes = &meta["locks"]["nodes"];
    let root = meta["locks"]["root"].as_str().unwrap_or("root");
    let mut out = Map::new();
    let Some(inputs) = nodes[root]["inputs"].as_object() else {
        return out;
    };
    for (name, node) in inputs {
        let Some(node) = node.as_str() else { continue };
        let locked = &nodes[node]["locked"];
        if !locked.is_object() {
            continue;
        }
        let mut entry = Map::new();
        entry.insert("url".into(), Value::String(locked_url(locked)));
        if let Some(rev) = locked.get("rev") {
            entry.insert("rev".into(), rev.clone());
        }
        for k in ["narHash", "lastModified"] {
            entry.insert(k.into(), locked.get(k).cloned().unwrap_or(Value::Null));
        }
        out.insert(name.clone(), Value::Object(entry));
    }
    out
}

/// A flake reference for a `locked` attribute set.
fn locked_url(locked: &Value) -> String {
    let s = |k: &str| locked[k].as_str().unwrap_or_default().to_string();
    match s("type").as_str() {
        "path" => format!("path:{}", s("path")),
        t @ ("github" | "gitlab" | "sourcehut") => {
            let rev = locked["rev"]
                .as_str()
                .map(|r| format!("/{r}"))
                .unwrap_or_default();
            format!("{t}:{}/{}{rev}", s("owner"), s("repo"))
        }
        "git" | "mercurial" | "tarball" | "file" => {
            let scheme = match s("type").as_str() {
                "git" => "git+",
                "mercurial" => "hg+",
                _ => "",
            };
            format!("{scheme}{}", s("url"))
        }
        other => match locked["url"].as_str() {
            Some(u) => u.to_string(),
            None => other.to_string(),
        },
    }
}

struct Output {
    exit_code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
    spawn_error: Option<String>,
}

/// Run `cmd` (contained in the page's jail, with network for fetching
/// inputs) until it ends or `deadline` passes; then every process of the
/// page is killed, nix's builders included, and their build folders are in
/// the page's TMPDIR.
fn run(mut cmd: Command, deadline: Instant, jail: &mut Jail) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Output {
                exit_code: None,
                stdout: String::new(),
                stderr: String::new(),
                timed_out: false,
                spawn_error: Some(format!("cannot run nix: {e}")),
            };
        }
    };
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped stdout")));
    let err = reader(Box::new(child.stderr.take().expect("piped stderr")));
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                jail.kill_all();
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => break None,
        }
    };
    Output {
        exit_code: status.and_then(|s| s.code()),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        timed_out,
        spawn_error: None,
    }
}

/// One line about a failed nix command.
fn summary(out: &Output) -> String {
    if let Some(e) = &out.spawn_error {
        return e.clone();
    }
    if out.timed_out {
        return "timed out; nix was killed".into();
    }
    out.stderr
        .lines()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| {
            format!(
                "nix exited with {}",
                out.exit_code.map_or("no code".into(), |c| c.to_string())
            )
        })
}

/// The last lines of nix's stderr, from its first `error:` line when there is one.
fn tail(stderr: &str) -> String {
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

/// bash inside `nix develop` of the page's flake:
/// `nix develop path:<sandbox>/<dir>[#NAME] --override-input ... -i -k HOME ...
/// --command bash --noprofile --norc -c DRIVER`. `-i` clears the environment;
/// only `HOME` and a few basic variables are kept.
pub struct NixDevShell {
    /// The dev shell's name; `None` is `devShells.<system>.default`.
    pub name: Option<String>,
    /// `--override-input NAME REF` pairs (book.toml `[check.nix]`, then CLI).
    pub override_inputs: Vec<(String, String)>,
    /// The flake's folder relative to the sandbox (`""`: the sandbox).
    pub flake_dir: String,
    /// Passed to nix itself (not kept in the shell).
    pub nix_config: Option<OsString>,
}

impl ShellLauncher for NixDevShell {
    fn name(&self) -> String {
        match &self.name {
            Some(n) => format!("devshell:{n}"),
            None => "devshell".into(),
        }
    }

    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command {
        let mut cmd = Command::new("nix");
        cmd.args(FEATURES);
        // `--quiet`: nix's "building ..." lines go to stderr, which the
        // session merges into the block's output; errors still print.
        cmd.args(["develop", "--quiet"]);
        let dir: PathBuf = sandbox.join(&self.flake_dir);
        let installable = match &self.name {
            Some(n) => format!("path:{}#{n}", dir.display()),
            None => format!("path:{}", dir.display()),
        };
        cmd.arg(installable);
        for (name, reference) in &self.override_inputs {
            cmd.args(["--override-input", name, reference]);
        }
        cmd.arg("-i");
        for name in KEPT {
            if env.get(name).is_some() {
                cmd.args(["-k", name]);
            }
        }
        cmd.args(["--command", "bash", "--noprofile", "--norc", "-c", driver]);
        cmd.current_dir(sandbox);
        env.apply(&mut cmd);
        if let Some(c) = &self.nix_config {
            cmd.env("NIX_CONFIG", c);
        }
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_overrides_win() {
        let mut config = BTreeMap::new();
        config.insert("nixpkgs".to_string(), "github:NixOS/nixpkgs".to_string());
        config.insert(
            "flake-utils".to_string(),
            "github:numtide/flake-utils".to_string(),
        );
        let nix = Nix::new(&config, &["nixpkgs".into(), "path:/x".into()]);
        assert_eq!(
            nix.overrides,
            [
                (
                    "flake-utils".to_string(),
                    "github:numtide/flake-utils".to_string()
                ),
                ("nixpkgs".to_string(), "path:/x".to_string())
            ]
        );
    }

    #[test]
    fn reads_locked_inputs() {
        let meta = serde_json::json!({"locks": {"root": "root", "nodes": {
            "root": {"inputs": {"nixpkgs": "nixpkgs", "f": ["x", "y"]}},
            "nixpkgs": {"locked": {"type": "path", "path": "/p", "narHash": "sha256-x", "lastModified": 5}}
        }}});
        let inputs = locked_inputs(&meta);
        assert_eq!(
            Value::Object(inputs),
            serde_json::json!({"nixpkgs": {"url": "path:/p", "narHash": "sha256-x", "lastModified": 5}})
        );
    }

    #[test]
    fn tail_starts_at_the_error() {
        assert_eq!(
            tail("evaluating flake...\nerror: boom\n  at x\n"),
            "error: boom\n  at x\n"
        );
    }
}
