//! docs-check against hostile blocks: each fixture book of
//! tests/fixtures/hostile/ is an attack, and each test asserts what is left
//! afterwards (processes by PID and session, files outside the sandbox, the
//! bytes of the page). They need bubblewrap (`bwrap`) for the jail; without
//! it they say why and pass, except under `CI=true`.

mod support;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hostile");
const BIN: &str = env!("CARGO_BIN_EXE_docs-check");

/// Can the jail run here? (`support::have_jail`)
fn have_jail() -> bool {
    support::have_jail("the hostile tests need it")
}

/// A copy of fixture book `name` in a temporary folder, as `name/`.
struct Book {
    dir: tempfile::TempDir,
    name: String,
}

impl Book {
    fn new(name: &str) -> Book {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(FIXTURES).join(name);
        support::copy_tree(&from, &dir.path().join(name));
        Book {
            dir,
            name: name.into(),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(&self.name).join(rel)
    }

    /// `docs-check <book> args...` with a clean environment.
    fn command(&self, args: &[&str]) -> Command {
        support::docs_check_in(self.dir.path(), &self.name, args)
    }

    fn run(&self, args: &[&str]) -> Out {
        out(self.command(args))
    }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn out(mut cmd: Command) -> Out {
    let started = Instant::now();
    let o = cmd.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        took: started.elapsed(),
    }
}

/// (pid, session) of every process whose command line contains `marker`.
fn processes(marker: &str) -> Vec<(i32, i32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .contains(marker)
        {
            // SAFETY: getsid only reads.
            found.push((pid, unsafe { libc::getsid(pid) }));
        }
    }
    found
}

/// Wait until `marker` runs (a block started it), up to 15 s.
fn wait_for(marker: &str) -> Vec<(i32, i32)> {
    let started = Instant::now();
    loop {
        let p = processes(marker);
        if !p.is_empty() {
            return p;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{marker} never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// No process of `pids` is alive any more (a zombie or a reused pid with
/// another command line does not count).
fn all_gone(pids: &[(i32, i32)], marker: &str) -> bool {
    let started = Instant::now();
    loop {
        let left: Vec<_> = processes(marker)
            .into_iter()
            .filter(|p| pids.is_empty() || pids.iter().any(|q| q.0 == p.0))
            .filter(|p| !is_zombie(p.0))
            .collect();
        if left.is_empty() {
            return true;
        }
        if started.elapsed() > Duration::from_secs(3) {
            eprintln!("left running: {left:?}");
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Each marker's processes, as `wait_for` saw them, are gone.
fn assert_all_gone(seen: &[(&&str, Vec<(i32, i32)>)]) {
    for (marker, pids) in seen {
        assert!(
            all_gone(pids, marker),
            "{marker} {pids:?} outlived the page"
        );
    }
}

/// Read a docs-check run's stdout to its end, then wait for its exit code.
fn finish(mut child: std::process::Child) -> (Option<i32>, String) {
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    (child.wait().unwrap().code(), stdout)
}

fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit_once(") ").is_some_and(|(_, r)| r.starts_with('Z')))
}

/// Sandboxes of page `stem` in the temp folder.
fn sandboxes(stem: &str) -> Vec<PathBuf> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy()
                    .starts_with(&format!("docs-check-{stem}-"))
            })
        })
        .collect()
}

fn report(book: &Book) -> serde_json::Value {
    let text = std::fs::read_to_string(book.path("target/docs-check/report.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

// 1. Processes outlive their page.

#[test]
fn no_process_outlives_its_page() {
    if !have_jail() {
        return;
    }
    let book = Book::new("escape");
    let child = book.command(&[]).stdout(Stdio::piped()).spawn().unwrap();
    let seen: Vec<_> = ["sleep 991.1", "sleep 991.2", "sleep 991.3", "sleep 991.4"]
        .iter()
        .map(|m| (m, wait_for(m)))
        .collect();
    let (code, stdout) = finish(child);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("timed out after 2 s; its processes were killed"),
        "{stdout}"
    );
    // setsid, a subshell's background job and job control all went, in
    // whatever session they made.
    assert_all_gone(&seen);
    assert_eq!(report(&book)["isolation"], "bwrap");
}

#[test]
fn killing_docs_check_ends_the_pages_processes() {
    if !have_jail() {
        return;
    }
    let book = Book::new("linger");
    let mut child = book.command(&[]).stdout(Stdio::null()).spawn().unwrap();
    let a = wait_for("sleep 992.1");
    let b = wait_for("sleep 992.2");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(all_gone(&a, "sleep 992.1"));
    assert!(all_gone(&b, "sleep 992.2"));
    // SIGKILL cannot be handled: the sandbox stays; the test removes it.
    for s in sandboxes("linger") {
        let _ = std::fs::remove_dir_all(s);
    }
}

// 2. The caller's open descriptors reach blocks.

#[test]
fn descriptors_of_the_caller_do_not_reach_blocks() {
    if !have_jail() {
        return;
    }
    let book = Book::new("fds");
    let f7 = book.dir.path().join("f7");
    let file = std::fs::File::create(&f7).unwrap();
    let (mut read, write) = std::io::pipe().unwrap();
    let mut cmd = book.command(&[]);
    cmd.stdout(Stdio::from(write.try_clone().unwrap()));
    let (fd7, fd9) = (
        std::os::fd::AsRawFd::as_raw_fd(&file),
        std::os::fd::AsRawFd::as_raw_fd(&write),
    );
    // SAFETY: dup2 only, between fork and exec: the caller's fd 7 is a file,
    // its fd 9 the write end of the pipeline docs-check prints to.
    unsafe {
        cmd.pre_exec(move || {
            if libc::dup2(fd7, 7) < 0 || libc::dup2(fd9, 9) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    drop(write);
    // The pipeline ends when docs-check does: no block kept fd 9.
    let mut printed = String::new();
    read.read_to_string(&mut printed).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(child.wait().unwrap().code(), Some(0), "{printed}");
    assert_eq!(std::fs::read_to_string(&f7).unwrap(), "");
    assert!(all_gone(&[], "sleep 993.1"));
}

// 3. Secrets are readable; the book is writable.

#[test]
fn no_secret_is_readable_and_nothing_outside_the_sandbox_is_written() {
    if !have_jail() {
        return;
    }
    let book = Book::new("secrets");
    let outside = tempfile::tempdir().unwrap();
    let page = book.path("src/secrets.md");
    let before = std::fs::read(&page).unwrap();
    let mut cmd = book.command(&[]);
    cmd.env("GITHUB_TOKEN", "fake123")
        .env("HOSTILE_OUTSIDE", outside.path());
    let r = out(cmd);
    // The block fails on purpose, so that its output is in the report.
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("| done"), "{}", r.stdout);
    let json = std::fs::read_to_string(book.path("target/docs-check/report.json")).unwrap();
    for text in [&r.stdout, &json] {
        assert!(!text.contains("fake123"), "{text}");
    }
    assert_eq!(std::fs::read(&page).unwrap(), before);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// The caller's HOME is hidden from blocks: its keys and tokens are files,
/// not variables. What the book passes inside it (CARGO_HOME, a PATH entry)
/// stays visible, without cargo's registry token.
#[test]
fn the_callers_home_files_are_hidden() {
    if !have_jail() {
        return;
    }
    // Outside /tmp, which the jail replaces anyway.
    let book = home_files_stay_hidden(tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap());
    // A relative HOME (a folder of the current one) hides nothing and
    // breaks nothing.
    std::fs::create_dir(book.dir.path().join("relative-home")).unwrap();
    let mut cmd = book.command(&[]);
    cmd.env("HOME", "relative-home")
        .env("HOSTILE_HOME", "relative-home");
    let r = out(cmd);
    // The block ran (up to `hostile-tool`, not on this PATH).
    assert!(
        r.stdout.contains("exit code 127"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

/// A HOME under /tmp stays hidden too, though PATH entries under /tmp are
/// kept visible (a checkout there runs its own `guidebook`).
#[test]
fn a_home_under_tmp_is_hidden_too() {
    if !have_jail() {
        return;
    }
    home_files_stay_hidden(tempfile::tempdir().unwrap());
}

/// Run the home-files book with HOME at `home`, holding fake secrets and a
/// tool on PATH: the tool runs, no secret is read or changed.
fn home_files_stay_hidden(home: tempfile::TempDir) -> Book {
    let book = Book::new("home-files");
    let files = [
        (".ssh/id_ed25519", "FAKE-SSH-KEY"),
        (".netrc", "FAKE-NETRC"),
        (".config/gh/hosts.yml", "FAKE-GH-TOKEN"),
        (".cargo/credentials.toml", "FAKE-CARGO-TOKEN"),
        (".cargo/bin/hostile-tool", "#!/bin/sh\necho kept-tool\n"),
    ];
    for (rel, text) in files {
        let path = home.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let tool = home.path().join(".cargo/bin/hostile-tool");
    std::fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(home.path().join(".cargo/bin"))
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut cmd = book.command(&[]);
    cmd.env("HOME", home.path())
        .env("HOSTILE_HOME", home.path())
        .env_remove("CARGO_HOME")
        .env("PATH", path);
    let r = out(cmd);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("| kept-tool"), "{}", r.stdout);
    assert!(r.stdout.contains("| done"), "{}", r.stdout);
    let json = std::fs::read_to_string(book.path("target/docs-check/report.json")).unwrap();
    for text in [&r.stdout, &json] {
        assert!(!text.contains("FAKE-"), "{text}");
    }
    for (rel, text) in files {
        assert_eq!(
            std::fs::read_to_string(home.path().join(rel)).unwrap(),
            text
        );
    }
    book
}

/// Host daemons' sockets under /run (docker, agents, D-Bus) are out of reach:
/// the block's /run holds none of the host's entries (but NixOS's system
/// links and the resolver's folder).
#[test]
fn host_sockets_under_run_are_out_of_reach() {
    if !have_jail() {
        return;
    }
    let kept = [
        "current-system",
        "booted-system",
        "opengl-driver",
        "wrappers",
    ];
    let host: Vec<String> = std::fs::read_dir("/run")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !kept.contains(&n.as_str()))
                .collect()
        })
        .unwrap_or_default();
    if host.is_empty() {
        eprintln!("skipping: the host's /run is empty, nothing to hide");
        return;
    }
    let book = Book::new("run-sockets");
    let r = book.run(&[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let line = |prefix: &str| {
        r.stdout
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in {}", r.stdout))
            .to_string()
    };
    let seen = line("| run:");
    let resolver = std::fs::canonicalize("/etc/resolv.conf").unwrap_or_default();
    for name in &host {
        let resolves = resolver.starts_with(Path::new("/run").join(name));
        assert!(
            resolves || !seen.split_whitespace().any(|n| n == name),
            "/run/{name} of the host is visible: {seen}"
        );
    }
    assert_eq!(line("| sockets:").trim(), "", "{}", r.stdout);
}

// 4. The real HOME is the block's HOME; network without needs=network.

#[test]
fn each_page_has_its_own_home_tmpdir_and_no_network() {
    if !have_jail() {
        return;
    }
    let book = Book::new("home");
    let home = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut cmd = book.command(&[]);
    cmd.env("HOME", home.path())
        .env("HOSTILE_OUTSIDE", home.path())
        .env("HOSTILE_PORT", &port)
        .env("GUIDEBOOK_NETWORK", "1");
    let r = out(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout.trim_end().lines().last(),
        Some("3 passed, 0 failed, 0 skipped")
    );
    // Nothing was installed in the caller's HOME.
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
    // The needs=network block reached the host's loopback: the listener
    // has its connection.
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_ok());
}

// 5. The end-of-command marker can be forged.

#[test]
fn no_output_ends_a_command_or_sets_its_exit_code() {
    if !have_jail() {
        return;
    }
    let book = Book::new("forge");
    let r = book.run(&[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // The forging command fails at its own line with its own exit code,
    // and the next block is not blamed.
    assert!(
        r.stdout
            .contains("FAILED forge/src/forge.md:4 (console block)\n  exit code 7, expected 0"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.trim_end().lines().last(),
        Some("1 passed, 1 failed, 0 skipped")
    );
    // No secret of the session is on any command line.
    assert_eq!(processes("GBEND"), Vec::new());
}

// 6. --bless turns output into commands.

#[test]
fn bless_never_writes_output_that_reads_as_a_command() {
    if !have_jail() {
        return;
    }
    let book = Book::new("bless-indent");
    let page = book.path("src/indent.md");
    let before = std::fs::read_to_string(&page).unwrap();
    let r = book.run(&["--bless"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("bless-indent/src/indent.md:4: the new expected output would not read back"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("bless-indent/src/indent.md:9:"),
        "{}",
        r.stderr
    );
    let after = std::fs::read_to_string(&page).unwrap();
    // The two hostile blocks are as they were; the harmless one is blessed.
    assert_eq!(
        after,
        before.replacen(
            "old\n```\n\n```console\n$ echo fine\nold",
            "old\n```\n\n```console\n$ echo fine\nfine",
            1
        )
    );
    // The next run has no command `touch /tmp/pwned` to run.
    let again = book.run(&["--list"]);
    assert_eq!(again.stdout.lines().count(), 3, "{}", again.stdout);
    assert!(!again.stdout.contains("\ttouch"), "{}", again.stdout);
}

// 7. --bless loses edits and breaks symlinks.

#[test]
fn bless_refuses_a_page_that_changed_meanwhile() {
    if !have_jail() {
        return;
    }
    let book = Book::new("bless-race");
    let page = book.path("src/race.md");
    let child = book
        .command(&["--bless"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("sleep 2.1");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nA paragraph added meanwhile.\n");
    std::fs::write(&page, &text).unwrap();
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bless-race/src/race.md:7: the page changed while docs-check ran"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&page).unwrap(), text);
}

#[test]
fn bless_writes_through_a_symlink() {
    if !have_jail() {
        return;
    }
    let book = Book::new("bless-link");
    std::os::unix::fs::symlink("real.md", book.path("src/link.md")).unwrap();
    let r = book.run(&["--bless"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let link = std::fs::symlink_metadata(book.path("src/link.md")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        std::fs::read_to_string(book.path("src/real.md"))
            .unwrap()
            .contains("$ echo new\nnew\n")
    );
}

// 8. One bad file= aborts the whole run.

/// A page that links out of the book is never written by bless.
#[test]
fn bless_never_writes_through_a_symlink_out_of_the_book() {
    if !have_jail() {
        return;
    }
    let book = Book::new("bless-link");
    let outside = book.dir.path().join("outside.md");
    std::fs::copy(book.path("src/real.md"), &outside).unwrap();
    let before = std::fs::read(&outside).unwrap();
    std::os::unix::fs::symlink("../../outside.md", book.path("src/link.md")).unwrap();
    let r = book.run(&["--bless"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("src/link.md:1: a symlink to")
            && r.stderr.contains("outside the book; not blessed"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&outside).unwrap(), before);
}

#[test]
fn a_file_that_cannot_be_written_fails_its_block_only() {
    if !have_jail() {
        return;
    }
    let book = Book::new("files");
    let r = book.run(&[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "FAILED files/src/files.md:7 (toml block)\n  cannot write file=settings.toml"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.trim_end().lines().last(),
        Some("3 passed, 1 failed, 0 skipped"),
        "{}",
        r.stdout
    );
    assert_eq!(report(&book)["totals"]["failed"], 1);
}

#[test]
fn folder_paths_in_file_are_bad_input() {
    let book = Book::new("files");
    for (bad, line) in [("file=.", 3), ("file=sub/", 3)] {
        std::fs::write(
            book.path("src/files.md"),
            format!("# F\n\n```toml {bad}\na = 1\n```\n\nline {line}\n"),
        )
        .unwrap();
        let r = book.run(&["--list"]);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "files/src/files.md:{line}: {bad}: expected the path of a file"
            )),
            "{}",
            r.stderr
        );
    }
}

// 9. Late and unclear failures.

#[test]
fn bad_settings_fail_first_with_their_place() {
    let book = Book::new("slow");
    std::fs::create_dir(book.dir.path().join("folder")).unwrap();
    // A folder as --report: said before any block runs (the block sleeps 5 s).
    let r = book.run(&["--report", "folder"]);
    assert_eq!(r.code, 2);
    assert!(r.took < Duration::from_secs(3), "{:?}", r.took);
    assert!(
        r.stderr.contains("folder: --report names a folder"),
        "{}",
        r.stderr
    );
    let r = book.run(&["--report", "missing/deeper/r.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A timeout too large for a clock, and a zero default.
    std::fs::write(
        book.path("src/slow.md"),
        "# S\n\n```sh timeout=9223372036854775807\ntrue\n```\n",
    )
    .unwrap();
    let r = book.run(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("slow/src/slow.md:3: timeout=9223372036854775807: expected a whole number of seconds from 1 to 86400"), "{}", r.stderr);
    std::fs::write(book.path("src/slow.md"), "# S\n\n```sh\ntrue\n```\n").unwrap();
    std::fs::write(
        book.path("book.toml"),
        "[book]\ntitle = \"S\"\n\n[check]\ntimeout = 0\n",
    )
    .unwrap();
    let r = book.run(&[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("book.toml:5: [check] timeout = 0: expected"),
        "{}",
        r.stderr
    );
    // -j far above the number of pages costs nothing.
    std::fs::write(book.path("book.toml"), "[check]\ntimeout = 20\n").unwrap();
    let r = book.run(&["-j", "100000"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
    // A book folder that does not exist is named as such.
    let r = out({
        let mut c = Command::new(BIN);
        c.arg("/nonexistent-book-folder");
        c
    });
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: /nonexistent-book-folder: no such folder or page\n"
    );
    // The OS's message is said once.
    std::fs::remove_file(book.path("book.toml")).unwrap();
    std::fs::create_dir(book.path("book.toml")).unwrap();
    let r = book.run(&[]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.matches("Is a directory").count(),
        1,
        "{}",
        r.stderr
    );
}

// 10. Interruption leaves litter; a block reads the terminal.

#[test]
fn signals_leave_no_sandbox_and_no_process() {
    if !have_jail() {
        return;
    }
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let book = Book::new("signals");
        let child = book
            .command(&[])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let a = wait_for("sleep 994.1");
        let b = wait_for("sleep 994.2");
        let made = sandboxes("sigpage7f3");
        assert!(!made.is_empty());
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "signal {signal}");
        assert!(all_gone(&a, "sleep 994.1"), "signal {signal}");
        assert!(all_gone(&b, "sleep 994.2"), "signal {signal}");
        for m in &made {
            assert!(!m.exists(), "signal {signal} left {}", m.display());
        }
    }
}

#[test]
fn blocks_have_no_terminal_and_control_bytes_are_escaped() {
    if !have_jail() {
        return;
    }
    let book = Book::new("tty");
    let r = book.run(&[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    // `cat /dev/tty` failed at once instead of waiting for the timeout.
    assert!(r.took < Duration::from_secs(10), "{:?}", r.took);
    assert!(
        r.stdout.contains("FAILED tty/src/tty.md:9 (console block)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        r.stdout.trim_end().lines().last(),
        Some("1 passed, 1 failed, 0 skipped")
    );
    // 11. No raw control byte of the block's output reaches the report.
    assert!(
        !r.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("bell\\x07 esc\\x1b]0;title\\x07 clear\\x1b[2J\\x1bc done"),
        "{}",
        r.stdout
    );
}

// The fallback, where namespaces are not allowed, still ends every process
// of a page.

#[test]
fn fallback_ends_every_process_of_the_page() {
    let book = Book::new("escape-fallback");
    let mut cmd = book.command(&[]);
    cmd.env("GUIDEBOOK_ISOLATION", "fallback")
        .stdout(Stdio::piped());
    let child = cmd.spawn().unwrap();
    // 995.5 has neither the page's session nor its environment.
    let markers = ["sleep 995.1", "sleep 995.2", "sleep 995.3", "sleep 995.5"];
    let seen: Vec<_> = markers
        .iter()
        .chain(&["sleep 995.4"])
        .map(|m| (m, wait_for(m)))
        .collect();
    let (code, stdout) = finish(child);
    assert_eq!(code, Some(1), "{stdout}");
    assert_all_gone(&seen);
    assert_eq!(report(&book)["isolation"], "fallback");
}

/// Ending one page's leftovers in the fallback spares the other pages
/// running beside it: their commands and what those started.
#[test]
fn fallback_spares_the_pages_running_beside() {
    let book = Book::new("fallback-parallel");
    let mut cmd = book.command(&["-j", "12"]);
    cmd.env("GUIDEBOOK_ISOLATION", "fallback");
    let r = out(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("18 passed"), "{}", r.stdout);
}

// 1. A flake check's builder outlives its timeout.

/// Is `nix` there? Without it: print why and return false, or panic in CI.
fn have_nix() -> bool {
    let found = Command::new("nix")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "`nix` not found on PATH: the nix builder test needs it";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{why}");
        }
        eprintln!("skipping: {why}");
    }
    found
}

fn nix_build_dirs() -> Vec<PathBuf> {
    std::fs::read_dir("/tmp")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("nix-build-hostile-slow"))
        .collect()
}

#[test]
fn a_timed_out_flake_check_leaves_no_builder_and_no_build_folder() {
    if !have_jail() || !have_nix() {
        return;
    }
    let book = Book::new("nix-timeout");
    let mut cmd = book.command(&[]);
    cmd.env("NIX_CONFIG", support::nix_config())
        .stdout(Stdio::piped());
    let child = cmd.spawn().unwrap();
    let builder = wait_for("sleep 996.1");
    let (code, stdout) = finish(child);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("timed out after 3 s: nix flake check"),
        "{stdout}"
    );
    assert!(all_gone(&builder, "sleep 996.1"));
    assert!(all_gone(&[], "sleep 996.2"));
    assert_eq!(nix_build_dirs(), Vec::<PathBuf>::new());
}

#[test]
fn a_book_may_ask_for_the_callers_home() {
    if !have_jail() {
        return;
    }
    let book = Book::new("host-home");
    let home = tempfile::tempdir().unwrap();
    let mut cmd = book.command(&[]);
    cmd.env("HOME", home.path())
        .env("HOSTILE_OUTSIDE", home.path());
    let r = out(cmd);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(home.path().join("from-block").exists());
}
