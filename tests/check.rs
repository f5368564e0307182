//! End-to-end tests of `docs-check` on the fixture books in
//! tests/fixtures/check/. Each test copies its book to a temporary folder
//! (the checker writes its report there, and `--bless` edits pages).

mod support;
use support::Run;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");

/// A copy of fixture book `name` in a temporary folder; the book is `name/`
/// inside it.
struct Copy {
    dir: tempfile::TempDir,
    name: String,
}

impl Copy {
    fn new(name: &str) -> Copy {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(FIXTURES).join(name);
        support::copy_tree(&from, &dir.path().join(name));
        Copy {
            dir,
            name: name.into(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `docs-check <book> args...`, run from the copy's folder.
    fn check(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("docs-check").unwrap();
        cmd.current_dir(self.dir.path())
            .env("GUIDEBOOK_NETWORK", "0")
            .arg(&self.name)
            .args(args);
        cmd
    }
}

fn run(mut cmd: Command) -> Run {
    cmd.output().unwrap().into()
}

/// `guidebook ARGS` run in `dir`.
fn guidebook(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("guidebook").unwrap();
    cmd.current_dir(dir).args(args);
    run(cmd)
}

fn last_line(s: &str) -> &str {
    s.trim_end().lines().last().unwrap_or("")
}

#[test]
fn passing_book_passes_and_keeps_secrets_out() {
    let book = Copy::new("pass");
    let mut cmd = book.check(&[]);
    cmd.env("SECRET_TOKEN", "xyz");
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(last_line(&r.stdout), "8 passed, 0 failed, 1 skipped");
    assert!(
        r.stdout
            .contains("pass/src/scripts.md:18: shown for illustration only"),
        "{}",
        r.stdout
    );
    // The JSON report is written where book.toml's [check] report says.
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(book.path("pass/target/docs-check/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["totals"]["passed"], 8);
    assert_eq!(report["flakes"], serde_json::json!([]));
}

#[test]
fn leaked_secret_fails_the_env_block() {
    // The converse: a block that expects the variable fails, since it is
    // never passed on.
    let book = Copy::new("pass");
    std::fs::write(
        book.path("pass/src/scripts.md"),
        "# S\n\n```sh\ntest -n \"${SECRET_TOKEN:-}\"\n```\n",
    )
    .unwrap();
    let mut cmd = book.check(&["pass/src/scripts.md"]);
    cmd.env("SECRET_TOKEN", "xyz");
    let r = run(cmd);
    assert_eq!(r.code, 1, "a block must not see SECRET_TOKEN: {}", r.stdout);
}

#[test]
fn output_mismatch_shows_a_diff_at_the_command_line() {
    let book = Copy::new("fail");
    let r = run(book.check(&["--filter", "goodbye"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("FAILED fail/src/mismatch.md:6 (console block)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("    $ echo goodbye\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "    --- expected\n    +++ actual\n    @@ -1 +1 @@\n    -hello again\n    +goodbye\n"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(last_line(&r.stdout), "0 passed, 1 failed, 0 skipped");
}

#[test]
fn wrong_exit_codes_fail() {
    let book = Copy::new("fail");
    let r = run(book.check(&["fail/src/exit.md"]));
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("FAILED fail/src/exit.md:4 (sh block)\n  exit code 1, expected 0"),
        "{}",
        r.stdout
    );
    // set -e: the script stops at `false`.
    assert!(r.stdout.contains("    | before\n"), "{}", r.stdout);
    assert!(!r.stdout.contains("| never"), "{}", r.stdout);
    // exit= of a console block is the exit of its last command.
    assert!(
        r.stdout
            .contains("FAILED fail/src/exit.md:12 (console block)\n  exit code 5, expected 2"),
        "{}",
        r.stdout
    );
    assert_eq!(last_line(&r.stdout), "0 passed, 2 failed, 0 skipped");
}

fn marker_processes(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && String::from_utf8_lossy(&cmdline).contains(marker)
        {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}

#[test]
fn timeout_kills_the_process_group_with_grandchildren() {
    const MARKER: &str = "docs-check-hang-marker-5b1e";
    let book = Copy::new("hang");
    let started = Instant::now();
    let r = run(book.check(&[]));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("timed out after 1 s; its processes were killed"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("    | started\n"), "{}", r.stdout);
    // The page goes on in a fresh shell.
    assert_eq!(last_line(&r.stdout), "1 passed, 1 failed, 0 skipped");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(marker_processes(MARKER), Vec::<String>::new());
}

#[test]
fn huge_and_binary_output_with_bounded_memory() {
    let book = Copy::new("big");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("docs-check"));
    cmd.current_dir(book.dir.path())
        .env("GUIDEBOOK_NETWORK", "0")
        .arg(&book.name);
    let mut child = cmd.stdout(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    // wait4: the status and resource use of this one child (and what it
    // waited for), whatever other tests run meanwhile.
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    std::mem::forget(child); // already reaped
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{stdout}"
    );
    assert_eq!(last_line(&stdout), "3 passed, 0 failed, 0 skipped");
    // Peak RSS of docs-check: far below the 100 MB the block printed.
    let peak_kib = usage.ru_maxrss;
    assert!(peak_kib < 64 * 1024, "peak RSS {peak_kib} KiB");
}

#[test]
fn cwd_and_exports_carry_between_commands() {
    let book = Copy::new("pass");
    let r = run(book.check(&["--filter", "mkdir", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let cmds = report["blocks"][0]["commands"].as_array().unwrap();
    let lines: Vec<u64> = cmds.iter().map(|c| c["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [4, 5, 6, 7, 9]);
    assert!(cmds.iter().all(|c| c["status"] == "passed"));
}

#[test]
fn bless_rewrites_only_expected_lines() {
    let book = Copy::new("bless");
    let page = book.path("bless/src/bless.md");
    let before = std::fs::read_to_string(&page).unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("-old\n    +a\n    +b"), "{}", r.stdout);
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("blessed 3 command(s) in bless/src/bless.md"),
        "{}",
        r.stderr
    );
    let after = std::fs::read_to_string(&page).unwrap();
    let expected = before
        .replace("'\nold\n", "'\na\nb\n")
        .replace("stale [..] line\n...\n", "new\n")
        // A wildcard line that still matches stays as written.
        .replace("version [..]\n", "version [..]\nextra\n");
    assert_eq!(after, expected);
    let r = run(book.check(&[]));
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(last_line(&r.stdout), "2 passed, 0 failed, 0 skipped");
    // Nothing else was left in the folder.
    let names: Vec<_> = std::fs::read_dir(book.path("bless/src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn bless_keeps_crlf_line_endings() {
    let book = Copy::new("bless");
    let page = book.path("bless/src/bless.md");
    std::fs::write(
        &page,
        "# B\r\n\r\n```console\r\n$ echo new\r\nold\r\n```\r\n",
    )
    .unwrap();
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        "# B\r\n\r\n```console\r\n$ echo new\r\nnew\r\n```\r\n"
    );
}

#[test]
fn bless_keeps_a_byte_order_mark_and_lone_cr_line_endings() {
    // The page is read as an editor shows it (BOM dropped, lone CRs as line
    // ends); bless still changes only the expected lines of the file.
    for (before, after) in [
        (
            "\u{feff}# B\n\n```console\n$ echo new\nold\n```\n\nEnd\n",
            "\u{feff}# B\n\n```console\n$ echo new\nnew\n```\n\nEnd\n",
        ),
        (
            "# B\r\r```console\r$ echo new\rold\r```\rEnd\r",
            "# B\r\r```console\r$ echo new\rnew\r```\rEnd\r",
        ),
        (
            "\u{feff}# B\r\n\r\n```console\r\n$ echo new\r\nold\r\n```\r\n",
            "\u{feff}# B\r\n\r\n```console\r\n$ echo new\r\nnew\r\n```\r\n",
        ),
    ] {
        let book = Copy::new("bless");
        let page = book.path("bless/src/bless.md");
        std::fs::write(&page, before).unwrap();
        let r = run(book.check(&["--bless"]));
        assert_eq!(r.code, 0, "{before:?}: {}{}", r.stdout, r.stderr);
        assert_eq!(std::fs::read_to_string(&page).unwrap(), after);
        let again = run(book.check(&[]));
        assert_eq!(again.code, 0, "{after:?}: {}{}", again.stdout, again.stderr);
    }
}

#[test]
fn bad_annotations_are_bad_input_with_file_and_line() {
    let book = Copy::new("bad");
    let r = run(book.check(&[]));
    assert_eq!(r.code, 2);
    for want in [
        "bad/src/bad.md:3: unknown attribute `timout`; did you mean `timeout`?",
        "bad/src/bad.md:7: exit=x: expected an exit code from 0 to 255",
        "bad/src/bad.md:11: needs=dockr: unknown need `dockr`; did you mean `docker`?",
    ] {
        assert!(r.stderr.contains(want), "missing {want:?} in {}", r.stderr);
    }
}

#[test]
fn console_text_before_a_command_is_bad_input() {
    let book = Copy::new("fail");
    std::fs::write(
        book.path("fail/src/exit.md"),
        "# E\n\n```console\nhello\n$ true\n```\n",
    )
    .unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("fail/src/exit.md:4: console block: `hello` comes before the first command"),
        "{}",
        r.stderr
    );
}

#[test]
fn list_and_filter_select_blocks() {
    let book = Copy::new("fail");
    let r = run(book.check(&["--list"]));
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "fail/src/mismatch.md:3\tconsole\techo hello\n\
         fail/src/exit.md:3\tsh\techo before\n\
         fail/src/exit.md:9\tconsole\techo fine\n"
    );
    let r = run(book.check(&["--list", "--filter", "exit.md"]));
    assert_eq!(r.stdout.lines().count(), 2);
    let r = run(book.check(&["--list", "fail/src/mismatch.md"]));
    assert_eq!(r.stdout.lines().count(), 1);
    let r = run(book.check(&["fail/src/nope.md"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("fail/src/nope.md: not a page of the book"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_needs_skip_with_reason_and_fail_when_strict() {
    let book = Copy::new("needs");
    let mut cmd = book.check(&[]);
    cmd.env("PATH", "/usr/bin:/bin");
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("needs/src/needs.md:3: needs docker: `docker` is not on PATH"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("needs/src/needs.md:7: needs network: crates.io:443 is unreachable"),
        "{}",
        r.stdout
    );
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed, 2 skipped");

    let mut cmd = book.check(&["--strict"]);
    cmd.env("PATH", "/usr/bin:/bin");
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("needs docker: `docker` is not on PATH (--strict)"),
        "{}",
        r.stdout
    );
    assert_eq!(last_line(&r.stdout), "1 passed, 2 failed, 0 skipped");
}

#[test]
fn json_junit_and_github_formats() {
    let book = Copy::new("fail");
    let r = run(book.check(&["--format", "json"]));
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["totals"],
        serde_json::json!({"passed": 0, "failed": 3, "skipped": 0, "blocked": 0})
    );
    assert!(v["nixpkgs"].is_null());
    assert!(v["generated_at"].as_str().unwrap().ends_with('Z'));
    let b = &v["blocks"][0];
    for key in [
        "page",
        "line",
        "index",
        "lang",
        "kind",
        "status",
        "message",
        "commands",
        "duration_ms",
    ] {
        assert!(b.get(key).is_some(), "block has no {key}: {b}");
    }
    let c = &b["commands"][1];
    for key in [
        "line",
        "command",
        "exit_code",
        "expected_exit",
        "duration_ms",
        "status",
        "diff",
    ] {
        assert!(c.get(key).is_some(), "command has no {key}: {c}");
    }
    assert_eq!(c["line"], 6);

    let r = run(book.check(&["--format", "junit"]));
    assert!(r.stdout.starts_with("<?xml"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("<testsuites name=\"docs-check\" tests=\"3\" failures=\"3\" errors=\"0\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("<testsuite name=\"fail/src/exit.md\" tests=\"2\" skipped=\"0\" errors=\"0\" failures=\"2\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("<failure message=\"exit code 1, expected 0\" type=\"exit-code\">"),
        "{}",
        r.stdout
    );

    let r = run(book.check(&["--format", "github"]));
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=fail/src/mismatch.md,line=6,title=docs-check failed::output differs"
        ),
        "{first}"
    );
    assert!(first.contains("%0A-hello again%0A+goodbye"), "{first}");
    assert_eq!(last_line(&r.stdout), "0 passed, 3 failed, 0 skipped");
}

#[test]
fn report_flag_writes_elsewhere_and_usage_errors_exit_2() {
    let book = Copy::new("fail");
    let report = book.path("out/r.json");
    let r = run(book.check(&["--report", report.to_str().unwrap()]));
    assert_eq!(r.code, 1);
    assert!(report.is_file());
    let r = run(book.check(&["--format", "yaml"]));
    assert_eq!(r.code, 2);
}

#[test]
fn one_run_prints_annotations_and_writes_json_and_junit() {
    // What CI needs from one run: annotations on stdout (--format github),
    // the JSON report (--report) and a JUnit file (--junit), all of the
    // same results.
    let book = Copy::new("fail");
    let report = book.path("out/report.json");
    let junit = book.path("out/xml/junit.xml");
    let r = run(book.check(&[
        "--format",
        "github",
        "--report",
        report.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("::error file=fail/src/"),
        "{}",
        r.stdout
    );
    assert_eq!(last_line(&r.stdout), "0 passed, 3 failed, 0 skipped");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["totals"]["failed"], 3, "{json}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuites name=\"docs-check\" tests=\"3\" failures=\"3\" errors=\"0\""),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure message=").count(), 3, "{xml}");

    // One file for both is a usage error, and leaves no file behind.
    let same = book.path("same.out");
    let r = run(book.check(&[
        "--report",
        same.to_str().unwrap(),
        "--junit",
        same.to_str().unwrap(),
    ]));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("that is the JSON report's file (--report)"),
        "{}",
        r.stderr
    );
    assert!(!same.exists());
}

#[test]
fn keep_prints_the_sandbox() {
    let book = Copy::new("fail");
    let r = run(book.check(&["--keep", "--filter", "goodbye"]));
    let line = r
        .stderr
        .lines()
        .find(|l| l.starts_with("kept sandbox of fail/src/mismatch.md: "))
        .unwrap();
    let dir = PathBuf::from(line.rsplit(": ").next().unwrap());
    assert!(dir.is_dir());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn guidebook_check_is_the_same_command() {
    let book = Copy::new("fail");
    let mut cmd = Command::cargo_bin("guidebook").unwrap();
    cmd.current_dir(book.dir.path())
        .env("GUIDEBOOK_NETWORK", "0")
        .args(["check", "fail", "--filter", "hello"]);
    let r = run(cmd);
    assert_eq!(r.code, 1);
    assert_eq!(last_line(&r.stdout), "0 passed, 1 failed, 0 skipped");
}

#[test]
fn site_shows_the_report_beside_each_block() {
    let book = Copy::new("fail");
    let r = run(book.check(&["--report", "report.json"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let b = guidebook(
        &book.path(""),
        &["build", "fail", "-d", "site", "--checks", "report.json"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let html: String = walkdir::WalkDir::new(book.path("site"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "html") && !e.path().ends_with("status.html")
        })
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(
        html.contains("class=\"check check-failed\""),
        "no failed badge"
    );
    assert!(
        html.contains("class=\"check check-passed\"") || html.contains("commands verified"),
        "no passed badge"
    );
    let status = std::fs::read_to_string(book.path("site/status.html")).unwrap();
    assert!(status.contains("failed"), "status page lists no failure");

    // The report matches the book however each tool was pointed at it:
    // checked from the book's parent, built from inside the book.
    let b = guidebook(
        &book.path("fail"),
        &["build", ".", "-d", "../site2", "--checks", "../report.json"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let status = std::fs::read_to_string(book.path("site2/status.html")).unwrap();
    assert!(
        status.contains("check-failed"),
        "report not matched from another folder"
    );

    // A report about other pages is named in a warning.
    std::fs::write(
        book.path("other.json"),
        r#"{"generated_at": "2026-01-01T00:00:00Z", "blocks": [{"page": "x.md", "source": "x.md", "line": 1, "status": "passed"}]}"#,
    )
    .unwrap();
    let b = guidebook(
        &book.path(""),
        &["build", "fail", "-d", "site", "--checks", "other.json"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    assert!(
        b.stderr
            .contains("other.json: the report has none of this book's"),
        "{}",
        b.stderr
    );

    // A report that is not JSON is an error naming the file.
    std::fs::write(book.path("bad.json"), "not json").unwrap();
    let b = guidebook(
        &book.path(""),
        &["build", "fail", "-d", "site", "--checks", "bad.json"],
    );
    assert_ne!(b.code, 0);
    assert!(b.stderr.contains("bad.json"), "{}", b.stderr);
}

#[test]
fn interrupting_docs_check_stops_the_commands_of_the_book() {
    const MARKER: &str = "docs-check-sigint-marker-7c2d";
    let book = Copy::new("hang-sigint");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_docs-check"))
        .current_dir(book.path(""))
        .env("GUIDEBOOK_NETWORK", "0")
        .args(["hang-sigint", "-j", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the block's background command runs, then press Ctrl-C.
    let started = Instant::now();
    while marker_processes(MARKER).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the block never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("interrupted"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(marker_processes(MARKER), Vec::<String>::new());
}

#[test]
fn a_book_without_a_check_table_runs_only_marked_blocks() {
    let book = Copy::new("marked");
    let r = run(book.check(&[]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(last_line(&r.stdout), "1 passed, 0 failed, 0 skipped");
    assert!(
        r.stderr
            .contains("note: 2 command block(s) are not tests of this book"),
        "{}",
        r.stderr
    );
    // --list shows what could run, and why it does not.
    let r = run(book.check(&["--list"]));
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(lines[0].ends_with("\tsh\tfalse\t(not a test: this book checks only blocks marked `check` ([check] blocks = \"marked\", the default without a [check] table))"), "{}", r.stdout);
    assert!(
        lines[1].contains("\tconsole\trustc hello.rs\t(not a test"),
        "{}",
        r.stdout
    );
    assert!(lines[2].ends_with("\tconsole\techo marked"), "{}", r.stdout);
    assert!(
        lines[3].ends_with("(output only: shown, never run)"),
        "{}",
        r.stdout
    );

    // The same book checking every block: the unmarked ones run and fail;
    // the output-only block is still no error.
    std::fs::write(book.path("marked/book.toml"), "[check]\nblocks = \"all\"\n").unwrap();
    let r = run(book.check(&["--format", "json"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let blocks = report["blocks"].as_array().unwrap();
    let lines: Vec<(u64, &str)> = blocks
        .iter()
        .map(|b| (b["line"].as_u64().unwrap(), b["status"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(5, "failed"), (9, "failed"), (17, "passed")]);
}

#[test]
fn pattern_lines_shell_transcripts_trycmd_and_ignore() {
    let book = Copy::new("patterns");
    let r = run(book.check(&["--format", "json"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let blocks = report["blocks"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = blocks
        .iter()
        .map(|b| {
            (
                b["lang"].as_str().unwrap(),
                b["kind"].as_str().unwrap(),
                b["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("console", "console", "passed"),
            ("shell", "console", "passed"),
            ("trycmd", "console", "passed"),
            ("console", "console", "skipped"),
            ("console", "console", "skipped"),
            ("console", "console", "passed"),
        ]
    );
    assert_eq!(blocks[3]["reason"], "marked `ignore`");
    // The shell transcript ran command by command.
    assert_eq!(blocks[1]["commands"].as_array().unwrap().len(), 2);
}

#[test]
fn a_pattern_that_does_not_compile_is_an_error_at_its_line() {
    let book = Copy::new("patterns");
    std::fs::write(
        book.path("patterns/src/patterns.md"),
        "# P\n\n```console\n$ echo a\nfine\na(b (re)\n```\n",
    )
    .unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "patterns/src/patterns.md:6: console block: `a(b` (re): not a regular expression"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn bless_keeps_every_pattern_line_that_still_matches() {
    let book = Copy::new("patterns");
    let page = book.path("patterns/src/patterns.md");
    let before = "# P\n\n```console\n$ printf 'v1.2\\n/a/b/c\\n\\abell\\nb\\na\\nnew\\n...\\n[..]\\n'\nv\\d+\\.\\d+ (re)\n/a/*/c (glob)\n\\x07bell (esc)\n(unordered)\na\nb\n(end)\nold\n```\n";
    std::fs::write(&page, before).unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let after = std::fs::read_to_string(&page).unwrap();
    // Each pattern kept as written; the changed line rewritten, and new
    // lines that would read as patterns written escaped.
    assert_eq!(
        after,
        before.replace("(end)\nold\n", "(end)\nnew\n... (esc)\n[..] (esc)\n")
    );
    let r = run(book.check(&[]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_command_without_expected_lines_must_print_nothing() {
    let book = Copy::new("patterns");
    let page = book.path("patterns/src/patterns.md");
    // A blank line of output is no output; `hi` is output.
    std::fs::write(&page, "# P\n\n```console\n$ echo\n$ echo hi\n```\n").unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("+hi"), "{}", r.stdout);
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        "# P\n\n```console\n$ echo\n$ echo hi\nhi\n```\n"
    );
    // What bless wrote is still compared.
    std::fs::write(&page, "# P\n\n```console\n$ echo\n$ echo bye\nhi\n```\n").unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 1, "{}", r.stdout);
}

#[test]
fn trycmd_status_lines_continuations_and_redactions() {
    let book = Copy::new("trycmd");
    let r = run(book.check(&["--format", "json"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // `? skipped` is not run: five commands of six ran.
    let cmds = report["blocks"][0]["commands"].as_array().unwrap();
    assert_eq!(cmds.len(), 5, "{}", r.stdout);
    // trycmd's documented examples: the transcript, the status line, the
    // output-only block (not reported), the ignored block (skipped).
    let docs: Vec<(u64, &str)> = report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["page"].as_str().unwrap().ends_with("docs.md"))
        .map(|b| (b["line"].as_u64().unwrap(), b["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        docs,
        [
            (5, "passed"),
            (11, "passed"),
            (19, "passed"),
            (33, "skipped")
        ]
    );

    // Each status is held to: wrong ones fail, with the status named.
    let page = book.path("trycmd/src/trycmd.md");
    std::fs::write(
        &page,
        "# T\n\n```console\n$ true\n? failed\n```\n\n```console\n$ false\n? success\n```\n\n```console\n$ sh -c 'exit 3'\n? interrupted\n```\n\n```console\n$ echo x\n? maybe\n```\n",
    )
    .unwrap();
    let r = run(book.check(&["trycmd/src/trycmd.md"]));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("trycmd.md:20: console block: `? maybe`: a status line is"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&page)
        .unwrap()
        .replace("? maybe\n", "x\n");
    std::fs::write(&page, text).unwrap();
    let r = run(book.check(&["trycmd/src/trycmd.md"]));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(last_line(&r.stdout), "1 passed, 3 failed, 0 skipped");
    assert!(
        r.stdout
            .contains("exit code 0, expected a failure (`? failed`)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("exit code 3, expected a signal (`? interrupted`)"),
        "{}",
        r.stdout
    );
}

#[test]
fn bless_writes_placeholders_never_sandbox_paths() {
    let book = Copy::new("trycmd");
    let page = book.path("trycmd/src/trycmd.md");
    std::fs::write(
        &page,
        "# T\n\n```console\n$ pwd\nold\n$ echo \"id 0123456789abcdef0123456789abcdef01234567\"\nold\n$ mkdir d && cd d\n$ pwd\nold\n$ echo \"$PWD/x\"\n[CWD]/old\n```\n",
    )
    .unwrap();
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // `[CWD]` where the old lines named it, else `[ROOT]`.
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        "# T\n\n```console\n$ pwd\n[ROOT]\n$ echo \"id 0123456789abcdef0123456789abcdef01234567\"\nid [HASH]\n$ mkdir d && cd d\n$ pwd\n[ROOT]/d\n$ echo \"$PWD/x\"\n[CWD]/x\n```\n"
    );
    let r = run(book.check(&[]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_redaction_that_is_not_a_pattern_is_an_error_at_its_line() {
    let book = Copy::new("trycmd");
    std::fs::write(
        book.path("trycmd/book.toml"),
        "[check.redactions]\n\"[OK]\" = \"x\"\n\"[BAD]\" = \"a(\"\nlower = \"y\"\n",
    )
    .unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("book.toml:3: [check.redactions] `[BAD]` = `a(`: not a regular expression"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("book.toml:4: [check.redactions] `lower`: a placeholder is"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_eol_is_checked_and_blessed() {
    let book = Copy::new("patterns");
    let page = book.path("patterns/src/patterns.md");
    std::fs::write(
        &page,
        "# P\n\n```console\n$ printf 'a\\nb'\na\nb (no-eol)\n$ printf 'c\\n'\nc (no-eol)\n$ printf d\nold\n```\n",
    )
    .unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("its last expected line says (no-eol)"),
        "{}",
        r.stdout
    );
    let r = run(book.check(&["--bless"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        "# P\n\n```console\n$ printf 'a\\nb'\na\nb (no-eol)\n$ printf 'c\\n'\nc\n$ printf d\nd (no-eol)\n```\n"
    );
    let r = run(book.check(&[]));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_background_block_of_dollar_lines_is_an_error() {
    let book = Copy::new("patterns");
    std::fs::write(
        book.path("patterns/src/patterns.md"),
        "# P\n\n```sh background\n$ sleep 5\n```\n",
    )
    .unwrap();
    let r = run(book.check(&[]));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("patterns/src/patterns.md:3: a `sh background` block is a script, but its first line is a `$ ` command"),
        "{}",
        r.stderr
    );
}
