//! The shell session of a page: its commands run one after another as in a
//! reader's terminal, and nothing a command prints or does can end another
//! command or set its exit code.
//!
//! Mechanism. Each command is its own `bash --noprofile --norc -c PRELUDE`,
//! started by docs-check inside the page's [`Jail`]; the shell's state
//! carries from one command to the next as data: after a command, the
//! prelude writes `declare -p`, `declare -f`, aliases, `shopt` and `set -o`
//! options and the working folder to fd 4 (a file docs-check reads), and the
//! next command's prelude restores them before it runs. So `cd`, `export`,
//! shell variables and functions carry over, and `$?` starts as the last
//! command's status.
//!
//! The end of a command and its exit code are what the kernel says about
//! that process: docs-check waits for it (a pidfd) and takes its exit status.
//! There is no marker in the output and no secret to forge: the command
//! holds no descriptor of docs-check's besides its output pipe and its own
//! state files, and inside the jail it sees neither docs-check nor any
//! process outside its page.
//!
//! - fd 0: `/dev/null`; fd 1 and 2: one pipe, read by the session (stdout and
//!   stderr interleaved as in a terminal);
//! - fd 3: the command's input (state, mode, last status, command text), read
//!   by the prelude and closed before the command runs; fd 4, where the state
//!   goes after it, is closed for the command too, and so are the namespace
//!   descriptors bwrap was given (5 and 7).
//!
//! A script block (`sh`, `bash`, `shell`) runs with `set -e`. A command that
//! ends its shell (`exit N`, a failure under `set -e`) writes no state: the
//! session reports the shell ended, and the page goes on in a fresh shell
//! (same sandbox, back in its root). A shell launcher (a Nix dev shell) is
//! run once per session to capture its state; its commands then run in host
//! bash with that state.
//!
//! Timeouts kill every process of the page (the jail), grandchildren,
//! `setsid` and background processes included; so does the end of a shell
//! and of the page. Output is read as it comes and only its tail is kept
//! (see [`OUTPUT_CAP`]), so memory stays bounded whatever a command prints.

use std::io::{Read, Seek, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::check::env::Env;
use crate::check::isolation::{BACKGROUND_ENV, Jail, high_fd, move_fd};

pub use crate::process::{Captured, OUTPUT_CAP};
use crate::process::{Kill, set_nonblocking};

/// Starts the shell that runs a page's commands: host bash, or bash inside
/// a Nix dev shell (see `check::nix`).
pub trait ShellLauncher: Send + Sync {
    /// A name for messages and for keeping one session per launcher.
    fn name(&self) -> String;
    /// A command that runs `bash --noprofile --norc -c <driver>` with the
    /// given environment, in `sandbox`. Stdio is set by the session.
    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command;
    /// Does the shell start with state of its own (variables, functions) to
    /// capture? Host bash does not.
    fn captures_state(&self) -> bool {
        true
    }
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

    fn captures_state(&self) -> bool {
        false
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

/// The last line of a state dump; a dump without it is not restored.
const STATE_END: &str = "#docs-check-state-end";

/// Dumps the shell's state to fd 4.
const DUMP: &str = r#"{ declare -p; declare -f; alias -p; shopt -p; set +o; printf 'cd -- %q\n' "$PWD"; echo '#docs-check-state-end'; } >&4 2>/dev/null"#;

/// Restores the state, runs one command, dumps the state.
const PRELUDE: &str = r#"exec 5<&- 7<&-
__gb_ret() { return "$1"; }
IFS= read -r -d '' __gb_state <&3
IFS= read -r -d '' __gb_mode <&3
IFS= read -r -d '' __gb_prev <&3
IFS= read -r -d '' __gb_cmd <&3
exec 3<&-
eval "$__gb_state" >/dev/null 2>&1
unset __gb_state
[ "$__gb_mode" = S ] && set -e
# `&& :` keeps a non-zero `$?` from ending a `set -e` script before it starts.
__gb_ret "$__gb_prev" && :; eval "$__gb_cmd" 4>&-
__gb_st=$?
set +e
unset __gb_cmd __gb_mode __gb_prev
@DUMP@
exit "$__gb_st"
"#;

/// A shell session of a page.
pub struct Session {
    /// Restored before each command (bash source).
    state: String,
    /// Appended to the state: what the session pins (TMPDIR ...).
    pinned: String,
    /// The status of the last command, `$?` of the next.
    last_status: i32,
    sandbox: std::path::PathBuf,
    env: Env,
    out_read: std::fs::File,
    out_write: OwnedFd,
    /// The launcher's capture, still running: (child, state file).
    capture: Option<(Child, std::fs::File)>,
    alive: bool,
}

impl Session {
    /// Start a session in `sandbox`: a host shell, or the launcher's shell
    /// whose state is captured first (in the jail).
    pub fn start(
        launcher: &dyn ShellLauncher,
        sandbox: &Path,
        env: &Env,
        jail: &mut Jail,
    ) -> std::io::Result<Self> {
        let (out_read, out_write) = std::io::pipe()?;
        let out_read = std::fs::File::from(OwnedFd::from(out_read));
        set_nonblocking(out_read.as_raw_fd())?;
        let mut pinned = String::new();
        for name in ["HOME", "TMPDIR", "TMP", "TEMP", "TEMPDIR"] {
            if let Some(v) = env.get(name) {
                pinned.push_str(&format!(
                    "export {name}={}\n",
                    shell_quote(&v.to_string_lossy())
                ));
            }
        }
        let mut session = Session {
            state: String::new(),
            pinned,
            last_status: 0,
            sandbox: sandbox.to_path_buf(),
            env: env.clone(),
            out_read,
            out_write: OwnedFd::from(out_write),
            capture: None,
            alive: true,
        };
        if launcher.captures_state() {
            let inner = launcher.command(DUMP, sandbox, env);
            let state_file = tempfile::tempfile()?;
            let mut cmd = jail.command(&inner, true)?;
            session.stdio(&mut cmd, &session.out_write, None, &state_file)?;
            let child = cmd.spawn()?;
            jail.started(child.id());
            session.capture = Some((child, state_file));
        }
        Ok(session)
    }

    pub fn is_alive(&self) -> bool {
        self.alive
    }

    /// The working folder the next command starts in: the last command's
    /// (read from its state's `cd -- PATH` line), else the sandbox. `None`
    /// when the state names it in a quoting this does not read (`$'...'`).
    pub fn cwd(&self) -> Option<std::path::PathBuf> {
        cwd_of_state(&self.state, &self.sandbox)
    }

    /// Stdio of a command of this session: `/dev/null`, `output` (the
    /// session's pipe), `input` as fd 3 and `state_out` as fd 4.
    fn stdio(
        &self,
        cmd: &mut Command,
        output: &OwnedFd,
        input: Option<&std::fs::File>,
        state_out: &std::fs::File,
    ) -> std::io::Result<()> {
        let out = std::fs::File::from(output.try_clone()?);
        let err = out.try_clone()?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let input: Option<OwnedFd> = input.map(high_fd).transpose()?;
        let state_out = high_fd(state_out)?;
        let input_fd: Option<RawFd> = input.as_ref().map(|f| f.as_raw_fd());
        let state_fd = state_out.as_raw_fd();
        // SAFETY: dup2/fcntl only, between fork and exec. The copies live
        // in the closure, so they stay open until the command is spawned.
        unsafe {
            cmd.pre_exec(move || {
                let _keep = (&input, &state_out);
                if let Some(fd) = input_fd {
                    move_fd(fd, 3)?;
                }
                move_fd(state_fd, 4)?;
                Ok(())
            });
        }
        Ok(())
    }

    /// Run one command (or script) and wait for it until `deadline`; with
    /// `network`, it gets the host's network.
    pub fn run(
        &mut self,
        mode: Mode,
        text: &str,
        deadline: Instant,
        jail: &mut Jail,
        network: bool,
    ) -> Outcome {
        let started = Instant::now();
        let mut output = Captured::default();
        if let Some((child, state_file)) = self.capture.take() {
            let (status, timed_out) = self.wait(child, deadline, &mut output, jail);
            match read_state(state_file) {
                Some(state) if status == Some(0) && !timed_out => self.state = state,
                _ => return self.ended(output, started, status, timed_out, jail),
            }
        }
        let spawned = self.spawn(mode, text, jail, network, None);
        let (child, state_file) = match spawned {
            Ok(x) => x,
            Err(e) => {
                output.push(format!("docs-check: cannot start bash: {e}\n").as_bytes());
                return self.ended(output, started, None, false, jail);
            }
        };
        let (status, timed_out) = self.wait(child, deadline, &mut output, jail);
        match read_state(state_file) {
            Some(state) if !timed_out => {
                self.state = state;
                let code = status.unwrap_or(-1);
                self.last_status = code;
                output.trim();
                Outcome {
                    exit_code: Some(code),
                    output,
                    duration: started.elapsed(),
                    timed_out: false,
                    shell_ended: false,
                }
            }
            _ => self.ended(output, started, status, timed_out, jail),
        }
    }

    /// Start `text` as a script (`set -e`) with the session's state (its
    /// working folder, variables, functions), in `jail`, and do not wait for
    /// it: its output goes to `output`, and its processes carry
    /// [`BACKGROUND_ENV`] set to the page's folder. What it does to the
    /// shell's state is not kept. (`background` blocks, in the page's host
    /// session: one whose launcher captures no state.)
    pub fn start_background(
        &self,
        text: &str,
        jail: &mut Jail,
        network: bool,
        output: &OwnedFd,
    ) -> std::io::Result<Child> {
        let root = jail.root().to_path_buf();
        let marker = (BACKGROUND_ENV, root.into_os_string());
        self.spawn(Mode::Script, text, jail, network, Some((output, marker)))
            .map(|(child, _)| child)
    }

    /// Spawn one command; with `background`, its output goes there and it
    /// gets that variable.
    fn spawn(
        &self,
        mode: Mode,
        text: &str,
        jail: &mut Jail,
        network: bool,
        background: Option<(&OwnedFd, (&str, std::ffi::OsString))>,
    ) -> std::io::Result<(Child, std::fs::File)> {
        let mut input = tempfile::tempfile()?;
        let mut message = Vec::with_capacity(self.state.len() + text.len() + 64);
        message.extend(self.state.bytes().filter(|&b| b != 0));
        message.push(b'\n');
        message.extend(self.pinned.bytes());
        message.push(0);
        message.push(if mode == Mode::Script { b'S' } else { b'C' });
        message.push(0);
        message.extend(self.last_status.to_string().bytes());
        message.push(0);
        message.extend(text.bytes().filter(|&b| b != 0));
        message.push(0);
        input.write_all(&message)?;
        input.rewind()?;
        let state_file = tempfile::tempfile()?;
        let prelude = PRELUDE.replace("@DUMP@", DUMP);
        let mut inner = Command::new("bash");
        inner
            .args(["--noprofile", "--norc", "-c", &prelude])
            .current_dir(&self.sandbox);
        self.env.apply(&mut inner);
        let output = match &background {
            Some((out, (name, value))) => {
                inner.env(name, value);
                *out
            }
            None => &self.out_write,
        };
        let mut cmd = jail.command(&inner, network)?;
        self.stdio(&mut cmd, output, Some(&input), &state_file)?;
        let child = cmd.spawn()?;
        jail.started(child.id());
        Ok((child, state_file))
    }

    /// Wait for `child` until `deadline`, reading output as it comes; at the
    /// deadline, kill every process of the page. (exit status, timed out)
    fn wait(
        &mut self,
        mut child: Child,
        deadline: Instant,
        output: &mut Captured,
        jail: &mut Jail,
    ) -> (Option<i32>, bool) {
        let mut kill_all = || jail.kill_all();
        crate::process::wait_reading(
            &mut child,
            &mut self.out_read,
            deadline,
            output,
            Kill::All(&mut kill_all),
        )
    }

    /// The shell ended with this command: what is left of it goes too.
    fn ended(
        &mut self,
        mut output: Captured,
        started: Instant,
        status: Option<i32>,
        timed_out: bool,
        jail: &mut Jail,
    ) -> Outcome {
        self.alive = false;
        jail.kill_all();
        output.trim();
        Outcome {
            exit_code: if timed_out { None } else { status },
            output,
            duration: started.elapsed(),
            timed_out,
            shell_ended: true,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((mut child, _)) = self.capture.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The working folder a state dump leaves (its `cd -- PATH` line, quoted
/// by `printf %q`), `sandbox` when it has none, `None` for a quoting not
/// read here (`$'...'`).
fn cwd_of_state(state: &str, sandbox: &Path) -> Option<std::path::PathBuf> {
    let Some(quoted) = state.lines().rev().find_map(|l| l.strip_prefix("cd -- ")) else {
        return Some(sandbox.to_path_buf());
    };
    if quoted.starts_with("$'") || quoted.starts_with('\'') {
        return None;
    }
    // printf %q: a backslash before each special character.
    let mut path = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        path.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(path.into())
}

/// The state a command left, when it ended normally.
fn read_state(mut file: std::fs::File) -> Option<String> {
    let mut s = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut s).ok()?;
    let trimmed = s.trim_end();
    trimmed.strip_suffix(STATE_END).map(|body| body.to_string())
}

/// `s` as one word of bash.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::isolation::{Mechanism, Policy};

    /// A page's jail for `dir`, with the run's mechanism.
    fn jail(dir: &Path) -> Jail {
        let tmp = dir.join(".tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let policy = Policy {
            root: dir.to_path_buf(),
            tmp,
            writable: Vec::new(),
            readable: Vec::new(),
            hidden: Vec::new(),
        };
        Jail::new(Mechanism::detect(), policy)
    }

    fn session(dir: &Path, jail: &mut Jail) -> Session {
        Session::start(&HostBash, dir, &Env::for_tests(), jail).unwrap()
    }

    fn run(s: &mut Session, j: &mut Jail, mode: Mode, text: &str) -> (Option<i32>, String) {
        let o = s.run(
            mode,
            text,
            Instant::now() + Duration::from_secs(10),
            j,
            false,
        );
        (
            o.exit_code,
            String::from_utf8_lossy(&o.output.tail).into_owned(),
        )
    }

    #[test]
    fn the_working_folder_is_read_from_the_state() {
        let sandbox = Path::new("/s");
        assert_eq!(cwd_of_state("", sandbox).unwrap(), sandbox);
        assert_eq!(
            cwd_of_state("x=1\ncd -- /s/a\\ b\n#end\n", sandbox).unwrap(),
            Path::new("/s/a b")
        );
        assert_eq!(cwd_of_state("cd -- $'/s/\\n'\n", sandbox), None);
    }

    #[test]
    fn state_carries_between_commands() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let j = &mut jail(dir.path());
        let mut s = session(dir.path(), j);
        assert_eq!(
            run(&mut s, j, Mode::Command, "cd sub"),
            (Some(0), String::new())
        );
        assert_eq!(
            run(&mut s, j, Mode::Command, "export X=1; Y=2"),
            (Some(0), String::new())
        );
        let (code, out) = run(
            &mut s,
            j,
            Mode::Command,
            "basename \"$PWD\"; echo $X$Y; echo err >&2",
        );
        assert_eq!(code, Some(0));
        assert_eq!(out, "sub\n12\nerr\n");
        assert_eq!(
            run(&mut s, j, Mode::Command, "false"),
            (Some(1), String::new())
        );
        assert_eq!(
            run(&mut s, j, Mode::Command, "echo $?"),
            (Some(0), "1\n".into())
        );
        // A script after a failed command starts, and sees its status.
        assert_eq!(
            run(&mut s, j, Mode::Command, "false"),
            (Some(1), String::new())
        );
        assert_eq!(
            run(&mut s, j, Mode::Script, "echo \"prev=$?\"\necho next\n"),
            (Some(0), "prev=1\nnext\n".into())
        );
        assert_eq!(
            run(&mut s, j, Mode::Command, "printf abc"),
            (Some(0), "abc".into())
        );
        assert_eq!(
            run(&mut s, j, Mode::Command, "cat"),
            (Some(0), String::new())
        );
    }

    #[test]
    fn scripts_stop_at_first_failure_and_exit_ends_the_shell() {
        let dir = tempfile::tempdir().unwrap();
        let j = &mut jail(dir.path());
        let mut s = session(dir.path(), j);
        let (code, out) = run(&mut s, j, Mode::Script, "echo a\nfalse\necho b\n");
        assert_eq!((code, out.as_str()), (Some(1), "a\n"));
        assert!(!s.is_alive());
        let mut s = session(dir.path(), j);
        assert_eq!(
            run(&mut s, j, Mode::Command, "exit 7"),
            (Some(7), String::new())
        );
    }

    #[test]
    fn timeout_kills_and_output_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let j = &mut jail(dir.path());
        let mut s = session(dir.path(), j);
        let o = s.run(
            Mode::Command,
            "echo start; sleep 30",
            Instant::now() + Duration::from_millis(300),
            j,
            false,
        );
        assert!(o.timed_out);
        assert_eq!(o.exit_code, None);
        assert_eq!(o.output.tail, b"start\n");
        assert!(o.duration < Duration::from_secs(5));
        let mut s = session(dir.path(), j);
        let o = s.run(
            Mode::Command,
            "head -c 300000 /dev/zero",
            Instant::now() + Duration::from_secs(10),
            j,
            false,
        );
        assert_eq!(o.exit_code, Some(0));
        assert_eq!(o.output.tail.len(), OUTPUT_CAP);
        assert_eq!(o.output.dropped, 300000 - OUTPUT_CAP as u64);
    }

    #[test]
    fn functions_aliases_and_status_carry_and_nothing_forges_an_end() {
        let dir = tempfile::tempdir().unwrap();
        let j = &mut jail(dir.path());
        let mut s = session(dir.path(), j);
        assert_eq!(
            run(
                &mut s,
                j,
                Mode::Command,
                "f() { echo \"f:$1\"; }; shopt -s expand_aliases; alias hi='echo hi'; A=(x y)"
            ),
            (Some(0), String::new())
        );
        assert_eq!(
            run(&mut s, j, Mode::Command, "f 1; hi; echo ${A[1]}"),
            (Some(0), "f:1\nhi\ny\n".into())
        );
        // Printing what looked like the old end marker ends nothing.
        let (code, out) = run(
            &mut s,
            j,
            Mode::Command,
            "printf '\\036GBEND-00:0\\036'; echo after; exit 7",
        );
        assert_eq!(code, Some(7));
        assert!(out.ends_with("after\n"), "{out:?}");
        assert!(!s.is_alive());
    }
}
