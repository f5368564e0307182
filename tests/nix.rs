//! End-to-end tests of flake examples and dev-shell blocks, with the real
//! `nix` and the offline stand-ins of tests/fixtures/nix (see its README.md).
//! Without `nix` the tests say why and pass, except under `CI=true`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn fixtures() -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/nix")
}

/// Is `nix` there? Without it: print why and return false, or panic in CI.
fn have_nix() -> bool {
    let found = std::process::Command::new("nix")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "`nix` not found on PATH: the nix tests need it";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
    }
    found
}

/// The test settings from tests/fixtures/nix/README.md.
fn nix_config() -> String {
    format!(
        "substituters =\ndownload-attempts = 1\nflake-registry = {}/registry.json\nsandbox = false\nbuild-users-group =",
        fixtures().display()
    )
}

fn copy_tree(from: &Path, to: &Path) {
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

/// A copy of fixture book `name` (tests/fixtures/nix-books) in a temp dir.
fn book(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(ROOT).join("tests/fixtures/nix-books").join(name),
        dir.path(),
    );
    dir
}

/// `docs-check BOOK --override-input ... --report BOOK/report.json`.
fn check(book: &Path) -> (i32, String, serde_json::Value) {
    let fix = fixtures();
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(book)
        .args(["--override-input", "nixpkgs"])
        .arg(format!("path:{}", fix.join("nixpkgs").display()))
        .args(["--override-input", "flake-utils"])
        .arg(format!("path:{}", fix.join("flake-utils").display()))
        .arg("--report")
        .arg(book.join("report.json"))
        .env("NIX_CONFIG", nix_config())
        .current_dir(book)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = std::fs::read_to_string(book.join("report.json"))
        .map(|s| serde_json::from_str(&s).unwrap())
        .unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), text, report)
}

/// The 1-based line of the first line of `page` that starts with `prefix`.
fn line_of(page: &Path, prefix: &str) -> usize {
    std::fs::read_to_string(page)
        .unwrap()
        .lines()
        .position(|l| l.starts_with(prefix))
        .expect("line in page")
        + 1
}

/// `nix flake metadata --json` of a stand-in: `.locked`.
fn stand_in_locked(name: &str) -> serde_json::Value {
    let out = std::process::Command::new("nix")
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "flake",
            "metadata",
            "--json",
        ])
        .arg(format!("path:{}", fixtures().join(name).display()))
        .env("NIX_CONFIG", nix_config())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["locked"].clone()
}

#[test]
fn good_flake_passes_and_is_recorded() {
    if !have_nix() {
        return;
    }
    let dir = book("good");
    let (code, text, report) = check(dir.path());
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("2 passed, 0 failed, 0 skipped"), "{text}");
    let page = dir.path().join("src/good.md");
    let flakes = report["flakes"].as_array().unwrap();
    assert_eq!(flakes.len(), 1, "{report}");
    assert_eq!(flakes[0]["line"], line_of(&page, "```nix"));
    for name in ["nixpkgs", "flake-utils"] {
        let locked = stand_in_locked(name);
        let input = &flakes[0]["inputs"][name];
        assert_eq!(input["narHash"], locked["narHash"], "{report}");
        assert_eq!(input["lastModified"], locked["lastModified"], "{report}");
        assert_eq!(
            input["url"],
            format!("path:{}", fixtures().join(name).display())
        );
    }
    assert_eq!(report["nixpkgs"], flakes[0]["inputs"]["nixpkgs"]);
}

#[test]
fn missing_attribute_fails_at_the_flake_block() {
    if !have_nix() {
        return;
    }
    let dir = book("missing-attr");
    let (code, text, _) = check(dir.path());
    assert_eq!(code, 1, "{text}");
    let line = line_of(&dir.path().join("src/missing-attr.md"), "```nix");
    assert!(
        text.contains(&format!("FAILED src/missing-attr.md:{line} (nix block)"))
            || text.contains(&format!("missing-attr.md:{line}")),
        "{text}"
    );
    assert!(
        text.contains("error: attribute 'doesNotExist' missing"),
        "{text}"
    );
}

#[test]
fn failing_dev_shell_command_fails_at_its_line() {
    if !have_nix() {
        return;
    }
    let dir = book("shell-fail");
    let (code, text, _) = check(dir.path());
    assert_eq!(code, 1, "{text}");
    let page = dir.path().join("src/shell-fail.md");
    let line = line_of(&page, "cargo --no-such-flag");
    assert!(text.contains(&format!("shell-fail.md:{line}")), "{text}");
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}

#[test]
fn host_program_is_missing_in_the_pure_shell() {
    if !have_nix() {
        return;
    }
    let dir = book("pure");
    let (code, text, _) = check(dir.path());
    assert_eq!(code, 1, "{text}");
    let line = line_of(&dir.path().join("src/pure.md"), "python3 --version");
    assert!(text.contains(&format!("pure.md:{line}")), "{text}");
    assert!(text.contains("exit code: 127"), "{text}");
}

#[test]
fn the_guide_passes_with_the_stand_ins() {
    if !have_nix() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(ROOT).join("book.toml"),
        dir.path().join("book.toml"),
    )
    .unwrap();
    copy_tree(
        &Path::new(ROOT).join("content"),
        &dir.path().join("content"),
    );
    let fix = fixtures();
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(".")
        .args(["--override-input", "nixpkgs"])
        .arg(format!("path:{}", fix.join("nixpkgs").display()))
        .args(["--override-input", "flake-utils"])
        .arg(format!("path:{}", fix.join("flake-utils").display()))
        .env("NIX_CONFIG", nix_config())
        // As from a terminal: `cargo test` under rustup sets it, which
        // would override the pages' rust-toolchain.toml.
        .env_remove("RUSTUP_TOOLCHAIN")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dev_shell_block_without_a_flake_says_what_is_missing() {
    if !have_nix() {
        return;
    }
    let dir = book("no-flake");
    let (code, text, _) = check(dir.path());
    assert_eq!(code, 1, "{text}");
    let page = dir.path().join("src/no-flake.md");
    let line = line_of(&page, "```console shell=devshell");
    assert!(text.contains(&format!("no-flake.md:{line}")), "{text}");
    assert!(
        text.contains("there is no flake.nix in the page's sandbox yet"),
        "{text}"
    );
}
