//! docs-check on books whose Rust blocks are doctests (`[check.rust]`):
//! the fixture books tests/fixtures/check/rust (a dependency from a Cargo
//! manifest, passing and failing blocks) and rust-lib (`library-path`).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");

/// A copy of fixture book `name` in a temporary folder.
fn copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join(name);
    support::copy_tree(&Path::new(FIXTURES).join(name), &book);
    (dir, book)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    report: Value,
}

/// `docs-check BOOK ARGS` with the stable toolchain, and the JSON report
/// it wrote.
fn check(book: &Path, args: &[&str]) -> Run {
    check_with(book, args, "stable")
}

/// `docs-check BOOK ARGS` with rustup's `toolchain`.
fn check_with(book: &Path, args: &[&str], toolchain: &str) -> Run {
    let report = book.join("report.json");
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .env("GUIDEBOOK_NETWORK", "0")
        .env("RUSTUP_TOOLCHAIN", toolchain)
        .arg(book)
        .arg("--report")
        .arg(&report)
        .args(args)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&report).unwrap_or_else(|_| "{}".into());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: serde_json::from_str(&text).unwrap(),
    }
}

/// The report's block of `page` (its source path) at fence line `line`.
fn block<'r>(report: &'r Value, page: &str, line: u64) -> &'r Value {
    report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["source"] == page && b["line"] == line)
        .unwrap_or_else(|| panic!("no block {page}:{line} in {report:#}"))
}

fn status(report: &Value, page: &str, line: u64) -> String {
    let b = block(report, page, line);
    assert_eq!(b["kind"], "rust", "{b:#}");
    b["status"].as_str().unwrap().to_string()
}

fn message(report: &Value, page: &str, line: u64) -> String {
    block(report, page, line)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The page line a failed block names (its failing command's).
fn failure_line(report: &Value, page: &str, line: u64) -> u64 {
    block(report, page, line)["commands"][0]["line"]
        .as_u64()
        .unwrap()
}

#[test]
fn passing_blocks_pass_as_rustdoc_runs_them() {
    let (_dir, book) = copy("rust");
    let r = check(&book, &["pass.md"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let blocks = r.report["blocks"].as_array().unwrap();
    // 13 Rust blocks; the text block is not one.
    assert_eq!(blocks.len(), 13, "{:#}", r.report);
    for b in blocks {
        let line = b["line"].as_u64().unwrap();
        let want = if line == 70 { "skipped" } else { "passed" };
        assert_eq!(b["status"], want, "{b:#}");
    }
    // `ignore`: never compiled (its text is not Rust).
    assert!(
        block(&r.report, "pass.md", 70)["reason"]
            .as_str()
            .unwrap()
            .starts_with("ignore")
    );
    assert_eq!(last_line(&r.stdout), "12 passed, 0 failed, 1 skipped");
}

#[test]
fn failing_blocks_fail_at_their_line_with_the_compilers_words() {
    let (_dir, book) = copy("rust");
    let r = check(&book, &["fail.md"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let p = "fail.md";
    // A compile error on the line after a hidden one: hidden lines count.
    assert_eq!(status(&r.report, p, 3), "failed");
    assert_eq!(message(&r.report, p, 3), "error[E0308]: mismatched types");
    assert_eq!(failure_line(&r.report, p, 3), 5);
    let output = block(&r.report, p, 3)["commands"][0]["output"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(output.contains("fail.md:5:14"), "{output}");
    // A panic at run time, at the line of the assertion.
    assert_eq!(status(&r.report, p, 8), "failed");
    assert!(
        message(&r.report, p, 8)
            .contains("fail.md:10: assertion `left == right` failed: arithmetic"),
        "{}",
        message(&r.report, p, 8)
    );
    assert_eq!(failure_line(&r.report, p, 8), 10);
    assert_eq!(
        message(&r.report, p, 13),
        "it ran to its end, but it is marked should_panic"
    );
    assert_eq!(
        message(&r.report, p, 17),
        "it compiled, but it is marked compile_fail"
    );
    // Error codes are checked on nightly only, as rustdoc does.
    assert_eq!(status(&r.report, p, 21), "passed");
    // The book's edition is 2021: `async` is a keyword.
    assert_eq!(
        message(&r.report, p, 25),
        "error: expected identifier, found keyword `async`"
    );
    // `no_run` is compiled.
    assert_eq!(status(&r.report, p, 29), "failed");
    assert!(
        message(&r.report, p, 29).contains("literal out of range"),
        "{}",
        message(&r.report, p, 29)
    );
    // The block after them all, merged again with none of them, passes.
    assert_eq!(status(&r.report, p, 33), "passed");
    // should_panic takes any failure, as rustdoc does.
    assert_eq!(status(&r.report, p, 38), "passed");
    // An indented block: its line is its first line of code.
    assert_eq!(status(&r.report, p, 44), "failed");
    assert_eq!(failure_line(&r.report, p, 44), 44);
    assert_eq!(last_line(&r.stdout), "3 passed, 7 failed, 0 skipped");
    assert!(r.stdout.contains("FAILED "), "{}", r.stdout);
    assert!(r.stdout.contains("fail.md:5 (rust block)"), "{}", r.stdout);
}

#[test]
fn a_pages_plain_blocks_are_one_crate() {
    let (_dir, book) = copy("rust");
    let r = check(&book, &["pass.md", "--keep"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let kept = r
        .stderr
        .lines()
        .find_map(|l| l.split_once("kept sandbox of ").map(|(_, rest)| rest))
        .and_then(|l| l.split_once(": "))
        .map(|(_, p)| PathBuf::from(p))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    let dir = kept.join("tmp/guidebook-rust");
    let mut sources: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    sources.sort();
    std::fs::remove_dir_all(&kept).unwrap();
    // Merged: the seven plain blocks of 2021, should_panic among them.
    // Alone: the 2015 block (5), compile_fail (8), the no_run block (9, the
    // only one of its kind), test_harness (11) and the block with crate
    // attributes and `extern crate` (12).
    assert_eq!(
        sources,
        [
            "block-11.rs",
            "block-12.rs",
            "block-5.rs",
            "block-8.rs",
            "block-9.rs",
            "merged-1.rs"
        ],
        "{dir:?}"
    );
}

#[test]
fn without_check_rust_no_rust_block_runs() {
    let (_dir, book) = copy("rust");
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"Rust blocks\"\n").unwrap();
    let r = check(&book, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.report["blocks"].as_array().unwrap().len(),
        0,
        "{:#}",
        r.report
    );
}

#[test]
fn a_library_folder_is_passed_as_dash_l() {
    let (_dir, book) = copy("rust-lib");
    let rustc = Std::new("rustc")
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "rlib",
            "-o",
            "lib/libshout.rlib",
            "shout.rs",
        ])
        .current_dir(&book)
        .status()
        .unwrap();
    assert!(rustc.success());
    let r = check(&book, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(status(&r.report, "page.md", 3), "passed");
    // Given on the command line instead, relative to the current folder.
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"L\"\n[rust]\nedition = \"2021\"\n[check.rust]\nenable = true\n",
    )
    .unwrap();
    let lib = book.join("lib");
    let r = check(&book, &["-L", lib.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Without it, the crate is not found.
    std::fs::remove_file(book.join("lib/libshout.rlib")).unwrap();
    let r = check(&book, &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        message(&r.report, "page.md", 3),
        "error[E0463]: can't find crate for `shout`"
    );
}

#[test]
fn rust_blocks_get_badges_on_the_page() {
    let (_dir, book) = copy("rust");
    let r = check(&book, &["fail.md"]);
    assert_eq!(r.code, 1);
    let out = Command::cargo_bin("guidebook")
        .unwrap()
        .arg("build")
        .arg(&book)
        .arg("--checks")
        .arg(book.join("report.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(book.join("book/fail.html")).unwrap();
    assert_eq!(html.matches("check check-failed").count(), 7, "{html}");
    assert_eq!(html.matches("check check-passed").count(), 3, "{html}");
    assert!(html.contains("mismatched types"), "{html}");
}

fn last_line(s: &str) -> &str {
    s.trim_end().lines().last().unwrap_or("")
}

#[test]
fn a_manifest_that_does_not_build_is_an_error_at_its_line() {
    let (_dir, book) = copy("rust");
    std::fs::write(
        book.join("crate/greet/src/lib.rs"),
        "pub fn hello(name: &str) -> String { name }\n",
    )
    .unwrap();
    let r = check(&book, &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "book.toml:12: [check.rust] manifest = \"crate/Cargo.toml\": its dependencies did not build: error[E0308]: mismatched types"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn the_manifest_build_writes_nothing_into_the_book() {
    let (_dir, book) = copy("rust");
    let lock = book.join("crate/Cargo.lock");
    std::fs::remove_file(&lock).unwrap();
    let r = check(&book, &[]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("run `cargo generate-lockfile` beside the manifest"),
        "{}",
        r.stderr
    );
    assert!(!lock.exists(), "cargo wrote a Cargo.lock into the book");
}

/// The isolation docs-check uses here (`--list` says it on stderr).
fn isolation(book: &Path) -> String {
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(book)
        .arg("--list")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("isolation: "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_rust_block_runs_in_the_pages_jail() {
    let (_dir, book) = copy("rust-lib");
    let outside = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let target = outside.path().join("escaped.txt");
    std::fs::write(
        book.join("src/page.md"),
        format!(
            "# Jail\n\n```rust\nlet wrote = std::fs::write({:?}, \"x\").is_ok();\nprintln!(\"wrote: {{wrote}}\");\n```\n",
            target.display().to_string()
        ),
    )
    .unwrap();
    let r = check(&book, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(status(&r.report, "page.md", 3), "passed");
    if isolation(&book) == "bwrap" {
        assert!(!target.exists(), "a block wrote outside its sandbox");
    } else {
        assert!(std::env::var("CI").is_err(), "CI runs with bwrap");
        eprintln!("skipped the write check: no bwrap here");
    }
}

/// Is rustup's nightly toolchain installed?
fn have_nightly() -> bool {
    Std::new("rustc")
        .env("RUSTUP_TOOLCHAIN", "nightly")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("nightly"))
}

#[test]
fn compile_fail_error_codes_are_checked_on_nightly() {
    if !have_nightly() {
        assert!(std::env::var("CI").is_err(), "CI has rustup's nightly");
        eprintln!("skipped: no nightly toolchain");
        return;
    }
    let (_dir, book) = copy("rust");
    let r = check_with(&book, &["fail.md"], "nightly");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        message(&r.report, "fail.md", 21),
        "expected error code E0277 not found (rustc said: E0308)"
    );
    assert_eq!(status(&r.report, "fail.md", 33), "passed");
}
