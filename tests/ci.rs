//! docs-check in CI: JUnit XML that validates against Jenkins' schema,
//! `--partition K/N` across a matrix and `docs-check merge` of the jobs'
//! reports, and `background` blocks (a server the next blocks talk to,
//! ended with its page).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");
const CI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ci");
const XSD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/report/junit-10.xsd"
);
const BIN: &str = env!("CARGO_BIN_EXE_docs-check");

/// A copy of fixture book `from/name` in a temporary folder, as `name/`.
struct Book {
    dir: tempfile::TempDir,
    name: String,
}

impl Book {
    fn new(from: &str, name: &str) -> Book {
        let dir = tempfile::tempdir().unwrap();
        support::copy_tree(&Path::new(from).join(name), &dir.path().join(name));
        Book {
            dir,
            name: name.into(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `docs-check <book> args...`.
    fn command(&self, args: &[&str]) -> Command {
        support::docs_check_in(self.dir.path(), &self.name, args)
    }

    fn run(&self, args: &[&str]) -> support::Run {
        out(self.command(args))
    }
}

/// `docs-check merge args...` in `dir`.
fn merge(dir: &Path, args: &[&str]) -> support::Run {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir).arg("merge").args(args);
    out(cmd)
}

fn out(mut cmd: Command) -> support::Run {
    cmd.output().unwrap().into()
}

fn json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// (page, line) of every block of a report.
fn blocks(report: &serde_json::Value) -> Vec<(String, u64)> {
    let mut b: Vec<(String, u64)> = report["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["page"].as_str().unwrap().to_string(),
                b["line"].as_u64().unwrap(),
            )
        })
        .collect();
    b.sort();
    b
}

/// Is xmllint there? Without it: print why and return false, or panic in CI.
fn have_xmllint() -> bool {
    let ok = Command::new("xmllint")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let why =
            "xmllint (Debian: libxml2-utils) is not installed: the JUnit schema test needs it";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
    }
    ok
}

/// `xmllint --schema` of `xml`: (valid, what it said).
fn validate(xml: &Path) -> (bool, String) {
    let o = Command::new("xmllint")
        .args(["--noout", "--schema", XSD])
        .arg(xml)
        .output()
        .unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

// JUnit.

#[test]
fn junit_validates_against_the_jenkins_schema() {
    if !have_xmllint() {
        return;
    }
    // Failures (exit code, output), skips (a missing need) and passes.
    for name in ["fail", "needs", "pass"] {
        let book = Book::new(CHECK, name);
        let r = book.run(&["--junit", "out/junit.xml"]);
        assert!(
            r.code == 0 || r.code == 1,
            "{name}: {}{}",
            r.stdout,
            r.stderr
        );
        let xml = book.path("out/junit.xml");
        let (valid, said) = validate(&xml);
        assert!(valid, "{name}: {said}");
        let text = std::fs::read_to_string(&xml).unwrap();
        assert!(text.contains("errors=\"0\""), "{text}");
        if name == "fail" {
            assert!(text.contains("type=\"exit-code\""), "{text}");
            assert!(text.contains("type=\"output\""), "{text}");
        }
    }
    let book = Book::new(CHECK, "needs");
    let r = book.run(&["--format", "junit"]);
    let printed = book.path("printed.xml");
    std::fs::write(&printed, &r.stdout).unwrap();
    let (valid, said) = validate(&printed);
    assert!(valid, "{said}\n{}", r.stdout);
    assert!(r.stdout.contains("<skipped message="), "{}", r.stdout);
}

// --partition and merge.

#[test]
fn partitions_cover_every_page_once_and_merge_to_the_whole_run() {
    let book = Book::new(CI, "matrix");
    let whole = book.run(&["--report", "whole.json"]);
    assert_eq!(whole.code, 1, "{}{}", whole.stdout, whole.stderr);
    let whole = json(&book.path("whole.json"));
    assert_eq!(whole["totals"]["failed"], 1, "{whole}");
    assert_eq!(whole["book"], "Matrix book");
    for scheme in ["", "hash:"] {
        let mut parts = Vec::new();
        for k in 1..=2 {
            let file = format!("part-{k}.json");
            let partition = format!("{scheme}{k}/2");
            let r = book.run(&["--partition", &partition, "--report", &file]);
            assert!(r.code == 0 || r.code == 1, "{}{}", r.stdout, r.stderr);
            let report = json(&book.path(&file));
            let expected = format!("{}{k}/2", if scheme.is_empty() { "count:" } else { scheme });
            let recorded = &report["partition"];
            assert_eq!(
                format!(
                    "{}:{}/{}",
                    recorded["scheme"].as_str().unwrap(),
                    recorded["index"],
                    recorded["count"]
                ),
                expected,
                "{report}"
            );
            parts.push(report);
        }
        // Each page in exactly one job: together, the whole run's blocks.
        let (a, b) = (blocks(&parts[0]), blocks(&parts[1]));
        assert!(!a.is_empty() && !b.is_empty(), "{scheme}: {a:?} {b:?}");
        assert!(a.iter().all(|x| !b.contains(x)), "{scheme}: {a:?} {b:?}");
        let mut both = [a, b].concat();
        both.sort();
        assert_eq!(both, blocks(&whole), "{scheme}");

        let m = merge(
            book.dir.path(),
            &[
                "part-2.json",
                "part-1.json",
                "--report",
                "merged.json",
                "--junit",
                "merged.xml",
            ],
        );
        assert_eq!(m.code, 0, "{}{}", m.stdout, m.stderr);
        assert!(
            m.stdout.ends_with("9 passed, 1 failed, 1 skipped\n"),
            "{}",
            m.stdout
        );
        let merged = json(&book.path("merged.json"));
        assert_eq!(merged["totals"], whole["totals"], "{scheme}");
        assert_eq!(blocks(&merged), blocks(&whole), "{scheme}");
        assert_eq!(merged["merged"].as_array().unwrap().len(), 2);
        assert!(merged.get("partition").is_none(), "{merged}");
        if have_xmllint() {
            let (valid, said) = validate(&book.path("merged.xml"));
            assert!(valid, "{said}");
        }
    }

    // One job's report twice, a job missing, a report of another book.
    let m = merge(book.dir.path(), &["part-1.json", "part-1.json"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr.contains("partition hash:1/2 is also part-1.json"),
        "{}",
        m.stderr
    );
    let m = merge(book.dir.path(), &["part-1.json"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr.contains("error: partition 2/2 missing"),
        "{}",
        m.stderr
    );
    let m = merge(book.dir.path(), &["whole.json", "part-1.json"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr.contains("is also in whole.json") || m.stderr.contains("not a --partition run"),
        "{}",
        m.stderr
    );
    let other = Book::new(CHECK, "pass");
    let r = other.run(&["--report", "pass.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    std::fs::copy(other.path("pass.json"), book.path("pass.json")).unwrap();
    let m = merge(book.dir.path(), &["whole.json", "pass.json"]);
    assert_eq!(m.code, 2);
    assert!(
        m.stderr.contains("pass.json: the report of another book"),
        "{}",
        m.stderr
    );
    assert!(!book.path("target/docs-check/report.json").exists());
}

#[test]
fn bad_partitions_are_usage_errors() {
    let book = Book::new(CI, "matrix");
    for bad in ["0/2", "3/2", "2", "slice:1/2"] {
        let r = book.run(&["--partition", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("invalid value '{bad}' for '--partition <K/N>'")),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("expected K/N, count:K/N or hash:K/N"),
            "{}",
            r.stderr
        );
    }
}

// Background blocks.

/// Can the jail run here? (`support::have_jail`)
fn have_jail() -> bool {
    support::have_jail("skipping the bwrap run of the background tests")
}

/// The isolation mechanisms to test here: the fallback always, bwrap when
/// it works.
fn mechanisms() -> Vec<&'static str> {
    let mut m = vec!["fallback"];
    if have_jail() {
        m.push("bwrap");
    }
    m
}

/// Pids of the live processes whose command line contains `marker`.
fn processes(marker: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let zombie = std::fs::read_to_string(entry.path().join("stat"))
            .is_ok_and(|s| s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')));
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && !zombie
            && String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .contains(marker)
        {
            found.push(pid);
        }
    }
    found
}

/// Wait until a process with `marker` runs, up to 20 s.
fn wait_for(marker: &str) {
    let started = std::time::Instant::now();
    while processes(marker).is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{marker} never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// No process with `marker` is left, within 3 s of the run's end.
fn assert_gone(marker: &str, mode: &str) {
    let started = std::time::Instant::now();
    while !processes(marker).is_empty() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{mode}: {marker} {:?} outlived its page",
            processes(marker)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_background_server_outlives_failing_blocks_and_ends_with_its_page() {
    for mode in mechanisms() {
        let book = Book::new(CI, "background");
        let mut cmd = book.command(&[]);
        cmd.env("GUIDEBOOK_ISOLATION", mode).stdout(Stdio::piped());
        if mode == "bwrap" {
            cmd.env_remove("GUIDEBOOK_ISOLATION");
        }
        let child = cmd.spawn().unwrap();
        wait_for("sleep 996.1");
        let o = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(1), "{mode}: {stdout}");
        // The server answered after a failing script ended its shell and
        // after a block timed out; the page's deliberate failure and the
        // crashing server are the failures.
        assert!(
            stdout.ends_with("6 passed, 3 failed, 0 skipped\n"),
            "{mode}: {stdout}"
        );
        let report = json(&book.path("background/target/docs-check/report.json"));
        assert_eq!(report["isolation"], mode);
        let failed: Vec<&serde_json::Value> = report["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["status"] == "failed")
            .collect();
        let at = |page: &str, line: u64| {
            failed
                .iter()
                .find(|b| b["page"].as_str().unwrap().ends_with(page) && b["line"] == line)
                .unwrap_or_else(|| panic!("{mode}: no failure at {page}:{line}: {report}"))
        };
        // A later failure shows what the server printed, still running.
        let bg = &at("server.md", 53)["background"][0];
        assert_eq!(bg["line"], 12, "{mode}: {bg}");
        assert!(bg["exit_code"].is_null(), "{mode}: {bg}");
        assert_eq!(
            bg["output"], "serving from srv with hello\n",
            "{mode}: {bg}"
        );
        assert!(
            stdout.contains("background/src/server.md:12: background block (still running), its output:\n      | serving from srv with hello\n"),
            "{mode}: {stdout}"
        );
        // One that ended by itself with a failure fails, with its output.
        let crash = at("crash.md", 3);
        assert_eq!(
            crash["message"],
            "the background block ended with exit code 3 before the end of its page"
        );
        assert_eq!(crash["background"][0]["exit_code"], 3);
        assert_eq!(
            crash["background"][0]["output"],
            "starting\nno config found\n"
        );
        // setsid and `env -i setsid -f` (neither the page's session nor its
        // environment) included.
        for marker in [
            "sleep 996.1",
            "sleep 996.2",
            "sleep 996.3",
            "sleep 996.4",
            "sleep 996.7",
            "read -r line",
        ] {
            assert_gone(marker, mode);
        }
    }
}

#[test]
fn stopping_docs_check_ends_the_background_processes() {
    for mode in mechanisms() {
        let book = Book::new(CI, "background-linger");
        let mut cmd = book.command(&[]);
        cmd.env("GUIDEBOOK_ISOLATION", mode).stdout(Stdio::null());
        if mode == "bwrap" {
            cmd.env_remove("GUIDEBOOK_ISOLATION");
        }
        let child = cmd.spawn().unwrap();
        wait_for("sleep 996.5");
        wait_for("sleep 996.6");
        wait_for("sleep 996.8");
        wait_for("sleep 30");
        // SAFETY: SIGINT to the docs-check this test started.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGINT);
        }
        let o = child.wait_with_output().unwrap();
        assert_ne!(o.status.code(), Some(0), "{mode}");
        for marker in ["sleep 996.5", "sleep 996.6", "sleep 996.8"] {
            assert_gone(marker, mode);
        }
    }
}
