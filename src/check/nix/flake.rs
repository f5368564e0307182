//! Flake examples: locked, read and checked against each channel, once per
//! distinct flake, and what the locked inputs were.

use super::command::{failure_message, run, tail};
use super::*;
use crate::check::env::Env;
use crate::check::isolation::Jail;
use crate::config::InputRefs;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

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
    pub fn test_flake_on_channels(
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
                        format!("could not fetch {input}: {}", failure_message(&out))
                    }
                    _ => failure_message(&out),
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
pub(super) fn fetch_failure(
    stderr: &str,
    flake_text: &str,
    overrides: &[(String, String)],
) -> Option<String> {
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

/// `{name: {url, rev?, narHash, lastModified}}` from `nix flake metadata --json`.
pub(super) fn locked_inputs(meta: &Value) -> Map<String, Value> {
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
pub(super) fn locked_url(locked: &Value) -> String {
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
