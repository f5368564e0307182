//! docs-check in CI: JUnit XML that validates against Jenkins' schema,
//! `--partition K/N` across a matrix and `docs-check merge` of the jobs'
//! reports, and `background` blocks (a server the next blocks talk to,
//! ended with its page).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");
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
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.dir.path())
            .env("GUIDEBOOK_NETWORK", "0")
            .env_remove("GUIDEBOOK_ISOLATION")
            .arg(&self.name)
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    fn run(&self, args: &[&str]) -> Out {
        out(self.command(args))
    }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn out(mut cmd: Command) -> Out {
    let o = cmd.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
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
