//! The dependencies of the book's Cargo manifest (`[check.rust] manifest`),
//! built once per run with `cargo build` in a jail of their own, then
//! passed to every block as `cargo test --doc` passes them: `--extern
//! NAME=PATH` for each of the manifest's `[dependencies]` (and its own
//! library), `-L dependency=DIR` for theirs.
//!
//! The build goes to `target/docs-check/rust/` of the book (reused by the
//! next run), with a `CARGO_HOME` of its own there; it gets the network
//! only when the machine has it (else `--offline`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::toolchain::Toolchain;
use crate::check::env::Env;
use crate::check::isolation::{Jail, Mechanism, Policy};
use crate::check::sandbox::Sandbox;
use crate::error::{Error, Result};
use crate::process::{self, Kill};

/// The built dependencies.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub externs: Vec<(String, PathBuf)>,
    /// `target/debug/deps` of the build.
    pub deps_dir: PathBuf,
    /// The build's target folder, which blocks read.
    pub target_dir: PathBuf,
}

/// What a manifest lets blocks use: the extern names of its
/// `[dependencies]` (a renamed one by its key), and its own library's.
pub fn extern_names(manifest: &str) -> std::result::Result<Vec<String>, String> {
    let doc: toml::Table = toml::from_str(manifest).map_err(|e| e.message().to_string())?;
    let mut names = Vec::new();
    if let Some(deps) = doc.get("dependencies").and_then(|d| d.as_table()) {
        names.extend(deps.keys().map(|k| k.replace('-', "_")));
    }
    if let Some(package) = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
    {
        let lib = doc
            .get("lib")
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(package);
        names.push(lib.replace('-', "_"));
    }
    Ok(names)
}

/// Build `manifest` (a path inside `root`; `line` is its line in book.toml,
/// `shown` book.toml as named) with `tool` into `cache`.
#[allow(clippy::too_many_arguments)]
pub fn build(
    root: &Path,
    manifest: &Path,
    shown: &Path,
    line: usize,
    tool: &Toolchain,
    env: &Env,
    mechanism: &Mechanism,
    network: bool,
    timeout: u64,
) -> Result<Built> {
    let fail = |m: String| {
        Error::input(
            shown,
            line,
            format!("[check.rust] manifest = \"{}\": {m}", manifest.display()),
        )
    };
    let path = root.join(manifest);
    let text = std::fs::read_to_string(&path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let names = extern_names(&text).map_err(|e| fail(format!("not a Cargo manifest: {e}")))?;
    let cache = root.join("target/docs-check/rust");
    let cargo_home = cache.join("cargo-home");
    std::fs::create_dir_all(&cargo_home).map_err(|e| Error::io(&cargo_home, e))?;
    let cache = cache.canonicalize().map_err(|e| Error::io(&cache, e))?;
    let manifest_dir = path
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .unwrap_or_else(|| root.to_path_buf());
    let sandbox = Sandbox::new(Path::new("rust-dependencies"))?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut readable = vec![tool.sysroot.clone(), manifest_dir.clone()];
    readable.extend(
        home.iter()
            .map(|h| h.join(".rustup"))
            .filter(|d| d.is_dir()),
    );
    let policy = Policy {
        root: sandbox.root().to_path_buf(),
        tmp: sandbox.tmp(),
        // The book stays read-only: the build is `--locked`, so cargo has
        // no Cargo.lock to write, and build scripts cannot edit pages.
        writable: vec![cache.clone()],
        readable,
        hidden: home.into_iter().collect(),
    };
    let mut jail = Jail::new(mechanism.clone(), policy);
    let mut env = env.for_page(Some(&sandbox.home()), &sandbox.tmp());
    env.set("CARGO_HOME", cache.join("cargo-home"));
    env.set("RUSTC", &tool.rustc);
    env.set("CARGO_TERM_COLOR", "never");
    let mut cmd = Command::new(&tool.cargo);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(manifest_dir.join(path.file_name().unwrap_or_default()))
        .arg("--target-dir")
        .arg(cache.join("target"))
        .arg("--message-format=json-render-diagnostics")
        .arg("--locked")
        .current_dir(&manifest_dir);
    if !network {
        cmd.arg("--offline");
    }
    env.apply(&mut cmd);
    let cmd = jail
        .command(&cmd, network)
        .map_err(|e| fail(format!("cannot start its sandbox: {e}")))?;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut kill_all = || jail.kill_all();
    let f = process::run_capped(cmd, deadline, Kill::All(&mut kill_all), 16 << 20)
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    if f.timed_out {
        return Err(fail(format!("cargo build timed out after {timeout} s")));
    }
    if f.code != Some(0) {
        let stderr = f.stderr.text();
        let first = stderr
            .lines()
            .find(|l| l.trim_start().starts_with("error"))
            .or_else(|| stderr.lines().rfind(|l| !l.trim().is_empty()))
            .unwrap_or("cargo build failed");
        let hint = if stderr.contains("--locked") {
            "; docs-check builds with --locked and writes nothing into the book: \
             run `cargo generate-lockfile` beside the manifest and commit its Cargo.lock"
        } else {
            ""
        };
        return Err(fail(format!(
            "its dependencies did not build: {}{hint}",
            first.trim()
        )));
    }
    let mut externs = Vec::new();
    for line in f.stdout.text().lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v.get("reason").and_then(|r| r.as_str()) != Some("compiler-artifact") {
            continue;
        }
        let Some(name) = v.pointer("/target/name").and_then(|n| n.as_str()) else {
            continue;
        };
        let name = name.replace('-', "_");
        if !names.contains(&name) || externs.iter().any(|(n, _): &(String, PathBuf)| *n == name) {
            continue;
        }
        let files = v
            .get("filenames")
            .and_then(|f| f.as_array())
            .into_iter()
            .flatten();
        let lib = files
            .filter_map(|f| f.as_str())
            .map(PathBuf::from)
            .find(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("rlib" | "so" | "dylib")
                )
            });
        if let Some(lib) = lib {
            externs.push((name, lib));
        }
    }
    Ok(Built {
        externs,
        deps_dir: cache.join("target/debug/deps"),
        target_dir: cache.join("target"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extern_names_of_a_manifest() {
        let names = extern_names(
            "[package]\nname = \"book-deps\"\n\n[dependencies]\ngreet = { path = \"greet\" }\nserde-json = \"1\"\nmy_rand = { package = \"rand\", version = \"0.8\" }\n",
        )
        .unwrap();
        assert_eq!(names, ["greet", "my_rand", "serde_json", "book_deps"]);
        assert!(extern_names("[dependencies\n").is_err());
    }
}
