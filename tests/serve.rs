//! `guidebook serve`: pages are served, an edit sends `reload`, a broken edit
//! sends its error and the last good site stays.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn connect(port: u16) -> TcpStream {
    let start = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(_) if start.elapsed() < Duration::from_secs(20) => {
                std::thread::sleep(Duration::from_millis(50))
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
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Read SSE lines until one starts with `event: `; return the event and its data.
fn next_event(reader: &mut BufReader<TcpStream>) -> (String, String) {
    let mut event = String::new();
    let mut data = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("event stream closed");
        let line = line.trim_end();
        if let Some(e) = line.strip_prefix("event: ") {
            event = e.to_string();
        } else if let Some(d) = line.strip_prefix("data: ") {
            data.push_str(d);
        } else if line.is_empty() && !event.is_empty() {
            return (event, data);
        }
    }
}

#[test]
fn serve_reloads_on_edit_and_reports_a_broken_edit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/SUMMARY.md",
        "# Summary\n\n- [One](one.md)\n",
    );
    write(dir.path(), "src/one.md", "# One\n\nFirst text.\n");
    let port = 39000 + (std::process::id() % 1000) as u16;
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_guidebook"))
            .args(["serve", "-p", &port.to_string()])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let page = get(port, "/one.html");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("First text.") && page.contains("/__guidebook/events"));

    let mut events = connect(port);
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        events,
        "GET /__guidebook/events HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    std::thread::sleep(Duration::from_millis(200));

    write(dir.path(), "src/one.md", "# One\n\nSecond text.\n");
    assert_eq!(next_event(&mut reader).0, "reload");
    assert!(get(port, "/one.html").contains("Second text."));

    // A broken link is a warning: the page is updated.
    write(dir.path(), "src/one.md", "# One\n\nSee [gone](gone.md).\n");
    assert_eq!(next_event(&mut reader).0, "reload");
    assert!(get(port, "/one.html").contains("See <a href=\"gone.html\">gone</a>"));

    write(
        dir.path(),
        "src/one.md",
        "# One\n\nSecond text.\n\n```sh timout=3\ntrue\n```\n",
    );
    let (event, data) = next_event(&mut reader);
    assert_eq!(event, "error");
    assert!(
        data.contains("one.md:5: unknown attribute `timout`"),
        "{data}"
    );
    let still = get(port, "/one.html");
    assert!(still.contains("See <a"), "last good site not kept");
    assert!(get(port, "/../../etc/passwd").starts_with("HTTP/1.1 404"));
}
