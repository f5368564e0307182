//! Helpers shared by the whole-binary tests (`mod support;` in each; a
//! test file uses some of them).
#![allow(dead_code)]

use std::path::Path;

/// Copy the folder `from` with everything in it to `to` (created).
pub fn copy_tree(from: &Path, to: &Path) {
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

/// The Nix settings of the tests (tests/fixtures/nix/README.md): offline,
/// the fixtures' empty flake registry, builds as the calling user.
pub fn nix_config() -> String {
    format!(
        "extra-experimental-features = nix-command flakes\nsubstituters =\ndownload-attempts = 1\nflake-registry = {}/tests/fixtures/nix/registry.json\nsandbox = false\nbuild-users-group =",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The mdBook binary to compare with: `mdbook` on PATH, else the
/// workplace's `../tools/bin/mdbook` beside this repository. mdBook is no
/// prerequisite of the tests (CI included): without it, those tests say
/// so and pass.
pub fn mdbook() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("mdbook"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/bin/mdbook");
        p.is_file().then_some(p)
    })
}
