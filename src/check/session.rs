//! The shell session of a page: one long-lived `bash` per page (per shell
//! launcher), in its own process group.
//!
//! Mechanism. The checker starts `bash --noprofile --norc -c DRIVER` with:
//! - fd 0: `/dev/null` (a command that reads stdin gets end-of-file at once);
//! - fd 1 and 2: one pipe, read by a thread of the checker (stdout and
//!   stderr interleaved as in a terminal);
//! - fd 3: a pipe the driver reads commands from, each ended by a NUL byte;
//! - fd 4: the output pipe again, for the end marker.
//!
//! The driver `eval`s each command in the shell itself, so `cd`, `export`
//! and shell variables carry to the next command, as in a reader's terminal,
//! then writes `\x1eGBEND-<nonce>:<status>\x1e` to fd 4. The nonce is random
//! per session, so no output can fake it; the reader thread splits the
//! stream at the marker, so every byte before it belongs to the command.
//! fds 3 and 4 are closed for the commands themselves. A command costs no
//! fork beyond what it runs itself (builtins cost none).
//!
//! Script blocks (`sh`, `bash`, `shell`) run with `set -e`: their first
//! failing command ends them, and the shell with them; the session reports
//! the status and the page goes on in a fresh shell (same sandbox, back in
//! its root). `exit N` in a command does the same.
//!
//! Timeouts kill the whole process group (grandchildren included); so does
//! the end of the session, so no background process outlives the page.
//! Output is read as it comes and only its tail is kept (see
//! [`OUTPUT_CAP`]), so memory stays bounded whatever a command prints.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use crate::check::env::Env;

/// Bytes of output kept per command: the last 64 KiB.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// Starts the shell that runs a page's commands: host bash, or bash inside
/// a Nix dev shell (see `check::nix`).
pub trait ShellLauncher: Send + Sync {
    /// A name for messages and for keeping one session per launcher.
    fn name(&self) -> String;
    /// A command that runs `bash --noprofile --norc -c <driver>` with the
    /// given environment, in `sandbox`. Stdio and process group are set by
    /// the session.
    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command;
}

/// Bash on the host.
pub struct HostBash;

impl ShellLauncher for HostBash {
    fn name(&self) -> String {
        "host".into()
    }

    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command {
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-c", driver]);
        cmd.current_dir(sandbox);
        env.apply(&mut cmd);
        cmd
    }
}

/// How a command is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A console command: as typed at a prompt.
    Command,
    /// A script block: with `set -e`.
    Script,
}

/// Output of one command: its tail and how many bytes were dropped before it.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    pub tail: Vec<u8>,
    pub dropped: u64,
}

impl Captured {
    fn push(&mut self, data: &[u8]) {
        self.tail.extend_from_slice(data);
        if self.tail.len() > 2 * OUTPUT_CAP {
            self.trim();
        }
    }

    fn trim(&mut self) {
        if self.tail.len() > OUTPUT_CAP {
            let cut = self.tail.len() - OUTPUT_CAP;
            self.tail.drain(..cut);
            self.dropped += cut as u64;
        }
    }
}

/// What became of one command.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The exit status; for a command killed by a signal, 128 + signal.
    /// `None` when it timed out.
    pub exit_code: Option<i32>,
    pub output: Captured,
    pub duration: Duration,
    pub timed_out: bool,
    /// The shell ended with the command (`exit`, `set -e`, a timeout).
    pub shell_ended: bool,
}

enum Event {
    Data(Vec<u8>),
    Done(i32),
    Eof,
}

/// A running shell session.
pub struct Session {
    child: Child,
    pgid: i32,
    commands: Option<std::io::PipeWriter>,
    events: Receiver<Event>,
    alive: bool,
}

const DRIVER: &str = r#"__gb_ret() { return "$1"; }
__gb_st=0
while IFS= read -r -d '' __gb_cmd <&3; do
  if [ "${__gb_cmd:0:1}" = S ]; then
    set -e; eval "${__gb_cmd:1}" </dev/null 3<&- 4>&-; __gb_st=$?; set +e
  else
    __gb_ret "$__gb_st"; eval "${__gb_cmd:1}" </dev/null 3<&- 4>&-; __gb_st=$?
  fi
  printf '\036GBEND-@NONCE@:%d\036' "$__gb_st" >&4
done
"#;

impl Session {
    /// Start a shell in `sandbox`.
    pub fn start(launcher: &dyn ShellLauncher, sandbox: &Path, env: &Env) -> std::io::Result<Self> {
        let nonce = nonce();
        let driver = DRIVER.replace("@NONCE@", &nonce);
        let (out_read, out_write) = std::io::pipe()?;
        let (cmd_read, cmd_write) = std::io::pipe()?;
        let out_err = out_write.try_clone()?;
        // Copies numbered 10 and up, so that moving them to 3 and 4 in the
        // child cannot overwrite one with the other.
        let marker_copy = high_fd(&out_write)?;
        let cmd_copy = high_fd(&cmd_read)?;
        let marker_fd: RawFd = marker_copy.as_raw_fd();
        let cmd_fd: RawFd = cmd_copy.as_raw_fd();
        let mut cmd = launcher.command(&driver, sandbox, env);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out_write.try_clone()?))
            .stderr(Stdio::from(out_err))
            .process_group(0);
        // SAFETY: only async-signal-safe calls (dup2, fcntl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                move_fd(cmd_fd, 3)?;
                move_fd(marker_fd, 4)?;
                Ok(())
            });
        }
        let child = cmd.spawn()?;
        drop(cmd); // closes our copies of the child's ends
        drop(out_write);
        drop(cmd_read);
        drop(marker_copy);
        drop(cmd_copy);
        let pgid = child.id() as i32;
        live_groups().push(pgid);
        let (tx, events) = sync_channel(16);
        let marker = format!("\x1eGBEND-{nonce}:").into_bytes();
        std::thread::Builder::new()
            .name("docs-check-output".into())
            .spawn(move || read_output(out_read, marker, tx))?;
        Ok(Session {
            child,
            pgid,
            commands: Some(cmd_write),
            events,
            alive: true,
        })
    }

    pub fn is_alive(&self) -> bool {
        self.alive
    }

    /// Run one command (or script) and wait for it until `deadline`.
    pub fn run(&mut self, mode: Mode, text: &str, deadline: Instant) -> Outcome {
        let started = Instant::now();
        let mut output = Captured::default();
        let mut message = Vec::with_capacity(text.len() + 2);
        message.push(if mode == Mode::Script { b'S' } else { b'C' });
        message.extend(text.bytes().filter(|&b| b != 0));
        message.push(0);
        let sent = match self.commands.as_mut() {
            Some(w) => w.write_all(&message).and_then(|_| w.flush()).is_ok(),
            None => false,
        };
        if !sent {
            return self.ended(output, started, false);
        }
        loop {
            let now = Instant::now();
            if now >= deadline {
                self.kill();
                return self.ended(output, started, true);
            }
            let wait = (deadline - now).min(Duration::from_millis(100));
            match self.events.recv_timeout(wait) {
                Ok(Event::Data(d)) => output.push(&d),
                Ok(Event::Done(code)) => {
                    output.trim();
                    return Outcome {
                        exit_code: Some(code),
                        output,
                        duration: started.elapsed(),
                        timed_out: false,
                        shell_ended: false,
                    };
                }
                Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                    return self.ended(output, started, false);
                }
                Err(RecvTimeoutError::Timeout) => {
                    if matches!(self.child.try_wait(), Ok(Some(_))) {
                        return self.ended(output, started, false);
                    }
                }
            }
        }
    }

    /// The shell is gone (or killed): collect what it printed and its status.
    fn ended(&mut self, mut output: Captured, started: Instant, timed_out: bool) -> Outcome {
        self.alive = false;
        self.commands = None;
        // Output written before the shell ended may still be in the channel.
        let drain_until = Instant::now() + Duration::from_millis(200);
        while let Ok(ev) = self
            .events
            .recv_timeout(drain_until.saturating_duration_since(Instant::now()))
        {
            match ev {
                Event::Data(d) => output.push(&d),
                Event::Done(_) => {}
                Event::Eof => break,
            }
        }
        output.trim();
        let status = self.child.wait().ok();
        // Background processes of the dead shell go with it.
        self.kill();
        let exit_code = if timed_out {
            None
        } else {
            status.map(|s| {
                use std::os::unix::process::ExitStatusExt;
                s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0))
            })
        };
        Outcome {
            exit_code,
            output,
            duration: started.elapsed(),
            timed_out,
            shell_ended: true,
        }
    }

    /// SIGKILL the whole process group.
    fn kill(&mut self) {
        // SAFETY: plain syscall; the group leader is our unreaped child or
        // the group still has members, so the id is not reused.
        unsafe {
            libc::killpg(self.pgid, libc::SIGKILL);
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.commands = None;
        self.kill();
        let _ = self.child.wait();
        live_groups().retain(|&g| g != self.pgid);
    }
}

/// The process groups of the sessions now open.
fn live_groups() -> std::sync::MutexGuard<'static, Vec<i32>> {
    static GROUPS: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());
    GROUPS.lock().unwrap_or_else(|p| p.into_inner())
}

/// SIGKILL every open session's process group: on Ctrl-C or SIGTERM,
/// before docs-check exits, so that no command of the book runs on.
pub fn kill_all() {
    for &pgid in live_groups().iter() {
        // SAFETY: plain syscall on a group we started and have not reaped.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// A close-on-exec copy of `fd` numbered 10 or more.
fn high_fd(fd: &impl AsRawFd) -> std::io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor that we then own.
    unsafe {
        let new = libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10);
        if new < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(OwnedFd::from_raw_fd(new))
    }
}

/// Make `fd` available as `target` in the child, without close-on-exec.
fn move_fd(fd: RawFd, target: RawFd) -> std::io::Result<()> {
    // SAFETY: dup2/fcntl on descriptors we own, in the forked child.
    unsafe {
        if fd == target {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags < 0 || libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                return Err(std::io::Error::last_os_error());
            }
        } else if libc::dup2(fd, target) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// A random hex string from the kernel.
fn nonce() -> String {
    let mut bytes = [0u8; 12];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !ok {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes[..8].copy_from_slice(&(t as u64 ^ std::process::id() as u64).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reader thread: split the output stream at end markers.
fn read_output(mut pipe: std::io::PipeReader, marker: Vec<u8>, tx: SyncSender<Event>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = match pipe.read(&mut buf) {
            Ok(0) | Err(_) => {
                if !pending.is_empty() {
                    let _ = tx.send(Event::Data(std::mem::take(&mut pending)));
                }
                let _ = tx.send(Event::Eof);
                return;
            }
            Ok(n) => n,
        };
        pending.extend_from_slice(&buf[..n]);
        loop {
            match find(&pending, &marker) {
                Some(i) => {
                    let rest = &pending[i + marker.len()..];
                    if let Some(j) = rest.iter().position(|&b| b == 0x1e) {
                        let code = std::str::from_utf8(&rest[..j])
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(-1);
                        if i > 0 && tx.send(Event::Data(pending[..i].to_vec())).is_err() {
                            return;
                        }
                        if tx.send(Event::Done(code)).is_err() {
                            return;
                        }
                        pending.drain(..i + marker.len() + j + 1);
                    } else {
                        if i > 0 {
                            if tx.send(Event::Data(pending[..i].to_vec())).is_err() {
                                return;
                            }
                            pending.drain(..i);
                        }
                        break;
                    }
                }
                None => {
                    // Keep a tail that may be the start of a marker.
                    let keep = partial_marker_len(&pending, &marker);
                    let emit = pending.len() - keep;
                    if emit > 0 {
                        if tx.send(Event::Data(pending[..emit].to_vec())).is_err() {
                            return;
                        }
                        pending.drain(..emit);
                    }
                    break;
                }
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut from = 0;
    while let Some(p) = haystack[from..].iter().position(|&b| b == first) {
        let i = from + p;
        if haystack[i..].starts_with(needle) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Length of the longest suffix of `data` that is a proper prefix of `marker`.
fn partial_marker_len(data: &[u8], marker: &[u8]) -> usize {
    let max = (marker.len() - 1).min(data.len());
    (1..=max)
        .rev()
        .find(|&k| data[data.len() - k..] == marker[..k])
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(dir: &Path) -> Session {
        Session::start(&HostBash, dir, &Env::for_tests()).unwrap()
    }

    fn run(s: &mut Session, mode: Mode, text: &str) -> (Option<i32>, String) {
        let o = s.run(mode, text, Instant::now() + Duration::from_secs(10));
        (
            o.exit_code,
            String::from_utf8_lossy(&o.output.tail).into_owned(),
        )
    }

    #[test]
    fn state_carries_between_commands() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut s = session(dir.path());
        assert_eq!(
            run(&mut s, Mode::Command, "cd sub"),
            (Some(0), String::new())
        );
        assert_eq!(
            run(&mut s, Mode::Command, "export X=1; Y=2"),
            (Some(0), String::new())
        );
        let (code, out) = run(
            &mut s,
            Mode::Command,
            "basename \"$PWD\"; echo $X$Y; echo err >&2",
        );
        assert_eq!(code, Some(0));
        assert_eq!(out, "sub\n12\nerr\n");
        assert_eq!(
            run(&mut s, Mode::Command, "false"),
            (Some(1), String::new())
        );
        assert_eq!(
            run(&mut s, Mode::Command, "echo $?"),
            (Some(0), "1\n".into())
        );
        assert_eq!(
            run(&mut s, Mode::Command, "printf abc"),
            (Some(0), "abc".into())
        );
        assert_eq!(run(&mut s, Mode::Command, "cat"), (Some(0), String::new()));
    }

    #[test]
    fn scripts_stop_at_first_failure_and_exit_ends_the_shell() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path());
        let (code, out) = run(&mut s, Mode::Script, "echo a\nfalse\necho b\n");
        assert_eq!((code, out.as_str()), (Some(1), "a\n"));
        assert!(!s.is_alive());
        let mut s = session(dir.path());
        assert_eq!(
            run(&mut s, Mode::Command, "exit 7"),
            (Some(7), String::new())
        );
    }

    #[test]
    fn timeout_kills_and_output_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path());
        let o = s.run(
            Mode::Command,
            "echo start; sleep 30",
            Instant::now() + Duration::from_millis(300),
        );
        assert!(o.timed_out);
        assert_eq!(o.exit_code, None);
        assert_eq!(o.output.tail, b"start\n");
        assert!(o.duration < Duration::from_secs(5));
        let mut s = session(dir.path());
        let o = s.run(
            Mode::Command,
            "head -c 300000 /dev/zero",
            Instant::now() + Duration::from_secs(10),
        );
        assert_eq!(o.exit_code, Some(0));
        assert_eq!(o.output.tail.len(), OUTPUT_CAP);
        assert_eq!(o.output.dropped, 300000 - OUTPUT_CAP as u64);
    }

    #[test]
    fn marker_split_across_reads() {
        let m = b"\x1eGBEND-ab:";
        assert_eq!(partial_marker_len(b"xx\x1eGB", m), 3);
        assert_eq!(partial_marker_len(b"xx", m), 0);
        assert_eq!(find(b"a\x1e\x1eGBEND-ab:0\x1e", m), Some(2));
    }
}
