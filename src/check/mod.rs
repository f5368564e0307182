//! `docs-check`: run the book's command blocks so CI fails when a documented
//! command stops working.
//!
//! The pipeline: load the book (the same page model as the site), select
//! pages and blocks, validate console transcripts, then run the pages in
//! parallel (`-j`), each in its own [`sandbox`] with its blocks in order in
//! one shell [`session`]; collect a [`report::Report`], print it in the
//! chosen format, write the JSON report, and `--bless` if asked.
//!
//! Choices worth knowing:
//! - A block's timeout (`timeout=`, else book.toml `[check] timeout`) covers
//!   the whole block, all commands of a console block together.
//! - In a console block, a wrong exit code or a timeout stops the block; a
//!   wrong output does not (so one `--bless` fixes all its commands). The
//!   page's next blocks still run.
//! - `--filter` and page arguments select blocks to run; `file=` blocks of
//!   a selected page are always written, but unselected command blocks do
//!   not run, even when earlier on the page.
//! - `--bless` exits 0 when it rewrote every failing command.
//! - Every page is contained ([`isolation`]): its own PID namespace, no
//!   network unless a block says `needs=network` (per command), a read-only
//!   root with the page's folder, its own HOME and TMPDIR writable.

pub mod bless;
pub mod console;
pub mod env;
pub mod isolation;
pub mod needs;
pub mod nix;
pub mod report;
pub mod sandbox;
pub mod session;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::book::Book;
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::markdown::codeblock::{BlockKind, CodeBlock, Shell};
use crate::options::{CheckOptions as CheckArgs, ReportFormat};
use crate::paths::{display_path, normalize};
use env::Env;
use isolation::{Jail, Mechanism, Policy};
use needs::Needs;
use report::{BlockResult, CommandResult, Report, Status};
use sandbox::Sandbox;
use session::{HostBash, Mode, Session, ShellLauncher};

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every checked block passed (skips allowed).
    Passed,
    /// A block failed.
    Failed,
}

impl Verdict {
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed => 1,
        }
    }
}

/// Settings of one run, shared by the page workers.
struct Ctx<'a> {
    env: Env,
    needs: Needs,
    mechanism: Mechanism,
    writable: Vec<PathBuf>,
    host_home: bool,
    default_timeout: u64,
    strict: bool,
    keep: bool,
    progress: Option<indicatif::ProgressBar>,
    filter: Option<&'a str>,
    nix: nix::Nix,
}

/// Run `docs-check` with parsed arguments. Output goes to stdout (reports)
/// and stderr (progress, notes). `Err` is bad input or an I/O failure.
pub fn run(args: &CheckArgs) -> Result<Verdict> {
    // What the caller left open never reaches a block.
    isolation::close_inherited_fds();
    // Ctrl-C, SIGTERM or SIGHUP: stop every page's commands, remove the
    // sandboxes (unless --keep), then exit as a signal would (128 + SIGINT).
    // Fails only when a handler is already set.
    let keep = args.keep;
    let _ = ctrlc::set_handler(move || {
        isolation::kill_everything();
        if !keep {
            sandbox::remove_all();
        }
        eprintln!("docs-check: interrupted; the commands of every page were stopped");
        std::process::exit(130);
    });
    let (root, page_args) = split_paths(&args.paths)?;
    let book = Book::load(&root)?;
    for w in &book.warnings {
        eprintln!("warning: {w}");
    }
    let pages = select_pages(&book, &page_args)?;
    let filter = args.filter.as_deref();
    let selected: Vec<(&Page, Vec<&CodeBlock>)> = pages
        .into_iter()
        .map(|p| {
            let blocks = p
                .blocks
                .iter()
                .filter(|b| is_reported(b) && matches_filter(p, b, filter))
                .collect();
            (p, blocks)
        })
        .filter(|(_, blocks): &(&Page, Vec<&CodeBlock>)| !blocks.is_empty())
        .collect();
    validate(&selected)?;

    let mechanism = Mechanism::detect();
    if args.list {
        print!("{}", list(&selected));
        eprintln!("isolation: {}", mechanism.name());
        return Ok(Verdict::Passed);
    }
    let report_path = match &args.report {
        Some(p) => p.clone(),
        None => display_path(&root.join(&book.config.check.report)),
    };
    check_writable(&report_path, "--report")?;
    if let Some(junit) = &args.junit {
        if *junit == report_path {
            return Err(Error::Other(format!(
                "--junit {}: that is the JSON report's file (--report); give another",
                junit.display()
            )));
        }
        check_writable(junit, "--junit")?;
    }
    if mechanism == Mechanism::Fallback {
        isolation::become_subreaper();
    }

    let mut env = Env::from_caller(&book.config.check.env);
    let program = nix::NixProgram::new(args.nix.as_deref(), env.get("PATH").map(|p| p.as_os_str()));
    if let (Some(given), None) = (&args.nix, &program.path) {
        return Err(Error::Other(format!(
            "--nix {}: no such file (give the path of a nix binary)",
            given.display()
        )));
    }
    if let Some(dir) = program.bin_dir() {
        // Blocks that run `nix` themselves get the same Nix.
        let mut path = dir.as_os_str().to_os_string();
        if let Some(p) = env.get("PATH") {
            path.push(":");
            path.push(p);
        }
        env.set("PATH", path);
    }
    let needs = Needs::new(
        env.get("PATH").map(|p| p.as_os_str()),
        std::env::var("GUIDEBOOK_NETWORK").ok(),
    );
    let total: usize = selected.iter().map(|(_, b)| b.len()).sum();
    let progress =
        (args.format == ReportFormat::Human && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} blocks {msg}")
                    .expect("progress template"),
            );
            bar
        });
    let ctx = Ctx {
        env,
        needs,
        mechanism: mechanism.clone(),
        writable: book.config.check.writable.clone(),
        host_home: book.config.check.host_home,
        default_timeout: book.config.check.timeout,
        strict: args.strict,
        keep: args.keep,
        progress,
        filter,
        nix: nix::Nix::new(&book.config.check.nix, &args.override_input, program),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(selected.len())
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {jobs} workers: {e}")))?;
    let per_page: Vec<Result<Vec<BlockResult>>> = pool.install(|| {
        selected
            .par_iter()
            .map(|(page, _)| {
                let source = page.rel.to_string_lossy().replace('\\', "/");
                run_page(page, &ctx).map(|mut results| {
                    for r in &mut results {
                        r.source = source.clone();
                    }
                    results
                })
            })
            .collect()
    });
    if let Some(bar) = &ctx.progress {
        bar.finish_and_clear();
    }
    // On a signal, the handler ends the process with its own status; the
    // pages' results, cut short, are not reported.
    while isolation::stopping() {
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut results = Vec::new();
    for r in per_page {
        results.extend(r?);
    }
    nix::said_once(&mut results);
    let mut report = Report::new(results);
    report.isolation = mechanism.name().into();
    let (flakes, nixpkgs) = ctx.nix.records();
    report.flakes = flakes;
    report.nixpkgs = nixpkgs;
    if !report.flakes.is_empty() || report.blocks.iter().any(|b| b.kind == BlockKind::Flake) {
        report.nix = Some(ctx.nix.program.record());
        report.channels = ctx.nix.channels.iter().map(|c| c.name.clone()).collect();
    }

    let rendered = match args.format {
        ReportFormat::Human => report::human::render(&report),
        ReportFormat::Json => report::json::render(&report),
        ReportFormat::Junit => report::junit::render(&report),
        ReportFormat::Github => report::github::render(&report),
    };
    report::write(&report, &report_path, args.junit.as_deref())?;

    let mut verdict = if report.totals.failed > 0 {
        Verdict::Failed
    } else {
        Verdict::Passed
    };
    let mut notes = String::new();
    if args.bless && verdict == Verdict::Failed {
        let blessed = bless::bless(&book, &report.blocks)?;
        for (page, n) in &blessed.pages {
            notes.push_str(&format!("blessed {n} command(s) in {}\n", page.display()));
        }
        for r in &blessed.refused {
            notes.push_str(&format!("not blessed: {r}\n"));
        }
        let fixed: usize = blessed.pages.iter().map(|(_, n)| n).sum();
        let failing: usize = report
            .failed()
            .map(|b| {
                b.commands
                    .iter()
                    .filter(|c| c.status == Status::Failed)
                    .count()
            })
            .sum();
        if blessed.refused.is_empty() && fixed == failing {
            verdict = Verdict::Passed;
        }
    }
    eprint!("{notes}");
    print!("{rendered}");
    Ok(verdict)
}

/// Blocks that appear in the report: commands and flake examples.
fn is_reported(b: &CodeBlock) -> bool {
    matches!(
        b.kind(),
        BlockKind::Script | BlockKind::Console | BlockKind::Flake
    )
}

fn matches_filter(page: &Page, b: &CodeBlock, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| page.path.to_string_lossy().contains(f) || b.text.contains(f))
}

/// The book root and the page arguments: a first argument that is a folder
/// is the book; with none, the current folder. A first argument that does
/// not exist at all is an error about it.
fn split_paths(paths: &[PathBuf]) -> Result<(PathBuf, Vec<PathBuf>)> {
    match paths.split_first() {
        Some((first, rest)) if first.is_dir() => Ok((first.clone(), rest.to_vec())),
        Some((first, _)) if std::fs::symlink_metadata(first).is_err() => Err(Error::Other(
            format!("{}: no such folder or page", first.display()),
        )),
        _ => Ok((PathBuf::from("."), paths.to_vec())),
    }
}

/// Fail before anything runs when the report cannot be written at `path`.
fn check_writable(path: &Path, option: &str) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Other(format!(
            "{}: {option} names a folder; give the path of a file",
            path.display()
        )));
    }
    let mut dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    while !dir.exists() {
        match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => dir = p,
            None => {
                dir = Path::new(".");
                break;
            }
        }
    }
    let writable = |p: &Path| {
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok();
        // SAFETY: access(2) with a valid C string.
        c.is_some_and(|c| unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0)
    };
    let ok = if path.exists() {
        writable(path)
    } else {
        dir.is_dir() && writable(dir)
    };
    if !ok {
        return Err(Error::Other(format!(
            "{}: the report cannot be written there ({} is not a writable folder)",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Pages named on the command line (all when none), in book order.
fn select_pages<'b>(book: &'b Book, args: &[PathBuf]) -> Result<Vec<&'b Page>> {
    if args.is_empty() {
        return Ok(book.pages.iter().collect());
    }
    let canonical = |p: &Path| p.canonicalize().ok();
    let mut wanted = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        let found = book.pages.iter().position(|p| {
            normalize(arg) == p.path
                || normalize(arg) == p.rel
                || (canonical(arg).is_some() && canonical(arg) == canonical(&p.path))
                || (canonical(&book.root.join(arg)).is_some()
                    && canonical(&book.root.join(arg)) == canonical(&p.path))
        });
        match found {
            Some(i) => wanted.push(i),
            None => {
                let names: Vec<String> = book
                    .pages
                    .iter()
                    .map(|p| p.path.to_string_lossy().into_owned())
                    .collect();
                let hint = crate::suggest::did_you_mean(
                    &arg.to_string_lossy(),
                    names.iter().map(String::as_str),
                );
                errors.push(Error::Other(format!(
                    "{}: not a page of the book at {}{hint}",
                    arg.display(),
                    book.root.display()
                )));
            }
        }
    }
    Error::from_many(errors)?;
    wanted.sort_unstable();
    wanted.dedup();
    Ok(wanted.into_iter().map(|i| &book.pages[i]).collect())
}

/// Console transcripts must parse before anything runs.
fn validate(selected: &[(&Page, Vec<&CodeBlock>)]) -> Result<()> {
    let mut errors = Vec::new();
    for (page, blocks) in selected {
        for b in blocks.iter().filter(|b| b.kind() == BlockKind::Console) {
            if let Err((line, message)) = console::parse(&b.text, b.line) {
                errors.push(Error::input(&page.path, line, message));
            }
        }
    }
    Error::from_many(errors)
}

/// `--list`: one line per selected block.
fn list(selected: &[(&Page, Vec<&CodeBlock>)]) -> String {
    let mut out = String::new();
    for (page, blocks) in selected {
        for b in blocks {
            let mut line = format!(
                "{}:{}\t{}\t{}",
                page.path.display(),
                b.line,
                b.lang,
                b.first_line()
            );
            if let Some(reason) = &b.annotations.skip {
                line.push_str(&format!("\t(skip: {reason})"));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Run one page: its blocks in order, in one sandbox and one session per
/// shell launcher.
fn run_page(page: &Page, ctx: &Ctx) -> Result<Vec<BlockResult>> {
    let sandbox = Sandbox::new(&page.path)?;
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut writable = ctx.writable.clone();
    if page.blocks.iter().any(needs_nix) {
        writable.push(PathBuf::from("/nix"));
    }
    if ctx.host_home {
        writable.extend(home.clone());
    }
    let mut readable = visible_host_paths(&ctx.nix);
    // The caller's HOME (keys, tokens, credentials) is hidden, except what
    // the page's environment or the `--nix` given names inside it, and the
    // toolchain homes rustup makes there (`~/.rustup`, `~/.cargo`: a Rust
    // tool found on the host execs into them whatever HOME says).
    let hidden: Vec<PathBuf> = home
        .clone()
        .filter(|_| !ctx.host_home)
        .into_iter()
        .collect();
    for h in &hidden {
        let nix_dir = ctx.nix.program.path.as_deref().and_then(Path::parent);
        readable.extend(
            ctx.env
                .paths_under(h)
                .into_iter()
                .chain(nix_dir.filter(|d| d.starts_with(h)).map(Path::to_path_buf)),
        );
        let toolchains = [".rustup", ".cargo"].map(|d| h.join(d));
        readable.extend(toolchains.into_iter().filter(|d| d.is_dir()));
    }
    let policy = Policy {
        root: sandbox.root().to_path_buf(),
        tmp: sandbox.tmp(),
        writable,
        readable,
        hidden,
    };
    let mut jail = Jail::new(ctx.mechanism.clone(), policy);
    let own_home = (!ctx.host_home).then(|| sandbox.home());
    let mut env = ctx.env.for_page(own_home.as_deref(), &sandbox.tmp());
    env.set("GUIDEBOOK_SANDBOX", sandbox.path());
    let mut host: Option<Session> = None;
    let mut shells: Vec<(String, Session)> = Vec::new();
    let mut flake_dir = String::new();
    // Failed flakes by folder: the blocks that depend on one are blocked.
    let mut failed_flakes: std::collections::HashMap<String, nix::FlakeFailure> =
        std::collections::HashMap::new();
    let mut results = Vec::new();
    for block in &page.blocks {
        let kind = block.kind();
        if let Some(file) = &block.annotations.file {
            if let Err(e) = sandbox.write(file, &block.text) {
                // A failed write fails this block; the page goes on.
                let r = failed(block, kind, format!("cannot write file={file}: {e}"));
                results.push(r);
                continue;
            }
            if kind == BlockKind::Flake {
                flake_dir = nix::flake_dir(file);
            }
        }
        if !is_reported(block) || !matches_filter(page, block, ctx.filter) {
            continue;
        }
        let mut sessions = Sessions {
            host: &mut host,
            shells: &mut shells,
            flake_dir: &flake_dir,
            jail: &mut jail,
        };
        let result = match failed_flakes.get(&flake_dir) {
            Some(by)
                if kind != BlockKind::Flake
                    && block.annotations.skip.is_none()
                    && nix::depends_on_flake(block) =>
            {
                nix::blocked(result(block, kind, Status::Blocked), by)
            }
            _ => run_block(block, kind, &sandbox, &env, &mut sessions, ctx),
        };
        if kind == BlockKind::Flake {
            match nix::FlakeFailure::of(&result) {
                Some(f) => failed_flakes.insert(flake_dir.clone(), f),
                None => failed_flakes.remove(&flake_dir),
            };
        }
        if let Some(bar) = &ctx.progress {
            bar.inc(1);
            if result.status == Status::Failed {
                bar.println(format!("FAILED {}:{}", result.page, result.failure_line()));
            }
        }
        results.push(result);
    }
    drop(host);
    drop(shells);
    drop(jail);
    if ctx.keep {
        let at = sandbox.keep();
        eprintln!("kept sandbox of {}: {}", page.path.display(), at.display());
    }
    Ok(results)
}

/// Host paths a page's commands must see although they are under the
/// host's `/tmp`, which the jail replaces: the folder of the `--nix` given
/// (first on the blocks' PATH) and local flake inputs of the overrides
/// (`path:/abs/dir`, `git+file:///abs/dir`).
fn visible_host_paths(nix: &nix::Nix) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = nix
        .program
        .bin_dir()
        .map(Path::to_path_buf)
        .into_iter()
        .collect();
    // The program itself, found on PATH or given, may live under the /tmp
    // that the jail replaces (docs-check run by a block of another
    // docs-check finds the outer run's `nix` link there).
    if let Some(program) = &nix.program.path {
        // The jail's mount point, whatever TMPDIR says.
        let tmp = Path::new("/tmp");
        let real = program.canonicalize().ok();
        for dir in [Some(program.as_path()), real.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(Path::parent)
        {
            if dir.starts_with(tmp) && !paths.iter().any(|q| q == dir) {
                paths.push(dir.to_path_buf());
            }
        }
    }
    for channel in &nix.channels {
        for (_, reference) in &channel.overrides {
            let local = ["path:", "git+file://", "file://"]
                .iter()
                .find_map(|scheme| reference.strip_prefix(scheme));
            if let Some(p) = local.map(|l| Path::new(l.split(['?', '#']).next().unwrap_or(l)))
                && p.is_absolute()
                && p.exists()
                && !paths.iter().any(|q| q == p)
            {
                paths.push(p.to_path_buf());
            }
        }
    }
    paths
}

/// Does the block use nix (so its page may write the Nix store)?
fn needs_nix(b: &CodeBlock) -> bool {
    b.kind() == BlockKind::Flake
        || b.annotations.needs.iter().any(|n| n == "nix")
        || !nix::implied_needs(b).is_empty()
}

/// The result of `block` with `status` and nothing else said yet.
fn result(block: &CodeBlock, kind: BlockKind, status: Status) -> BlockResult {
    BlockResult {
        page: block.page.to_string_lossy().into_owned(),
        source: String::new(),
        line: block.line,
        index: block.index,
        lang: block.lang.clone(),
        kind,
        status,
        reason: None,
        message: None,
        blocked_by: None,
        not_verified: None,
        cause: None,
        channels: Vec::new(),
        commands: Vec::new(),
        duration_ms: 0,
    }
}

fn skipped(block: &CodeBlock, kind: BlockKind, reason: String) -> BlockResult {
    BlockResult {
        reason: Some(reason),
        ..result(block, kind, Status::Skipped)
    }
}

/// A block that failed before any of its commands ran.
fn failed(block: &CodeBlock, kind: BlockKind, message: String) -> BlockResult {
    BlockResult {
        message: Some(message),
        ..result(block, kind, Status::Failed)
    }
}

/// A page's shell sessions: the host one and one per dev shell.
struct Sessions<'a> {
    host: &'a mut Option<Session>,
    shells: &'a mut Vec<(String, Session)>,
    /// The folder of the page's flake, relative to the sandbox.
    flake_dir: &'a str,
    /// The page's containment, shared by its sessions.
    jail: &'a mut Jail,
}

fn run_block(
    block: &CodeBlock,
    kind: BlockKind,
    sandbox: &Sandbox,
    env: &Env,
    sessions: &mut Sessions,
    ctx: &Ctx,
) -> BlockResult {
    if let Some(reason) = &block.annotations.skip {
        return skipped(block, kind, reason.clone());
    }
    let needs = block
        .annotations
        .needs
        .iter()
        .map(String::as_str)
        .chain(nix::implied_needs(block).iter().copied())
        .chain((kind == BlockKind::Flake).then_some("nix"));
    if let Some(missing) = ctx.needs.missing(needs) {
        let reason = need_reason(missing);
        if ctx.strict {
            return failed(block, kind, format!("{reason} (--strict)"));
        }
        return skipped(block, kind, reason);
    }
    let timeout = block.annotations.timeout.unwrap_or(ctx.default_timeout);
    if kind == BlockKind::Flake {
        return run_flake(block, kind, sandbox, env, ctx, timeout, sessions.jail);
    }
    let network = block.annotations.needs.iter().any(|n| n == "network");
    if let Shell::DevShell(_) = block.annotations.shell {
        let flake = sandbox.path().join(sessions.flake_dir).join("flake.nix");
        if !flake.is_file() {
            return failed(
                block,
                kind,
                format!(
                    "shell=devshell runs in the dev shell of the page's flake, but there is no {} in the page's sandbox yet; put a `nix file=flake.nix` block before this one",
                    Path::new(sessions.flake_dir).join("flake.nix").display()
                ),
            );
        }
    }
    let mut launcher_session: Option<Session> = None;
    let (launcher, session): (Box<dyn ShellLauncher>, &mut Option<Session>) =
        match nix::route(block, &ctx.nix, sessions.flake_dir) {
            nix::Route::Host => (Box::new(HostBash), &mut *sessions.host),
            nix::Route::Launcher(l) => {
                // One session per dev shell and page, kept across blocks.
                if let Some(i) = sessions.shells.iter().position(|(n, _)| *n == l.name()) {
                    launcher_session = Some(sessions.shells.swap_remove(i).1);
                }
                (l, &mut launcher_session)
            }
        };
    let started = Instant::now();
    let deadline = started + Duration::from_secs(timeout);
    let expected_block_exit = block.annotations.exit.unwrap_or(0);

    let steps: Vec<Step> = match kind {
        BlockKind::Console => {
            let cmds = console::parse(&block.text, block.line).unwrap_or_default();
            let n = cmds.len();
            cmds.into_iter()
                .enumerate()
                .map(|(i, c)| Step {
                    line: c.line,
                    mode: Mode::Command,
                    text: c.command,
                    expected: c.expected,
                    expected_lines: Some(c.expected_lines),
                    expected_exit: if i + 1 == n { expected_block_exit } else { 0 },
                })
                .collect()
        }
        _ => vec![Step {
            line: block.line + 1,
            mode: Mode::Script,
            text: block.text.clone(),
            expected: Vec::new(),
            expected_lines: None,
            expected_exit: expected_block_exit,
        }],
    };

    let mut commands = Vec::new();
    let mut message = None;
    for step in steps {
        if session.as_ref().is_none_or(|s| !s.is_alive()) {
            match Session::start(launcher.as_ref(), sandbox.path(), env, sessions.jail) {
                Ok(s) => *session = Some(s),
                Err(e) => {
                    message = Some(format!("cannot start the {} shell: {e}", launcher.name()));
                    break;
                }
            }
        }
        let s = session.as_mut().expect("session started");
        let outcome = s.run(step.mode, &step.text, deadline, sessions.jail, network);
        if !s.is_alive() {
            *session = None;
        }
        let actual = console::normalize_output(&outcome.output.tail);
        let exit_ok = outcome.exit_code == Some(step.expected_exit);
        let output_ok = step.expected.is_empty() || console::matches(&step.expected, &actual);
        let status = if exit_ok && output_ok {
            Status::Passed
        } else {
            Status::Failed
        };
        let mut cmd = CommandResult {
            line: step.line,
            command: step.text.trim_end().to_string(),
            exit_code: outcome.exit_code,
            expected_exit: step.expected_exit,
            duration_ms: outcome.duration.as_millis() as u64,
            status,
            diff: None,
            output: None,
            output_dropped: 0,
            actual: None,
            expected_lines: None,
        };
        if status == Status::Failed {
            cmd.output = Some(String::from_utf8_lossy(&outcome.output.tail).into_owned());
            cmd.output_dropped = outcome.output.dropped;
            if !output_ok {
                let mut diff = console::diff(&step.expected, &actual);
                if outcome.output.dropped > 0 {
                    diff.push_str(&format!(
                        "(the first {} bytes of output were dropped; only the last {} KiB are kept)\n",
                        outcome.output.dropped,
                        session::OUTPUT_CAP / 1024
                    ));
                }
                cmd.diff = Some(diff);
                if exit_ok {
                    cmd.actual = Some(actual);
                    cmd.expected_lines = step.expected_lines.clone();
                }
            }
            if message.is_none() {
                message = Some(if outcome.timed_out {
                    format!("timed out after {timeout} s; its processes were killed")
                } else if !exit_ok {
                    format!(
                        "exit code {}, expected {}",
                        outcome.exit_code.map_or("none".into(), |c| c.to_string()),
                        step.expected_exit
                    )
                } else {
                    "output differs from the expected output".into()
                });
            }
        }
        commands.push(cmd);
        // A wrong exit or a timeout stops the block; a wrong output does
        // not, so one `--bless` fixes every command of the block.
        if !exit_ok {
            break;
        }
    }
    let failed = message.is_some();
    let launcher_name = launcher.name();
    if let Some(s) = launcher_session {
        sessions.shells.push((launcher_name, s));
    }
    let status = if failed {
        Status::Failed
    } else {
        Status::Passed
    };
    BlockResult {
        message,
        commands,
        duration_ms: started.elapsed().as_millis() as u64,
        ..result(block, kind, status)
    }
}

struct Step {
    line: usize,
    mode: Mode,
    text: String,
    expected: Vec<String>,
    expected_lines: Option<std::ops::Range<usize>>,
    expected_exit: i32,
}

fn need_reason(missing: &str) -> String {
    match missing {
        "network" => format!(
            "needs network: {} is unreachable (set GUIDEBOOK_NETWORK=1 to run it)",
            needs::NETWORK_PROBE
        ),
        "nix" => nix::NOT_FOUND.into(),
        "nightly" => {
            "needs nightly: no nightly toolchain is installed (`rustup toolchain install nightly`)"
                .into()
        }
        program => format!("needs {program}: `{program}` is not on PATH"),
    }
}

/// A flake example: lock, read and check it (once per distinct flake).
fn run_flake(
    block: &CodeBlock,
    kind: BlockKind,
    sandbox: &Sandbox,
    env: &Env,
    ctx: &Ctx,
    timeout: u64,
    jail: &mut Jail,
) -> BlockResult {
    let started = Instant::now();
    let page = block.page.to_string_lossy().into_owned();
    let file = block.annotations.file.as_deref().unwrap_or("flake.nix");
    let dir = sandbox.path().join(nix::flake_dir(file));
    let outcome = ctx.nix.check_flake(
        (&page, block.line),
        &dir,
        &block.text,
        env,
        Duration::from_secs(timeout),
        jail,
    );
    nix::flake_result(
        result(block, kind, Status::Passed),
        outcome,
        timeout,
        started.elapsed().as_millis() as u64,
    )
}
