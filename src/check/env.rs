//! The environment of a block: an explicit allowlist, nothing else of the
//! caller's.
//!
//! A block sees exactly:
//! - `PATH` and `LANG` from the caller;
//! - `HOME` and `TMPDIR` (also `TMP`, `TEMP`) of its page: folders inside the
//!   page's sandbox root, so `cargo install`, `rustup toolchain install` or
//!   `mktemp` never touch the caller's; book.toml `[check] host-home = true`
//!   passes the caller's HOME instead;
//! - the variables named in book.toml `[check] env`, when the caller has them;
//!   `RUSTUP_HOME` and `CARGO_HOME` named there but unset resolve to the
//!   caller's defaults (`$HOME/.rustup`, `$HOME/.cargo`) when those exist, so
//!   the installed toolchains are found (read-only inside the jail);
//! - `TERM=dumb` and `NO_COLOR=1`, so tools print plain text;
//! - `GUIDEBOOK_SANDBOX`: the page's sandbox folder.
//!
//! Everything else (tokens, CI secrets, `CARGO_*` ...) is dropped: a book's
//! commands run as in a fresh terminal, and a secret cannot leak into a
//! report through a block.

use std::ffi::OsString;
use std::process::Command;

/// Always passed through from the caller.
pub const BASE: &[&str] = &["PATH", "HOME", "LANG"];
/// A PATH for a caller without one.
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Vec<(OsString, OsString)>,
}

impl Env {
    /// The allowlisted environment, from the caller's environment.
    pub fn from_caller(extra: &[String]) -> Env {
        Env::from_vars(extra, |name| std::env::var_os(name))
    }

    /// The allowlisted environment from a lookup function (for tests).
    pub fn from_vars(extra: &[String], get: impl Fn(&str) -> Option<OsString>) -> Env {
        let mut vars: Vec<(OsString, OsString)> = Vec::new();
        let mut set = |k: &str, v: OsString| {
            vars.retain(|(name, _)| name != k);
            vars.push((k.into(), v));
        };
        for name in BASE.iter().copied().chain(extra.iter().map(String::as_str)) {
            if let Some(v) = get(name) {
                set(name, v);
            } else if let Some(v) = home_default(name, get("HOME")) {
                set(name, v);
            }
        }
        if get("PATH").is_none() {
            set("PATH", DEFAULT_PATH.into());
        }
        set("TERM", "dumb".into());
        set("NO_COLOR", "1".into());
        Env { vars }
    }

    #[cfg(test)]
    pub fn for_tests() -> Env {
        Env::from_caller(&[])
    }

    /// The environment of a page whose own HOME and TMPDIR are `home` and
    /// `tmp` (`home` is `None` for the caller's).
    pub fn for_page(&self, home: Option<&std::path::Path>, tmp: &std::path::Path) -> Env {
        let mut env = self.clone();
        if let Some(home) = home {
            env.set("HOME", home);
        }
        for name in ["TMPDIR", "TMP", "TEMP"] {
            env.set(name, tmp);
        }
        env
    }

    /// Set a variable (replacing it).
    pub fn set(&mut self, name: &str, value: impl Into<OsString>) {
        self.vars.retain(|(k, _)| k != name);
        self.vars.push((name.into(), value.into()));
    }

    pub fn get(&self, name: &str) -> Option<&OsString> {
        self.vars.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn names(&self) -> impl Iterator<Item = &OsString> {
        self.vars.iter().map(|(k, _)| k)
    }

    /// Existing paths inside `dir` that a variable other than HOME names
    /// (`CARGO_HOME`, a `PATH` entry), for the jail to keep visible. A
    /// `PATH` entry keeps the whole tool folder it is in (`~/.pyenv` for
    /// `~/.pyenv/shims`, whose shims run `~/.pyenv/libexec`), except in the
    /// shared `~/.local` and `~/.config`.
    pub fn paths_under(&self, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let tool_folder =
            |p: std::path::PathBuf| match p.strip_prefix(dir).ok()?.components().next() {
                Some(top) if ![".local", ".config"].contains(&top.as_os_str().to_str()?) => {
                    Some(dir.join(top))
                }
                _ => None,
            };
        let mut paths: Vec<std::path::PathBuf> = self
            .vars
            .iter()
            .filter(|(k, _)| k != "HOME")
            .flat_map(|(k, v)| {
                let paths = std::env::split_paths(v);
                if k == "PATH" {
                    paths.map(|p| tool_folder(p.clone()).unwrap_or(p)).collect()
                } else {
                    paths.collect::<Vec<_>>()
                }
            })
            .filter(|p| p.starts_with(dir) && p != dir && p.exists())
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// The existing `PATH` entries inside `dir`, each alone.
    pub fn path_entries_under(&self, dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        self.get("PATH")
            .map(|v| std::env::split_paths(v).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.starts_with(dir) && p != dir && p.is_dir())
            .collect()
    }

    /// Clear the command's environment and set exactly ours.
    pub fn apply(&self, cmd: &mut Command) {
        cmd.env_clear();
        cmd.envs(self.vars.iter().map(|(k, v)| (k, v)));
    }
}

/// `RUSTUP_HOME` and `CARGO_HOME` where rustup puts them by default.
fn home_default(name: &str, home: Option<OsString>) -> Option<OsString> {
    let dir = match name {
        "RUSTUP_HOME" => ".rustup",
        "CARGO_HOME" => ".cargo",
        _ => return None,
    };
    let path = std::path::Path::new(&home?).join(dir);
    path.is_dir().then(|| path.into_os_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowlisted_names_pass() {
        let caller = |name: &str| -> Option<OsString> {
            match name {
                "PATH" => Some("/bin".into()),
                "HOME" => Some("/home/me".into()),
                "SECRET_TOKEN" => Some("xyz".into()),
                "RUSTUP_TOOLCHAIN" => Some("stable".into()),
                _ => None,
            }
        };
        let env = Env::from_vars(&["RUSTUP_TOOLCHAIN".into(), "UNSET".into()], caller);
        let names: Vec<_> = env
            .names()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["PATH", "HOME", "RUSTUP_TOOLCHAIN", "TERM", "NO_COLOR"]
        );
        assert_eq!(env.get("HOME").unwrap(), "/home/me");
        assert!(env.get("SECRET_TOKEN").is_none());
    }

    #[test]
    fn paths_under_a_folder_are_those_named_there_that_exist() {
        let home = tempfile::tempdir().unwrap();
        let bin = home.path().join(".cargo/bin");
        std::fs::create_dir_all(&bin).unwrap();
        let mut env = Env::default();
        env.set("HOME", home.path());
        let local = home.path().join(".local/bin");
        std::fs::create_dir_all(&local).unwrap();
        let path = std::env::join_paths([bin.as_path(), &local, "/usr/bin".as_ref()]).unwrap();
        env.set("PATH", path);
        env.set("GONE", home.path().join("missing"));
        env.set("CARGO_HOME", &bin);
        let kept = [bin.clone(), home.path().join(".cargo"), local];
        let mut expected = kept.to_vec();
        expected.sort();
        assert_eq!(env.paths_under(home.path()), expected);
        // PATH entries alone: `.cargo/bin`, not `.cargo`; no CARGO_HOME.
        env.set("CARGO_HOME", home.path().join(".cargo"));
        assert_eq!(
            env.path_entries_under(home.path()),
            [bin.clone(), home.path().join(".local/bin")]
        );
    }

    #[test]
    fn toolchain_homes_default_to_the_callers() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".rustup")).unwrap();
        let h = home.path().as_os_str().to_os_string();
        let caller = move |name: &str| (name == "HOME").then(|| h.clone());
        let env = Env::from_vars(&["RUSTUP_HOME".into(), "CARGO_HOME".into()], caller);
        assert_eq!(
            env.get("RUSTUP_HOME").unwrap(),
            home.path().join(".rustup").as_os_str()
        );
        assert!(env.get("CARGO_HOME").is_none());
        let page = env.for_page(
            Some(std::path::Path::new("/s/home")),
            std::path::Path::new("/s/tmp"),
        );
        assert_eq!(page.get("HOME").unwrap(), "/s/home");
        assert_eq!(page.get("TMPDIR").unwrap(), "/s/tmp");
    }

    #[test]
    fn missing_path_gets_a_default() {
        let env = Env::from_vars(&[], |_| None);
        assert_eq!(env.get("PATH").unwrap(), DEFAULT_PATH);
    }
}
