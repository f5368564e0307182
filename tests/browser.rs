//! The built guide in a real headless Chromium (Debian's `chromium`): search
//! from `?search=`, the theme toggle, the copy button of a console block,
//! navigation with JavaScript off, a screenshot, and the check badges of a
//! small fixture book built with a real docs-check report; the mdbook-html
//! fixture's fold toggle and redirect pages.
//!
//! Each test drives the page's own script: it appends a small script to a copy
//! of a built page that clicks, waits and writes what it saw into the DOM, and
//! reads the DOM that Chromium dumps.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists());
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed; CI must install it (apt-get install -y chromium)");
        }
        eprintln!("skipped: chromium not found in /usr/bin (apt-get install chromium)");
    }
    found
}

/// The bundled guide, built once for all tests here.
fn site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_guidebook"))
            .arg("build")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .arg("-d")
            .arg(dir.path().join("site"))
            .status()
            .unwrap();
        assert!(status.success());
        dir
    })
    .path()
    .join("site")
    .leak()
}

fn run_chromium(bin: &Path, extra: &[&str], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of `page` (relative to `site`) with `script` run after load.
fn page_with_script(site: &Path, page: &str, script: &str) -> String {
    let original = site.join(page);
    let html = std::fs::read_to_string(&original).unwrap();
    let probe = original.with_file_name(format!(
        "probe-{}",
        original.file_name().unwrap().to_string_lossy()
    ));
    let tagged = html.replace(
        "</body>",
        &format!("<script>window.addEventListener('load', () => setTimeout(async () => {{ {script} }}, 300));</script></body>"),
    );
    std::fs::write(&probe, tagged).unwrap();
    format!("file://{}", probe.display())
}

#[test]
fn search_from_the_url_shows_results() {
    let Some(bin) = chromium() else { return };
    let url = format!(
        "file://{}?search=wasmtime_component_macro",
        site().join("faq.html").display()
    );
    let dom = run_chromium(&bin, &["--dump-dom"], &url);
    assert!(dom.contains("id=\"search-results\""), "no results list");
    let hits = dom.matches("class=\"search-result").count();
    assert!(hits >= 3, "expected several results, found {hits}");
    assert!(dom.contains("<mark>"), "matches are not highlighted");
    let url = format!(
        "file://{}?search=zzzqqqnothing",
        site().join("faq.html").display()
    );
    let dom = run_chromium(&bin, &["--dump-dom"], &url);
    assert!(dom.contains("search-empty"), "no 'no results' message");
}

#[test]
fn theme_toggle_switches_and_is_remembered() {
    let Some(bin) = chromium() else { return };
    let script = "const b = document.getElementById('theme-toggle'); \
        const seen = [document.documentElement.dataset.theme]; \
        for (let i = 0; i < 3; i++) { b.click(); seen.push(b.dataset.themeChoice + ':' + document.documentElement.dataset.theme); } \
        document.body.setAttribute('data-probe', seen.join(',') + '|' + localStorage.getItem('guidebook-theme'));";
    let dom = run_chromium(
        &bin,
        &["--dump-dom"],
        &page_with_script(site(), "faq.html", script),
    );
    let probe = attr(&dom, "data-probe").expect("probe did not run");
    let (seen, stored) = probe.split_once('|').unwrap();
    let states: Vec<_> = seen.split(',').collect();
    assert_eq!(states.len(), 4, "{probe}");
    assert!(states.contains(&"dark:dark"), "{probe}");
    assert!(states.contains(&"light:light"), "{probe}");
    assert!(["light", "dark", "auto"].contains(&stored), "{probe}");
}

#[test]
fn copy_button_of_a_console_block_copies_commands_only() {
    let Some(bin) = chromium() else { return };
    let script = "let copied = null; \
        navigator.clipboard.writeText = (t) => { copied = t; return Promise.resolve(); }; \
        document.execCommand = () => { copied = copied || document.activeElement.value; return true; }; \
        const block = document.querySelector('.codeblock[data-lang=\"console\"]'); \
        block.querySelector('button.copy').click(); \
        await new Promise(r => setTimeout(r, 200)); \
        const expected = [...block.querySelectorAll('.cmd')].map(c => c.textContent.replace(/^\\$ /, '')).join('\\n'); \
        document.body.setAttribute('data-copied', JSON.stringify({copied, expected, all: block.querySelector('code').textContent}));";
    let dom = run_chromium(
        &bin,
        &["--dump-dom"],
        &page_with_script(site(), "fix/check-binaries.html", script),
    );
    let raw = attr(&dom, "data-copied").expect("probe did not run");
    let json: serde_json::Value = serde_json::from_str(&html_unescape(&raw)).unwrap();
    let copied = json["copied"].as_str().expect("nothing copied");
    assert_eq!(
        copied.trim_end(),
        json["expected"].as_str().unwrap().trim_end()
    );
    assert!(!copied.contains("$ "), "prompt copied: {copied}");
    assert!(
        copied.len() < json["all"].as_str().unwrap().len(),
        "output copied too: {copied}"
    );
}

/// Chromium's DOM dump itself needs JavaScript, so "JavaScript off" is a copy
/// of the page with every one of its scripts removed, plus the probe.
#[test]
fn navigation_works_without_javascript() {
    let Some(bin) = chromium() else { return };
    let scripts = regex::Regex::new(r"(?s)<script\b.*?</script>").unwrap();
    for page in ["index.html", "fix/lockfile.html"] {
        let original = site().join(page);
        let html = std::fs::read_to_string(&original).unwrap();
        let no_scripts = scripts.replace_all(&html, "");
        assert!(!no_scripts.contains("<script"));
        let probe = "<script>window.addEventListener('load', () => { \
            const links = [...document.querySelectorAll('nav a[href$=\".html\"]')] \
              .filter(a => a.offsetParent !== null || a.closest('details,.sidebar')); \
            const current = document.querySelector('[aria-current=\"page\"]'); \
            document.body.setAttribute('data-nav', JSON.stringify({ \
              links: links.map(a => a.getAttribute('href')), \
              current: current && current.getAttribute('href'), \
              prev: !!document.querySelector('a[rel=prev]'), next: !!document.querySelector('a[rel=next]') })); });</script>";
        let copy = original.with_file_name(format!(
            "nojs-{}",
            original.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(
            &copy,
            no_scripts.replace("</body>", &format!("{probe}</body>")),
        )
        .unwrap();
        let dom = run_chromium(&bin, &["--dump-dom"], &format!("file://{}", copy.display()));
        let raw = attr(&dom, "data-nav").expect("probe did not run");
        let nav: serde_json::Value = serde_json::from_str(&html_unescape(&raw)).unwrap();
        let links = nav["links"].as_array().unwrap();
        assert!(
            links.len() >= 20,
            "sidebar links missing on {page}: {links:?}"
        );
        for link in links {
            let target = original.parent().unwrap().join(link.as_str().unwrap());
            assert!(target.is_file(), "nav link {link} on {page} leads nowhere");
        }
        assert!(
            nav["current"].is_string(),
            "current page not marked on {page}"
        );
        assert_eq!(nav["next"], true, "{page} has no next link");
        if page != "index.html" {
            assert_eq!(nav["prev"], true, "{page} has no prev link");
        }
    }
}

#[test]
fn screenshot_of_a_page() {
    let Some(bin) = chromium() else { return };
    let shot = site().parent().unwrap().join("page.png");
    let url = format!(
        "file://{}",
        site().join("fix/check-binaries.html").display()
    );
    screenshot(&bin, &url, "1280,900", &shot, "check-binaries.png");
}

/// Photograph `url` into `shot` at `size` (`W,H`), check that it is a PNG
/// with something on it, and keep a copy as `name` in
/// `$GUIDEBOOK_SCREENSHOTS` when that is set.
fn screenshot(bin: &Path, url: &str, size: &str, shot: &Path, name: &str) {
    run_chromium(
        bin,
        &[
            &format!("--screenshot={}", shot.display()),
            &format!("--window-size={size}"),
        ],
        url,
    );
    let bytes = std::fs::read(shot).expect("no screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "screenshot looks blank ({} bytes)",
        bytes.len()
    );
    if let Ok(dir) = std::env::var("GUIDEBOOK_SCREENSHOTS") {
        let _ = std::fs::copy(shot, Path::new(&dir).join(name));
    }
}

/// tests/fixtures/books/badges: one passing, one failing and one skipped
/// console block. docs-check writes a real report, the site is built with
/// `--checks`, and the page is probed and photographed in Chromium.
#[test]
fn check_badges_of_a_checked_page() {
    let Some(bin) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/badges");
    support::copy_tree(&from, &tmp.path().join("badges"));

    // One block fails, so docs-check exits 1; the report is written anyway.
    let report_path = tmp.path().join("report.json");
    let check = Command::new(env!("CARGO_BIN_EXE_docs-check"))
        .current_dir(tmp.path())
        .env("GUIDEBOOK_NETWORK", "0")
        .arg("badges")
        .arg("--report")
        .arg(&report_path)
        .output()
        .unwrap();
    let check_out = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{check_out}");
    assert!(
        check_out.contains("1 passed, 1 failed, 1 skipped"),
        "{check_out}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let date = &report["generated_at"].as_str().unwrap()[..10];
    let blocks = report["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 3, "{report}");

    let build = Command::new(env!("CARGO_BIN_EXE_guidebook"))
        .current_dir(tmp.path())
        .args(["build", "badges", "-d", "site", "--checks"])
        .arg(&report_path)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let site = tmp.path().join("site");

    let script = "const visible = (el) => { if (!el) return false; \
          const r = el.getBoundingClientRect(); const s = getComputedStyle(el); \
          return r.width > 0 && r.height > 0 && s.display !== 'none' && s.visibility !== 'hidden' && s.opacity !== '0'; }; \
        const inside = (el, box) => { const a = el.getBoundingClientRect(), b = box.getBoundingClientRect(); \
          return a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }; \
        const blocks = [...document.querySelectorAll('.content .codeblock')].map(block => { \
          const badge = block.querySelector('.check'); \
          if (!badge) return { lang: block.dataset.lang, badge: null }; \
          const label = badge.querySelector('.check-label'), detail = badge.querySelector('.check-detail'); \
          return { lang: block.dataset.lang, badge: { \
            className: badge.className, \
            status: [...badge.classList].find(c => c.startsWith('check-')), \
            text: badge.textContent.trim(), \
            label: label && label.textContent.trim(), \
            detail: detail ? detail.textContent.trim() : '', \
            title: badge.getAttribute('title'), \
            visible: visible(badge) && visible(label), \
            inBlock: inside(badge, block), \
            belowCode: badge.getBoundingClientRect().top >= block.querySelector('pre').getBoundingClientRect().bottom - 1, \
            color: label && getComputedStyle(label).color } }; }); \
        const footer = document.querySelector('.page-footer .checks-summary'); \
        document.body.setAttribute('data-badges', JSON.stringify({ blocks, \
          footer: footer && footer.textContent.trim(), footerClass: footer && footer.className, footerVisible: visible(footer) }));";
    let dom = run_chromium(
        &bin,
        &["--dump-dom", "--window-size=1280,1000"],
        &page_with_script(&site, "checked.html", script),
    );
    let raw = attr(&dom, "data-badges").expect("probe did not run");
    let seen: serde_json::Value = serde_json::from_str(&html_unescape(&raw)).unwrap();
    let all = seen["blocks"].as_array().unwrap();
    // The `text` block is shown plainly, without a badge.
    assert_eq!(all.len(), 4, "{seen:#}");
    assert_eq!(all[3]["lang"], "text", "{seen:#}");
    assert!(
        all[3]["badge"].is_null(),
        "text block has a badge: {seen:#}"
    );
    let badges: Vec<&serde_json::Value> = all[..3].iter().map(|b| &b["badge"]).collect();

    let statuses: Vec<&str> = badges
        .iter()
        .map(|b| b["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["check-passed", "check-failed", "check-skipped"],
        "{seen:#}"
    );
    let labels: Vec<&str> = badges
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["verified", "failed", "skipped"], "{seen:#}");
    for (i, b) in badges.iter().enumerate() {
        assert_eq!(b["visible"], true, "badge {i} is not visible: {seen:#}");
        assert_eq!(
            b["inBlock"], true,
            "badge {i} is clipped by its block: {seen:#}"
        );
        assert_eq!(
            b["belowCode"], true,
            "badge {i} is not under the code: {seen:#}"
        );
        assert_eq!(all[i]["lang"], "console", "{seen:#}");
    }
    let colors: std::collections::HashSet<&str> = badges
        .iter()
        .map(|b| b["color"].as_str().unwrap())
        .collect();
    assert_eq!(colors.len(), 3, "statuses share a colour: {seen:#}");

    assert_eq!(badges[0]["detail"], format!("on {date}"), "{seen:#}");
    assert_eq!(
        badges[0]["title"],
        format!("Verified by docs-check on {date}"),
        "{seen:#}"
    );
    // The failed badge shows the report's message for that block.
    let message = blocks[1]["message"]
        .as_str()
        .expect("failed block has no message");
    assert!(!message.is_empty());
    assert_eq!(badges[1]["detail"], message, "{seen:#}");
    assert_eq!(
        badges[1]["title"],
        format!("Failed in docs-check: {message}"),
        "{seen:#}"
    );
    // The skipped badge shows the reason written in the annotation.
    let reason = "needs a GPU: renders the demo scene";
    assert_eq!(blocks[2]["reason"], reason, "{report}");
    assert_eq!(badges[2]["detail"], reason, "{seen:#}");
    assert_eq!(badges[2]["text"], format!("skipped {reason}"), "{seen:#}");

    // No nixpkgs in the report, so the sentence ends at the date.
    assert_eq!(
        seen["footer"],
        format!("1 of 3 commands verified on {date}"),
        "{seen:#}"
    );
    assert_eq!(seen["footerVisible"], true, "{seen:#}");
    assert!(
        seen["footerClass"]
            .as_str()
            .unwrap()
            .contains("checks-partial"),
        "{seen:#}"
    );

    let shot = tmp.path().join("badges.png");
    let url = format!("file://{}", site.join("checked.html").display());
    screenshot(&bin, &url, "1280,1000", &shot, "badges.png");
}

fn attr(dom: &str, name: &str) -> Option<String> {
    let start = dom.find(&format!("{name}=\""))? + name.len() + 2;
    let end = dom[start..].find('"')? + start;
    Some(dom[start..end].to_string())
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Hidden lines: hidden until the block's button shows them; the copy
/// button copies the shown lines only, revealed or not.
#[test]
fn hidden_lines_toggle_and_are_not_copied() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_guidebook"))
        .arg("build")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/includes"))
        .arg("-d")
        .arg(dir.path().join("site"))
        .status()
        .unwrap();
    assert!(status.success());
    let script = "let copied = null; \
        navigator.clipboard.writeText = (t) => { copied = t; return Promise.resolve(); }; \
        document.execCommand = () => { copied = copied || document.activeElement.value; return true; }; \
        const block = document.querySelector('.codeblock[data-lang=\"rust\"]'); \
        const boring = block.querySelector('.boring'); \
        const before = getComputedStyle(boring).display; \
        block.querySelector('button.toggle-hidden').click(); \
        const after = getComputedStyle(boring).display; \
        const pressed = block.querySelector('button.toggle-hidden').getAttribute('aria-pressed'); \
        block.querySelector('button.copy').click(); \
        await new Promise(r => setTimeout(r, 200)); \
        document.body.setAttribute('data-probe', JSON.stringify({copied, before, after, pressed}));";
    let dom = run_chromium(
        &bin,
        &["--dump-dom"],
        &page_with_script(&dir.path().join("site"), "hidden.html", script),
    );
    let raw = attr(&dom, "data-probe").expect("probe did not run");
    let json: serde_json::Value = serde_json::from_str(&html_unescape(&raw)).unwrap();
    assert_eq!(json["before"], "none", "{json}");
    assert_eq!(json["after"], "inline", "{json}");
    assert_eq!(json["pressed"], "true", "{json}");
    assert_eq!(
        json["copied"].as_str().expect("nothing copied").trim_end(),
        "let answer = 42;\n# not hidden, one #",
        "{json}"
    );
}

/// The mdbook-html fixture book (redirects, fold), built once.
fn mdbook_html_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_guidebook"))
            .arg("build")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/mdbook-html"))
            .arg("-d")
            .arg(dir.path().join("site"))
            .status()
            .unwrap();
        assert!(status.success());
        dir
    })
    .path()
    .join("site")
    .leak()
}

#[test]
fn folded_sections_open_with_their_toggle() {
    let Some(bin) = chromium() else { return };
    let url = page_with_script(
        mdbook_html_site(),
        "intro.html",
        "const li = document.querySelector('li.nav-chapter.foldable'); \
         const list = li.querySelector(':scope > .nav-list'); \
         const before = getComputedStyle(list).display; \
         li.querySelector(':scope > .nav-fold-toggle').click(); \
         document.body.setAttribute('data-fold', JSON.stringify({ before, after: getComputedStyle(list).display, \
           expanded: li.querySelector(':scope > .nav-fold-toggle').getAttribute('aria-expanded') }));",
    );
    let dom = run_chromium(&bin, &["--dump-dom"], &url);
    let raw = attr(&dom, "data-fold").expect("probe did not run");
    let fold: serde_json::Value = serde_json::from_str(&html_unescape(&raw)).unwrap();
    assert_eq!(fold["before"], "none", "{fold}");
    assert_ne!(fold["after"], "none", "{fold}");
    assert_eq!(fold["expanded"], "true", "{fold}");
}

#[test]
fn redirect_pages_lead_on_with_their_fragments() {
    let Some(bin) = chromium() else { return };
    let site = mdbook_html_site();
    for (from, landed) in [
        ("old/start.html", "<h1 id=\"introduction\""),
        ("old/start.html#install", "<h1 id=\"setup\""),
        ("intro.html#old-name", "<h1 id=\"setup\""),
    ] {
        let url = format!("file://{}", site.join(from).display());
        let dom = run_chromium(&bin, &["--dump-dom"], &url);
        assert!(
            dom.contains(landed),
            "{from} did not lead to {landed}:\n{dom}"
        );
    }
}
