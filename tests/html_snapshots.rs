//! Snapshots of the HTML of rendered page content.

use std::path::Path;

use guidebook::markdown::Page;
use guidebook::render::html::render;

fn html(source: &str) -> String {
    let page = Page::parse(
        Path::new("content/page.md"),
        Path::new("page.md"),
        source.to_string(),
    )
    .unwrap();
    render(&page)
}

#[test]
fn headings_alerts_and_console() {
    insta::assert_snapshot!(html(
        r#"# Fixing a lockfile

## Why it breaks {#why}

> [!NOTE]
> The lockfile pins `nixpkgs`.

> [!WARNING]
> Do not edit `flake.lock` by hand.

### Steps

```console
$ nix flake update \
    nixpkgs
• Updated input 'nixpkgs':
$ git diff --stat
 flake.lock | 6 +++---
```

See the [FAQ](faq.md#lockfiles) and [the start](README.md).
"#
    ));
}

#[test]
fn hidden_and_plain_blocks() {
    insta::assert_snapshot!(html(
        "Setup runs first:\n\n```sh hidden\nexport SECRET=1\n```\n\n```text\n<not> highlighted & escaped\n```\n\n    indented code\n"
    ));
}

#[test]
fn mdbook_and_rustdoc_info_strings() {
    insta::assert_snapshot!(html(
        "```rust, ignore\nlet a = 1;\n```\n\n```rust ,ignore\nlet b = 2;\n```\n\n```toml,file=Cargo.toml\n[package]\n```\n\n```sh,hidden\necho setup\n```\n"
    ));
}

#[test]
fn hidden_lines_of_rust_blocks() {
    insta::assert_snapshot!(html(
        "```rust\n# use std::fmt;\n# fn main() {\nlet s = \"a\n# b\";\n## shown with one #\n# }\n```\n\n```python hidelines=~\n~import os\nprint(os.sep)\n```\n"
    ));
}

/// The book `tests/fixtures/books/NAME` built into a temporary folder.
fn built(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("site");
    let book = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/books")
        .join(name);
    guidebook::render::build(&guidebook::options::BuildOptions {
        book_dir: book,
        dest_dir: Some(dest.clone()),
        strict: Some(false),
        ..Default::default()
    })
    .unwrap();
    (dir, dest)
}

/// The part of `html` from the line holding `start` to the line holding `end`.
fn between(html: &str, start: &str, end: &str) -> String {
    let from = html[..html.find(start).unwrap()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let to = from + html[from..].find(end).unwrap() + end.len();
    html[from..to].to_string()
}

#[test]
fn print_page_content() {
    let (_dir, site) = built("mdbook-html");
    let print = std::fs::read_to_string(site.join("print.html")).unwrap();
    insta::assert_snapshot!(between(&print, "<article class=\"content\">", "</article>"));
}

#[test]
fn redirect_page() {
    let (_dir, site) = built("mdbook-html");
    insta::assert_snapshot!(std::fs::read_to_string(site.join("old/start.html")).unwrap());
}

#[test]
fn folded_sidebar() {
    let (_dir, site) = built("mdbook-html");
    // Off the guide's path, its sections are folded (level 0).
    let page = std::fs::read_to_string(site.join("intro.html")).unwrap();
    insta::assert_snapshot!(between(&page, "<ol class=\"nav-list\">", "</nav>"));
}
