//! `guidebook build` writes only inside its output folder and never drops
//! content without a word. Each test builds a small book in a temporary
//! folder and compares the bytes of every file outside the output folder
//! before and after, then looks at the site.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A file's contents, or where its symlink points.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every file and symlink under `dir` except those under `skip`: relative
/// path -> contents. Symlinks are not followed.
fn snapshot(dir: &Path, skip: &[&Path]) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if skip.iter().any(|s| path.starts_with(s)) {
                continue;
            }
            let meta = fs::symlink_metadata(&path).unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                out.insert(rel, Entry::Link(fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                stack.push(path);
            } else {
                out.insert(rel, Entry::File(fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Assert two snapshots are equal; name the paths that differ.
#[track_caller]
fn assert_unchanged(
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
    what: &str,
) {
    let differ: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what}: these changed: {differ:?}");
}

/// Write `files` (path relative to `dir`, text) into `dir`.
fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        write_bytes(dir, name, text.as_bytes());
    }
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A book at `dir/b`: book.toml with `src = "content"`, SUMMARY.md listing
/// `a.md`, then `extra` SUMMARY lines.
fn book(dir: &Path, extra_summary: &str) -> PathBuf {
    let root = dir.join("b");
    write(
        &root,
        &[
            ("book.toml", "[book]\ntitle = \"T\"\nsrc = \"content\"\n"),
            (
                "content/SUMMARY.md",
                &format!("# Summary\n\n- [A](a.md)\n{extra_summary}"),
            ),
            ("content/a.md", "# A\n\ntext\n"),
        ],
    );
    root
}

/// Run `guidebook ARGS` in `cwd`.
fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("guidebook")
        .unwrap()
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `guidebook build` in `root` must fail with exit 2, print `expected`,
/// change no file of `dir`, and leave no output folder behind.
fn build_fails(dir: &Path, root: &Path, expected: &str) {
    build_fails_with(dir, root, &["build"], expected)
}

/// [`build_fails`] running `guidebook ARGS`.
fn build_fails_with(dir: &Path, root: &Path, args: &[&str], expected: &str) {
    let before = snapshot(dir, &[]);
    let out = run(root, args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    assert_unchanged(&before, &snapshot(dir, &[]), &err);
}

#[test]
fn summary_links_outside_the_source_folder_are_errors_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(
        dir.path(),
        "- [Out](../outside/victim.md)\n- [Up](../../x.md)\n",
    );
    write(
        &root,
        &[
            ("outside/victim.md", "# Victim\n"),
            ("outside/victim.html", "the user's own page\n"),
        ],
    );
    write(dir.path(), &[("x.md", "# X\n")]);
    build_fails(
        dir.path(),
        &root,
        "content/SUMMARY.md:4: chapter `Out` links to `outside/victim.md`, which is outside the source folder `content`",
    );
    build_fails(
        dir.path(),
        &root,
        "content/SUMMARY.md:5: chapter `Up` links to `../x.md`, which is outside the source folder `content`",
    );
    assert_eq!(
        read(&root.join("outside/victim.html")),
        "the user's own page\n"
    );
}

#[test]
fn additional_files_outside_the_book_are_refused_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("src/b");
    write(
        &root,
        &[
            (
                "book.toml",
                "[book]\nsrc = \"content\"\n\n[output.html]\nadditional-css = [\"../site.css\"]\n",
            ),
            ("content/SUMMARY.md", "- [A](a.md)\n"),
            ("content/a.md", "# A\n"),
        ],
    );
    write(
        dir.path(),
        &[
            ("src/site.css", "body {}\n"),
            ("deploy/site.css", "the deployed stylesheet\n"),
        ],
    );
    let before = snapshot(dir.path(), &[]);
    let out = run(&root, &["build", "-d", "../../deploy/www"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("book.toml:5: additional-css: `../site.css` is outside the book root"),
        "{}",
        stderr(&out)
    );
    assert_unchanged(&before, &snapshot(dir.path(), &[]), "outside the site");
}

#[test]
fn additional_files_through_a_symlink_out_of_the_book_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("b");
    write(
        &root,
        &[
            (
                "book.toml",
                "[book]\nsrc = \"content\"\n\n[output.html]\nadditional-js = [\"theme/a.js\", \"linked/key.js\"]\n",
            ),
            ("content/SUMMARY.md", "- [A](a.md)\n"),
            ("content/a.md", "# A\n"),
            ("theme/a.js", "// ok\n"),
        ],
    );
    write(dir.path(), &[("home/.ssh/key.js", "PRIVATE KEY\n")]);
    std::os::unix::fs::symlink("../home/.ssh", root.join("linked")).unwrap();
    build_fails(
        dir.path(),
        &root,
        "book.toml:5: additional-js: `linked/key.js` leads to",
    );
}

#[test]
fn every_page_links_each_additional_file_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("b");
    write(
        &root,
        &[
            (
                "book.toml",
                "[book]\nsrc = \"content\"\n\n[output.html]\nadditional-css = [\"theme/b.css\", \"a.css\"]\nadditional-js = [\"js/x.js\", \"./y.js\"]\n",
            ),
            (
                "content/SUMMARY.md",
                "- [A](a.md)\n  - [Deep](sub/deep.md)\n",
            ),
            ("content/a.md", "# A\n"),
            ("content/sub/deep.md", "# Deep\n"),
            ("theme/b.css", "b {}\n"),
            ("a.css", "a {}\n"),
            ("js/x.js", "x();\n"),
            ("y.js", "y();\n"),
        ],
    );
    let dest = dir.path().join("site");
    let before = snapshot(dir.path(), &[&dest]);
    let out = run(&root, &["build", "-d", "../site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_unchanged(&before, &snapshot(dir.path(), &[&dest]), "outside the site");
    for (file, text) in [
        ("theme/b.css", "b {}\n"),
        ("a.css", "a {}\n"),
        ("js/x.js", "x();\n"),
        ("y.js", "y();\n"),
    ] {
        assert_eq!(read(&dest.join(file)), text);
    }
    for (page, root) in [
        ("a.html", ""),
        ("sub/deep.html", "../"),
        // Served at any depth, the 404 page links from the site root.
        ("404.html", "/"),
        ("status.html", ""),
    ] {
        let html = read(&dest.join(page));
        let wanted = [
            format!("<link rel=\"stylesheet\" href=\"{root}theme/b.css\">"),
            format!("<link rel=\"stylesheet\" href=\"{root}a.css\">"),
            format!("<script src=\"{root}js/x.js\"></script>"),
            format!("<script src=\"{root}y.js\"></script>"),
        ];
        let at: Vec<usize> = wanted
            .iter()
            .map(|w| {
                html.find(w.as_str())
                    .unwrap_or_else(|| panic!("{page} lacks {w}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{page}: order {at:?}");
        assert!(
            html.find("css/highlight.css").unwrap() < at[0],
            "{page}: the book's stylesheets come after the theme's"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_in_the_output_are_replaced_not_written_through() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "- [Sub](sub/page.md)\n");
    write(&root, &[("content/sub/page.md", "# Sub\n")]);
    let dest = root.join("book");
    assert!(run(&root, &["build"]).status.success());
    write(
        dir.path(),
        &[
            ("b/my404.html", "my own 404 page\n"),
            ("elsewhere/keep.txt", "kept\n"),
            ("elsewhere/a.html", "not the page\n"),
        ],
    );
    let elsewhere = dir.path().join("elsewhere");
    fs::remove_file(dest.join("404.html")).unwrap();
    symlink("../my404.html", dest.join("404.html")).unwrap();
    fs::remove_file(dest.join("a.html")).unwrap();
    symlink(elsewhere.join("a.html"), dest.join("a.html")).unwrap();
    fs::remove_dir_all(dest.join("sub")).unwrap();
    symlink(&elsewhere, dest.join("sub")).unwrap();
    fs::remove_dir_all(dest.join("css")).unwrap();
    symlink(&elsewhere, dest.join("css")).unwrap();
    let before = snapshot(dir.path(), &[&dest]);
    // Twice: the second build reuses the folder the first one replaced.
    for _ in 0..2 {
        let out = run(&root, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            snapshot(dir.path(), &[&dest, &root.join(".book.previous")]),
            before
        );
    }
    for page in ["404.html", "a.html", "sub/page.html", "css/guidebook.css"] {
        let path = dest.join(page);
        assert!(
            !fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink(),
            "{page} is still a link"
        );
    }
    assert!(read(&dest.join("404.html")).contains("<!DOCTYPE html>"));
    assert!(read(&dest.join("sub/page.html")).contains("Sub"));
    assert_eq!(read(&root.join("my404.html")), "my own 404 page\n");
    assert_eq!(read(&elsewhere.join("a.html")), "not the page\n");
    assert!(!elsewhere.join("page.html").exists());
}

#[test]
fn two_pages_with_one_output_path_are_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "- [Readme](README.md)\n- [Index](index.md)\n");
    write(
        &root,
        &[
            ("content/README.md", "# R\n"),
            ("content/index.md", "# I\n"),
        ],
    );
    build_fails(
        dir.path(),
        &root,
        "content/SUMMARY.md:5: `index.md` and `README.md` (line 4) would both be written to `index.html`",
    );
    assert!(!root.join("book").exists());

    // A file of the source folder at a page's output path.
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write(&root, &[("content/a.html", "<p>mine</p>\n")]);
    build_fails(
        dir.path(),
        &root,
        "content/a.html: a page of SUMMARY.md is written to `a.html` too",
    );
}

#[cfg(unix)]
#[test]
fn symlinked_files_and_folders_are_copied_or_named() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write(
        &root,
        &[
            ("content/a.md", "# A\n\n![p](p.png) ![q](imgs/q.png)\n"),
            ("assets/p.png", "PNG p"),
            ("assets/img/q.png", "PNG q"),
        ],
    );
    symlink("../assets/p.png", root.join("content/p.png")).unwrap();
    symlink("../assets/img", root.join("content/imgs")).unwrap();
    let dest = root.join("book");
    let before = snapshot(dir.path(), &[&dest]);
    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_unchanged(&before, &snapshot(dir.path(), &[&dest]), "outside the site");
    assert_eq!(read(&dest.join("p.png")), "PNG p");
    assert_eq!(read(&dest.join("imgs/q.png")), "PNG q");

    // Out of the book: an error naming the link.
    write(dir.path(), &[("outside.png", "PNG o")]);
    symlink("../../outside.png", root.join("content/o.png")).unwrap();
    build_fails(dir.path(), &root, "content/o.png: a symlink to `");
    fs::remove_file(root.join("content/o.png")).unwrap();
    // Pointing nowhere.
    symlink("gone.png", root.join("content/broken.png")).unwrap();
    build_fails(
        dir.path(),
        &root,
        "content/broken.png: a symlink to nothing",
    );
}

#[test]
fn bom_and_cr_line_endings_are_read_as_an_editor_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write_bytes(
        &root,
        "content/SUMMARY.md",
        b"\xef\xbb\xbf# Summary\n\n[Intro](intro.md)\n\n- [A](a.md)\n",
    );
    write_bytes(&root, "content/intro.md", b"\xef\xbb\xbf# Intro\n\ntext\n");
    write_bytes(
        &root,
        "content/a.md",
        b"# A\r\rtext\r\r## Second\r\r```sh\rtrue\r```\r",
    );
    let dest = root.join("book");
    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let intro = read(&dest.join("intro.html"));
    assert!(intro.contains("<h1 id=\"intro\">"), "{intro}");
    let a = read(&dest.join("a.html"));
    assert!(a.contains("<h1 id=\"a\">"), "{a}");
    assert!(a.contains("<h2 id=\"second\">"), "{a}");
    assert!(a.contains("<p>text</p>"), "{a}");

    // A bad link on line 3 of a CR-only page is found, at line 3 (fatal
    // with --strict).
    write_bytes(&root, "content/a.md", b"# A\r\r[bad](nope.md)\r");
    build_fails_with(
        dir.path(),
        &root,
        &["build", "--strict"],
        "content/a.md:3: broken link `nope.md`",
    );
}

#[test]
fn invalid_utf8_names_the_file_and_line_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write_bytes(&root, "content/a.md", b"# A\r\n\r\nline three\rfour \xff\n");
    build_fails(
        dir.path(),
        &root,
        "content/a.md:4: column 6: byte 0xFF is not UTF-8",
    );
    write_bytes(&root, "content/a.md", b"# A\n");
    write_bytes(
        &root,
        "content/SUMMARY.md",
        b"# Summary\n\n- [\xe9](a.md)\n",
    );
    build_fails(
        dir.path(),
        &root,
        "content/SUMMARY.md:3: column 4: byte 0xE9 is not UTF-8",
    );
}

#[test]
fn an_unclosed_fence_warns_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write(
        &root,
        &[("content/a.md", "# A\n\n```sh\ntrue\n\n## Later\n")],
    );
    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: content/a.md:3: this code block is never closed, so it swallows everything after it"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn deep_summary_nesting_is_an_error_at_its_line() {
    for depth in [1_000, 5_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        let mut summary = String::from("# Summary\n\n");
        for d in 0..depth {
            summary.push_str(&"  ".repeat(d));
            summary.push_str(&format!("- [C{d}](c{d}.md)\n"));
        }
        let root = book(dir.path(), "");
        write(&root, &[("content/SUMMARY.md", &summary)]);
        for bin in ["guidebook", "docs-check"] {
            let mut cmd = Command::cargo_bin(bin).unwrap();
            cmd.current_dir(&root);
            if bin == "guidebook" {
                cmd.arg("build");
            } else {
                cmd.arg("--list");
            }
            let out = cmd.output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{bin} {depth}: {err}");
            assert!(
                err.contains("content/SUMMARY.md:19: chapters nest deeper than 16 levels"),
                "{bin} {depth}: {err}"
            );
            assert!(!err.contains("theme/"), "{err}");
        }
    }
}

#[test]
fn nested_lists_with_another_marker_keep_every_chapter() {
    let dir = tempfile::tempdir().unwrap();
    // `*` after `-` starts a second list under A (CommonMark): both count.
    let root = book(dir.path(), "  - [B](b.md)\n  * [C](c.md)\n");
    write(
        &root,
        &[("content/b.md", "# B\n"), ("content/c.md", "# C\n")],
    );
    let out = run(&root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("not listed"), "{err}");
    assert!(err.contains("built 3 pages"), "{err}");
    let nav = read(&root.join("book/c.html"));
    assert!(nav.contains("b.html") && nav.contains("c.html"), "{nav}");
    assert!(nav.contains("1.2."), "C is numbered after B: {nav}");
    // A numbered list nested in a chapter is refused like one at the top.
    write(
        &root,
        &[("content/SUMMARY.md", "- [A](a.md)\n  1. [B](b.md)\n")],
    );
    build_fails(
        dir.path(),
        &root,
        "content/SUMMARY.md:2: use `-` for chapter lists, not numbers",
    );
}

#[test]
fn sixteen_levels_of_nesting_build() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    let mut summary = String::from("# Summary\n\n");
    for d in 0..16 {
        summary.push_str(&"  ".repeat(d));
        summary.push_str(&format!("- [C{d}](c{d}.md)\n"));
        write(
            &root,
            &[(&format!("content/c{d}.md"), &format!("# C{d}\n"))],
        );
    }
    write(&root, &[("content/SUMMARY.md", &summary)]);
    // Listed nowhere now.
    fs::remove_file(root.join("content/a.md")).unwrap();
    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let last = read(&root.join("book/c15.html"));
    assert!(last.contains(&"1.".repeat(16)), "the deepest number");
}

#[test]
fn book_toml_warnings_name_their_line_and_the_path_from_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("toml1");
    write(
        &root,
        &[
            (
                "book.toml",
                "[book]\ntitle = \"T\"\n\n[output.html.playground.boring]\npython = \"~\"\n\n[output.html]\nsearch.enable = true\n",
            ),
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            ("src/a.md", "# A\n"),
        ],
    );
    let out = run(dir.path(), &["build", "toml1"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: toml1/book.toml:4: `output.html.playground` is an mdBook setting"),
        "{err}"
    );
    assert!(
        err.contains("warning: toml1/book.toml:8: `output.html.search` is an mdBook setting"),
        "{err}"
    );
    write(
        &root,
        &[(
            "book.toml",
            "[book]\ntitle = \"T\"\n[output.html]\nadditional-css = [\n  \"a.css\",\n  \"gone.css\",\n]\n",
        )],
    );
    write(&root, &[("a.css", "a {}\n")]);
    let out = run(dir.path(), &["build", "toml1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("toml1/book.toml:6: additional-css: `gone.css` does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn docs_check_warns_about_an_unclosed_fence_and_runs_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = book(dir.path(), "");
    write(
        &root,
        &[(
            "content/a.md",
            "# A\n\n```sh\ntrue\n```\n\n```sh\nexit 1\n\n## Later\n",
        )],
    );
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .current_dir(&root)
        .arg("--list")
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: content/a.md:7: this code block is never closed"),
        "{}",
        stderr(&out)
    );
    assert!(listed.contains("content/a.md:3"), "{listed}");
    assert!(!listed.contains("content/a.md:7"), "{listed}");
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .current_dir(&root)
        .args(["--report", "../report.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/a.md:7: this code block is never closed"));
}

/// A book of `pages` pages with a highlighted block each, so that a build
/// takes long enough to be interrupted.
fn big_book(dir: &Path, pages: usize) -> PathBuf {
    let mut summary = String::new();
    for i in 0..pages {
        summary.push_str(&format!("- [P{i}](p{i}.md)\n"));
    }
    let root = book(dir, &summary);
    for i in 0..pages {
        write(
            &root,
            &[(
                &format!("content/p{i}.md"),
                &format!(
                    "# Page {i}\n\n```rust\nfn main() {{\n    println!(\"{i}\");\n}}\n```\n\nSome words about page {i}.\n"
                ),
            )],
        );
    }
    root
}

/// The folders beside the output folder `book` that a build leaves.
fn staging_folders(root: &Path) -> Vec<String> {
    fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".book.tmp-") || n.starts_with(".book.old-"))
        .collect()
}

/// Start `guidebook build` in `root`; wait until its staging folder holds
/// some pages. The caller waits for the child.
#[allow(clippy::zombie_processes)]
fn start_build(root: &Path) -> std::process::Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("guidebook"))
        .current_dir(root)
        .arg("build")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        let busy = staging_folders(root).iter().any(|n| {
            fs::read_dir(root.join(n)).is_ok_and(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".html"))
                })
                .count()
                    > 5
            })
        });
        if busy {
            return child;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the build never started writing");
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[cfg(unix)]
#[test]
fn interrupted_builds_leave_no_staging_folder_and_keep_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = big_book(dir.path(), 300);
    let first = run(&root, &["build"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let dest = root.join("book");
    let site = snapshot(&dest, &[]);
    // Change a page, so that an interrupted build has something new to write.
    write(&root, &[("content/p0.md", "# Changed\n")]);
    let outside = snapshot(dir.path(), &[&dest, &root.join(".book.previous")]);
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let child = start_build(&root);
        // SAFETY: kill(2) on the pid of a child we started and still own.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(130),
            "signal {signal}: {}",
            stderr(&out)
        );
        assert_eq!(
            staging_folders(&root),
            Vec::<String>::new(),
            "signal {signal}"
        );
        assert!(root.join(".book.previous").is_dir(), "signal {signal}");
        assert_eq!(
            snapshot(&dest, &[]),
            site,
            "signal {signal}: the site changed"
        );
        assert_eq!(
            snapshot(dir.path(), &[&dest, &root.join(".book.previous")]),
            outside
        );
    }
    // SIGKILL leaves the staging folder; the next build clears it.
    let mut child = start_build(&root);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_unchanged(&site, &snapshot(&dest, &[]), "the site after SIGKILL");
    assert_eq!(staging_folders(&root).len(), 1);
    let out = run(&root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(staging_folders(&root), Vec::<String>::new());
    assert!(read(&dest.join("p0.html")).contains("Changed"));
    assert!(root.join(".book.previous").is_dir());
    assert!(!root.join(".book.lock").exists());
}

#[test]
fn the_site_path_is_never_missing_during_a_swap() {
    let dir = tempfile::tempdir().unwrap();
    let root = big_book(dir.path(), 20);
    assert!(run(&root, &["build"]).status.success());
    let dest = root.join("book");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (dest, done) = (dest.clone(), done.clone());
        std::thread::spawn(move || {
            let mut looks = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                assert!(
                    dest.join("index.html").is_file(),
                    "the site was missing after {looks} looks"
                );
                looks += 1;
            }
            looks
        })
    };
    for _ in 0..15 {
        let out = run(&root, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let looks = watcher.join().unwrap();
    assert!(looks > 100, "{looks}");
}

#[test]
fn concurrent_builds_take_turns() {
    let dir = tempfile::tempdir().unwrap();
    let root = big_book(dir.path(), 150);
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("guidebook"))
                .current_dir(&root)
                .arg("build")
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut waited = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        if err.contains("book: another guidebook build is writing this output folder; waiting") {
            waited += 1;
        }
    }
    assert!(waited >= 1, "no build waited for another");
    assert_eq!(staging_folders(&root), Vec::<String>::new());
    let dest = root.join("book");
    for i in 0..150 {
        assert!(read(&dest.join(format!("p{i}.html"))).contains(&format!("Page {i}")));
    }
}
