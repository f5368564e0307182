//! `needs=`: what a block needs from the machine, and whether it is there.
//!
//! - `nix`, `rustup`, `cargo`, `git`, `docker`: the program is on the PATH
//!   that blocks get.
//! - `network`: `GUIDEBOOK_NETWORK=1` says yes and `GUIDEBOOK_NETWORK=0` says
//!   no, without probing (CI sets it either way). Otherwise a TCP connection
//!   to `crates.io:443` (the host a Rust book's commands reach first) is
//!   tried, name lookup included, with a 1 second limit; it is tried once per
//!   run, and only when a selected block needs the network.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use crate::process::{self, Kill};

/// The host and port probed for `needs=network`.
pub const NETWORK_PROBE: &str = "crates.io:443";
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// How long `rustup run nightly rustc --version` may take; past it, the
/// toolchain counts as missing and everything the probe started is killed.
const NIGHTLY_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers "is this need met?", each need checked at most once.
pub struct Needs {
    path: Option<std::ffi::OsString>,
    network_env: Option<String>,
    cache: Mutex<HashMap<String, bool>>,
}

impl Needs {
    /// `path`: the PATH blocks get; `network_env`: `GUIDEBOOK_NETWORK`.
    pub fn new(path: Option<&OsStr>, network_env: Option<String>) -> Self {
        Needs {
            path: path.map(OsStr::to_os_string),
            network_env,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Is `need` met?
    pub fn has(&self, need: &str) -> bool {
        if let Some(&known) = self.cache.lock().expect("needs cache").get(need) {
            return known;
        }
        let found = match need {
            "network" => self.network(),
            "nightly" => self.on_path("rustup") && self.nightly(),
            program => self.on_path(program),
        };
        self.cache
            .lock()
            .expect("needs cache")
            .insert(need.to_string(), found);
        found
    }

    /// The first need of `needs` that is missing.
    pub fn missing<'a>(&self, needs: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        needs.into_iter().find(|n| !self.has(n))
    }

    fn on_path(&self, program: &str) -> bool {
        let Some(path) = &self.path else { return false };
        std::env::split_paths(path).any(|dir| is_executable(&dir.join(program)))
    }

    /// Is a nightly toolchain installed? (Never installs one.)
    fn nightly(&self) -> bool {
        self.nightly_within(NIGHTLY_TIMEOUT)
    }

    fn nightly_within(&self, timeout: Duration) -> bool {
        let mut cmd = std::process::Command::new("rustup");
        cmd.args(["run", "nightly", "rustc", "--version"])
            .env("RUSTUP_AUTO_INSTALL", "0");
        if let Some(path) = &self.path {
            cmd.env("PATH", path);
        }
        let deadline = std::time::Instant::now() + timeout;
        process::run(cmd, deadline, Kill::Group).is_ok_and(|f| f.code == Some(0))
    }

    fn network(&self) -> bool {
        match self.network_env.as_deref() {
            Some("1") | Some("true") | Some("yes") => return true,
            Some("0") | Some("false") | Some("no") => return false,
            _ => {}
        }
        probe(NETWORK_PROBE, PROBE_TIMEOUT)
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Can a TCP connection to `host:port` be made within `timeout` (name
/// lookup included)?
pub fn probe(addr: &str, timeout: Duration) -> bool {
    let (tx, rx) = std::sync::mpsc::channel();
    let addr = addr.to_string();
    // Name lookup has no timeout of its own: run it on a thread we can abandon.
    std::thread::spawn(move || {
        let ok = addr
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .is_some_and(|a| TcpStream::connect_timeout(&a, timeout).is_ok());
        let _ = tx.send(ok);
    });
    rx.recv_timeout(timeout + Duration::from_millis(200))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hanging_rustup_counts_as_no_nightly_and_is_killed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mark = dir.path().join("mark");
        let rustup = dir.path().join("rustup");
        // A child that would leave a mark after the limit.
        std::fs::write(
            &rustup,
            format!(
                "#!/bin/sh\n(sleep 2; touch {}) &\nsleep 30\n",
                mark.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&rustup, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!("{}:/usr/bin:/bin", dir.path().display());
        let needs = Needs::new(Some(OsStr::new(&path)), Some("0".into()));
        let started = std::time::Instant::now();
        assert!(!needs.nightly_within(Duration::from_millis(300)));
        assert!(started.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!mark.exists(), "the probe's child outlived its limit");
    }

    #[test]
    fn programs_are_found_on_path() {
        let needs = Needs::new(Some(OsStr::new("/usr/bin:/bin")), Some("0".into()));
        assert!(needs.has("bash") || needs.has("sh"));
        assert!(!needs.has("definitely-not-a-program-xyz"));
        assert!(!needs.has("network"));
        assert_eq!(needs.missing(["network"]), Some("network"));
        let yes = Needs::new(None, Some("1".into()));
        assert!(yes.has("network"));
        assert!(!yes.has("git"));
    }

    #[test]
    fn probe_of_a_closed_local_port_fails_fast() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(probe(&format!("127.0.0.1:{port}"), Duration::from_secs(1)));
        // A port that is bound but not listening refuses connections, and
        // stays ours while the probe runs: a port just given back could be
        // taken by another test running meanwhile.
        let closed = bound_not_listening();
        assert!(!probe(
            &format!("127.0.0.1:{closed}"),
            Duration::from_secs(1)
        ));
    }

    /// The port of a TCP socket bound on 127.0.0.1 that never listens (the
    /// socket is left open until the test process ends).
    fn bound_not_listening() -> u16 {
        // SAFETY: plain socket calls on a descriptor this function owns,
        // with an address struct of the size given.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0);
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            assert_eq!(
                libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len),
                0
            );
            let mut got: libc::sockaddr_in = std::mem::zeroed();
            let mut got_len = len;
            assert_eq!(
                libc::getsockname(fd, &mut got as *mut _ as *mut libc::sockaddr, &mut got_len),
                0
            );
            u16::from_be(got.sin_port)
        }
    }
}
