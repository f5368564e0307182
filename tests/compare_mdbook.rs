//! benches/compare-mdbook.sh, run on fixture books that guidebook and
//! mdBook render alike: every page agrees on every measure. Runs when
//! mdBook is found (see `support::mdbook`); mdBook is no prerequisite of
//! the tests, so without it the test says why and passes.

mod support;

use std::path::Path;
use std::process::Command;

#[test]
fn compare_script_finds_fixture_books_alike() {
    let Some(mdbook) = support::mdbook() else {
        eprintln!("skipped: no mdBook (set MDBOOK or put mdbook on PATH)");
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(repo.join("benches/compare-mdbook.sh"))
        .arg(repo.join("tests/fixtures/books/smart-punctuation"))
        .arg(repo.join("tests/fixtures/books/preprocessors"))
        .env("GUIDEBOOK", env!("CARGO_BIN_EXE_guidebook"))
        .env("MDBOOK", &mdbook)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    for line in [
        "smart-punctuation: pages 2 common of 2 mdBook, 2 guidebook; agree: headings 2/2 blocks 2/2 lines 2/2 words 2/2",
        "preprocessors: pages 3 common of 3 mdBook, 3 guidebook; agree: headings 3/3 blocks 3/3 lines 3/3 words 3/3",
        "books: 2; not built by guidebook: 0; not built by mdBook: 0",
    ] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}{stderr}");
    }
}
