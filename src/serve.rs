//! `guidebook serve`: build, serve the site over HTTP, rebuild when the book
//! changes and tell open pages to reload (server-sent events).
//!
//! A failed rebuild keeps the last good site on disk and in the browser; the
//! pages show the error in a banner until the next good build.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::options::{BuildOptions, ServeOptions};
use crate::render::live::{LiveSite, Update};

/// How long the files must stay unchanged before the site is updated: an
/// editor's save is several events within a millisecond or two.
const QUIET: Duration = Duration::from_millis(10);

/// The URL path pages listen on for reload and error events.
pub const EVENTS_PATH: &str = "/__guidebook/events";

#[derive(Default)]
struct State {
    generation: u64,
    error: Option<String>,
}

type Shared = Arc<(Mutex<State>, Condvar)>;

pub fn serve(args: &ServeOptions) -> Result<()> {
    let build_args = BuildOptions {
        book_dir: args.book_dir.clone(),
        dest_dir: args.dest_dir.clone(),
        checks: None,
        live_reload: Some(EVENTS_PATH.to_string()),
        // Serving never fails on a warning; a broken link is printed.
        strict: Some(false),
    };
    let (live, _) = LiveSite::build(&build_args)?;
    let dest = live.dest().to_path_buf();
    let server = tiny_http::Server::http((args.hostname.as_str(), args.port)).map_err(|e| {
        Error::Other(format!(
            "cannot listen on {}:{}: {e}",
            args.hostname, args.port
        ))
    })?;
    eprintln!(
        "serving {} at http://{}:{}/",
        dest.display(),
        args.hostname,
        args.port
    );

    let shared: Shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
    let _watcher = watch(&build_args, live, shared.clone())?;

    for request in server.incoming_requests() {
        let shared = shared.clone();
        let dest = dest.clone();
        std::thread::spawn(move || respond(request, &dest, &shared));
    }
    Ok(())
}

/// Watch book.toml, the source folder and theme/; update the site on change.
fn watch(
    args: &BuildOptions,
    mut live: LiveSite,
    shared: Shared,
) -> Result<notify::RecommendedWatcher> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Error::Other(format!("cannot watch files: {e}")))?;
    let root = &args.book_dir;
    let src = crate::config::Config::load(root)
        .map(|c| c.config.book.src)
        .unwrap_or_else(|_| "src".into());
    for (path, mode) in [
        (
            root.join(crate::config::CONFIG_FILE),
            RecursiveMode::NonRecursive,
        ),
        (root.join(src), RecursiveMode::Recursive),
        (root.join("theme"), RecursiveMode::Recursive),
    ] {
        if path.exists() {
            watcher
                .watch(&path, mode)
                .map_err(|e| Error::Other(format!("cannot watch {}: {e}", path.display())))?;
        }
    }
    let dest = live.dest();
    let dest = std::fs::canonicalize(dest).unwrap_or_else(|_| dest.to_path_buf());
    std::thread::spawn(move || {
        while let Ok(event) = rx.recv() {
            let mut changed = relevant_paths(&event, &dest);
            if changed.is_empty() {
                continue;
            }
            // Let an editor finish writing: take every event until a short
            // quiet moment.
            while let Ok(event) = rx.recv_timeout(QUIET) {
                changed.extend(relevant_paths(&event, &dest));
            }
            changed.sort();
            changed.dedup();
            let outcome = live.update(&changed);
            if matches!(outcome, Ok(Update::Nothing)) {
                continue;
            }
            let (lock, cvar) = &*shared;
            let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
            state.generation += 1;
            match outcome {
                Ok(Update::Full(report)) => {
                    eprintln!("rebuilt in {:.0} ms", report.elapsed.as_secs_f64() * 1000.0);
                    state.error = None;
                }
                Ok(Update::Pages {
                    pages,
                    elapsed,
                    warnings,
                }) => {
                    for warning in &warnings {
                        eprintln!("warning: {warning}");
                    }
                    let names: Vec<String> =
                        pages.iter().map(|p| p.display().to_string()).collect();
                    eprintln!(
                        "updated {} in {:.1} ms",
                        names.join(", "),
                        elapsed.as_secs_f64() * 1000.0
                    );
                    state.error = None;
                }
                Ok(Update::Nothing) => {}
                Err(e) => {
                    eprintln!("{e}");
                    state.error = Some(e.to_string());
                }
            }
            cvar.notify_all();
        }
    });
    Ok(watcher)
}

/// The paths of an event that concern the book: not reads, not the site
/// itself, not editors' temporary files.
fn relevant_paths(event: &notify::Result<notify::Event>, dest: &Path) -> Vec<PathBuf> {
    match event {
        Ok(e) if !matches!(e.kind, notify::EventKind::Access(_)) => e
            .paths
            .iter()
            .filter(|p| !p.starts_with(dest) && !is_temp_file(p))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

fn is_temp_file(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(".guidebook-") || n.ends_with('~') || n.ends_with(".swp"))
}

fn respond(request: tiny_http::Request, dest: &Path, shared: &Shared) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == EVENTS_PATH {
        stream_events(request, shared);
        return;
    }
    let (status, path) = match resolve(dest, &url) {
        Some(p) => (200, p),
        None => (404, dest.join("404.html")),
    };
    match std::fs::File::open(&path) {
        Ok(file) => {
            let mut response = tiny_http::Response::from_file(file).with_status_code(status);
            if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", content_type(&path)) {
                response.add_header(h);
            }
            let _ = request.respond(response);
        }
        Err(_) => {
            let _ = request
                .respond(tiny_http::Response::from_string("not found").with_status_code(404));
        }
    }
}

/// The file a URL path names inside `dest`, refusing anything outside it.
fn resolve(dest: &Path, url: &str) -> Option<PathBuf> {
    let decoded = crate::paths::percent_decode(url);
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut path = dest.join(rel);
    if path.is_dir() {
        path = path.join("index.html");
    }
    path.is_file().then_some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Send one event each time a rebuild finishes, until the page goes away.
/// tiny_http would buffer a streamed body, so the response is written raw.
fn stream_events(request: tiny_http::Request, shared: &Shared) {
    let mut seen = shared.0.lock().map(|s| s.generation).unwrap_or(0);
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        return;
    }
    loop {
        let message = {
            let (lock, cvar) = &**shared;
            let state = lock.lock().unwrap_or_else(|p| p.into_inner());
            let (state, _) = cvar
                .wait_timeout_while(state, Duration::from_secs(15), |s| s.generation == seen)
                .unwrap_or_else(|p| p.into_inner());
            if state.generation == seen {
                // A comment keeps the connection alive and notices closed tabs.
                ": keep-alive\n\n".to_string()
            } else {
                seen = state.generation;
                match &state.error {
                    None => "event: reload\ndata: reload\n\n".to_string(),
                    Some(e) => {
                        let data: String = e.lines().map(|l| format!("data: {l}\n")).collect();
                        format!("event: error\n{data}\n")
                    }
                }
            }
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_site() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("fix")).unwrap();
        std::fs::write(dir.path().join("fix/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a.html"), "x").unwrap();
        assert_eq!(
            resolve(dir.path(), "/a.html"),
            Some(dir.path().join("a.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/fix/"),
            Some(dir.path().join("fix/index.html"))
        );
        assert_eq!(resolve(dir.path(), "/../etc/passwd"), None);
        assert_eq!(resolve(dir.path(), "/missing.html"), None);
    }
}
