//! Running a process with a deadline: spawn, wait, kill everything it
//! started when the deadline passes, and keep only the tail of its output.
//!
//! One place for what docs-check does with every process it starts: the
//! shell commands of a page (`check::session`), nix's commands
//! (`check::nix`) and the probes of `needs=` (`check::needs`).
//!
//! - [`Captured`] keeps the last [`OUTPUT_CAP`] bytes of a stream and counts
//!   what it dropped before them, so memory stays bounded whatever a process
//!   prints.
//! - [`Kill`] says what "everything the process started" is: the page's
//!   jail (every process of the page, `setsid` and background ones included)
//!   or the process group the child leads.
//! - [`run`] is the whole cycle for a process whose stdout and stderr are
//!   read separately (what the process leaves behind holding them is ended
//!   at the deadline too); [`wait_reading`] the wait of one whose output
//!   goes to a pipe its caller owns (a session's pipe outlives each
//!   command).
//!
//! `duct` is not used here: its captures are unbounded, and its kill ends
//! the child only, while a timeout here must end every process the child
//! started; the commands come from `check::isolation`, which builds them as
//! `std::process::Command`.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Bytes of output kept per stream of a process: the last 64 KiB.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// A stream's output: its tail and how many bytes were dropped before it.
#[derive(Debug, Clone)]
pub struct Captured {
    pub tail: Vec<u8>,
    pub dropped: u64,
    /// Bytes kept: [`OUTPUT_CAP`] unless made [`Captured::with_cap`].
    cap: usize,
}

impl Default for Captured {
    fn default() -> Self {
        Captured::with_cap(OUTPUT_CAP)
    }
}

impl Captured {
    /// A capture that keeps the last `cap` bytes.
    pub fn with_cap(cap: usize) -> Self {
        Captured {
            tail: Vec::new(),
            dropped: 0,
            cap,
        }
    }

    /// Append `data`; the tail is trimmed to its cap now and then (always
    /// by [`Captured::trim`]).
    pub fn push(&mut self, data: &[u8]) {
        self.tail.extend_from_slice(data);
        if self.tail.len() > 2 * self.cap {
            self.trim();
        }
    }

    /// Keep only the last `cap` bytes.
    pub fn trim(&mut self) {
        if self.tail.len() > self.cap {
            let cut = self.tail.len() - self.cap;
            self.tail.drain(..cut);
            self.dropped += cut as u64;
        }
    }

    /// The tail as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.tail).into_owned()
    }
}

/// What to kill when a process outlives its deadline, besides the process.
pub enum Kill<'a> {
    /// Every process the closure knows of (a page's jail).
    All(&'a mut dyn FnMut()),
    /// The process group the child leads: [`run`] starts the child in a
    /// group of its own.
    Group,
}

impl Kill<'_> {
    fn everything(&mut self, child: &mut Child) {
        match self {
            Kill::All(kill_all) => kill_all(),
            Kill::Group => {
                // SAFETY: kill(2) of the group the child leads.
                unsafe {
                    libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL);
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// What became of a process run by [`run`].
#[derive(Debug, Clone, Default)]
pub struct Finished {
    /// The exit status: the code, or 128 + signal. `None` when it timed out
    /// or could not be waited for.
    pub exit_code: Option<i32>,
    /// Exited by itself with this code (no signal).
    pub code: Option<i32>,
    pub stdout: Captured,
    pub stderr: Captured,
    pub timed_out: bool,
    pub duration: Duration,
}

/// Run `cmd` (stdin `/dev/null`, stdout and stderr piped and captured) until
/// it ends or `deadline` passes; then `kill` ends everything it started.
/// Both streams keep their last [`OUTPUT_CAP`] bytes. `Err` when it cannot
/// be started.
pub fn run(cmd: Command, deadline: Instant, kill: Kill) -> std::io::Result<Finished> {
    run_capped(cmd, deadline, kill, OUTPUT_CAP)
}

/// [`run`], keeping the last `cap` bytes of each stream (a document the
/// caller parses, such as JSON, needs more than a tail to read).
pub fn run_capped(
    mut cmd: Command,
    deadline: Instant,
    mut kill: Kill,
    cap: usize,
) -> std::io::Result<Finished> {
    let started = Instant::now();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if matches!(kill, Kill::Group) {
        cmd.process_group(0);
    }
    let mut child = cmd.spawn()?;
    let reader = |mut r: Box<dyn Read + Send>, cap: usize| {
        std::thread::spawn(move || {
            let mut captured = Captured::with_cap(cap);
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match r.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => captured.push(&buf[..n]),
                }
            }
            captured.trim();
            captured
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("piped stdout")), cap);
    let err = reader(Box::new(child.stderr.take().expect("piped stderr")), cap);
    let pidfd = pidfd_open(child.id());
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    // Its end is seen without reaping it: until it is reaped, its pid, the
    // id of the group `Kill::Group` signals, cannot go to another process.
    let mut exited = false;
    loop {
        match has_exited(pid) {
            Some(false) if Instant::now() >= deadline => {
                timed_out = true;
                kill.everything(&mut child);
                break;
            }
            Some(false) => {
                let wait = deadline
                    .saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(10));
                match &pidfd {
                    Some(fd) => poll_two(fd.as_raw_fd(), None, wait),
                    None => std::thread::sleep(wait),
                }
            }
            Some(true) | None => {
                exited = true;
                break;
            }
        }
    }
    // A process it left behind may still hold the pipes: wait for them to
    // close until the deadline, then end what is left.
    while !(out.is_finished() && err.is_finished()) {
        if Instant::now() >= deadline {
            kill.everything(&mut child);
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let status = if exited { child.wait().ok() } else { None };
    Ok(Finished {
        exit_code: status.map(exit_code),
        code: status.and_then(|s| s.code()),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        timed_out,
        duration: started.elapsed(),
    })
}

/// Wait for `child` until `deadline`, reading its output from `pipe` (non-
/// blocking) into `output` as it comes; at the deadline, `kill` ends
/// everything it started. Returns (exit status, timed out).
pub fn wait_reading(
    child: &mut Child,
    pipe: &mut std::fs::File,
    deadline: Instant,
    output: &mut Captured,
    mut kill: Kill,
) -> (Option<i32>, bool) {
    let pidfd = pidfd_open(child.id());
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        drain(pipe, output, &mut buf, 1 << 20);
        if let Ok(Some(status)) = child.try_wait() {
            // Everything the process wrote is in the pipe now.
            drain(pipe, output, &mut buf, 4 * OUTPUT_CAP);
            return (Some(exit_code(status)), false);
        }
        let now = Instant::now();
        if now >= deadline {
            kill.everything(child);
            drain(pipe, output, &mut buf, 4 * OUTPUT_CAP);
            return (None, true);
        }
        let wait = (deadline - now).min(Duration::from_millis(100));
        poll_two(
            pipe.as_raw_fd(),
            pidfd.as_ref().map(|f| f.as_raw_fd()),
            wait,
        );
    }
}

/// Read what is in the non-blocking `pipe` now (at most about `limit` bytes).
fn drain(pipe: &mut std::fs::File, output: &mut Captured, buf: &mut [u8], limit: usize) {
    let mut read = 0;
    while read < limit {
        match pipe.read(buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                output.push(&buf[..n]);
                read += n;
            }
        }
    }
}

/// The exit status as a shell shows it: the code, or 128 + signal.
pub fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

/// Make `fd` non-blocking.
pub fn set_nonblocking(fd: RawFd) -> std::io::Result<()> {
    // SAFETY: fcntl on a descriptor the caller owns.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A pidfd of `pid` (readable when it exits), where the kernel has them.
/// Has the child `pid` ended? Seen with `WNOWAIT`, so it stays unreaped
/// (a zombie) and its pid ours. `None` when it cannot be asked.
fn has_exited(pid: libc::pid_t) -> Option<bool> {
    // SAFETY: waitid fills the zeroed siginfo it is given; WNOWAIT reaps
    // nothing.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let r = libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        );
        (r == 0).then(|| info.si_pid() != 0)
    }
}

pub(crate) fn pidfd_open(pid: u32) -> Option<OwnedFd> {
    // SAFETY: the syscall returns a new descriptor that we then own.
    unsafe {
        let fd = libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0);
        (fd >= 0).then(|| OwnedFd::from_raw_fd(fd as RawFd))
    }
}

/// SIGKILL the process `pidfd` refers to: never another that took its
/// number after it ended.
pub(crate) fn pidfd_kill(pidfd: &OwnedFd) {
    // SAFETY: pidfd_send_signal on a descriptor we own; no pointer passed.
    unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            libc::SIGKILL,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        );
    }
}

/// Wait until `a` or `b` is readable, or `timeout` passes.
fn poll_two(a: RawFd, b: Option<RawFd>, timeout: Duration) {
    let mut fds = [
        libc::pollfd {
            fd: a,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: b.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    // SAFETY: poll on two pollfd structs we own; a negative fd is ignored.
    unsafe {
        libc::poll(fds.as_mut_ptr(), 2, timeout.as_millis().min(1000) as i32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_capped_with_a_dropped_count() {
        let mut cmd = Command::new("bash");
        cmd.args(["-c", "head -c 300000 /dev/zero; echo err >&2"]);
        let f = run(cmd, Instant::now() + Duration::from_secs(20), Kill::Group).unwrap();
        assert_eq!(f.exit_code, Some(0));
        assert_eq!(f.stdout.tail.len(), OUTPUT_CAP);
        assert_eq!(f.stdout.dropped, 300000 - OUTPUT_CAP as u64);
        assert_eq!(f.stderr.text(), "err\n");
    }

    #[test]
    fn deadline_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let mark = dir.path().join("mark");
        let mut cmd = Command::new("bash");
        // A grandchild that would write after the deadline.
        cmd.arg("-c")
            .arg(format!("(sleep 2; touch {}) & sleep 30", mark.display()));
        let started = Instant::now();
        let f = run(
            cmd,
            Instant::now() + Duration::from_millis(300),
            Kill::Group,
        )
        .unwrap();
        assert!(f.timed_out);
        assert_eq!(f.exit_code, None);
        assert!(started.elapsed() < Duration::from_secs(2));
        std::thread::sleep(Duration::from_millis(2500));
        assert!(!mark.exists(), "the grandchild outlived the deadline");
    }

    #[test]
    fn what_it_leaves_holding_its_output_ends_at_the_deadline() {
        let mut cmd = Command::new("bash");
        cmd.args(["-c", "echo started; sleep 30 & exit 3"]);
        let started = Instant::now();
        let f = run(
            cmd,
            Instant::now() + Duration::from_millis(500),
            Kill::Group,
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(f.exit_code, Some(3));
        assert!(!f.timed_out);
        assert_eq!(f.stdout.text(), "started\n");
    }

    #[test]
    fn an_ended_child_is_seen_but_not_reaped() {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id() as libc::pid_t;
        let until = Instant::now() + Duration::from_secs(10);
        while has_exited(pid) != Some(true) {
            assert!(Instant::now() < until, "`true` did not end");
            std::thread::sleep(Duration::from_millis(5));
        }
        // Still ours, a zombie: its pid cannot go to another process.
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        assert_eq!(stat.rsplit_once(") ").unwrap().1.chars().next(), Some('Z'));
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn a_signal_is_128_plus_its_number() {
        let mut cmd = Command::new("bash");
        cmd.args(["-c", "kill -TERM $$"]);
        let f = run(cmd, Instant::now() + Duration::from_secs(20), Kill::Group).unwrap();
        assert_eq!(f.exit_code, Some(128 + 15));
        assert_eq!(f.code, None);
    }
}
