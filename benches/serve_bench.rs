//! `guidebook serve` benchmark: the time from saving one page of a
//! 1,000-page book to the open page's reload, end to end.
//!
//! It generates the book (see `support`), starts `guidebook serve` on it,
//! opens the page's event stream as a browser does, then, many times: writes
//! a changed version of one page, waits for the `reload` event, and fetches
//! the page until it holds the new text (what a reloading browser would get).
//! The time from the write to that response is one sample.
//!
//! Run with `cargo bench --bench serve_bench` (optionally `-- PAGES SAVES`).

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn connect(port: u16) -> TcpStream {
    let start = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(_) if start.elapsed() < Duration::from_secs(120) => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Err(e) => panic!("server did not start: {e}"),
        }
    }
}

fn get(port: u16, path: &str) -> String {
    let mut s = connect(port);
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read response");
    out
}

/// Read the event stream until the next `event: NAME`; return NAME.
fn next_event(reader: &mut BufReader<TcpStream>) -> String {
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("event stream closed");
        if let Some(name) = line.trim_end().strip_prefix("event: ") {
            return name.to_string();
        }
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let pages = args.first().copied().unwrap_or(1000);
    let saves = args.get(1).copied().unwrap_or(30);
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-books/serve-{pages}"));
    support::generate(&root, pages);
    let port = 41000 + (std::process::id() % 1000) as u16;
    let started = Instant::now();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_guidebook"))
            .args(["serve", "-p", &port.to_string()])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start guidebook serve"),
    );
    let page = "part3/chapter4/section5";
    let source = root.join(format!("src/{page}.md"));
    let original = std::fs::read_to_string(&source).expect("read page");
    let url = format!("/{page}.html");
    assert!(get(port, &url).starts_with("HTTP/1.1 200"));
    println!(
        "{pages} pages: first build and start {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut events = connect(port);
    write!(
        events,
        "GET /__guidebook/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("open event stream");
    let mut events = BufReader::new(events);
    // The stream is open once its `retry:` line arrived.
    let mut line = String::new();
    while !line.starts_with("retry:") {
        line.clear();
        events.read_line(&mut line).expect("event stream");
    }

    let mut samples = Vec::new();
    for n in 0..saves {
        let marker = format!("Edit number {n} of the benchmark.");
        let text = format!("{original}\n{marker}\n");
        let t0 = Instant::now();
        std::fs::write(&source, text).expect("save page");
        let event = next_event(&mut events);
        assert_eq!(event, "reload", "save {n} did not reload");
        let reload = t0.elapsed();
        let body = get(port, &url);
        assert!(body.contains(&marker), "save {n}: the page is not new");
        samples.push((reload, t0.elapsed()));
        // Leave the watcher quiet before the next save.
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::write(&source, original).expect("restore page");

    println!("{saves} saves of one page; milliseconds from the save to:");
    let reloads = samples.iter().map(|s| s.0);
    let served = samples.iter().map(|s| s.1);
    report("the reload event", reloads);
    report("the new page served", served);
}

/// One line: median, 90th percentile and maximum of `times`, in ms.
fn report(what: &str, times: impl Iterator<Item = Duration>) {
    let mut ms: Vec<f64> = times.map(|t| t.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "  {what:<28} median {:>6.1}  p90 {:>6.1}  max {:>6.1}",
        pct(0.5),
        pct(0.9),
        pct(1.0)
    );
}
