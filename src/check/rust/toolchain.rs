//! The caller's Rust toolchain: the real `rustc` and `cargo` of its sysroot
//! (not rustup's proxies, which look for `~/.rustup` through a HOME the
//! jail replaces) and the host's target triple.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::{self, Kill};

#[derive(Debug, Clone)]
pub struct Toolchain {
    pub rustc: PathBuf,
    pub cargo: PathBuf,
    pub sysroot: PathBuf,
    /// `x86_64-unknown-linux-gnu`.
    pub host: String,
    /// `rustc 1.95.0 (59807616e 2026-04-14)`.
    pub version: String,
}

impl Toolchain {
    /// A nightly (or locally built) compiler, as rustdoc's
    /// `is_nightly_build` tells: its version says `nightly` or `dev`.
    pub fn is_nightly(&self) -> bool {
        self.version.contains("-nightly") || self.version.contains("-dev")
    }

    /// The toolchain `rustc` on `path` resolves to in `dir` (rustup reads
    /// the book's `rust-toolchain.toml` there). `Err` says why there is none.
    pub fn find(path: Option<&OsStr>, dir: &Path) -> Result<Toolchain, String> {
        let rustc = std::env::split_paths(path.unwrap_or_default())
            .map(|d| d.join("rustc"))
            .find(|p| p.is_file())
            .ok_or("needs rustc: `rustc` is not on PATH")?;
        let ask = |args: &[&str]| -> Result<String, String> {
            let mut cmd = Command::new(&rustc);
            cmd.args(args).current_dir(dir);
            let deadline = Instant::now() + Duration::from_secs(60);
            match process::run(cmd, deadline, Kill::Group) {
                Ok(f) if f.code == Some(0) => Ok(f.stdout.text()),
                Ok(f) => Err(format!(
                    "`rustc {}` failed: {}",
                    args.join(" "),
                    f.stderr.text().lines().next().unwrap_or("")
                )),
                Err(e) => Err(format!("cannot run {}: {e}", rustc.display())),
            }
        };
        let sysroot = PathBuf::from(ask(&["--print", "sysroot"])?.trim());
        let verbose = ask(&["-vV"])?;
        let host = verbose
            .lines()
            .find_map(|l| l.strip_prefix("host: "))
            .unwrap_or_default()
            .to_string();
        let version = verbose.lines().next().unwrap_or_default().to_string();
        let real = |name: &str, fallback: &Path| {
            let p = sysroot.join("bin").join(name);
            if p.is_file() {
                p
            } else {
                fallback.to_path_buf()
            }
        };
        let cargo_on_path = rustc.with_file_name("cargo");
        Ok(Toolchain {
            rustc: real("rustc", &rustc),
            cargo: real("cargo", &cargo_on_path),
            sysroot,
            host,
            version,
        })
    }
}
