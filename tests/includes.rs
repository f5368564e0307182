//! mdBook's `{{#include}}` family and hidden lines, end to end: the
//! fixture books `includes`, `include-errors` and `include-bad-block`
//! under tests/fixtures/books/, built and checked.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/books")
        .join(name)
}

/// `BIN ARGS` run in `dir`: (exit code, stdout, stderr).
fn run(bin: &str, dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin(bin)
        .unwrap()
        .current_dir(dir)
        .env("GUIDEBOOK_NETWORK", "0")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A copy of fixture `name` in a temporary folder, built into `site/`.
fn built(name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(&fixture(name), &dir.path().join(name));
    let (code, _, stderr) = run("guidebook", dir.path(), &["build", name, "-d", "site"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    (dir, stderr)
}

fn page(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("site").join(name)).unwrap()
}

/// The text of `html` without its tags, entities of `<`, `>`, `&` and `"`
/// read back: what the reader sees.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The `<code>` contents of a page's code blocks, as text.
fn code_blocks(html: &str) -> Vec<String> {
    html.split("<pre><code")
        .skip(1)
        .map(|rest| {
            let body = &rest[rest.find('>').unwrap() + 1..rest.find("</code></pre>").unwrap()];
            text_of(body)
        })
        .collect()
}

/// The `<code>` contents without the hidden (`boring`) lines.
fn visible_blocks(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in html.split("<pre><code").skip(1) {
        let body = &block[block.find('>').unwrap() + 1..block.find("</code></pre>").unwrap()];
        let mut shown = String::new();
        let mut rest = body;
        while let Some(i) = rest.find("<span class=\"boring\">") {
            shown.push_str(&rest[..i]);
            let after = &rest[i..];
            rest = &after[after.find("\n</span>").unwrap() + "\n</span>".len()..];
        }
        shown.push_str(rest);
        out.push(text_of(&shown));
    }
    out
}

#[test]
fn ranges_anchors_escapes_and_title() {
    let (dir, _) = built("includes");
    let html = page(dir.path(), "ranges.html");
    assert!(
        html.contains("<title>Line ranges and anchors · Includes</title>"),
        "{html}"
    );
    let main = "fn main() {\n    println!(\"hello\");\n}\n";
    assert_eq!(
        code_blocks(&html),
        [
            main.to_string(),
            main.to_string(),
            format!("use std::fmt;\n\n{main}"),
            "// ANCHOR: all\nuse std::fmt;\n".to_string(),
            "    println!(\"hello\");\n}\n// ANCHOR_END: main\n// ANCHOR_END: all\n".to_string(),
            "    println!(\"hello\");\n".to_string(),
        ]
    );
    assert!(
        html.contains("Written as is: {{#include listings/main.rs}}</p>"),
        "{html}"
    );
    // The navigation keeps SUMMARY.md's title.
    assert!(
        html.contains("<span class=\"nav-title\">Ranges</span>"),
        "{html}"
    );
}

#[test]
fn nested_includes_keep_the_list_they_are_in() {
    let (dir, _) = built("includes");
    let html = page(dir.path(), "nested/page.html");
    assert!(
        html.contains("Included from <code>part.md</code>"),
        "{html}"
    );
    assert_eq!(
        code_blocks(&html),
        ["fn main() {\n    println!(\"hello\");\n}\n"]
    );
    // The block is inside the list item, as the included lines were indented.
    let start = html.find("<li>In a list:").unwrap();
    let item = &html[start..start + html[start..].find("</li>").unwrap()];
    assert!(item.contains("language-rust"), "{item}");
}

#[test]
fn rustdoc_include_and_playground_hide_lines() {
    let (dir, _) = built("includes");
    let html = page(dir.path(), "rustdoc.html");
    let main = "fn main() {\n    println!(\"hello\");\n}\n";
    assert_eq!(visible_blocks(&html), [main, "    println!(\"hello\");\n"]);
    assert_eq!(code_blocks(&html)[0], format!("use std::fmt;\n\n{main}"));
    let html = page(dir.path(), "playground.html");
    assert!(html.contains("class=\"language-rust\""), "{html}");
    assert_eq!(
        visible_blocks(&html),
        ["fn main() {\n    println!(\"Hello World!\");\n}\n"]
    );
    assert!(code_blocks(&html)[0].contains("I am hidden!"), "{html}");
}

#[test]
fn hidden_lines_of_rust_and_of_a_hidelines_prefix() {
    let (dir, _) = built("includes");
    let html = page(dir.path(), "hidden.html");
    assert_eq!(
        visible_blocks(&html),
        [
            "let answer = 42;\n# not hidden, one #\n",
            "print(os.sep)\n",
            "~print(sys.argv)\n",
            "# no language: shown as written\n",
        ]
    );
    assert_eq!(
        code_blocks(&html)[0],
        "use std::secretmodule;\nfn main() {\nlet answer = 42;\n# not hidden, one #\n}\n"
    );
    // The search index has the shown lines only.
    let index = std::fs::read_to_string(dir.path().join("site/searchindex.js")).unwrap();
    assert!(index.contains("answer"), "search index lacks shown words");
    assert!(!index.contains("secretmodule"), "hidden words indexed");
}

#[test]
fn the_checker_sees_included_blocks_where_they_were_written() {
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(&fixture("includes"), &dir.path().join("includes"));
    let (code, stdout, _) = run("docs-check", dir.path(), &["includes", "--list"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "includes/snippets/session.md:3\tconsole\techo included\n"
    );

    // A failing command of an included block names the included file's line.
    let session = dir.path().join("includes/snippets/session.md");
    let text = std::fs::read_to_string(&session).unwrap();
    std::fs::write(&session, text.replace("\nincluded\n", "\nwrong\n")).unwrap();
    let report = dir.path().join("report.json");
    let report_arg = report.to_str().unwrap();
    let (code, stdout, stderr) = run(
        "docs-check",
        dir.path(),
        &["includes", "--report", report_arg],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("FAILED includes/snippets/session.md:4 (console block)"),
        "{stdout}"
    );

    // Bless does not rewrite it.
    let (code, stdout, stderr) = run(
        "docs-check",
        dir.path(),
        &["includes", "--bless", "--report", report_arg],
    );
    assert_ne!(code, 0);
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("not blessed: includes/snippets/session.md:4: the block comes from `includes/snippets/session.md`, included by `includes/src/checked.md`"),
        "{all}"
    );
    assert_eq!(
        std::fs::read_to_string(&session).unwrap(),
        text.replace("\nincluded\n", "\nwrong\n")
    );

    // The site shows the result on the including page.
    let (code, _, stderr) = run(
        "guidebook",
        dir.path(),
        &["build", "includes", "-d", "site", "--checks", report_arg],
    );
    assert_eq!(code, 0, "{stderr}");
    let html = page(dir.path(), "checked.html");
    assert!(html.contains("check-failed"), "{html}");
}

#[test]
fn bad_includes_are_errors_at_their_lines() {
    // A copy outside any git work tree: the book root is the limit.
    let dir = tempfile::tempdir().unwrap();
    support::copy_tree(
        &fixture("include-errors"),
        &dir.path().join("include-errors"),
    );
    let (code, _, stderr) = run(
        "guidebook",
        dir.path(),
        &["build", "include-errors", "-d", "site"],
    );
    assert_eq!(code, 2, "{stderr}");
    for expected in [
        "include-errors/src/errors.md:3: `{{#include missing.rs}}`: `include-errors/src/missing.rs` does not exist",
        "include-errors/src/errors.md:5: `{{#include code.rs:nowhere}}`: `include-errors/src/code.rs` has no `ANCHOR: nowhere` line",
        "include-errors/src/errors.md:9: `{{#include ../../outside.md}}`: `outside.md` is outside the book (`include-errors`)",
    ] {
        assert!(
            stderr.contains(expected),
            "expected `{expected}` in:\n{stderr}"
        );
    }
}

#[test]
fn an_error_inside_included_text_names_the_included_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(
        "guidebook",
        &fixture("include-bad-block").join(".."),
        &[
            "build",
            "include-bad-block",
            "-d",
            dir.path().join("site").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "include-bad-block/src/part.txt:3: unknown attribute `fiel`; did you mean `file`?"
        ),
        "{stderr}"
    );
}

/// The visible lines of each code block of `html` (mdBook's or ours): the
/// text of `<pre>`'s `<code>` without its `boring` lines, trailing
/// whitespace and blank last lines trimmed.
fn visible_code_lines(html: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for chunk in html.split("</code></pre>") {
        let Some(pre) = chunk.rfind("<pre") else {
            continue;
        };
        let code = &chunk[pre..];
        let Some(open) = code.find("<code") else {
            continue;
        };
        let body = &code[open + code[open..].find('>').unwrap() + 1..];
        let mut shown = String::new();
        let mut rest = body;
        while let Some(i) = rest.find("<span class=\"boring\">") {
            shown.push_str(&rest[..i]);
            let after = &rest[i..];
            rest = match after.find("\n</span>") {
                Some(end) => &after[end + "\n</span>".len()..],
                None => "",
            };
        }
        shown.push_str(rest);
        let text = text_of(&shown);
        let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
        }
        out.push(lines);
    }
    out
}

/// Build a copy of the mdBook test book at `rel` in mdBook's test suite
/// (`support::mdbook_testsuite`), `drop` left out of it and its
/// SUMMARY.md, and compare the visible code lines of `pages` (mdBook's
/// expected file, our page) with mdBook 0.5's. `false` when the suite is
/// not here.
fn visible_code_lines_are_mdbooks(rel: &str, drop: &[&str], pages: &[(&str, &str)]) -> bool {
    let Some(suite) = support::mdbook_testsuite() else {
        return false;
    };
    let book = suite.join(rel);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    support::copy_tree(&book, &root);
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap();
    let summary: String = summary
        .lines()
        .filter(|l| !drop.iter().any(|d| l.contains(d)))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    for d in drop {
        std::fs::remove_file(root.join("src").join(d)).unwrap();
    }
    let (code, _, stderr) = run("guidebook", dir.path(), &["build", "book", "-d", "site"]);
    assert_eq!(code, 0, "{stderr}");
    for (expected, ours) in pages {
        let theirs = std::fs::read_to_string(book.join("expected").join(expected)).unwrap();
        let mine = page(dir.path(), ours);
        let theirs = visible_code_lines(&theirs);
        assert!(theirs.len() >= 3, "{expected}: {theirs:?}");
        assert_eq!(visible_code_lines(&mine), theirs, "{ours}");
    }
    true
}

/// mdBook's `includes` book: its `recursive.md`, an include of itself that
/// mdBook stops at 10 levels with an error in its log, is left out (it is
/// an error here).
#[test]
fn the_visible_code_lines_of_mdbooks_include_book_are_mdbooks() {
    visible_code_lines_are_mdbooks(
        "includes/all_includes",
        &["recursive.md"],
        &[
            ("multiline.html", "multiline.html"),
            ("multiline-issues.html", "multiline/issues.html"),
        ],
    );
}

/// mdBook's `hidelines` book: `# ` lines, `##`, a book prefix and a block's.
#[test]
fn the_visible_code_lines_of_mdbooks_hidelines_book_are_mdbooks() {
    visible_code_lines_are_mdbooks(
        "rendering/hidelines",
        &[],
        &[("hide-lines.html", "hide-lines.html")],
    );
}
