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
use crate::check::report::{BlockResult, ChannelResult, CommandResult, Status};
use crate::check::session::ShellLauncher;
use crate::config::InputRefs;
use crate::markdown::codeblock::{CodeBlock, Shell};

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
/// flake relative to the sandbox (`""` for the sandbox itself). Dev shells
/// use the first channel.
pub fn route(block: &CodeBlock, nix: &Nix, flake_dir: &str) -> Route {
    match &block.annotations.shell {
        Shell::Host => Route::Host,
        Shell::DevShell(name) => Route::Launcher(Box::new(NixDevShell {
            program: nix.program.run_path(),
            name: name.clone(),
            override_inputs: nix.overrides().to_vec(),
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

/// Does `block` depend on the page's flake: it runs in its dev shell, or it
/// needs nix (`needs=nix`, or a `nix ...` command)?
pub fn depends_on_flake(block: &CodeBlock) -> bool {
    matches!(block.annotations.shell, Shell::DevShell(_))
        || block.annotations.needs.iter().any(|n| n == "nix")
        || block.text.lines().any(|l| {
            let l = l.trim_start().trim_start_matches("$ ");
            l.starts_with("nix ") || l.starts_with("nix-")
        })
}

/// The folder of a flake block's file, relative to the sandbox.
pub fn flake_dir(file: &str) -> String {
    Path::new(file)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `nix` a run uses: `--nix PATH` / `GUIDEBOOK_NIX`, else `nix` on PATH.
pub struct NixProgram {
    /// As given (`nix` when none was).
    pub given: PathBuf,
    /// The absolute path, when it was found.
    pub path: Option<PathBuf>,
    version: OnceLock<Option<String>>,
    /// A folder holding only `nix`, a link to `path`, put first on the PATH
    /// of blocks when a Nix was given.
    bin_dir: Option<tempfile::TempDir>,
}

impl NixProgram {
    /// `given`: `--nix`; `path_var`: the PATH to look `nix` up on.
    pub fn new(given: Option<&Path>, path_var: Option<&std::ffi::OsStr>) -> NixProgram {
        let explicit = given.is_some();
        let given = given.map_or_else(|| PathBuf::from("nix"), Path::to_path_buf);
        let path = if given.components().count() > 1 || given.is_absolute() {
            std::path::absolute(&given).ok().filter(|p| p.is_file())
        } else {
            path_var.and_then(|p| {
                std::env::split_paths(p)
                    .map(|d| d.join(&given))
                    .find(|c| c.is_file())
            })
        };
        let bin_dir = match (&path, explicit) {
            (Some(p), true) => link_dir(p),
            _ => None,
        };
        NixProgram {
            given,
            path,
            version: OnceLock::new(),
            bin_dir,
        }
    }

    /// What to run: the path found, else the name as given.
    pub fn run_path(&self) -> PathBuf {
        self.path.clone().unwrap_or_else(|| self.given.clone())
    }

    /// The folder to put first on the PATH of blocks (only for a given Nix).
    pub fn bin_dir(&self) -> Option<&Path> {
        self.bin_dir.as_ref().map(tempfile::TempDir::path)
    }

    /// `2.26.3` from `nix --version` (`nix (Nix) 2.26.3`); `None` when it
    /// does not run.
    pub fn version(&self) -> Option<&str> {
        self.version
            .get_or_init(|| {
                let out = Command::new(self.run_path())
                    .arg("--version")
                    .stdin(Stdio::null())
                    .output()
                    .ok()
                    .filter(|o| o.status.success())?;
                let text = String::from_utf8_lossy(&out.stdout);
                text.split_whitespace().last().map(str::to_string)
            })
            .as_deref()
    }

    /// `{"version", "path"}` for the report.
    pub fn record(&self) -> Value {
        serde_json::json!({
            "version": self.version(),
            "path": self.run_path().to_string_lossy(),
        })
    }
}

/// A temporary folder with `nix` linking to `target`.
fn link_dir(target: &Path) -> Option<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("guidebook-nix.")
        .tempdir()
        .ok()?;
    std::os::unix::fs::symlink(target, dir.path().join("nix")).ok()?;
    Some(dir)
}

/// One set of input overrides a flake is checked against, named after the
/// input references that make it differ from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub name: String,
    /// `--override-input NAME REF` pairs.
    pub overrides: Vec<(String, String)>,
}

/// The channels of `[check.nix]` (each input's references, every
/// combination) with the command line's `NAME REF` pairs, which replace an
/// input's references.
pub fn channels(config: &BTreeMap<String, InputRefs>, cli: &[String]) -> Vec<Channel> {
    let mut merged: BTreeMap<String, Vec<String>> = config
        .iter()
        .map(|(n, r)| (n.clone(), r.refs()))
        .filter(|(_, r)| !r.is_empty())
        .collect();
    for pair in cli.chunks(2) {
        if let [name, reference] = pair {
            merged.insert(name.clone(), vec![reference.clone()]);
        }
    }
    let mut combos: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (name, refs) in &merged {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                refs.iter().map(move |r| {
                    let mut c = c.clone();
                    c.push((name.clone(), r.clone()));
                    c
                })
            })
            .collect();
    }
    let several: Vec<&String> = merged
        .iter()
        .filter(|(_, r)| r.len() > 1)
        .map(|(n, _)| n)
        .collect();
    combos
        .into_iter()
        .map(|overrides| {
            let named: Vec<String> = overrides
                .iter()
                .filter(|(n, _)| {
                    if several.is_empty() {
                        n == "nixpkgs"
                    } else {
                        several.contains(&n)
                    }
                })
                .map(|(_, r)| channel_label(r))
                .collect();
            let name = if named.is_empty() {
                "default".to_string()
            } else {
                named.join("+")
            };
            Channel { name, overrides }
        })
        .collect()
}

/// `nixpkgs-unstable` for `github:NixOS/nixpkgs/nixpkgs-unstable` (or
/// `...?ref=nixpkgs-unstable`); the last path part of a `path:` reference.
pub fn channel_label(reference: &str) -> String {
    let (base, query) = reference.split_once('?').unwrap_or((reference, ""));
    if let Some(r) = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("ref="))
        .filter(|r| !r.is_empty())
    {
        return r.to_string();
    }
    if let Some((scheme, rest)) = base.split_once(':')
        && matches!(scheme, "github" | "gitlab" | "sourcehut")
    {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [_, _, r, ..] => r.to_string(),
            [_, repo] => repo.to_string(),
            _ => reference.to_string(),
        };
    }
    base.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(reference)
        .to_string()
}

/// The Nix settings of a run and its cache of checked flakes.
pub struct Nix {
    pub program: NixProgram,
    /// What each flake is checked against; never empty.
    pub channels: Vec<Channel>,
    /// The caller's `NIX_CONFIG`.
    pub nix_config: Option<OsString>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Checked>>>>,
    records: Mutex<Vec<Value>>,
}

/// The outcome of locking and checking one flake against one channel.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The lock file nix wrote, to reuse for the same flake.
    pub lock: Option<String>,
    /// `{name: {url, rev?, narHash, lastModified}}` of the locked inputs.
    pub inputs: Map<String, Value>,
    /// What failed: the command and nix's stderr tail.
    pub error: Option<NixError>,
    /// The folder it was checked in (the first page's).
    pub dir: PathBuf,
}

/// A root cause that is the checker machine's, not the page's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The locked nixpkgs declares a minimum Nix (`lib/minver.nix`) newer
    /// than the Nix that ran.
    NixTooOld { required: String, have: String },
    /// A download failed: the input could not be fetched.
    Fetch { input: String },
}

impl Cause {
    /// The key that makes two failures one cause.
    pub fn key(&self) -> String {
        match self {
            Cause::NixTooOld { required, have } => format!("nix-older-than:{required}:{have}"),
            Cause::Fetch { input } => format!("fetch:{input}"),
        }
    }

    /// What a reader is told instead of the error.
    pub fn not_verified(&self) -> String {
        match self {
            Cause::NixTooOld { required, have } => {
                format!("the check ran Nix {have}, and this nixpkgs requires Nix >= {required}")
            }
            Cause::Fetch { input } => format!("the check could not fetch {input}"),
        }
    }
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
    /// Set when the fault is the checker machine's.
    pub cause: Option<Cause>,
}

impl Nix {
    /// `config`: book.toml `[check.nix]`; `cli`: flat `NAME REF` pairs;
    /// `program`: the Nix to run.
    pub fn new(config: &BTreeMap<String, InputRefs>, cli: &[String], program: NixProgram) -> Nix {
        Nix {
            program,
            channels: channels(config, cli),
            nix_config: std::env::var_os("NIX_CONFIG"),
            cache: Mutex::new(HashMap::new()),
            records: Mutex::new(Vec::new()),
        }
    }

    /// The first channel's overrides (dev shells run with these).
    pub fn overrides(&self) -> &[(String, String)] {
        self.channels
            .first()
            .map(|c| c.overrides.as_slice())
            .unwrap_or_default()
    }

    /// `nix --extra-experimental-features 'nix-command flakes'` with `env`
    /// (plus `NIX_CONFIG`), in `dir`.
    fn command(&self, env: &Env, dir: &Path) -> Command {
        let mut cmd = Command::new(self.program.run_path());
        cmd.args(FEATURES);
        cmd.current_dir(dir);
        env.apply(&mut cmd);
        if let Some(c) = &self.nix_config {
            cmd.env("NIX_CONFIG", c);
        }
        cmd
    }

    /// Lock, read and check the flake in `dir` (written from `text`) against
    /// each channel, once per distinct flake and channel; record it for the
    /// report under `page:line`. The first channel's lock file is left in
    /// `dir`, for the dev shells.
    pub fn check_flake(
        &self,
        (page, line): (&str, usize),
        dir: &Path,
        text: &str,
        env: &Env,
        timeout: Duration,
        jail: &mut Jail,
    ) -> Vec<(Channel, Checked)> {
        let deadline = Instant::now() + timeout;
        let mut out = Vec::new();
        for channel in &self.channels {
            let key = format!("{:?}\0{text}", channel.overrides);
            let cell = self
                .cache
                .lock()
                .expect("flake cache")
                .entry(key)
                .or_default()
                .clone();
            let mut checked = cell
                .get_or_init(|| self.lock_and_check(dir, text, channel, env, deadline, jail))
                .clone();
            // Checked once for all pages with this flake: name this page's
            // folder in the command shown.
            if let Some(e) = &mut checked.error
                && checked.dir != dir
            {
                e.command = e.command.replace(
                    &checked.dir.display().to_string(),
                    &dir.display().to_string(),
                );
            }
            out.push((channel.clone(), checked));
        }
        let lock_file = dir.join("flake.lock");
        if let Some(lock) = out.first().and_then(|(_, c)| c.lock.as_ref()) {
            let _ = std::fs::write(&lock_file, lock);
        }
        let channels: Vec<Value> = out
            .iter()
            .filter(|(_, c)| c.error.is_none() || !c.inputs.is_empty())
            .map(|(ch, c)| {
                serde_json::json!({
                    "name": ch.name,
                    "overrides": ch.overrides.iter().map(|(n, r)| (n.clone(), Value::String(r.clone()))).collect::<Map<_, _>>(),
                    "inputs": c.inputs,
                    "status": if c.error.is_none() { "passed" } else { "failed" },
                })
            })
            .collect();
        if !channels.is_empty() {
            self.records
                .lock()
                .expect("flake records")
                .push(serde_json::json!({
                    "page": page,
                    "line": line,
                    "inputs": channels[0]["inputs"],
                    "channels": channels,
                }));
        }
        out
    }

    fn lock_and_check(
        &self,
        dir: &Path,
        text: &str,
        channel: &Channel,
        env: &Env,
        deadline: Instant,
        jail: &mut Jail,
    ) -> Checked {
        let flake = format!("path:{}", dir.display());
        let ovr: Vec<String> = channel
            .overrides
            .iter()
            .flat_map(|(n, r)| ["--override-input".to_string(), n.clone(), r.clone()])
            .collect();
        let shown_ovr: String = channel
            .overrides
            .iter()
            .map(|(n, r)| format!(" --override-input {n} {r}"))
            .collect();
        let mut checked = Checked {
            lock: None,
            inputs: Map::new(),
            error: None,
            dir: dir.to_path_buf(),
        };
        let steps: [(&str, Vec<&str>); 3] = [
            ("lock", vec!["flake", "lock"]),
            ("metadata", vec!["flake", "metadata", "--json"]),
            ("check", vec!["flake", "check"]),
        ];
        for (step, sub) in steps {
            let shown = format!("nix {} {flake}{shown_ovr}", sub.join(" "));
            if step == "check"
                && let Some(e) = self.precheck(&checked.inputs, env, dir, deadline, &shown, jail)
            {
                checked.error = Some(e);
                return checked;
            }
            let mut cmd = self.command(env, dir);
            cmd.args(&sub).arg(&flake).args(&ovr);
            let out = run(cmd, deadline, jail);
            if out.exit_code != Some(0) {
                let cause = fetch_failure(&out.stderr, text, &channel.overrides)
                    .map(|input| Cause::Fetch { input });
                let summary = match &cause {
                    Some(Cause::Fetch { input }) => {
                        format!("could not fetch {input}: {}", summary(&out))
                    }
                    _ => summary(&out),
                };
                checked.error = Some(NixError {
                    command: shown,
                    exit_code: out.exit_code,
                    summary,
                    stderr: tail(&out.stderr),
                    timed_out: out.timed_out,
                    cause,
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

    /// Before evaluating: the minimum Nix the locked nixpkgs declares
    /// (`lib/minver.nix`, which its `default.nix` checks) against this Nix.
    /// `Some` when this Nix is older.
    fn precheck(
        &self,
        inputs: &Map<String, Value>,
        env: &Env,
        dir: &Path,
        deadline: Instant,
        shown: &str,
        jail: &mut Jail,
    ) -> Option<NixError> {
        let url = inputs.get("nixpkgs")?.get("url")?.as_str()?;
        let mut cmd = self.command(env, dir);
        cmd.args(["flake", "metadata", "--json", url]);
        let out = run(cmd, deadline, jail);
        let meta: Value = serde_json::from_str(&out.stdout).ok()?;
        let source = meta["path"].as_str()?;
        let required =
            min_version(&std::fs::read_to_string(Path::new(source).join("lib/minver.nix")).ok()?)?;
        let have = self.program.version()?.to_string();
        if compare_versions(&have, &required) != std::cmp::Ordering::Less {
            return None;
        }
        let summary = format!(
            "nixpkgs ({url}) requires Nix >= {required} (its lib/minver.nix); this check ran Nix {have} ({}); run docs-check with a newer Nix (--nix PATH)",
            self.program.run_path().display()
        );
        Some(NixError {
            command: shown.to_string(),
            exit_code: None,
            stderr: format!("{summary}\n"),
            summary,
            timed_out: false,
            cause: Some(Cause::NixTooOld { required, have }),
        })
    }

    /// The flakes checked so far, by page and line, and the nixpkgs entry:
    /// the first channel's locked nixpkgs of the first flake that has one,
    /// with the channel's name and the reference it was locked from.
    pub fn records(&self) -> (Vec<Value>, Option<Value>) {
        let mut records = self.records.lock().expect("flake records").clone();
        records.sort_by(|a, b| {
            (a["page"].as_str(), a["line"].as_u64()).cmp(&(b["page"].as_str(), b["line"].as_u64()))
        });
        let nixpkgs = records.iter().find_map(|r| {
            let ch = r["channels"].as_array()?.first()?;
            let mut n = ch["inputs"].get("nixpkgs")?.as_object()?.clone();
            n.insert("channel".into(), ch["name"].clone());
            if let Some(original) = ch["overrides"].get("nixpkgs") {
                n.insert("original".into(), original.clone());
            }
            Some(Value::Object(n))
        });
        (records, nixpkgs)
    }
}

/// The version string in a `lib/minver.nix` (`"2.18.0"` after comments).
pub fn min_version(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let l = l.strip_prefix('"')?;
            Some(l[..l.find('"')?].to_string())
        })
}

/// Compare versions as `builtins.compareVersions` does for the usual
/// `2.18.0`, `2.26.3`, `2.18pre...` forms: numeric parts by value; a part
/// that is not a number (`pre`) sorts before any number.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for ch in s.chars() {
            if ch == '.' || ch == '-' {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            } else if !cur.is_empty()
                && cur.chars().all(|c| c.is_ascii_digit()) != ch.is_ascii_digit()
            {
                out.push(std::mem::replace(&mut cur, ch.to_string()));
            } else {
                cur.push(ch);
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (pa.get(i), pb.get(i));
        let ord = match (x, y) {
            (Some(x), Some(y)) => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(m), Ok(n)) => m.cmp(&n),
                (Ok(_), Err(_)) => std::cmp::Ordering::Greater,
                (Err(_), Ok(_)) => std::cmp::Ordering::Less,
                (Err(_), Err(_)) => x.cmp(y),
            },
            (Some(x), None) if x.parse::<u64>().is_err() => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (None, Some(y)) if y.parse::<u64>().is_err() => std::cmp::Ordering::Greater,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (None, None) => std::cmp::Ordering::Equal,
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    std::cmp::Ordering::Equal
}

/// When nix's stderr says a download failed: the flake input it was for
/// (by the input names of the overrides and of the flake's own `.url`
/// lines), else the address.
fn fetch_failure(stderr: &str, flake_text: &str, overrides: &[(String, String)]) -> Option<String> {
    let line = stderr.lines().find(|l| {
        l.contains("unable to download")
            || l.contains("Couldn't resolve host")
            || l.contains("Could not resolve host")
            || l.contains("unable to fetch")
    })?;
    let url = line
        .split('\'')
        .nth(1)
        .filter(|u| u.contains("://"))
        .unwrap_or(line.trim());
    // `https://api.github.com/repos/OWNER/REPO/...`, `https://github.com/OWNER/REPO/...`
    let path = url.split_once("://").map_or(url, |(_, p)| p);
    let mut segs: Vec<&str> = path.split('/').skip(1).collect();
    if segs.first() == Some(&"repos") {
        segs.remove(0);
    }
    let repo = match segs.as_slice() {
        [owner, repo, ..] => Some(format!("{owner}/{repo}").to_lowercase()),
        _ => None,
    };
    if let Some(repo) = &repo {
        let names_ref = |r: &str| r.to_lowercase().contains(&format!(":{repo}"));
        if let Some((name, _)) = overrides.iter().find(|(_, r)| names_ref(r)) {
            return Some(name.clone());
        }
        for l in flake_text.lines() {
            let l = l.trim();
            if let Some((lhs, rhs)) = l.split_once('=')
                && names_ref(rhs)
            {
                let name = lhs.trim().trim_end_matches(".url").trim();
                let name = name.rsplit('.').next().unwrap_or(name);
                if !name.is_empty() && name != "url" {
                    return Some(name.to_string());
                }
            }
        }
        return Some(repo.clone());
    }
    Some(url.to_string())
}

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
        line: base.line,
        command: e.command,
        exit_code: e.exit_code,
        expected_exit: 0,
        duration_ms,
        status: Status::Failed,
        diff: None,
        output: Some(e.stderr),
        output_dropped: 0,
        actual: None,
        expected_lines: None,
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

/// Run `cmd` contained in the page's jail (with network, so that nix can
/// fetch inputs) until it ends or `deadline` passes; then every process of
/// the page is killed, nix's builders included, and their build folders are
/// in the page's TMPDIR.
fn run(cmd: Command, deadline: Instant, jail: &mut Jail) -> Output {
    let mut cmd = match jail.command(&cmd, true) {
        Ok(cmd) => cmd,
        Err(e) => {
            return Output {
                exit_code: None,
                stdout: String::new(),
                stderr: String::new(),
                timed_out: false,
                spawn_error: Some(format!("cannot start the page's sandbox: {e}")),
            };
        }
    };
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
fn error_line(stderr: &str) -> Option<String> {
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
    /// The `nix` to run.
    pub program: PathBuf,
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
    /// `devshell[:NAME]`, then the flake's file when it is not the
    /// sandbox's own `flake.nix`: each flake of a page keeps a session of
    /// its own, so a dev shell block runs in the shell of the flake above it.
    fn name(&self) -> String {
        let shell = match &self.name {
            Some(n) => format!("devshell:{n}"),
            None => "devshell".into(),
        };
        if self.flake_dir.is_empty() {
            shell
        } else {
            format!(
                "{shell} of {}",
                Path::new(&self.flake_dir).join("flake.nix").display()
            )
        }
    }

    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command {
        let mut cmd = Command::new(&self.program);
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

    fn dev_shell(name: Option<&str>, flake_dir: &str) -> NixDevShell {
        NixDevShell {
            program: "nix".into(),
            name: name.map(String::from),
            override_inputs: Vec::new(),
            flake_dir: flake_dir.into(),
            nix_config: None,
        }
    }

    #[test]
    fn each_flake_of_a_page_has_a_dev_shell_session_of_its_own() {
        assert_eq!(dev_shell(None, "").name(), "devshell");
        assert_eq!(dev_shell(Some("ci"), "").name(), "devshell:ci");
        assert_eq!(
            dev_shell(None, "editor").name(),
            "devshell of editor/flake.nix"
        );
        assert_ne!(dev_shell(None, "editor").name(), dev_shell(None, "").name());
    }

    fn one(r: &str) -> InputRefs {
        InputRefs::One(r.to_string())
    }

    #[test]
    fn command_line_overrides_win() {
        let mut config = BTreeMap::new();
        config.insert("nixpkgs".to_string(), one("github:NixOS/nixpkgs"));
        config.insert("flake-utils".to_string(), one("github:numtide/flake-utils"));
        let ch = channels(&config, &["nixpkgs".into(), "path:/x".into()]);
        assert_eq!(ch.len(), 1);
        assert_eq!(
            ch[0].overrides,
            [
                (
                    "flake-utils".to_string(),
                    "github:numtide/flake-utils".to_string()
                ),
                ("nixpkgs".to_string(), "path:/x".to_string())
            ]
        );
        assert_eq!(ch[0].name, "x");
    }

    #[test]
    fn several_references_are_several_channels() {
        let mut config = BTreeMap::new();
        config.insert(
            "nixpkgs".to_string(),
            InputRefs::Many(vec![
                "github:NixOS/nixpkgs/nixos-25.11".into(),
                "github:NixOS/nixpkgs?ref=nixpkgs-unstable".into(),
            ]),
        );
        config.insert("flake-utils".to_string(), one("github:numtide/flake-utils"));
        let ch = channels(&config, &[]);
        let names: Vec<&str> = ch.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["nixos-25.11", "nixpkgs-unstable"]);
        assert!(ch.iter().all(|c| c.overrides.len() == 2));
        assert_eq!(channels(&BTreeMap::new(), &[])[0].name, "default");
    }

    #[test]
    fn versions_compare_as_nix_does() {
        use std::cmp::Ordering::*;
        assert_eq!(compare_versions("2.8.0", "2.18.0"), Less);
        assert_eq!(compare_versions("2.26.3", "2.18.0"), Greater);
        assert_eq!(compare_versions("2.18.0", "2.18.0"), Equal);
        assert_eq!(compare_versions("2.18pre20230101", "2.18"), Less);
        assert_eq!(compare_versions("2.18.1", "2.18"), Greater);
        assert_eq!(
            min_version("# Expose the minimum required version\n\"2.18.0\"\n").as_deref(),
            Some("2.18.0")
        );
    }

    #[test]
    fn a_download_failure_names_the_input() {
        let err = "error: unable to download 'https://api.github.com/repos/numtide/flake-utils/commits/HEAD': Couldn't resolve host name (6)\n";
        let flake = "inputs = {\n  nixpkgs.url = \"github:NixOS/nixpkgs/nixpkgs-unstable\";\n  utils.url = \"github:numtide/flake-utils\";\n};";
        assert_eq!(fetch_failure(err, flake, &[]).as_deref(), Some("utils"));
        let ovr = [(
            "flake-utils".to_string(),
            "github:numtide/flake-utils".to_string(),
        )];
        assert_eq!(
            fetch_failure(err, flake, &ovr).as_deref(),
            Some("flake-utils")
        );
        assert_eq!(
            fetch_failure("error: attribute 'x' missing", flake, &[]),
            None
        );
        assert_eq!(
            Cause::Fetch {
                input: "nixpkgs".into()
            }
            .not_verified(),
            "the check could not fetch nixpkgs"
        );
    }

    fn block_result(page: &str, line: usize, status: Status, cause: Option<&str>) -> BlockResult {
        BlockResult {
            page: page.into(),
            source: String::new(),
            line,
            index: 0,
            lang: "nix".into(),
            kind: crate::markdown::codeblock::BlockKind::Flake,
            status,
            reason: None,
            message: Some("boom".into()),
            blocked_by: None,
            not_verified: None,
            cause: cause.map(str::to_string),
            channels: Vec::new(),
            commands: Vec::new(),
            duration_ms: 0,
        }
    }

    #[test]
    fn one_cause_is_said_once() {
        let mut results = vec![
            block_result("a.md", 3, Status::Failed, Some("fetch:nixpkgs")),
            block_result("a.md", 9, Status::Blocked, None),
            block_result("b.md", 5, Status::Failed, Some("fetch:nixpkgs")),
            block_result("b.md", 7, Status::Blocked, None),
            block_result("c.md", 1, Status::Failed, None),
            block_result("d.md", 1, Status::Failed, Some("fetch:flake-utils")),
        ];
        results[1].blocked_by = Some("a.md:3".into());
        results[3].blocked_by = Some("b.md:5".into());
        said_once(&mut results);
        let statuses: Vec<Status> = results.iter().map(|r| r.status).collect();
        use Status::*;
        assert_eq!(
            statuses,
            [Failed, Blocked, Blocked, Blocked, Failed, Failed]
        );
        for r in &results[1..4] {
            assert_eq!(r.blocked_by.as_deref(), Some("a.md:3"));
        }
    }

    #[test]
    fn blocks_that_depend_on_the_flake() {
        let page = crate::markdown::page::test_page(
            "```console shell=devshell\n$ cargo -V\n```\n\n```console\n$ nix flake metadata\n```\n\n```sh needs=nix\ntrue\n```\n\n```console\n$ cargo -V\n```\n",
        )
        .unwrap();
        let deps: Vec<bool> = page.blocks.iter().map(depends_on_flake).collect();
        assert_eq!(deps, [true, true, true, false]);
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
    fn the_error_line_is_the_innermost_one() {
        let new = "error:\n       … while checking flake output 'devShells'\n\n       error: attribute 'doesNotExist' missing\n       at /nix/store/x-source/flake.nix:16:35:\n";
        assert_eq!(
            error_line(new).as_deref(),
            Some("error: attribute 'doesNotExist' missing")
        );
        let abort = "evaluating flake...\nerror: evaluation aborted with the following error message: '\n\n       This version of Nixpkgs requires Nix >= 2.18.0, please upgrade:\n";
        assert_eq!(
            error_line(abort).as_deref(),
            Some(
                "error: evaluation aborted with the following error message: 'This version of Nixpkgs requires Nix >= 2.18.0, please upgrade:"
            )
        );
        // Nix 2.8: a closed quote ends the message; the position is not part of it.
        let undefined =
            "error: undefined variable 'shells'\n\n       at /nix/store/x-source/flake.nix:3:17:\n";
        assert_eq!(
            error_line(undefined).as_deref(),
            Some("error: undefined variable 'shells'")
        );
        assert_eq!(error_line("warning: x\n"), None);
    }

    #[test]
    fn tail_starts_at_the_error() {
        assert_eq!(
            tail("evaluating flake...\nerror: boom\n  at x\n"),
            "error: boom\n  at x\n"
        );
    }
}
