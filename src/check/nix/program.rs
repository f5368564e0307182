//! The `nix` a run uses and its version.

use crate::process::{self, Kill};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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
                let mut cmd = Command::new(self.run_path());
                cmd.arg("--version");
                let out = process::run(cmd, Instant::now() + VERSION_TIMEOUT, Kill::Group)
                    .ok()
                    .filter(|f| f.code == Some(0))?;
                let text = out.stdout.text();
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
pub(super) fn link_dir(target: &Path) -> Option<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("guidebook-nix.")
        .tempdir()
        .ok()?;
    std::os::unix::fs::symlink(target, dir.path().join("nix")).ok()?;
    Some(dir)
}

/// How long `nix --version` may take.
pub(super) const VERSION_TIMEOUT: Duration = Duration::from_secs(30);
