//! Helpers shared by the whole-binary tests (`mod support;` in each; a
//! test file uses some of them).
#![allow(dead_code)]

use std::path::Path;

/// Copy the folder `from` with everything in it to `to` (created).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The Nix settings of the tests (tests/fixtures/nix/README.md): offline,
/// the fixtures' empty flake registry, builds as the calling user.
pub fn nix_config() -> String {
    format!(
        "extra-experimental-features = nix-command flakes\nsubstituters =\ndownload-attempts = 1\nflake-registry = {}/tests/fixtures/nix/registry.json\nsandbox = false\nbuild-users-group =",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The mdBook binary to compare with: `$MDBOOK`, else `mdbook` on PATH.
/// mdBook is no prerequisite of the tests (CI included): without it, those
/// tests say so and pass.
pub fn mdbook() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("MDBOOK") {
        return Some(p.into());
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|p| p.join("mdbook"))
        .find(|p| p.is_file())
}

/// Can bubblewrap make namespaces here? Without it: print why the tests
/// that need it (`purpose`) are skipped and return false; in CI
/// (`CI=true`) panic instead.
pub fn have_jail(purpose: &str) -> bool {
    use std::process::{Command, Stdio};
    let ok = Command::new("bwrap")
        .args(["--unshare-pid", "--unshare-net", "--ro-bind", "/", "/"])
        .args(["--proc", "/proc", "--dev", "/dev", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let why = format!("bubblewrap (`bwrap`) cannot make namespaces here: {purpose}");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
    }
    ok
}

/// What a finished binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// `docs-check BOOK ARGS...` run in `dir`, offline, with the isolation it
/// finds (not one the caller's environment forces) and no stdin.
pub fn docs_check_in(dir: &Path, book: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_docs-check"));
    cmd.current_dir(dir)
        .env("GUIDEBOOK_NETWORK", "0")
        .env_remove("GUIDEBOOK_ISOLATION")
        .arg(book)
        .args(args)
        .stdin(std::process::Stdio::null());
    cmd
}

/// mdBook's own fixture books (tests/testsuite of rust-lang/mdBook):
/// `$MDBOOK_TESTSUITE`, else `../shared/mdbook-testsuite` beside this
/// repository. Like mdBook, no prerequisite: without them, the tests that
/// compare with them say so and pass.
pub fn mdbook_testsuite() -> Option<std::path::PathBuf> {
    let suite = std::env::var_os("MDBOOK_TESTSUITE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/mdbook-testsuite")
        });
    if suite.is_dir() {
        Some(suite)
    } else {
        eprintln!(
            "skipped: no mdBook test books at {} (set MDBOOK_TESTSUITE)",
            suite.display()
        );
        None
    }
}
