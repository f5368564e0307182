//! `guidebook build` end to end: fixture books under tests/fixtures/books/.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod support;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/books")
        .join(name)
}

fn guidebook() -> Command {
    Command::cargo_bin("guidebook").unwrap()
}

/// Run `guidebook build BOOK -d DEST`; (exit code, stderr).
fn build(book: &Path, dest: &Path) -> (i32, String) {
    build_with(book, dest, &[])
}

/// Run `guidebook build BOOK -d DEST ARGS...`; (exit code, stderr).
fn build_with(book: &Path, dest: &Path, args: &[&str]) -> (i32, String) {
    let out = guidebook()
        .arg("build")
        .arg(book)
        .arg("--dest-dir")
        .arg(dest)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A copy of fixture `name` in a fresh temporary folder; (tempdir, book root).
fn copy_of(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name);
    copy_dir(&fixture(name), &root);
    (dir, root)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`: relative path -> bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn mdbook_shapes_builds_every_file() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let (code, stderr) = build(&fixture("mdbook-shapes"), &dest);
    assert_eq!(code, 0, "{stderr}");
    for file in [
        ".guidebook-output",
        "index.html",
        "install.html",
        "install/linux.html",
        "install/linux/deep.html",
        "markdown.html",
        "reference/code.html",
        "appendix.html",
        "404.html",
        "searchindex.js",
        "sitemap.xml",
        "css/highlight.css",
        "images/logo.svg",
        "extra.css",
    ] {
        assert!(dest.join(file).is_file(), "missing {file}");
    }
    assert!(!dest.join("SUMMARY.md").exists() && !dest.join("README.md").exists());

    let deep = read(&dest.join("install/linux/deep.html"));
    assert!(
        deep.contains("href=\"../../index.html\""),
        "links rewritten"
    );
    assert!(deep.contains("1.1.1."), "section numbers");
    assert!(deep.contains("Later"), "drafts are listed");
    assert!(
        deep.contains("https://github.com/example/shapes/edit/main/content/install/linux/deep.md")
    );

    let md = read(&dest.join("markdown.html"));
    for needle in [
        "<table>",
        "<del>Old</del>",
        "type=\"checkbox\"",
        "class=\"footnote-definition\"",
        "<h2 id=\"my-id\">",
        "<div class=\"callout callout-note\">",
        "<div class=\"callout callout-caution\">",
        "<p class=\"callout-title\">Warning</p>",
        "<img src=\"images/logo.svg\"",
        "href=\"markdown.html#tables\"",
    ] {
        assert!(md.contains(needle), "markdown.html lacks {needle}");
    }

    let code = read(&dest.join("reference/code.html"));
    for lang in ["nix", "toml", "console", "rust", "json"] {
        assert!(
            code.contains(&format!("<code class=\"language-{lang}\">")),
            "{lang}"
        );
    }
    assert!(code.contains("<span class=\"prompt\">$ </span>"));
    assert!(code.contains("<span class=\"output\">done</span>"));
    assert!(
        !code.contains("this-is-hidden"),
        "hidden blocks are not shown"
    );
    assert!(!code.contains("style=\""), "no inline styles in code");

    let index = read(&dest.join("searchindex.js"));
    assert!(
        index
            .starts_with("window.guidebookSearchIndex = {docs: [[\"Introduction\",\"index.html\",")
    );
    assert!(index.contains("[\"Install › Requirements\",\"install.html#requirements\","));
    assert!(index.contains("\"wasmtime_component_macro\":["));
    let sitemap = read(&dest.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.org/shapes/install/linux.html</loc>"));
    assert!(read(&dest.join("404.html")).contains("https://example.org/shapes/"));
    let css = read(&dest.join("css/highlight.css"));
    assert!(css.contains("html[data-theme=\"dark\"] .hl-"));
}

#[test]
fn default_output_folder_is_build_dir_under_the_book() {
    let (_dir, root) = copy_of("mdbook-shapes");
    let out = guidebook()
        .current_dir(&root)
        .arg("build")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(root.join("book/index.html").is_file());
}

/// Build an invalid fixture: exit code 2, every expected message, no output.
fn assert_fails(name: &str, expected: &[&str]) {
    assert_fails_with(name, &[], expected)
}

/// [`assert_fails`] with more arguments to `guidebook build`.
fn assert_fails_with(name: &str, args: &[&str], expected: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let (code, stderr) = build_with(&fixture(name), &dest, args);
    assert_eq!(code, 2, "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(!dest.exists());
    assert!(
        names_in(out.path()).is_empty(),
        "temporary folder left behind"
    );
}

#[test]
fn unknown_book_toml_key() {
    assert_fails("invalid-key", &["book.toml:3: unknown field `titel`"]);
}

#[test]
fn missing_summary_target() {
    assert_fails(
        "missing-target",
        &[
            "SUMMARY.md:4: chapter `Gone` links to",
            "gone.md`, which does not exist",
        ],
    );
}

/// Broken links are warnings with file:line; the build goes on.
fn builds_with_warnings(name: &str, expected: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let (code, stderr) = build(&fixture(name), &dest);
    assert_eq!(code, 0, "{stderr}");
    for e in expected {
        let line = stderr
            .lines()
            .find(|l| l.contains(e))
            .unwrap_or_else(|| panic!("expected `{e}` in:\n{stderr}"));
        assert!(line.starts_with("warning: "), "{line}");
    }
    assert!(dest.join("index.html").is_file());
}

#[test]
fn broken_links_are_all_reported() {
    let expected = [
        "a.md:5: broken link `nowhere.md`: no page",
        "b.md:3: broken link `img/missing.png`: no file",
    ];
    builds_with_warnings("broken-link", &expected);
    assert_fails_with("broken-link", &["--strict"], &expected);
}

#[test]
fn broken_anchor() {
    let expected = [
        "a.md:5: broken link `b.md#instal`: no heading or anchor `#instal` on",
        "did you mean `install`?",
    ];
    builds_with_warnings("broken-anchor", &expected[..1]);
    assert_fails_with("broken-anchor", &["--strict"], &expected);
}

/// `[build] strict = true` in book.toml is `--strict`; the message says
/// which warnings failed the build and that the old site is kept.
#[test]
fn strict_setting_fails_on_any_warning_and_keeps_the_site() {
    let (dir, root) = copy_of("broken-link");
    let dest = dir.path().join("site");
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    let good = snapshot(&dest);
    let toml = root.join("book.toml");
    let before = fs::read_to_string(&toml).unwrap_or_default();
    fs::write(&toml, format!("{before}\n[build]\nstrict = true\n")).unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("a.md:5: broken link `nowhere.md`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the build is strict (--strict or [build] strict = true): 2 warnings fail it; nothing was written and the previous site is kept"),
        "{stderr}"
    );
    assert_eq!(snapshot(&dest), good, "site changed");
}

/// Links out of the source folder are checked only when asked; excluded
/// prefixes are never checked.
#[test]
fn outside_links_opt_in_and_exclusions() {
    let (dir, root) = copy_of("outside-links");
    let dest = dir.path().join("site");
    let (code, stderr) = build_with(&root, &dest, &["--strict"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let toml = root.join("book.toml");
    let before = read(&toml);
    fs::write(
        &toml,
        before.replace(
            "link-check-outside-src = false",
            "link-check-outside-src = true",
        ),
    )
    .unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("src/a.md:5: broken link `../std/vec/struct.Vec.html`: it points outside the source folder and there is no `"),
        "{stderr}"
    );
    // `../reference/` is excluded, `../book.toml` exists.
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
}

#[test]
fn bad_annotation() {
    assert_fails(
        "bad-annotation",
        &["a.md:5: unknown attribute `timout`; did you mean `timeout`?"],
    );
}

#[test]
fn refuses_the_book_root_as_output() {
    let (_dir, root) = copy_of("mdbook-shapes");
    let before = snapshot(&root);
    let (code, stderr) = build(&root, &root);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is or contains the book root"), "{stderr}");
    assert_eq!(snapshot(&root), before);
}

#[test]
fn refuses_output_containing_or_inside_the_source() {
    let (dir, root) = copy_of("mdbook-shapes");
    let before = snapshot(dir.path());
    for dest in [
        dir.path().to_path_buf(),
        root.join("content"),
        root.join("content/site"),
    ] {
        let (code, stderr) = build(&root, &dest);
        assert_eq!(code, 2, "{}: {stderr}", dest.display());
        assert!(
            stderr.contains("book root") || stderr.contains("source folder"),
            "{stderr}"
        );
    }
    assert_eq!(snapshot(dir.path()), before, "nothing touched");
}

#[test]
fn refuses_a_non_empty_folder_it_did_not_create() {
    let (dir, root) = copy_of("mdbook-shapes");
    let dest = dir.path().join("mine");
    fs::create_dir_all(&dest).unwrap();
    fs::write(dest.join("notes.txt"), "precious").unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("mine"), "names the folder: {stderr}");
    assert!(stderr.contains("did not create"), "{stderr}");
    assert_eq!(names_in(&dest), ["notes.txt"]);
    assert_eq!(read(&dest.join("notes.txt")), "precious");
    assert_eq!(names_in(dir.path()), ["mdbook-shapes", "mine"]);
}

#[test]
fn builds_into_an_empty_folder_and_replaces_its_own_output() {
    let (dir, root) = copy_of("mdbook-shapes");
    let dest = dir.path().join("site");
    fs::create_dir_all(&dest).unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    fs::write(dest.join("stale.html"), "old").unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(!dest.join("stale.html").exists(), "old site replaced");
    assert!(dest.join("index.html").is_file() && dest.join(".guidebook-output").is_file());
    // The replaced site is kept beside it, and the next build writes over
    // its files, removing those it does not write.
    let previous = dir.path().join(".site.previous");
    assert!(previous.join("stale.html").is_file());
    assert_eq!(
        names_in(dir.path()),
        [".site.previous", "mdbook-shapes", "site"]
    );
    let first = read(&dest.join("index.html"));
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(!dest.join("stale.html").exists(), "a reused file was kept");
    assert_eq!(read(&dest.join("index.html")), first);
    assert_eq!(
        names_in(dir.path()),
        [".site.previous", "mdbook-shapes", "site"]
    );
}

/// A name and a way to break the book.
type Breakage<'a> = (&'a str, Box<dyn Fn() + 'a>);

#[test]
fn failed_builds_keep_the_last_good_site() {
    let (dir, root) = copy_of("mdbook-shapes");
    let dest = dir.path().join("site");
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    let good = snapshot(&dest);
    let appendix = root.join("content/appendix.md");
    let original = read(&appendix);
    let breakages: [Breakage; 3] = [
        (
            "broken link",
            Box::new(|| fs::write(&appendix, "# Appendix\n\n[x](gone.md)\n").unwrap()),
        ),
        (
            "bad annotation",
            Box::new(|| fs::write(&appendix, "# Appendix\n\n```sh timout=3\nx\n```\n").unwrap()),
        ),
        (
            "template error",
            Box::new(|| {
                fs::write(&appendix, &original).unwrap();
                fs::create_dir_all(root.join("theme")).unwrap();
                fs::write(
                    root.join("theme/page.html"),
                    "{{ page.content|safe }}{{ 1 + }}",
                )
                .unwrap();
            }),
        ),
    ];
    for (what, breakage) in breakages {
        breakage();
        // Strict: a broken link fails the build.
        let (code, stderr) = build_with(&root, &dest, &["--strict"]);
        assert_eq!(code, 2, "{what}: {stderr}");
        assert_eq!(snapshot(&dest), good, "{what}: site changed");
        assert_eq!(
            names_in(dir.path()),
            ["mdbook-shapes", "site"],
            "{what}: leftovers"
        );
    }
}

/// Info strings read as rustdoc and mdBook read them: split on spaces, tabs
/// and commas, their attributes accepted, an unknown one on a shown-only
/// block a warning with file:line.
#[test]
fn info_strings_read_as_rustdoc_and_mdbook() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("site");
    let book = fixture("info-strings");
    let (code, stderr) = build(&book, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "info-strings/src/a.md:21: unknown attribute `frobnicate`; known attributes: file, skip, hidden, timeout, needs, exit, shell, check, background (ignored: this `rust` block is shown only)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    let page = read(&dest.join("a.html"));
    let classes: Vec<&str> = page
        .split("<pre><code class=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    // The hidden sh block is not shown; every other block keeps its language.
    assert_eq!(
        classes,
        [
            "language-rust",
            "language-rust",
            "language-rust",
            "language-rust",
            "language-rust",
            "language-console",
            "language-toml"
        ]
    );
    for name in [
        "comma_space",
        "space_comma",
        "editable",
        "many",
        "unknown_but_shown",
    ] {
        assert!(page.contains(&format!(">{name}</span>")), "{name}");
    }
    assert!(!page.contains("echo setup"));

    // What the checker sees: the console block with its comma, the hidden sh.
    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .current_dir(book.parent().unwrap())
        .arg("info-strings")
        .arg("--list")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "info-strings/src/a.md:25\tconsole\techo comma\n\
         info-strings/src/a.md:30\tsh\techo setup\n"
    );
}

/// An unknown attribute on a block the checker runs still fails the build.
#[test]
fn unknown_attribute_on_a_run_block_fails() {
    let (dir, root) = copy_of("info-strings");
    let page = root.join("src/a.md");
    let text = read(&page).replace("```sh,hidden", "```sh,hidden,frobnicate");
    fs::write(&page, text).unwrap();
    let (code, stderr) = build(&root, &dir.path().join("site"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("src/a.md:30: unknown attribute `frobnicate`"),
        "{stderr}"
    );
}

/// mdBook settings: `playpen` read as the old name of `playground`, mdBook's
/// theme names mapped to light and dark, text after a SUMMARY link skipped
/// as mdBook's SUMMARY parser skips it.
#[test]
fn mdbook_playpen_theme_names_and_summary_text() {
    let (dir, root) = copy_of("mdbook-config");
    let dest = dir.path().join("site");
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "book.toml:8: `output.html.playpen` (mdBook's old name of `playground`) is an mdBook setting guidebook ignores"
        ),
        "{stderr}"
    );
    let page = read(&dest.join("a.html"));
    assert!(
        page.contains(r#"data-default-theme="light" data-theme="light""#),
        "{page}"
    );

    for (theme, want) in [
        ("coal", "dark"),
        ("navy", "dark"),
        ("ayu", "dark"),
        ("light", "light"),
    ] {
        let toml = format!("[book]\ntitle = \"T\"\n[output.html]\ndefault-theme = \"{theme}\"\n");
        fs::write(root.join("book.toml"), toml).unwrap();
        let (code, stderr) = build(&root, &dest);
        assert_eq!(code, 0, "{stderr}");
        let page = read(&dest.join("a.html"));
        let attr = format!(r#"data-default-theme="{want}" data-theme="{want}""#);
        assert!(page.contains(&attr), "{theme}: {page}");
    }
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"T\"\n[output.html]\npreferred-dark-theme = \"rust\"\n",
    )
    .unwrap();
    let (code, stderr) = build(&root, &dest);
    assert_eq!(code, 0, "{stderr}");
    assert!(read(&dest.join("a.html")).contains(r#"data-theme="light""#));
}

/// mdBook's `smart-punctuation` (on by default since mdBook 0.5): prose gets
/// typographic quotes and dashes, code keeps what was written, and the
/// checker reads the page as written.
#[test]
fn smart_punctuation_by_default_and_off_when_asked() {
    let (dir, root) = copy_of("smart-punctuation");
    let dest = dir.path().join("site");
    let (code, stderr) = build_with(&root, &dest, &["--strict"]);
    assert_eq!(code, 0, "{stderr}");
    let page = read(&dest.join("a.html"));
    assert!(
        page.contains("<p>It’s “quoted” – and ‘single’ — then more…</p>"),
        "{page}"
    );
    assert!(page.contains(r#"<code>"as-is" -- 'x'</code>"#), "{page}");
    assert!(
        page.contains(r#"<span class="output">it&#39;s -- fine</span>"#),
        "{page}"
    );

    let out = Command::cargo_bin("docs-check")
        .unwrap()
        .current_dir(dir.path())
        .args(["smart-punctuation", "--list"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "smart-punctuation/src/a.md:7\tconsole\techo \"it's -- fine\"\n"
    );

    for off in ["smart-punctuation = false", "curly-quotes = false"] {
        let toml = format!("[book]\ntitle = \"S\"\n[output.html]\n{off}\n");
        fs::write(root.join("book.toml"), toml).unwrap();
        let (code, stderr) = build_with(&root, &dest, &["--strict"]);
        assert_eq!(code, 0, "{off}: {stderr}");
        let page = read(&dest.join("a.html"));
        assert!(
            page.contains(r#"<p>It's "quoted" -- and 'single' --- then more...</p>"#),
            "{off}: {page}"
        );
    }
}

/// Every `id="..."` of `html`.
fn ids_of(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// mdBook's HTML output: redirects, print.html, folded sections, the
/// book's favicon, additional CSS/JS on every page, the 404 page's links,
/// and the mdBook theme files that are not published.
#[test]
fn mdbook_html_output() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let (code, stderr) = build(&fixture("mdbook-html"), &dest);
    assert_eq!(code, 0, "{stderr}");

    let old = read(&dest.join("old/start.html"));
    assert!(old.contains("<meta http-equiv=\"refresh\" content=\"0; URL=../intro.html\">"));
    assert!(old.contains("{\"#install\":\"../guide/setup.html#install\"}"));
    assert!(read(&dest.join("gone.html")).contains("URL=https://example.org/new/"));
    // An old fragment of a page that still exists is mapped in the page.
    let intro = read(&dest.join("intro.html"));
    assert!(intro.contains("({\"#old-name\":\"guide/setup.html#install\"})[window.location.hash]"));
    assert!(!read(&dest.join("guide/setup.html")).contains("window.location.hash]"));

    let print = read(&dest.join("print.html"));
    let article = &print[print.find("<article").unwrap()..print.find("</article>").unwrap()];
    for (title, id) in [
        ("Introduction", "introduction"),
        ("Guide", "guide"),
        ("Setup", "setup"),
        ("Details", "details"),
        ("No title", "no-title"),
    ] {
        let h1 = format!("<h1 id=\"{id}\">");
        assert_eq!(article.matches(&h1).count(), 1, "{title}: {article}");
    }
    let ids = ids_of(article);
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "repeated ids: {ids:?}");
    for link in [
        "<a href=\"#install\">setup</a>",
        "<a href=\"#details\">the details</a>",
        "<a href=\"#overview\">introduction</a>",
        "<a href=\"#setup\">raw HTML</a>",
        "<span id=\"overview-2\">",
        "<a href=\"#overview-1\">guide</a>",
        "<img src=\"images/logo.svg\"",
    ] {
        assert!(article.contains(link), "print.html lacks {link}");
    }
    assert_eq!(article.matches("class=\"print-page-break\"").count(), 4);
    assert!(print.contains("<meta name=\"robots\" content=\"noindex\">"));

    for page in ["intro.html", "guide/details.html", "print.html", "404.html"] {
        let html = read(&dest.join(page));
        let root = match page {
            "guide/details.html" => "../",
            "404.html" => "/",
            _ => "",
        };
        for needle in [
            format!("<link rel=\"icon\" href=\"{root}favicon.svg\" type=\"image/svg+xml\">"),
            format!("<link rel=\"stylesheet\" href=\"{root}theme/custom.css\">"),
            format!("<script src=\"{root}theme/custom.js\"></script>"),
            format!("href=\"{root}print.html\" title=\"Print this book\""),
        ] {
            assert!(html.contains(&needle), "{page} lacks {needle}");
        }
        assert!(!html.contains("data:image/svg+xml"), "{page}: default icon");
    }
    assert!(dest.join("favicon.svg").is_file());
    assert!(read(&dest.join("404.html")).contains("<base href=\"/\">"));

    // Fold level 0: off its path a chapter's sections are folded.
    assert!(intro.contains("<li class=\"nav-chapter foldable\">"));
    let details = read(&dest.join("guide/details.html"));
    assert!(details.contains("<li class=\"nav-chapter active foldable expanded\">"));

    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("mdBook theme files"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    for name in [
        "book.js",
        "css/chrome.css",
        "fonts/",
        "head.hbs",
        "index.hbs",
    ] {
        assert_eq!(
            warnings[0].matches(name).count(),
            1,
            "{name}: {}",
            warnings[0]
        );
    }
    assert!(warnings[0].starts_with("warning: ") && warnings[0].contains("mdbook-html/theme/:"));
    for file in [
        "index.hbs",
        "head.hbs",
        "book.js",
        "css/chrome.css",
        "fonts/fonts.css",
    ] {
        assert!(!dest.join(file).exists(), "{file} published");
    }
    assert!(dest.join("css/guidebook.css").is_file());
}

#[test]
fn unused_mdbook_theme_files_fail_a_strict_build() {
    assert_fails_with(
        "mdbook-html",
        &["--strict"],
        &[
            "mdbook-html/theme/: mdBook theme files guidebook does not use, left out of the site: book.js, css/chrome.css, fonts/, head.hbs, index.hbs",
        ],
    );
}

/// A copy of the mdbook-html fixture whose book.toml ends with `extra`;
/// the build's (exit code, stderr, output folder).
fn build_html_fixture_with(extra: &str) -> (i32, String, tempfile::TempDir) {
    build_html_fixture_edited(|text| format!("{text}{extra}"))
}

/// A copy of the mdbook-html fixture whose book.toml `edit` rewrote, built
/// into its `site/`: (exit code, stderr, the copy's folder).
fn build_html_fixture_edited(
    edit: impl FnOnce(String) -> String,
) -> (i32, String, tempfile::TempDir) {
    let (dir, root) = copy_of("mdbook-html");
    let toml = root.join("book.toml");
    fs::write(&toml, edit(read(&toml))).unwrap();
    let (code, stderr) = build(&root, &dir.path().join("site"));
    (code, stderr, dir)
}

#[test]
fn redirect_clashes_and_pages_fail_at_their_book_toml_line() {
    // book.toml has 20 lines, `/gone.html` the last; appended keys are lines 21 on.
    let (code, stderr, dir) = build_html_fixture_with(
        "\"gone.html\" = \"elsewhere.html\"\n\"/intro.html\" = \"guide/index.html\"\n\"/images/logo.svg\" = \"x.html\"\n\"/print.html\" = \"x.html\"\n",
    );
    assert_eq!(code, 2, "{stderr}");
    let e = "book.toml:21: redirect `gone.html` names the same old page as `/gone.html` (line 20); keep one of them";
    assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    assert!(!dir.path().join("site").exists());
    // Without the clash, the others are checked against the site.
    let (dir2, root) = copy_of("mdbook-html");
    let toml = root.join("book.toml");
    let text = read(&toml);
    fs::write(
        &toml,
        format!("{text}\"/intro.html\" = \"guide/index.html\"\n\"/images/logo.svg\" = \"x.html\"\n\"/print.html\" = \"x.html\"\n\"/plain.html/old.html\" = \"x.html\"\n\"/guide\" = \"x.html\"\n"),
    )
    .unwrap();
    let (code, stderr) = build(&root, &dir2.path().join("site"));
    assert_eq!(code, 2, "{stderr}");
    for e in [
        "book.toml:21: redirect `/intro.html`: `intro.html` is a page of the book (SUMMARY.md); remove the redirect or the page",
        "book.toml:22: redirect `/images/logo.svg`: `images/logo.svg` is a file the build writes",
        "book.toml:23: redirect `/print.html`: `print.html` is a file the build writes",
        "book.toml:24: redirect `/plain.html/old.html`: `plain.html` is a file of the site, so `plain.html/old.html` cannot be written inside it",
        "book.toml:25: redirect `/guide`: `guide` is a folder of the site",
    ] {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(!dir2.path().join("site").exists());
}

#[test]
fn redirects_outside_the_output_folder_are_refused() {
    let (code, stderr, dir) = build_html_fixture_with(
        "\"/../../outside.html\" = \"intro.html\"\n\"/deep/a.html\" = \"../../../up.html\"\n",
    );
    assert_eq!(code, 2, "{stderr}");
    for e in [
        "book.toml:21: redirect `/../../outside.html`: leaves the output folder (`..`)",
        "book.toml:22: redirect `/deep/a.html`: leads to `../../../up.html`, outside the output folder",
    ] {
        assert!(stderr.contains(e), "expected `{e}` in:\n{stderr}");
    }
    assert!(!dir.path().join("outside.html").exists());
    assert!(!dir.path().join("site").exists());
}

#[test]
fn print_page_can_be_turned_off() {
    let (code, stderr, dir) =
        build_html_fixture_edited(|text| text.replace("page-break = true", "enable = false"));
    let dest = dir.path().join("site");
    assert_eq!(code, 0, "{stderr}");
    assert!(!dest.join("print.html").exists());
    assert!(!read(&dest.join("intro.html")).contains("print.html"));
}

/// The `id`s, and the set of link targets (entities decoded), of `html`.
fn ids_and_links(html: &str) -> (Vec<String>, std::collections::BTreeSet<String>) {
    let ids = ids_of(html).into_iter().map(str::to_string).collect();
    let link = regex::Regex::new(r#"\b(?:href|src)="([^"]*)""#).unwrap();
    let links = link
        .captures_iter(html)
        .map(|c| c[1].replace("&amp;", "&"))
        .collect();
    (ids, links)
}

/// print.html of mdBook's print books has mdBook's ids, in mdBook's order,
/// and the same link targets (mdBook's theme markup aside).
#[test]
fn print_page_matches_mdbook_ids_and_links() {
    let Some(suite) = support::mdbook_testsuite() else {
        return;
    };
    for name in ["duplicate_ids", "relative_links", "chapter_no_h1"] {
        let book = suite.join("print").join(name);
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("site");
        let (code, stderr) = build(&book, &dest);
        assert_eq!(code, 0, "{name}: {stderr}");
        let print = read(&dest.join("print.html"));
        let start = print.find("<article class=\"content\">").unwrap() + 25;
        let ours = ids_and_links(&print[start..print.find("</article>").unwrap()]);
        let theirs = ids_and_links(&read(&book.join("expected/print.html")));
        assert_eq!(ours, theirs, "{name}");
    }
}

/// mdBook's redirect books: the same pages, targets and fragment maps, and
/// a failure where mdBook fails, at the book.toml line.
#[test]
fn redirects_match_mdbook() {
    let Some(suite) = support::mdbook_testsuite() else {
        return;
    };
    let book = suite.join("redirects/redirects_are_emitted_correctly");
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("site");
    let (code, stderr) = build(&book, &dest);
    assert_eq!(code, 0, "{stderr}");
    let url = regex::Regex::new(r#"content="0; URL=([^"]*)""#).unwrap();
    let theirs_map = regex::Regex::new(r"fragmentMap =\s*(\{[^}]*\})").unwrap();
    let ours_map = regex::Regex::new(r"var map = (\{[^}]*\})").unwrap();
    for page in ["overview.html", "nested/page.html"] {
        let ours = read(&dest.join(page));
        let theirs = read(&book.join("expected").join(page));
        assert_eq!(
            url.captures(&ours).unwrap()[1],
            url.captures(&theirs).unwrap()[1],
            "{page}"
        );
        assert_eq!(
            ours_map.captures(&ours).unwrap()[1],
            theirs_map.captures(&theirs).unwrap()[1],
            "{page}"
        );
    }
    for (name, message) in [
        (
            "redirect_existing_page",
            "book.toml:5: redirect `/chapter_1.html`: `chapter_1.html` is a page of the book",
        ),
        (
            "redirect_removed_with_fragments_only",
            "book.toml:5: redirect `/old-file.html#foo`: `old-file.html` has only keys with a `#fragment`",
        ),
    ] {
        let out = tempfile::tempdir().unwrap();
        let (code, stderr) = build(
            &suite.join("redirects").join(name),
            &out.path().join("site"),
        );
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
}

/// With `site-url` a path, as mdBook books often give it, the 404 page and
/// the canonical links start from it.
#[test]
fn site_url_as_a_path_roots_the_404_page_and_canonical_links() {
    let (code, stderr, dir) = build_html_fixture_edited(|text| {
        text.replace("[output.html]\n", "[output.html]\nsite-url = \"/docs\"\n")
    });
    let dest = dir.path().join("site");
    assert_eq!(code, 0, "{stderr}");
    let not_found = read(&dest.join("404.html"));
    for needle in [
        "<base href=\"/docs/\">",
        "href=\"/docs/css/guidebook.css\"",
        "href=\"/docs/guide/index.html\"",
        "href=\"/docs/print.html\"",
    ] {
        assert!(not_found.contains(needle), "404.html lacks {needle}");
    }
    let details = read(&dest.join("guide/details.html"));
    assert!(details.contains("<link rel=\"canonical\" href=\"/docs/guide/details.html\">"));
}

/// The `mdbook` to compare with, or why the test is skipped.
fn mdbook() -> Option<PathBuf> {
    let found = support::mdbook();
    if found.is_none() {
        eprintln!("skipped: no mdbook ($MDBOOK or on PATH) to compare with");
    }
    found
}

/// mdBook and guidebook build the mdbook-html fixture's print.html with the
/// same ids and link targets, and the same redirect pages.
#[test]
fn print_page_and_redirects_match_mdbook_of_the_same_book() {
    let Some(mdbook) = mdbook() else {
        return;
    };
    let (dir, root) = copy_of("mdbook-html");
    let theirs = dir.path().join("mdbook-site");
    let out = std::process::Command::new(&mdbook)
        .arg("build")
        .arg(&root)
        .arg("--dest-dir")
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = dir.path().join("site");
    let (code, stderr) = build(&root, &ours);
    assert_eq!(code, 0, "{stderr}");
    let print = read(&ours.join("print.html"));
    let start = print.find("<article class=\"content\">").unwrap() + 25;
    let article = &print[start..print.find("</article>").unwrap()];
    let mdbook_print = read(&theirs.join("print.html"));
    // The fixture's own index.hbs makes mdBook's page its content alone.
    assert_eq!(ids_and_links(article), ids_and_links(&mdbook_print));
    let url = regex::Regex::new(r#"content="0; URL=([^"]*)""#).unwrap();
    for page in ["old/start.html", "gone.html"] {
        let (a, b) = (read(&ours.join(page)), read(&theirs.join(page)));
        assert_eq!(
            url.captures(&a).unwrap()[1],
            url.captures(&b).unwrap()[1],
            "{page}"
        );
    }
}
