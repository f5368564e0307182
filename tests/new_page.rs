//! `guidebook new`: a contributor's new edge-case page, built and checked
//! like the rest of the guide.

mod support;

use assert_cmd::Command;
use std::path::Path;

fn copy_guide(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("book.toml"), to.join("book.toml")).unwrap();
    support::copy_tree(&root.join("content"), &to.join("content"));
}

#[test]
fn new_page_is_listed_built_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    copy_guide(dir.path());
    let before = std::fs::read_to_string(dir.path().join("content/SUMMARY.md")).unwrap();

    let out = Command::cargo_bin("guidebook")
        .unwrap()
        .args(["new", "Shared target directories in monorepos", "--book"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir
        .path()
        .join("content/edge-cases/shared-target-directories-in-monorepos.md");
    assert!(page.is_file());

    // SUMMARY.md gained exactly one line, under the edge cases.
    let after = std::fs::read_to_string(dir.path().join("content/SUMMARY.md")).unwrap();
    let added: Vec<_> = after
        .lines()
        .filter(|l| !before.lines().any(|b| b == *l))
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(
        added[0]
            .trim_start()
            .starts_with("- [Shared target directories in monorepos](edge-cases/")
    );
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    let edge = after.find("edge-cases/index.md").unwrap();
    let faq = after.find("faq.md").unwrap();
    let at = after
        .find("shared-target-directories-in-monorepos.md")
        .unwrap();
    assert!(edge < at && at < faq);

    // The site builds with it, and its example blocks pass docs-check.
    Command::cargo_bin("guidebook")
        .unwrap()
        .arg("build")
        .arg(dir.path())
        .assert()
        .success();
    assert!(
        dir.path()
            .join("book/edge-cases/shared-target-directories-in-monorepos.html")
            .is_file()
    );
    let check = Command::cargo_bin("docs-check")
        .unwrap()
        .arg(dir.path())
        .arg(&page)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");
}
