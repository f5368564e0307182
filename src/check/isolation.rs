//! Containment of a page's processes: what a block may see, write and reach,
//! and how everything it started ends with the page.
//!
//! Mechanism, chosen once per run ([`Mechanism::detect`], shown by `--list`
//! and in the JSON report as `isolation`):
//!
//! - **`bwrap`** (bubblewrap), when it can make namespaces here. Each page
//!   gets a *holder*: `bwrap --unshare-pid --unshare-net ... cat` whose PID
//!   namespace (and network namespace) the page's commands then join
//!   (`bwrap --pidns FD`, `setns` for the network). Every command of the page
//!   sees its own `/proc` of that namespace only, so docs-check, the caller's
//!   shell and their environment are out of sight; `--new-session` leaves it
//!   without a controlling terminal; the root is read-only
//!   (`--ro-bind / /`) except the page's folder (sandbox, HOME, TMPDIR, with
//!   the folder's `tmp` as `/tmp`) and host paths the book names
//!   (`[check] writable`, `/nix` for pages that need nix); the caller's HOME
//!   is an empty tmpfs but for the paths the page's environment names in it
//!   (read-only, cargo's `credentials.toml` emptied), and `/run`, where host
//!   daemons' sockets are, is empty (a read-only bind does not stop
//!   `connect(2)`). Killing the holder
//!   ends the namespace, so nothing started by a page, whatever it did to its
//!   session or process group, outlives it; `--die-with-parent` does the
//!   same when docs-check itself is killed.
//! - **`fallback`** where namespaces are not allowed: each command is its own
//!   session with `PR_SET_PDEATHSIG`, docs-check is a child subreaper
//!   (`PR_SET_CHILD_SUBREAPER`, so orphans stay its descendants), and the end
//!   of a page kills every process whose session is one of the page's or whose
//!   environment names the page's sandbox, and the orphans docs-check adopted
//!   that name no other running page. Files outside the sandbox and the
//!   network are not guarded in this mode.
//!
//! bubblewrap was chosen over `unshare(1)` or raw syscalls: it is a small,
//! audited tool that does mounts, PID and network namespaces, session and
//! parent-death handling in one exec, as root or unprivileged, and it is
//! packaged everywhere (Debian `bubblewrap`).

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::process::{self, Kill};

/// How a run contains its pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// bubblewrap at this path.
    Bwrap(PathBuf),
    /// Sessions, parent-death signal and a subreaper.
    Fallback,
}

/// Set to `fallback` to use the fallback even where bwrap works (tests).
pub const ENV_OVERRIDE: &str = "GUIDEBOOK_ISOLATION";

impl Mechanism {
    /// The mechanism of this run: bwrap when it is on PATH and works here.
    pub fn detect() -> Mechanism {
        static CHOSEN: OnceLock<Mechanism> = OnceLock::new();
        CHOSEN
            .get_or_init(|| {
                if std::env::var(ENV_OVERRIDE).is_ok_and(|v| v == "fallback") {
                    return Mechanism::Fallback;
                }
                match find_on_path("bwrap") {
                    Some(path) if bwrap_works(&path) => Mechanism::Bwrap(path),
                    _ => Mechanism::Fallback,
                }
            })
            .clone()
    }

    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Bwrap(_) => "bwrap",
            Mechanism::Fallback => "fallback",
        }
    }
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Can bwrap make the namespaces we use here? (Containers often forbid it.)
fn bwrap_works(bwrap: &Path) -> bool {
    let mut cmd = Command::new(bwrap);
    cmd.args(["--unshare-pid", "--unshare-net", "--die-with-parent"])
        .args(["--new-session", "--ro-bind", "/", "/", "--dev", "/dev"])
        .args(["--proc", "/proc", "true"]);
    succeeds(cmd)
}

/// How long a probe of what the machine allows may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Does `cmd` exit 0 within [`PROBE_TIMEOUT`]? (Past it, it and what it
/// started are killed.)
fn succeeds(cmd: Command) -> bool {
    let deadline = Instant::now() + PROBE_TIMEOUT;
    process::run(cmd, deadline, Kill::Group).is_ok_and(|f| f.code == Some(0))
}

/// Mark docs-check as the reaper of its orphaned descendants (fallback mode),
/// so a block's `setsid cmd &` stays findable.
pub fn become_subreaper() {
    // SAFETY: plain prctl on our own process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

/// What a page's commands may use of the host.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The page's folder (sandbox, HOME and TMPDIR are inside), writable.
    pub root: PathBuf,
    /// The folder bound as `/tmp`.
    pub tmp: PathBuf,
    /// Host paths a command may write (that exist).
    pub writable: Vec<PathBuf>,
    /// Host paths under `/tmp` a command must still see (read-only), such
    /// as the folder of the `--nix` given.
    pub readable: Vec<PathBuf>,
    /// Host folders hidden under an empty tmpfs (the caller's HOME, with its
    /// keys and tokens); `readable` and `writable` paths inside stay visible.
    pub hidden: Vec<PathBuf>,
}

/// The containment of one page: its namespaces (bwrap) or the sessions it
/// started (fallback).
pub struct Jail {
    mechanism: Mechanism,
    policy: Policy,
    holder: Option<Holder>,
    /// Fallback: sessions of the page's commands.
    sessions: Vec<i32>,
    /// The network namespace of another jail of the page, joined by this
    /// one's commands ([`Jail::share_network_of`]).
    net_from: Option<OwnedFd>,
    /// Fallback: this jail's end spares the processes of the page's
    /// background jail (they carry [`BACKGROUND_ENV`]); that jail's own end
    /// spares nothing.
    spares_background: bool,
}

/// Set on the processes of a page's `background` blocks (to the page's
/// folder), so that in the fallback the end of a shell spares them; the
/// end of the page ends them all the same.
pub const BACKGROUND_ENV: &str = "GUIDEBOOK_BACKGROUND";

struct Holder {
    child: Child,
    /// The init of the namespace (our PID for it): killing it ends every
    /// process of the namespace, whatever happens to `child`.
    init: i32,
    /// A pidfd of `init`, killed through it where the kernel has pidfds:
    /// the init is bwrap's child, not ours, so its number may go to a
    /// stranger once it ends.
    init_fd: Option<OwnedFd>,
    /// Keeps the holder alive: its stdin.
    _stdin: std::process::ChildStdin,
    pid_ns: OwnedFd,
    net_ns: Option<OwnedFd>,
    /// The holder's user namespace, when bwrap made one (unprivileged):
    /// joining its PID namespace needs joining it first.
    user_ns: Option<OwnedFd>,
}

impl Jail {
    pub fn new(mechanism: Mechanism, policy: Policy) -> Jail {
        Jail {
            mechanism,
            policy,
            holder: None,
            sessions: Vec::new(),
            net_from: None,
            spares_background: true,
        }
    }

    /// The jail of the page's `background` blocks: this jail's mechanism
    /// and policy, its own PID namespace (so the end of a shell in this
    /// jail does not end them); the page ends it.
    pub fn for_background(&self) -> Jail {
        let mut jail = Jail::new(self.mechanism.clone(), self.policy.clone());
        jail.spares_background = false;
        jail
    }

    /// This jail's commands join `other`'s network namespace (where
    /// docs-check may join one: as root), so that they reach a server
    /// started there on the page's loopback; its namespace is made now if
    /// need be.
    pub fn share_network_of(&mut self, other: &mut Jail) -> std::io::Result<()> {
        if let Mechanism::Bwrap(bwrap) = &other.mechanism
            && other.holder.is_none()
        {
            other.holder = Some(start_holder(bwrap, &other.policy)?);
        }
        self.net_from = match other.holder.as_ref().and_then(|h| h.net_ns.as_ref()) {
            Some(fd) => Some(high_fd(fd)?),
            None => None,
        };
        Ok(())
    }

    pub fn mechanism(&self) -> &Mechanism {
        &self.mechanism
    }

    /// The page's folder.
    pub fn root(&self) -> &Path {
        &self.policy.root
    }

    /// `inner` (program, arguments, environment as set, folder) as a command
    /// contained in this page. `inner`'s environment must be explicit (it
    /// was cleared): the caller's is never passed.
    /// With `network`, the command gets the host's network; otherwise only a
    /// loopback of the page's own. Fails when the page's namespace cannot be
    /// made (never runs the command outside it).
    pub fn command(&mut self, inner: &Command, network: bool) -> std::io::Result<Command> {
        if let Mechanism::Bwrap(bwrap) = &self.mechanism
            && self.holder.is_none()
        {
            self.holder = Some(start_holder(bwrap, &self.policy)?);
        }
        let envs: Vec<(OsString, OsString)> = inner
            .get_envs()
            .filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string())))
            .collect();
        let cwd = inner
            .get_current_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.policy.root.clone());
        let mut cmd;
        match (&self.mechanism, &self.holder) {
            (Mechanism::Bwrap(bwrap), Some(holder)) => {
                cmd = Command::new(bwrap);
                cmd.args(["--die-with-parent", "--new-session"]);
                if holder.user_ns.is_some() {
                    cmd.args(["--userns", "7"]);
                }
                cmd.args(["--pidns", "5"]);
                cmd.args(mounts(&self.policy));
                let page_net = self.net_from.as_ref().or(holder.net_ns.as_ref());
                if page_net.is_none() && !network {
                    cmd.arg("--unshare-net");
                }
                cmd.arg("--chdir").arg(&cwd);
                cmd.arg("--")
                    .arg(inner.get_program())
                    .args(inner.get_args());
                let pid_ns = holder.pid_ns.as_raw_fd();
                let user_ns = holder.user_ns.as_ref().map(|f| f.as_raw_fd());
                let net_ns = page_net.filter(|_| !network).map(|f| f.as_raw_fd());
                // SAFETY: only dup2, fcntl and setns between fork and exec.
                unsafe {
                    cmd.pre_exec(move || {
                        move_fd(pid_ns, 5)?;
                        if let Some(fd) = user_ns {
                            move_fd(fd, 7)?;
                        }
                        if let Some(fd) = net_ns
                            && libc::setns(fd, libc::CLONE_NEWNET) != 0
                        {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    });
                }
            }
            (Mechanism::Bwrap(_), None) => unreachable!("holder started above"),
            (Mechanism::Fallback, _) => {
                if stopping() {
                    return Err(std::io::Error::other("docs-check is stopping"));
                }
                cmd = Command::new(inner.get_program());
                cmd.args(inner.get_args()).current_dir(&cwd);
                // SAFETY: setsid and prctl only, between fork and exec.
                unsafe {
                    cmd.pre_exec(|| {
                        if libc::setsid() < 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0);
                        Ok(())
                    });
                }
            }
        }
        cmd.env_clear();
        cmd.envs(envs);
        Ok(cmd)
    }

    /// Fallback: remember a started command's session, to kill it and what
    /// it left at the end.
    pub fn started(&mut self, pid: u32) {
        if self.mechanism == Mechanism::Fallback {
            self.sessions.push(pid as i32);
            registry()
                .sessions
                .push((self.policy.root.clone(), pid as i32));
        }
    }

    /// End every process of the page. A next command gets a new namespace.
    pub fn kill_all(&mut self) {
        self.end();
    }

    fn end(&mut self) {
        if let Some(mut h) = self.holder.take() {
            let mut reg = registry();
            match &h.init_fd {
                Some(fd) => crate::process::pidfd_kill(fd),
                // SAFETY: SIGKILL to the init of this page's namespace,
                // which lives until we kill it (it holds the namespace).
                None => unsafe {
                    libc::kill(h.init, libc::SIGKILL);
                },
            }
            let _ = h.child.kill();
            let _ = h.child.wait();
            let pid = h.child.id();
            reg.holders.retain(|&(p, _)| p != pid);
        } else if self.mechanism == Mechanism::Fallback {
            let started: Vec<i32> = registry().sessions.iter().map(|(_, s)| *s).collect();
            // Every page's sandbox exists before its first command starts.
            let mut others = crate::check::sandbox::live();
            others.retain(|r| *r != self.policy.root);
            let spare = self
                .spares_background
                .then(|| background_marker(&self.policy.root));
            kill_leftovers(
                &self.sessions,
                &self.policy.root,
                &started,
                &others,
                spare.as_deref(),
            );
            // This jail's sessions only: the page's other jail has its own.
            registry()
                .sessions
                .retain(|(root, s)| *root != self.policy.root || !self.sessions.contains(s));
            self.sessions.clear();
        }
    }
}

impl Drop for Jail {
    fn drop(&mut self) {
        self.end();
    }
}

/// What every page has started, for [`kill_everything`].
#[derive(Default)]
struct Registry {
    /// bwrap holders and the inits of their namespaces.
    holders: Vec<(u32, i32)>,
    /// Fallback: (page root, session) of each command.
    sessions: Vec<(PathBuf, i32)>,
}

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
        holders: Vec::new(),
        sessions: Vec::new(),
    });
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Set once docs-check is stopping: no namespace nor command starts after.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Is docs-check stopping on a signal? (Its handler then exits the process.)
pub fn stopping() -> bool {
    STOPPING.load(std::sync::atomic::Ordering::SeqCst)
}

/// Kill the processes of every page (on Ctrl-C, SIGTERM, SIGHUP), waiting
/// until the namespaces are gone; no page starts a command after.
pub fn kill_everything() {
    let reg = registry();
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
    for &(pid, init) in &reg.holders {
        // SAFETY: SIGKILL to a namespace's init (ending the namespace) and
        // to our own child, the holder, which we then reap.
        unsafe {
            libc::kill(init, libc::SIGKILL);
            libc::kill(pid as i32, libc::SIGKILL);
            libc::waitpid(pid as i32, std::ptr::null_mut(), 0);
        }
    }
    let mut roots: Vec<&PathBuf> = reg.sessions.iter().map(|(r, _)| r).collect();
    roots.dedup();
    let sids: Vec<i32> = reg.sessions.iter().map(|(_, s)| *s).collect();
    for root in roots {
        kill_leftovers(&sids, root, &sids, &[], None);
    }
}

/// The mounts of a page's commands.
fn mounts(policy: &Policy) -> Vec<OsString> {
    let mut a: Vec<OsString> = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        .iter()
        .map(OsString::from)
        .collect();
    let bind = |a: &mut Vec<OsString>, from: &Path, to: &Path| {
        a.push("--bind".into());
        a.push(from.into());
        a.push(to.into());
    };
    // Host daemons listen under /run (docker, the caller's ssh and gpg
    // agents, D-Bus), and a read-only root does not stop connect(2) to a
    // socket: /run is empty but for the resolver's file and NixOS's system.
    if Path::new("/run").is_dir() {
        a.extend(["--tmpfs".into(), "/run".into()]);
        for keep in run_kept() {
            a.extend(["--ro-bind".into(), keep.clone().into(), keep.into()]);
        }
    }
    for h in policy
        .hidden
        .iter()
        .filter(|h| h.is_absolute() && h.is_dir() && h.parent().is_some())
    {
        a.push("--tmpfs".into());
        a.push(h.into());
    }
    bind(&mut a, &policy.tmp, Path::new("/tmp"));
    bind(&mut a, &policy.root, &policy.root);
    for r in &policy.readable {
        a.push("--ro-bind".into());
        a.push(r.into());
        a.push(r.into());
        // A CARGO_HOME passed read-only still hides cargo's registry tokens
        // (an empty file in their place).
        for secret in ["credentials.toml", "credentials"].map(|n| r.join(n)) {
            if secret.is_file() {
                a.extend(["--dev-bind".into(), "/dev/null".into(), secret.into()]);
            }
        }
    }
    for w in &policy.writable {
        if w.exists() {
            bind(&mut a, w, w);
        }
    }
    a
}

/// What of /run blocks still see: NixOS's system folders and the folder of
/// `/etc/resolv.conf` when it lives there (systemd-resolved, resolvconf).
fn run_kept() -> Vec<PathBuf> {
    let mut kept: Vec<PathBuf> = [
        "current-system",
        "booted-system",
        "opengl-driver",
        "wrappers",
    ]
    .iter()
    .map(|n| Path::new("/run").join(n))
    .filter(|p| p.exists())
    .collect();
    let resolver = std::fs::canonicalize("/etc/resolv.conf").ok();
    if let Some(dir) = resolver.as_deref().and_then(Path::parent)
        && dir.starts_with("/run")
    {
        kept.push(dir.to_path_buf());
    }
    kept
}

/// The page's holder: the init of its PID namespace, living until we kill
/// it or close its stdin (or docs-check dies).
fn start_holder(bwrap: &Path, policy: &Policy) -> std::io::Result<Holder> {
    // Under the registry's lock, so that a signal either sees this holder
    // or stops it from starting.
    let mut reg = registry();
    if stopping() {
        return Err(std::io::Error::other("docs-check is stopping"));
    }
    let (info_read, info_write) = std::io::pipe()?;
    let info_write = high_fd(&info_write)?;
    let info_fd = info_write.as_raw_fd();
    let mut cmd = Command::new(bwrap);
    cmd.args([
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
    ]);
    cmd.args(mounts(policy));
    cmd.args(["--info-fd", "6", "--", "cat"]);
    cmd.env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: dup2/fcntl only, between fork and exec.
    unsafe {
        cmd.pre_exec(move || move_fd(info_fd, 6));
    }
    let mut child = cmd.spawn()?;
    drop(cmd);
    drop(info_write);
    let stdin = child.stdin.take().expect("piped stdin");
    let mut info = String::new();
    let mut reader = info_read;
    let mut buf = [0u8; 256];
    while !info.contains('}') {
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => info.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    let Some(pid) = serde_json::from_str::<serde_json::Value>(info.trim())
        .ok()
        .and_then(|v| v["child-pid"].as_u64())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(std::io::Error::other(format!(
            "bwrap did not start: {info:?}"
        )));
    };
    let init_fd = crate::process::pidfd_open(pid as u32);
    reg.holders.push((child.id(), pid as i32));
    drop(reg);
    let pid_ns = high_fd(&File::open(format!("/proc/{pid}/ns/pid"))?)?;
    // Join the holder's network namespace where we may (root), so a server a
    // block starts is reachable from the next; elsewhere each command gets a
    // fresh one.
    let net_ns = File::open(format!("/proc/{pid}/ns/net"))
        .and_then(|f| high_fd(&f))
        .ok()
        .filter(can_setns);
    let user_ns = File::open(format!("/proc/{pid}/ns/user"))
        .ok()
        .filter(|f| {
            use std::os::unix::fs::MetadataExt;
            let ours = std::fs::metadata("/proc/self/ns/user").map(|m| m.ino());
            f.metadata().map(|m| m.ino()).ok() != ours.ok()
        })
        .map(|f| high_fd(&f))
        .transpose()?;
    Ok(Holder {
        child,
        init: pid as i32,
        init_fd,
        user_ns,
        _stdin: stdin,
        pid_ns,
        net_ns,
    })
}

/// Can we join this network namespace? Tried in a short-lived child.
fn can_setns(ns: &OwnedFd) -> bool {
    let fd = ns.as_raw_fd();
    let mut cmd = Command::new("true");
    // SAFETY: setns only, between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    succeeds(cmd)
}

/// A close-on-exec copy of `fd` numbered 10 or more, so that moving
/// descriptors to 3, 4, 5 and 6 in a child cannot overwrite a source.
pub fn high_fd(fd: &impl AsRawFd) -> std::io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC returns a new descriptor that we then own.
    unsafe {
        let new = libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10);
        if new < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(OwnedFd::from_raw_fd(new))
    }
}

/// Mark every descriptor from 3 up close-on-exec: what the caller left open
/// (a file on fd 7, the write end of a pipeline on fd 9) never reaches a
/// block. Called once at the start, before any thread.
pub fn close_inherited_fds() {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<RawFd> = dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    for fd in fds {
        // SAFETY: fcntl on a descriptor number; a closed one only fails.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFD);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
            }
        }
    }
}

/// Make `fd` available as `target` in the child, without close-on-exec.
pub fn move_fd(fd: RawFd, target: RawFd) -> std::io::Result<()> {
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

/// `GUIDEBOOK_BACKGROUND=ROOT`: the variable the background processes of
/// the page at `root` carry.
pub fn background_marker(root: &Path) -> Vec<u8> {
    let mut m = format!("{BACKGROUND_ENV}=").into_bytes();
    m.extend_from_slice(root.as_os_str().as_encoded_bytes());
    m
}

/// Fallback: SIGKILL every process in one of `sessions` or whose
/// environment names `root` (as `GUIDEBOOK_SANDBOX`, `HOME` or `TMPDIR`),
/// and every orphan adopted by docs-check (the subreaper) that is not a
/// command it `started` nor names a page of `others` still running (a block's
/// `env -i setsid -f cmd`), until none is left; but none whose environment
/// holds `spare` (the page's background processes, when a shell ends).
fn kill_leftovers(
    sessions: &[i32],
    root: &Path,
    started: &[i32],
    others: &[PathBuf],
    spare: Option<&[u8]>,
) {
    let needle = root.as_os_str().as_encoded_bytes().to_vec();
    let me = std::process::id() as i32;
    // SAFETY: getsid only reads.
    let my_session = unsafe { libc::getsid(0) };
    let my_exe = std::fs::read_link("/proc/self/exe").ok();
    for _ in 0..20 {
        let mut found = false;
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<i32>().ok())
            else {
                continue;
            };
            if pid == me || is_zombie(pid) {
                continue;
            }
            // SAFETY: getsid only reads.
            let sid = unsafe { libc::getsid(pid) };
            let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            let names = |dir: &[u8]| {
                env.split(|&b| b == 0).any(|var| {
                    var.iter()
                        .position(|&b| b == b'=')
                        .is_some_and(|i| var[i + 1..].starts_with(dir))
                })
            };
            // Our own helpers (a `nix --version`) stay in our session; a
            // command of another page not yet exec'd is still our binary.
            // A command of another page names that page's sandbox, even one
            // that started after `others` was taken (pages start all along
            // under -j); orphans of a page that ended were killed by its own
            // end, which kills whatever names its folder.
            let another_page = env.split(|&b| b == 0).any(|var| {
                var.strip_prefix(b"GUIDEBOOK_SANDBOX=")
                    .is_some_and(|v| !v.starts_with(&needle))
            });
            let orphan = parent(pid) == Some(me)
                && sid != my_session
                && std::fs::read_link(entry.path().join("exe")).ok() != my_exe
                && !started.contains(&pid)
                && !another_page
                && !others
                    .iter()
                    .any(|o| names(o.as_os_str().as_encoded_bytes()));
            let spared = spare.is_some_and(|m| env.split(|&b| b == 0).any(|var| var == m));
            // A session id is a pid, and pids come round again (pid_max may
            // be 32768): a session of ours counts only for our descendants
            // (docs-check is their subreaper), never for a stranger that
            // took a number of a session that ended.
            let in_our_session = sessions.contains(&sid) && descends_from(pid, me);
            let ours = (in_our_session || names(&needle) || orphan) && !spared;
            if ours {
                found = true;
                // SAFETY: signalling a process of this page.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
        if !found {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Is `pid` a descendant of `ancestor` (its child, its child's child...)?
fn descends_from(pid: i32, ancestor: i32) -> bool {
    let mut p = pid;
    // Bounded: a parent chain read while processes come and go may loop.
    for _ in 0..64 {
        match parent(p) {
            Some(q) if q == ancestor => return true,
            Some(q) if q > 1 => p = q,
            _ => return false,
        }
    }
    false
}

fn parent(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.split(' ').nth(1)?.parse().ok()
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z') || rest.starts_with('X'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_are_told_from_strangers() {
        let me = std::process::id() as i32;
        let mut child = Command::new("sleep").arg("5").spawn().unwrap();
        let pid = child.id() as i32;
        assert!(descends_from(pid, me));
        assert!(!descends_from(me, pid));
        assert!(!descends_from(1, me));
        let _ = child.kill();
        let _ = child.wait();
    }
}
