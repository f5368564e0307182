//! mdBook preprocessors run by mdBook 0.5's protocol: the fixture book
//! tests/fixtures/books/preprocessors/ has python3 preprocessors that stamp
//! a block into a page, tag every chapter in a `before`-forced order, one
//! that does not support html, and one that dumps the `[context, book]` it
//! reads. With mdBook at hand (`$MDBOOK`, else on PATH),
//! the same book is built by mdBook and the JSON compared.

mod support;
use support::Run;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/books/preprocessors"
);

/// A copy of the fixture in a temporary folder; (tempdir, book root).
fn copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("book");
    support::copy_tree(Path::new(FIXTURE), &root);
    (dir, root)
}

fn run(mut cmd: Command) -> Run {
    cmd.output().unwrap().into()
}

/// `guidebook build ROOT -d ROOT/../site ARGS...`, from the temp folder.
fn build(root: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("guidebook").unwrap();
    cmd.current_dir(root.parent().unwrap())
        .arg("build")
        .arg("book")
        .args(["-d", "site"])
        .args(args);
    run(cmd)
}

/// Replace book.toml's preprocessors with `tables` (and write `files`).
fn rewrite(root: &Path, tables: &str, files: &[(&str, &str)]) {
    std::fs::write(
        root.join("book.toml"),
        format!("[book]\ntitle = \"P\"\n\n{tables}"),
    )
    .unwrap();
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
}

#[test]
fn preprocessors_change_pages_in_mdbooks_order() {
    let (dir, root) = copy();
    let r = build(&root, &["--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let page = std::fs::read_to_string(dir.path().join("site/stamped.html")).unwrap();
    assert!(page.contains("Stamped for the html renderer."), "{page}");
    // The stamped block beside the written one.
    assert_eq!(page.matches("data-lang=\"sh\"").count(), 2, "{page}");
    assert!(!page.contains("&lt;!-- stamp"), "{page}");
    // a-tag sorts first by name; b-tag's `before = ["a-tag"]` wins.
    let (b, a) = (page.find("tagged by b"), page.find("tagged by a"));
    assert!(b.is_some() && a.is_some() && b < a, "{page}");
    // nohtml answered `supports html` with 1: it never ran (it would fail).
    assert!(!r.stderr.contains("nohtml ran"), "{}", r.stderr);
    let index = std::fs::read_to_string(dir.path().join("site/index.html")).unwrap();
    assert!(index.contains("tagged by a"), "{index}");
}

#[test]
fn docs_check_runs_a_block_a_preprocessor_wrote() {
    let (dir, root) = copy();
    // The fixture is an mdBook book (mdBook rejects a [check] table): its
    // command blocks become tests with one.
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!("{toml}\n[check]\nblocks = \"all\"\n"),
    )
    .unwrap();
    let mut cmd = Command::cargo_bin("docs-check").unwrap();
    cmd.current_dir(dir.path())
        .env("GUIDEBOOK_NETWORK", "0")
        .args(["book", "--format", "json", "--report", "report.json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(report.contains("echo stamped"), "{report}");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    // The written block and the stamped one, both run.
    assert_eq!(report["totals"]["passed"], 2, "{report}");
}

#[test]
fn a_missing_command_warns_and_an_optional_one_is_a_note() {
    let (_dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.gone]\ncommand = \"no-such-preprocessor-here\"\n",
        &[],
    );
    let r = build(&root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: book/book.toml:4: preprocessor `gone` is not run: its command `no-such-preprocessor-here` is not installed"),
        "{}",
        r.stderr
    );
    let r = build(&root, &["--strict"]);
    assert_eq!(r.code, 2, "{}", r.stderr);

    rewrite(
        &root,
        "[preprocessor.gone]\ncommand = \"no-such-preprocessor-here\"\noptional = true\n",
        &[],
    );
    let r = build(&root, &["--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("note: book/book.toml:4: preprocessor `gone` is not run"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_failing_preprocessor_is_an_error_at_its_table() {
    let (dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.fails]\ncommand = \"sh fail.sh\"\n",
        &[(
            "fail.sh",
            "[ \"$1\" = supports ] && exit 0\ncat >/dev/null\necho 'fail.sh says why' >&2\nexit 3\n",
        )],
    );
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "book/book.toml:4: preprocessor `fails` failed: its command `sh fail.sh` ended with exit status 3"
        ),
        "{}",
        r.stderr
    );
    // Its stderr is passed through.
    assert!(r.stderr.contains("fail.sh says why"), "{}", r.stderr);
    assert!(!dir.path().join("site").exists());
}

#[test]
fn a_preprocessor_printing_no_book_is_an_error() {
    let (_dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.garbled]\ncommand = \"sh garbled.sh\"\n",
        &[(
            "garbled.sh",
            "[ \"$1\" = supports ] && exit 0\ncat >/dev/null\necho '{\"items\": 3}'\n",
        )],
    );
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("book/book.toml:4: preprocessor `garbled` failed: what it printed is not an mdBook book in JSON"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_error_in_text_a_preprocessor_wrote_names_it() {
    let (_dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.stamp]\ncommand = \"python3 pre/stamp.py\"\n",
        &[],
    );
    // The stamp's block gets an attribute the checker does not know.
    let script = std::fs::read_to_string(root.join("pre/stamp.py"))
        .unwrap()
        .replace("```sh\\necho stamped", "```sh frobnicate\\necho stamped");
    std::fs::write(root.join("pre/stamp.py"), script).unwrap();
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The stamp replaced line 5 of stamped.md; its text follows line 4.
    assert!(
        r.stderr.contains(
            "book/src/stamped.md:4 (in text written by preprocessor `stamp`): unknown attribute `frobnicate`"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_cycle_is_an_error_at_book_toml() {
    let (_dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.one]\nafter = [\"two\"]\n\n[preprocessor.two]\nafter = [\"one\"]\n",
        &[],
    );
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "book/book.toml:4: the before/after keys of preprocessors `one`, `two` make a cycle"
        ),
        "{}",
        r.stderr
    );
}

/// What mdBook 0.5.4 gives the last preprocessor, guidebook gives too: the
/// context (book.toml, root, renderer, version) and every chapter, in the
/// same JSON. mdBook is not a prerequisite of the tests, CI included.
#[test]
fn preprocessors_get_the_json_mdbook_gives_them() {
    let Some(mdbook) = support::mdbook() else {
        eprintln!("skipped: no mdBook (set MDBOOK or put mdbook on PATH)");
        return;
    };
    let (dir, root) = copy();
    let dump = |name: &str| dir.path().join(name);
    let mut guidebook = Command::cargo_bin("guidebook").unwrap();
    guidebook
        .current_dir(&root)
        .env("PRE_DUMP", dump("guidebook.json"))
        .args(["build", ".", "-d", "../guidebook-site"]);
    let r = run(guidebook);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut md = Command::new(&mdbook);
    md.current_dir(&root)
        .env("PRE_DUMP", dump("mdbook.json"))
        .args(["build", "."]);
    let r = run(md);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dump(name)).unwrap()).unwrap()
    };
    let (ours, theirs) = (read("guidebook.json"), read("mdbook.json"));
    assert_eq!(ours[0], theirs[0], "the contexts differ");
    assert_eq!(ours[1], theirs[1], "the books differ");
    assert!(
        ours[1]
            .to_string()
            .contains("Stamped for the html renderer."),
        "{ours}"
    );
}

/// What a preprocessor prints when asked `supports` goes to stderr, so
/// docs-check's JSON on stdout stays whole.
#[test]
fn a_preprocessors_chatter_stays_off_stdout() {
    let (dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.chatty]\ncommand = \"sh chatty.sh\"\n",
        &[(
            "chatty.sh",
            "if [ \"$1\" = supports ]; then echo 'chatty supports it'; exit 0; fi\necho 'chatty runs' >&2\npython3 -c 'import json,sys; json.dump(json.load(sys.stdin)[1], sys.stdout)'\n",
        )],
    );
    let mut cmd = Command::cargo_bin("docs-check").unwrap();
    cmd.current_dir(dir.path())
        .env("GUIDEBOOK_NETWORK", "0")
        .args(["book", "--list", "--format", "json"]);
    let r = run(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("chatty"), "{}", r.stdout);
    assert!(r.stderr.contains("chatty supports it"), "{}", r.stderr);
    assert!(r.stderr.contains("chatty runs"), "{}", r.stderr);
}

/// Pages are SUMMARY.md's chapters with its titles: a chapter a
/// preprocessor renames, adds or leaves out is a warning, and the page
/// stays as it was.
#[test]
fn chapters_added_renamed_or_dropped_are_warnings() {
    let (dir, root) = copy();
    rewrite(
        &root,
        "[preprocessor.reshape]\ncommand = \"python3 reshape.py\"\n",
        &[(
            "reshape.py",
            "import json, sys\nif sys.argv[1:2] == ['supports']: sys.exit(0)\nctx, book = json.load(sys.stdin)\nitems = book['items']\nitems[0]['Chapter']['name'] = 'Renamed'\nstamped = items[1]['Chapter']\nstamped['sub_items'] = []\nitems.append({'Chapter': dict(stamped, name='New', path='new.md', source_path='new.md', content='# New')})\njson.dump(book, sys.stdout)\n",
        )],
    );
    let r = build(&root, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for warning in [
        "book/book.toml:4: preprocessor `reshape` renamed the chapter `Introduction` to `Renamed`; guidebook keeps the title of SUMMARY.md",
        "book/book.toml:4: preprocessor `reshape` added the chapter `New` (new.md), which is not rendered",
        "book/book.toml:4: preprocessor `reshape` left out the chapter `sub/plain.md`; guidebook renders it as it was",
    ] {
        assert!(r.stderr.contains(warning), "no `{warning}` in {}", r.stderr);
    }
    assert!(dir.path().join("site/sub/plain.html").is_file());
    assert!(!dir.path().join("site/new.html").exists());
}
