//! End-to-end tests of flake examples and dev-shell blocks, with the real
//! `nix` and the offline stand-ins of tests/fixtures/nix (see its README.md).
//!
//! Every test runs under two Nix versions: Debian's nix-bin 2.8 (`nix` on
//! PATH) and the current one, Debian trixie's nix-bin 2.26.3, through
//! tests/fixtures/nix/bin/nix-current (its root is made by .ci/run). The
//! stand-in nixpkgs requires Nix >= 2.18.0 as the real one does, so under
//! 2.8 the flakes fail with that one cause. A missing Nix is said and
//! skipped, except under `CI=true`, where both must be there.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use support::{copy_tree, nix_config};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The message of nixpkgs' default.nix on a Nix older than lib/minver.nix,
/// as the real nixpkgs words it (NixOS/nixpkgs default.nix).
const MINVER_MESSAGE: &str = "This version of Nixpkgs requires Nix >= 2.18.0, please upgrade:";

fn fixtures() -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/nix")
}

/// One Nix the tests run under.
#[derive(Debug, Clone)]
struct NixUnderTest {
    /// What `--nix` gets.
    program: PathBuf,
    /// `2.8.0`, `2.26.3`.
    version: String,
}

impl NixUnderTest {
    /// Older than the stand-in nixpkgs' minimum (2.18.0)?
    fn too_old(&self) -> bool {
        let mut parts = self
            .version
            .split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) < (2, 18)
    }

    /// `nix --extra-experimental-features 'nix-command flakes'` with the
    /// test settings.
    fn cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(&self.program);
        // `nix develop --command` execs the command and so never removes
        // its /tmp/nix-shell.* folder: keep those inside target/.
        cmd.args(["--extra-experimental-features", "nix-command flakes"])
            .env("NIX_CONFIG", nix_config())
            .env("TMPDIR", env!("CARGO_TARGET_TMPDIR"));
        cmd
    }
}

fn version_of(program: &Path) -> Option<String> {
    let out = std::process::Command::new(program)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .map(str::to_string)
}

/// The Nix versions that are there: Debian's `nix` and the current one.
/// A missing one is said (and fails the test under `CI=true`).
fn nixes() -> Vec<NixUnderTest> {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let candidates = [
        (PathBuf::from("nix"), "Debian's nix-bin (`nix` on PATH)"),
        (
            fixtures().join("bin/nix-current"),
            "the current Nix (tests/fixtures/nix/bin/nix-current: its root is made by .ci/run)",
        ),
    ];
    let mut found = Vec::new();
    for (program, what) in candidates {
        match version_of(&program) {
            Some(version) => found.push(NixUnderTest { program, version }),
            None => {
                let why = format!("{what} is not there: its half of the nix tests cannot run");
                assert!(!ci, "{why}");
                eprintln!("skipping: {why}");
            }
        }
    }
    found
}

/// The current Nix alone (for stand-in behaviours that need Nix >= 2.18).
fn current_nix() -> Option<NixUnderTest> {
    nixes().into_iter().find(|n| !n.too_old())
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

fn stand_in(name: &str) -> String {
    format!("path:{}", fixtures().join(name).display())
}

/// `docs-check BOOK --nix NIX [--override-input ...] --report BOOK/report.json`;
/// `inputs`: the stand-ins to override.
fn check_with(nix: &NixUnderTest, book: &Path, inputs: &[&str]) -> (i32, String, Value) {
    check_env(nix, book, inputs, &[])
}

/// [`check_with`], with variables set for docs-check (and so its blocks).
fn check_env(
    nix: &NixUnderTest,
    book: &Path,
    inputs: &[&str],
    vars: &[(&str, std::ffi::OsString)],
) -> (i32, String, Value) {
    let mut cmd = Command::cargo_bin("docs-check").unwrap();
    cmd.envs(vars.iter().map(|(k, v)| (k, v)));
    cmd.arg(book).arg("--nix").arg(&nix.program);
    for name in inputs {
        cmd.args(["--override-input", name]).arg(stand_in(name));
    }
    let out = cmd
        .arg("--report")
        .arg(book.join("report.json"))
        .env("NIX_CONFIG", nix_config())
        // As from a terminal: `cargo test` under rustup sets it, which
        // would override the pages' rust-toolchain.toml.
        .env_remove("RUSTUP_TOOLCHAIN")
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
        .unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), text, report)
}

fn check(nix: &NixUnderTest, book: &Path) -> (i32, String, Value) {
    check_with(nix, book, &["nixpkgs", "flake-utils"])
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
fn stand_in_locked(nix: &NixUnderTest, name: &str) -> Value {
    let out = nix
        .cmd()
        .args(["flake", "metadata", "--json"])
        .arg(stand_in(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["locked"].clone()
}

/// Under a Nix older than 2.18: the run failed once, at `flake_line`, with
/// the minimum-version cause, and `blocked` blocks were not run.
fn assert_too_old(nix: &NixUnderTest, code: i32, text: &str, report: &Value, blocked: usize) {
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "requires Nix >= 2.18.0 (its lib/minver.nix); this check ran Nix {}",
            nix.version
        )),
        "{text}"
    );
    assert_eq!(report["totals"]["failed"], 1, "{report}");
    assert_eq!(report["totals"]["blocked"], blocked, "{report}");
    assert_eq!(report["nix"]["version"], nix.version.as_str(), "{report}");
}

#[test]
fn good_flake_passes_and_is_recorded() {
    for nix in nixes() {
        let dir = book("good");
        let (code, text, report) = check(&nix, dir.path());
        let page = dir.path().join("src/good.md");
        let flakes = report["flakes"].as_array().unwrap();
        // The lock worked on both: the report names what was locked.
        assert_eq!(flakes.len(), 1, "{report}");
        assert_eq!(flakes[0]["line"], line_of(&page, "```nix"));
        for name in ["nixpkgs", "flake-utils"] {
            let locked = stand_in_locked(&nix, name);
            let input = &flakes[0]["inputs"][name];
            assert_eq!(input["narHash"], locked["narHash"], "{report}");
            assert_eq!(input["lastModified"], locked["lastModified"], "{report}");
            assert_eq!(input["url"], stand_in(name));
        }
        assert_eq!(
            report["nixpkgs"]["narHash"],
            flakes[0]["inputs"]["nixpkgs"]["narHash"]
        );
        assert_eq!(report["nixpkgs"]["original"], stand_in("nixpkgs"));
        assert_eq!(report["nix"]["version"], nix.version.as_str());
        assert!(
            report["nix"]["path"].as_str().unwrap().ends_with("nix")
                || report["nix"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("nix-current"),
            "{report}"
        );
        if nix.too_old() {
            assert_too_old(&nix, code, &text, &report, 1);
            let line = line_of(&page, "```nix");
            assert!(
                text.contains(&format!("/src/good.md:{line} (nix block)")),
                "{text}"
            );
            assert!(text.contains(&format!("/src/good.md:{line}\n")), "{text}");
            assert!(text.contains(": blocked by "), "{text}");
            let blocks = report["blocks"].as_array().unwrap();
            assert!(
                blocks[0]["not_verified"]
                    .as_str()
                    .unwrap()
                    .contains("requires Nix >= 2.18.0")
            );
        } else {
            assert_eq!(code, 0, "{text}");
            assert!(text.contains("2 passed, 0 failed, 0 skipped"), "{text}");
        }
    }
}

#[test]
fn missing_attribute_fails_at_the_flake_block() {
    for nix in nixes() {
        let dir = book("missing-attr");
        let (code, text, report) = check(&nix, dir.path());
        let line = line_of(&dir.path().join("src/missing-attr.md"), "```nix");
        assert!(
            text.contains(&format!("/src/missing-attr.md:{line} (nix block)")),
            "{text}"
        );
        if nix.too_old() {
            assert_too_old(&nix, code, &text, &report, 0);
            assert!(!text.contains("doesNotExist"), "{text}");
        } else {
            assert_eq!(code, 1, "{text}");
            // The message line is nix's innermost `error:` line.
            assert!(
                text.contains("(nix block)\n  error: attribute 'doesNotExist' missing\n"),
                "{text}"
            );
        }
    }
}

#[test]
fn failing_dev_shell_command_fails_at_its_line() {
    for nix in nixes() {
        let dir = book("shell-fail");
        let (code, text, report) = check(&nix, dir.path());
        let page = dir.path().join("src/shell-fail.md");
        if nix.too_old() {
            // Its dev shell blocks depend on the flake: blocked, not failed.
            assert_too_old(&nix, code, &text, &report, 1);
        } else {
            assert_eq!(code, 1, "{text}");
            let line = line_of(&page, "cargo --no-such-flag");
            assert!(text.contains(&format!("shell-fail.md:{line}")), "{text}");
            assert!(text.contains("1 passed, 1 failed"), "{text}");
        }
    }
}

#[test]
fn host_program_is_missing_in_the_pure_shell() {
    for nix in nixes() {
        let dir = book("pure");
        let (code, text, report) = check(&nix, dir.path());
        if nix.too_old() {
            assert_too_old(&nix, code, &text, &report, 1);
        } else {
            assert_eq!(code, 1, "{text}");
            let line = line_of(&dir.path().join("src/pure.md"), "python3 --version");
            assert!(text.contains(&format!("pure.md:{line}")), "{text}");
            assert!(text.contains("exit code: 127"), "{text}");
        }
    }
}

#[test]
fn a_dev_shell_block_runs_in_the_shell_of_the_flake_above_it() {
    for nix in nixes() {
        // The page's flake.nix, a block in its shell, then sub/flake.nix
        // and a block that must see sub/'s shell, not the first one.
        let dir = book("two-flakes");
        let (code, text, report) = check(&nix, dir.path());
        if nix.too_old() {
            assert_too_old(&nix, code, &text, &report, 3);
        } else {
            assert_eq!(code, 0, "{text}");
            assert_eq!(report["totals"]["passed"], 4, "{report}");
        }
    }
}

#[test]
fn dev_shell_block_without_a_flake_says_what_is_missing() {
    for nix in nixes() {
        let dir = book("no-flake");
        let (code, text, _) = check(&nix, dir.path());
        assert_eq!(code, 1, "{text}");
        let page = dir.path().join("src/no-flake.md");
        let line = line_of(&page, "```console shell=devshell");
        assert!(text.contains(&format!("no-flake.md:{line}")), "{text}");
        assert!(
            text.contains("there is no flake.nix in the page's sandbox yet"),
            "{text}"
        );
    }
}

#[test]
fn the_guide_passes_with_the_stand_ins() {
    for nix in nixes() {
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
        // This build's guidebook on PATH: the blocks marked needs=guidebook
        // run too.
        let bin_dir = assert_cmd::cargo::cargo_bin("guidebook")
            .parent()
            .unwrap()
            .to_path_buf();
        let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )))
        .unwrap();
        let (code, text, report) = check_env(
            &nix,
            dir.path(),
            &["nixpkgs", "flake-utils"],
            &[("PATH", path)],
        );
        let blocks = report["blocks"].as_array().unwrap();
        assert!(
            !blocks.iter().any(|b| b["reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("needs guidebook"))),
            "{text}"
        );
        if nix.too_old() {
            // One cause, said once: the first flake fails with it; every
            // other flake and the blocks that depend on them are blocked.
            assert_eq!(code, 1, "{text}");
            assert_eq!(report["totals"]["failed"], 1, "{text}");
            assert!(text.contains("requires Nix >= 2.18.0"), "{text}");
            assert_eq!(text.matches("FAILED ").count(), 1, "{text}");
            let blocks = report["blocks"].as_array().unwrap();
            let failed: Vec<&Value> = blocks.iter().filter(|b| b["status"] == "failed").collect();
            let root = format!(
                "{}:{}",
                failed[0]["page"].as_str().unwrap(),
                failed[0]["line"]
            );
            let blocked: Vec<&Value> = blocks.iter().filter(|b| b["status"] == "blocked").collect();
            assert!(blocked.len() > 5, "{report}");
            assert!(
                blocked.iter().all(|b| b["blocked_by"] == root.as_str()),
                "{report}"
            );
        } else {
            assert_eq!(code, 0, "{text}");
            assert_eq!(report["totals"]["blocked"], 0, "{text}");
        }
    }
}

/// A book of two pages, each with the good flake and a dev shell block.
fn two_flake_pages() -> tempfile::TempDir {
    let dir = book("good");
    let src = dir.path().join("src");
    std::fs::copy(src.join("good.md"), src.join("again.md")).unwrap();
    std::fs::write(
        src.join("SUMMARY.md"),
        "# Summary\n\n- [A flake](good.md)\n- [Again](again.md)\n",
    )
    .unwrap();
    dir
}

#[test]
fn an_input_that_cannot_be_fetched_is_one_failure() {
    for nix in nixes() {
        // flake-utils is not overridden: its download fails (no network).
        let dir = two_flake_pages();
        let (code, text, report) = check_with(&nix, dir.path(), &["nixpkgs"]);
        assert_eq!(code, 1, "{text}");
        let line = line_of(&dir.path().join("src/good.md"), "```nix");
        assert_eq!(text.matches("FAILED ").count(), 1, "{text}");
        assert!(
            text.contains(&format!("/src/good.md:{line} (nix block)")),
            "{text}"
        );
        assert!(
            text.contains("could not fetch flake-utils: error:"),
            "{text}"
        );
        let root = format!("{}:{line}", report["blocks"][0]["page"].as_str().unwrap());
        assert!(
            text.contains("0 passed, 1 failed, 0 skipped, 3 blocked"),
            "{text}"
        );
        for b in report["blocks"].as_array().unwrap() {
            assert_eq!(
                b["not_verified"], "the check could not fetch flake-utils",
                "{report}"
            );
            if b["status"] == "blocked" {
                assert_eq!(b["blocked_by"], root.as_str(), "{report}");
            }
        }
    }
}

#[test]
fn blocked_blocks_in_the_github_and_junit_formats() {
    let Some(nix) = nixes().into_iter().next() else {
        return;
    };
    let dir = two_flake_pages();
    let run = |format: &str| {
        let out = Command::cargo_bin("docs-check")
            .unwrap()
            .arg(dir.path())
            .arg("--nix")
            .arg(&nix.program)
            .args(["--override-input", "nixpkgs"])
            .arg(stand_in("nixpkgs"))
            .args(["--format", format, "--report"])
            .arg(dir.path().join("report.json"))
            .env("NIX_CONFIG", nix_config())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let github = run("github");
    assert_eq!(github.matches("::error ").count(), 1, "{github}");
    assert_eq!(
        github.matches("title=docs-check blocked::").count(),
        3,
        "{github}"
    );
    let junit = run("junit");
    assert!(
        junit.contains("tests=\"4\" failures=\"1\" errors=\"0\""),
        "{junit}"
    );
    assert_eq!(
        junit.matches("<skipped message=\"blocked by ").count(),
        3,
        "{junit}"
    );
}

#[test]
fn flakes_are_checked_against_each_channel() {
    let Some(nix) = current_nix() else { return };
    // Two channels: the stand-in as 26.11 and a copy of it as 25.11.
    let channels = tempfile::tempdir().unwrap();
    let old = channels.path().join("nixos-25.11");
    copy_tree(&fixtures().join("nixpkgs"), &old);
    std::fs::write(old.join(".version"), "25.11\n").unwrap();
    let dir = book("good");
    std::fs::write(
        dir.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"t\"\n[check.nix]\nnixpkgs = [\"path:{}\", \"{}\"]\nflake-utils = \"{}\"\n",
            old.display(),
            stand_in("nixpkgs"),
            stand_in("flake-utils")
        ),
    )
    .unwrap();
    let (code, text, report) = check_with(&nix, dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        report["channels"],
        serde_json::json!(["nixos-25.11", "nixpkgs"])
    );
    let flake = &report["blocks"][0];
    assert_eq!(
        flake["channels"],
        serde_json::json!([
            {"name": "nixos-25.11", "status": "passed"},
            {"name": "nixpkgs", "status": "passed"}
        ]),
        "{report}"
    );
    let channels = report["flakes"][0]["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 2);
    assert_eq!(
        channels[0]["inputs"]["nixpkgs"]["url"],
        format!("path:{}", old.display())
    );
    assert_eq!(report["nixpkgs"]["channel"], "nixos-25.11");
    // The page says it.
    let out = Command::cargo_bin("guidebook")
        .unwrap()
        .args(["build"])
        .arg(dir.path())
        .arg("--checks")
        .arg(dir.path().join("report.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("book/good.html")).unwrap();
    assert!(html.contains("on nixos-25.11 and nixpkgs"), "{html}");

    // A channel that fails fails the flake, named.
    std::fs::write(
        dir.path().join("book.toml"),
        format!(
            "[book]\ntitle = \"t\"\n[check.nix]\nnixpkgs = [\"path:{}\", \"path:/no/such/nixos-99.11\"]\nflake-utils = \"{}\"\n",
            old.display(),
            stand_in("flake-utils")
        ),
    )
    .unwrap();
    let (code, text, report) = check_with(&nix, dir.path(), &[]);
    assert_eq!(code, 1, "{text}");
    let flake = &report["blocks"][0];
    assert!(
        flake["message"]
            .as_str()
            .unwrap()
            .starts_with("on nixos-99.11: error:"),
        "{report}"
    );
    assert_eq!(flake["channels"][0]["status"], "passed", "{report}");
    assert_eq!(flake["channels"][1]["status"], "failed", "{report}");
}

#[test]
fn the_stand_in_exposes_the_systems_nixpkgs_does() {
    for nix in nixes() {
        // (`path#lib...` would make 2.8 try legacyPackages.<system>.lib first.)
        let out = eval(
            &nix,
            &format!(
                "(builtins.getFlake \"{}\").lib.systems.flakeExposed",
                stand_in("nixpkgs")
            ),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // NixOS/nixpkgs lib/systems/flake-systems.nix
        let systems: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            systems,
            serde_json::json!([
                "x86_64-linux",
                "aarch64-linux",
                "x86_64-darwin",
                "armv6l-linux",
                "armv7l-linux",
                "i686-linux",
                "mipsel-linux",
                "aarch64-darwin",
                "armv5tel-linux",
                "powerpc64le-linux",
                "riscv64-linux"
            ])
        );
        let out = eval(
            &nix,
            &format!(
                "builtins.attrNames (builtins.getFlake \"{}\").legacyPackages",
                stand_in("nixpkgs")
            ),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut names: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        let mut want: Vec<String> = serde_json::from_value(systems).unwrap();
        names.sort();
        want.sort();
        assert_eq!(names, want);
    }
}

#[test]
fn a_nix_that_is_not_there_is_a_usage_error() {
    let dir = book("good");
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(dir.path())
        .args(["--nix", "/no/such/nix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--nix /no/such/nix: no such file"), "{err}");
    // GUIDEBOOK_NIX says the same.
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(dir.path())
        .env("GUIDEBOOK_NIX", "/no/such/nix")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- The stand-in nixpkgs keeps the real nixpkgs' contract.

/// `nix eval --impure --expr EXPR` (with `--json` when `json`).
fn eval(nix: &NixUnderTest, expr: &str) -> std::process::Output {
    nix.cmd()
        .args(["eval", "--impure", "--json", "--expr", expr])
        .output()
        .unwrap()
}

fn stand_in_pkgs(system: &str) -> String {
    format!(
        "(import {} {{ system = \"{system}\"; }})",
        fixtures().join("nixpkgs").display()
    )
}

#[test]
fn the_stand_in_requires_nix_2_18_as_nixpkgs_does() {
    for nix in nixes() {
        let out = eval(
            &nix,
            &format!("{}.stdenv.system", stand_in_pkgs("x86_64-linux")),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        if nix.too_old() {
            assert!(!out.status.success());
            // As against the real nixpkgs: default.nix aborts with its message.
            assert!(
                err.contains("error: evaluation aborted with the following error message:"),
                "{err}"
            );
            assert!(err.contains(MINVER_MESSAGE), "{err}");
            assert!(err.contains("`nix upgrade-nix' can be used"), "{err}");
        } else {
            assert!(out.status.success(), "{err}");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                "\"x86_64-linux\""
            );
        }
        // lib/minver.nix, which docs-check reads before evaluating.
        let minver = std::fs::read_to_string(fixtures().join("nixpkgs/lib/minver.nix")).unwrap();
        assert!(minver.contains("\"2.18.0\""));
    }
}

#[test]
fn the_stand_in_throws_for_x86_64_darwin_as_26_11_does() {
    let Some(nix) = current_nix() else { return };
    let out = eval(
        &nix,
        &format!("{}.hello.name", stand_in_pkgs("x86_64-darwin")),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("does not support x86_64-darwin"), "{err}");
    assert!(err.contains("release-notes#x86_64-darwin-26.11"), "{err}");
    for system in ["aarch64-darwin", "aarch64-linux", "x86_64-linux"] {
        let out = eval(&nix, &format!("{}.hello.name", stand_in_pkgs(system)));
        assert!(
            out.status.success(),
            "{system}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // 25.11 still had it.
    let copy = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("nixpkgs"), copy.path());
    std::fs::write(copy.path().join(".version"), "25.11\n").unwrap();
    let out = eval(
        &nix,
        &format!(
            "(import {} {{ system = \"x86_64-darwin\"; }}).hello.name",
            copy.path().display()
        ),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // flake-utils' default systems still list it: `nix flake check
    // --all-systems` of an eachDefaultSystem flake meets the throw.
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("examples/good"), dir.path());
    let out = nix
        .cmd()
        .args(["flake", "check", "--all-systems"])
        .arg(format!("path:{}", dir.path().display()))
        .args(["--override-input", "nixpkgs"])
        .arg(stand_in("nixpkgs"))
        .args(["--override-input", "flake-utils"])
        .arg(stand_in("flake-utils"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("does not support x86_64-darwin"), "{err}");
}

#[test]
fn flake_utils_default_systems_are_the_real_ones() {
    for nix in nixes() {
        let out = nix
            .cmd()
            .args(["eval", "--json"])
            .arg(format!("{}#lib.systems", stand_in("flake-utils")))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // numtide/flake-utils takes them from github:nix-systems/default.
        let systems: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            systems,
            serde_json::json!([
                "aarch64-darwin",
                "aarch64-linux",
                "x86_64-darwin",
                "x86_64-linux"
            ])
        );
    }
}

#[test]
fn mk_shell_merges_inputs_from_and_shell_hooks() {
    let Some(nix) = current_nix() else { return };
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("examples/mkshell"), dir.path());
    let out = nix
        .cmd()
        .arg("develop")
        .arg(format!("path:{}", dir.path().display()))
        .args(["--override-input", "nixpkgs"])
        .arg(stand_in("nixpkgs"))
        .args(["--override-input", "flake-utils"])
        .arg(stand_in("flake-utils"))
        .args([
            "-i",
            "-k",
            "HOME",
            "-k",
            "TMPDIR",
            "--command",
            "bash",
            "-c",
        ])
        .arg("command -v cargo pkg-config which; echo \"native=$nativeBuildInputs\"")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // shellHook: the inputsFrom hooks, last one first, then the shell's own.
    let hooks: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("hook of"))
        .collect();
    assert_eq!(
        hooks,
        ["hook of tools", "hook of base", "hook of the shell"],
        "{stdout}"
    );
    // packages first, then the inputs of inputsFrom (not those shells).
    let native = stdout
        .lines()
        .find_map(|l| l.strip_prefix("native="))
        .unwrap();
    let names: Vec<&str> = native
        .split_whitespace()
        .map(|p| {
            p.rsplit_once('-')
                .map_or(p, |(a, _)| a)
                .split_once('-')
                .map_or(p, |(_, n)| n)
        })
        .collect();
    assert_eq!(names, ["cargo", "pkg-config", "which"], "{stdout}");
    for tool in ["cargo", "pkg-config", "which"] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("/nix/store/") && l.ends_with(&format!("/bin/{tool}"))),
            "{stdout}"
        );
    }
}

#[test]
fn the_stand_in_rustup_patches_toolchains_on_linux() {
    let Some(nix) = current_nix() else { return };
    // As nixpkgs' rustup: the patchelf patch on every Linux, not on darwin.
    for (system, patched) in [
        ("x86_64-linux", true),
        ("aarch64-linux", true),
        ("aarch64-darwin", false),
    ] {
        let out = eval(&nix, &format!("{}.rustup.patches", stand_in_pkgs(system)));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let patches: Value = serde_json::from_slice(&out.stdout).unwrap();
        let expected = if patched {
            serde_json::json!(["0001-dynamically-patchelf-binaries.patch"])
        } else {
            serde_json::json!([])
        };
        assert_eq!(patches, expected, "{system}");
    }
    // Built here (Linux): the store paths a patched toolchain refers to.
    let out = nix
        .cmd()
        .args(["build", "--no-link", "--print-out-paths"])
        .arg(format!(
            "{}#legacyPackages.x86_64-linux.rustup",
            stand_in("nixpkgs")
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outp = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let refs = std::fs::read_to_string(Path::new(&outp).join("nix-support/patched-toolchain-refs"))
        .unwrap();
    assert_eq!(refs.lines().count(), 2, "{refs}");
    assert!(refs.lines().all(|l| l.starts_with("/nix/store/")), "{refs}");
}

#[test]
fn the_stand_in_has_the_attributes_the_guide_names() {
    let Some(nix) = current_nix() else { return };
    let attrs = [
        "rustc",
        "cargo",
        "rustfmt",
        "clippy",
        "rust-analyzer",
        "pkg-config",
        "rustup",
        "rustPlatform.rustLibSrc",
    ];
    let mut cmd = nix.cmd();
    cmd.args(["build", "--no-link", "--print-out-paths"]);
    for a in attrs {
        cmd.arg(format!(
            "{}#legacyPackages.x86_64-linux.{a}",
            stand_in("nixpkgs")
        ));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paths: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(paths.len(), attrs.len(), "{paths:?}");
    for (a, p) in attrs.iter().zip(&paths) {
        assert!(Path::new(p).exists(), "{a}: {p}");
    }
    // rust-analyzer runs, or says that the toolchain has none.
    let ra = Command::new(Path::new(&paths[4]).join("bin/rust-analyzer"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(
        ra.status.success() || String::from_utf8_lossy(&ra.stderr).contains("has no rust-analyzer"),
        "{ra:?}"
    );
}
