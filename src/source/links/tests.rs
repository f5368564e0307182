use super::*;
use std::path::Path;

fn lines(a: Option<usize>, b: Option<usize>) -> Selection {
    Selection::Lines(a, b)
}

fn one(text: &str) -> Directive {
    let found = find(text);
    assert_eq!(found.len(), 1, "{text:?}: {found:?}");
    found[0].directive.clone()
}

#[test]
fn ranges_and_anchors_read_as_mdbook_reads_them() {
    let inc = |s: &str| one(&format!("{{{{#include {s}}}}}"));
    assert_eq!(
        inc("a.rs"),
        Directive::Include("a.rs".into(), lines(None, None))
    );
    assert_eq!(
        inc("a.rs:3"),
        Directive::Include("a.rs".into(), lines(Some(2), Some(3)))
    );
    assert_eq!(
        inc("a.rs:3:5"),
        Directive::Include("a.rs".into(), lines(Some(2), Some(5)))
    );
    assert_eq!(
        inc("a.rs:3:"),
        Directive::Include("a.rs".into(), lines(Some(2), None))
    );
    assert_eq!(
        inc("a.rs::5"),
        Directive::Include("a.rs".into(), lines(None, Some(5)))
    );
    assert_eq!(
        inc("a.rs:main"),
        Directive::Include("a.rs".into(), Selection::Anchor("main".into()))
    );
    assert_eq!(
        inc("\"a b.rs\":2:3"),
        Directive::Include("a b.rs".into(), lines(Some(1), Some(3)))
    );
    assert_eq!(
        one("{{ #rustdoc_include x.rs:4 }}"),
        Directive::RustdocInclude("x.rs".into(), lines(Some(3), Some(4)))
    );
    assert_eq!(
        one("{{#playground x.rs editable no_run}}"),
        Directive::Playground(
            "x.rs".into(),
            vec!["editable".into(), "no_run".into()],
            false
        )
    );
    assert_eq!(
        one("{{#title My Title}}"),
        Directive::Title("My Title".into())
    );
    assert_eq!(one("a \\{{#include x.rs}} b"), Directive::Escaped);
}

#[test]
fn unknown_or_empty_directives_stay_text() {
    for text in [
        "{{#foo x}}",
        "{{#include}}",
        "{{#include   }}",
        "{{}}",
        "{{#include x.rs",
        "{{#include \"x.rs}}",
    ] {
        assert!(find(text).is_empty(), "{text:?}");
    }
}

/// A book root with `files`, expanded from `page`.
fn expand(files: &[(&str, &str)], page: &str) -> Result<(String, Mapped, Extras)> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let file = dir.path().join("src/p.md");
    let mut ex = Expander::new(Some(dir.path()))?;
    let input = Mapped::of_file(&file, page.to_string());
    let out = ex.expand(&input, &file, 0)?;
    let root = format!("{}/", dir.path().display());
    Ok((root, out, ex.extras))
}

const RS: &str = "// head\n// ANCHOR: main\nfn main() {\n    // ANCHOR: inner\n    run();\n    // ANCHOR_END: inner\n}\n// ANCHOR_END: main\n// tail\n";

#[test]
fn includes_take_lines_and_anchors() {
    let files = [("src/x.rs", RS)];
    let (_, out, _) = expand(&files, "```rust\n{{#include x.rs:3:4}}\n```\n").unwrap();
    assert_eq!(
        out.text,
        "```rust\nfn main() {\n    // ANCHOR: inner\n```\n"
    );
    let (_, out, _) = expand(&files, "{{#include x.rs:main}}\n").unwrap();
    assert_eq!(out.text, "fn main() {\n    run();\n}\n");
    let (_, out, _) = expand(
        &files,
        "{{#include x.rs::1}}|{{#include x.rs:9:}}|{{#include x.rs:2}}\n",
    )
    .unwrap();
    assert_eq!(out.text, "// head|// tail|// ANCHOR: main\n");
}

#[test]
fn included_lines_map_to_their_file() {
    let files = [("src/x.rs", RS)];
    let (root, out, _) = expand(&files, "one\n{{#include x.rs:main}}\nafter\n").unwrap();
    let at = |needle: &str| {
        let loc = out.locate(out.text.find(needle).unwrap());
        format!(
            "{}:{}",
            loc.path.display().to_string().replace(&root, ""),
            loc.line
        )
    };
    assert_eq!(at("one"), "src/p.md:1");
    assert_eq!(at("fn main"), "src/x.rs:3");
    // The marker lines between are gone, the lines keep their own numbers.
    assert_eq!(at("run()"), "src/x.rs:5");
    assert_eq!(at("}"), "src/x.rs:7");
    assert_eq!(at("after"), "src/p.md:3");
}

#[test]
fn rustdoc_include_hides_the_rest() {
    let files = [("src/x.rs", RS)];
    let (_, out, _) = expand(&files, "{{#rustdoc_include x.rs:inner}}\n").unwrap();
    assert_eq!(
        out.text,
        "# // head\n# fn main() {\n    run();\n# }\n# // tail\n"
    );
    let (_, out, _) = expand(&files, "{{#rustdoc_include x.rs:3:3}}\n").unwrap();
    assert!(
        out.text
            .starts_with("# // head\n# // ANCHOR: main\nfn main() {\n#     // ANCHOR: inner\n"),
        "{}",
        out.text
    );
}

#[test]
fn playground_writes_a_rust_block() {
    let files = [("src/a.rs", "fn main() {}")];
    let (_, out, extras) = expand(&files, "{{#playground a.rs editable}}\n").unwrap();
    assert_eq!(out.text, "```rust,editable\nfn main() {}\n```\n");
    assert!(extras.warnings.is_empty());
    // mdBook's old name still works, with a warning at its line.
    let (_, out, extras) = expand(&files, "\n{{#playpen a.rs}}\n").unwrap();
    assert_eq!(out.text, "\n```rust\nfn main() {}\n```\n");
    assert_eq!(extras.warnings.len(), 1);
    assert!(
        extras.warnings[0].contains("p.md:2: `{{#playpen}}` is mdBook's old name"),
        "{:?}",
        extras.warnings
    );
}

#[test]
fn title_escapes_and_nesting() {
    let files = [
        ("src/sub/a.md", "A says {{#include b.md}}."),
        ("src/sub/b.md", "hello\n"),
    ];
    let page =
        "{{#title The Title}}\n\\{{#include x}} {{#include sub/a.md}}\n{{#include sub/a.md}}\n";
    let (_, out, extras) = expand(&files, page).unwrap();
    // As in mdBook, an escape reaches to the last `}}` of its line.
    assert_eq!(
        out.text,
        "\n{{#include x}} {{#include sub/a.md}}\nA says hello.\n"
    );
    assert_eq!(extras.title.as_deref(), Some("The Title"));
}

#[test]
fn a_prefix_before_the_directive_starts_every_included_line() {
    let files = [("src/a.rs", "fn a() {\n}\n")];
    let (root, out, _) = expand(
        &files,
        "- item\n  ```rust\n  {{#include a.rs}}\n  ```\n> {{#include a.rs}}\n",
    )
    .unwrap();
    assert_eq!(
        out.text,
        "- item\n  ```rust\n  fn a() {\n  }\n  ```\n> fn a() {\n> }\n"
    );
    // The repeated prefix belongs to the included line it starts.
    let at = |offset: usize| {
        let loc = out.locate(offset);
        format!(
            "{}:{}",
            loc.path.display().to_string().replace(&root, ""),
            loc.line
        )
    };
    let second = out.text.find("  }").unwrap();
    assert_eq!(at(second), "src/a.rs:2");
    assert_eq!(at(second + 2), "src/a.rs:2");
    assert_eq!(at(out.text.find("  ```\n>").unwrap()), "src/p.md:4");
    assert_eq!(at(out.text.rfind("> }").unwrap()), "src/a.rs:2");
}

#[test]
fn bad_directives_are_errors_at_their_line() {
    let files = [
        ("src/x.rs", RS),
        ("src/loop.md", "again {{#include loop.md}}\n"),
    ];
    let cases = [
        (
            "a\n{{#include gone.rs}}\n",
            "src/p.md:2: `{{#include gone.rs}}`: `",
            "gone.rs` does not exist",
        ),
        (
            "{{#include x.rs:nope}}\n",
            "src/p.md:1: `{{#include x.rs:nope}}`: `",
            "x.rs` has no `ANCHOR: nope` line",
        ),
        (
            "{{#include x.rs:5:3}}\n",
            "src/p.md:1: `{{#include x.rs:5:3}}`: the range ends before it starts",
            "",
        ),
        (
            "{{#include /etc/passwd}}\n",
            "src/p.md:1: `{{#include /etc/passwd}}`: `/etc/passwd` is an absolute path",
            "",
        ),
        (
            "{{#include ../../x.rs}}\n",
            "src/p.md:1: `{{#include ../../x.rs}}`: `",
            "is outside the book",
        ),
    ];
    for (page, start, end) in cases {
        let e = expand(&files, page).unwrap_err().to_string();
        let e = e.replace(&format!("{}/", std::env::temp_dir().display()), "");
        let e = e
            .split_once("src/")
            .map(|(_, rest)| format!("src/{rest}"))
            .unwrap_or(e);
        assert!(e.starts_with(start) && e.contains(end), "{page:?}: {e}");
    }
}

#[test]
fn ranges_past_the_end_and_cycles_are_warnings_as_mdbook_goes_on() {
    let files = [
        ("src/x.rs", RS),
        ("src/loop.md", "again {{#include loop.md}}\n"),
    ];
    let (_, out, extras) = expand(&files, "a\n\n{{#include x.rs:40}}\nb\n").unwrap();
    assert_eq!(out.text, "a\n\n\nb\n");
    let w = &extras.warnings[0];
    assert!(
        w.contains("src/p.md:3: `{{#include x.rs:40}}`: `")
            && w.ends_with("x.rs` has 9 lines, so there is no line 40; the range selects no line"),
        "{w}"
    );
    // rustdoc_include of such a range keeps the whole file, all hidden.
    let (_, out, _) = expand(&files, "{{#rustdoc_include x.rs:40}}\n").unwrap();
    assert!(out.text.lines().all(|l| l.starts_with('#')), "{}", out.text);
    let (_, out, extras) = expand(&files, "{{#include loop.md}}\n").unwrap();
    assert!(
        out.text.ends_with("again {{#include loop.md}}\n"),
        "{}",
        out.text
    );
    assert_eq!(extras.warnings.len(), 1, "{:?}", extras.warnings);
    let w = &extras.warnings[0];
    assert!(
        w.contains("src/loop.md:1: `{{#include loop.md}}`: includes nest more than 10 deep, so it is left as written"),
        "{w}"
    );
}

#[test]
fn includes_that_multiply_stop_at_a_limit() {
    // Each file includes the next ten times: 10^9 copies without a limit.
    let mut files = Vec::new();
    for i in 0..9 {
        let line = format!("{{{{#include f{}.md}}}}", i + 1).repeat(10);
        files.push((format!("src/f{i}.md"), line));
    }
    files.push(("src/f9.md".to_string(), "x".to_string()));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let e = expand(&files, "{{#include f0.md}}\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the page includes more than 10000 files"),
        "{}",
        &e[..e.len().min(500)]
    );
    assert!(e.lines().count() < 200, "{} lines", e.lines().count());
}

#[test]
fn a_symlink_out_of_the_book_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "s\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("src/link")).unwrap();
    let file = dir.path().join("src/p.md");
    let mut ex = Expander::new(Some(dir.path())).unwrap();
    let input = Mapped::of_file(&file, "{{#include link}}\n".into());
    let e = ex.expand(&input, &file, 0).unwrap_err().to_string();
    assert!(
        e.contains("leads to `") && e.contains("outside the book"),
        "{e}"
    );
    let _ = Path::new("");
}

#[test]
fn files_of_the_books_repository_may_be_included() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    std::fs::create_dir_all(repo.path().join("examples")).unwrap();
    std::fs::write(repo.path().join("examples/x.rs"), "fn x() {}\n").unwrap();
    let book = repo.path().join("guide");
    std::fs::create_dir_all(book.join("src/sub")).unwrap();
    let file = book.join("src/sub/p.md");
    let mut ex = Expander::new(Some(&book)).unwrap();
    let input = Mapped::of_file(&file, "{{#include ../../../examples/x.rs}}\n".into());
    assert_eq!(ex.expand(&input, &file, 0).unwrap().text, "fn x() {}\n");
    // Above the work tree is still outside.
    let input = Mapped::of_file(&file, "{{#include ../../../../x.rs}}\n".into());
    let e = ex.expand(&input, &file, 0).unwrap_err().to_string();
    assert!(e.contains("is outside the book"), "{e}");
    // Without a work tree, the book root is the limit.
    std::fs::remove_dir(repo.path().join(".git")).unwrap();
    let mut ex = Expander::new(Some(&book)).unwrap();
    let input = Mapped::of_file(&file, "{{#include ../../../examples/x.rs}}\n".into());
    let e = ex.expand(&input, &file, 0).unwrap_err().to_string();
    assert!(e.contains("is outside the book"), "{e}");
}
