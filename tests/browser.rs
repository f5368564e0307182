//! The built guide in a real headless Chromium (Debian's `chromium`): search
//! from `?search=`, the theme toggle, the copy button of a console block,
//! navigation with JavaScript off, and a screenshot.
//!
//! Each test drives the page's own script: it appends a small script to a copy
//! of a built page that clicks, waits and writes what it saw into the DOM, and
//! reads the DOM that Chromium dumps.

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

/// A copy of `page` (relative to the site) with `script` run after load.
fn page_with_script(page: &str, script: &str) -> String {
    let original = site().join(page);
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
    let dom = run_chromium(&bin, &["--dump-dom"], &page_with_script("faq.html", script));
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
        &page_with_script("fix/check-binaries.html", script),
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
    run_chromium(
        &bin,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
        ],
        &url,
    );
    let bytes = std::fs::read(&shot).expect("no screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "screenshot looks blank ({} bytes)",
        bytes.len()
    );
    if let Ok(dir) = std::env::var("GUIDEBOOK_SCREENSHOTS") {
        let _ = std::fs::copy(&shot, Path::new(&dir).join("check-binaries.png"));
    }
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
