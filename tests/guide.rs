//! Pages of the bundled guide whose blocks need more than the Nix stand-ins
//! (tests/nix.rs runs the whole guide with those): here the blocks marked
//! `needs=guidebook` run with this build's `guidebook` on PATH.

mod support;

use std::path::Path;
use std::process::Command;

use assert_cmd::prelude::*;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn guidebook_new_on_the_edge_cases_page_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(ROOT).join("book.toml"),
        dir.path().join("book.toml"),
    )
    .unwrap();
    support::copy_tree(
        &Path::new(ROOT).join("content"),
        &dir.path().join("content"),
    );
    let guidebook = assert_cmd::cargo::cargo_bin("guidebook");
    let bin_dir = guidebook.parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .args([".", "content/edge-cases/index.md", "--strict"])
        .env("PATH", path)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("0 failed, 0 skipped"), "{text}");
    // The page's `guidebook new` wrote into the page's sandbox, not the copy
    // of the book.
    assert!(
        !dir.path()
            .join("content/edge-cases/rust-analyzer-uses-another-toolchain.md")
            .exists()
    );
}
