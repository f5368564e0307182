//! One page's run: its sandbox and jail, its shell sessions, and its blocks
//! in order, each by the runner of its kind (`runner`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::background::Background;
use super::env::Env;
use super::isolation::{Jail, Policy};
use super::nix;
use super::plan::{is_reported, is_rust_test, kind_of, matches_filter};
use super::progress;
use super::runner::{self, BlockRunner};
use super::sandbox::Sandbox;
use super::session::Session;
use super::settings::Settings;
use crate::error::Result;
use crate::markdown::Page;
use crate::markdown::codeblock::{BlockKind, CodeBlock};
use crate::report::{BlockResult, Status};

/// What the blocks of a page share while it runs.
pub struct PageRun {
    /// The page's host bash session.
    pub host: Option<Session>,
    /// One session per dev shell, kept across blocks.
    pub shells: Vec<(String, Session)>,
    /// The page's containment, shared by its sessions.
    pub jail: Jail,
    pub sandbox: Sandbox,
    /// The blocks' environment on this page.
    pub env: Env,
    /// The folder of the page's flake, relative to the sandbox.
    pub flake_dir: String,
    /// Failed flakes by folder: the blocks that depend on one are blocked.
    pub failed_flakes: HashMap<String, nix::FlakeFailure>,
    /// The page's Rust blocks, compiled at the first of them.
    pub rust: super::rust::PageRust,
    /// The page's `background` blocks, still running.
    pub background: Background,
}

impl PageRun {
    /// The sandbox, jail and environment of `page`.
    fn new(page: &Page, settings: &Settings) -> Result<PageRun> {
        let sandbox = Sandbox::new(&page.path)?;
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut writable = settings.writable.clone();
        if page.blocks.iter().any(needs_nix) {
            writable.push(PathBuf::from("/nix"));
        }
        if settings.host_home {
            writable.extend(home.clone());
        }
        let mut readable = visible_host_paths(&settings.nix);
        if let Some(rust) = &settings.rust {
            readable.extend(rust.readable.iter().cloned());
        }
        // The caller's HOME (keys, tokens, credentials) is hidden, except
        // what the page's environment or the `--nix` given names inside it,
        // and the toolchain homes rustup makes there (`~/.rustup`,
        // `~/.cargo`: a Rust tool found on the host execs into them whatever
        // HOME says).
        let hidden: Vec<PathBuf> = home
            .clone()
            .filter(|_| !settings.host_home)
            .into_iter()
            .collect();
        for h in &hidden {
            let nix_dir = settings.nix.program.path.as_deref().and_then(Path::parent);
            readable.extend(
                settings
                    .env
                    .paths_under(h)
                    .into_iter()
                    .chain(nix_dir.filter(|d| d.starts_with(h)).map(Path::to_path_buf)),
            );
            let toolchains = [".rustup", ".cargo"].map(|d| h.join(d));
            readable.extend(toolchains.into_iter().filter(|d| d.is_dir()));
        }
        // The jail's /tmp is the page's own: the PATH entries under the
        // host's (a checkout in /tmp whose target/debug holds the
        // `guidebook` a page runs) stay visible, read-only; none inside a
        // hidden HOME or holding one.
        readable.extend(
            settings
                .env
                .path_entries_under(Path::new("/tmp"))
                .into_iter()
                .filter(|p| !hidden.iter().any(|h| p.starts_with(h) || h.starts_with(p))),
        );
        let policy = Policy {
            root: sandbox.root().to_path_buf(),
            tmp: sandbox.tmp(),
            writable,
            readable,
            hidden,
        };
        let jail = Jail::new(settings.mechanism.clone(), policy);
        let own_home = (!settings.host_home).then(|| sandbox.home());
        let mut env = settings.env.for_page(own_home.as_deref(), &sandbox.tmp());
        env.set("GUIDEBOOK_SANDBOX", sandbox.path());
        Ok(PageRun {
            host: None,
            shells: Vec::new(),
            jail,
            sandbox,
            env,
            flake_dir: String::new(),
            failed_flakes: HashMap::new(),
            rust: Default::default(),
            background: Background::default(),
        })
    }

    /// End the sessions, then the jails; keep the sandbox when asked.
    fn finish(self, page: &Page, keep: bool) {
        let PageRun {
            host,
            shells,
            jail,
            sandbox,
            background,
            ..
        } = self;
        drop(host);
        drop(shells);
        drop(jail);
        drop(background);
        if keep {
            let at = sandbox.keep();
            eprintln!("kept sandbox of {}: {}", page.path.display(), at.display());
        }
    }
}

/// Run one page: its blocks in order, in one sandbox and one session per
/// shell launcher.
pub fn run_page(page: &Page, settings: &Settings) -> Result<Vec<BlockResult>> {
    let mut run = PageRun::new(page, settings)?;
    let mut results = Vec::new();
    let rust = settings.rust.is_some();
    run.rust.tests = page
        .blocks
        .iter()
        .filter(|b| is_rust_test(b, rust) && b.annotations.skip.is_none())
        .filter(|b| matches_filter(page, b, settings.filter))
        .map(super::rust::Doctest::new)
        .collect();
    for block in &page.blocks {
        let kind = kind_of(block, rust);
        if block.annotations.file.is_some() {
            // A failed write fails this block; the page goes on.
            if let Some(failed) = runner::FileWriter.run(block, kind, &mut run, settings) {
                results.push(failed);
                continue;
            }
        }
        let reported = is_reported(block, settings.blocks) || is_rust_test(block, rust);
        if !reported || !matches_filter(page, block, settings.filter) {
            continue;
        }
        let result = match run.failed_flakes.get(&run.flake_dir) {
            Some(by)
                if kind != BlockKind::Flake
                    && block.annotations.skip.is_none()
                    && nix::depends_on_flake(block) =>
            {
                nix::blocked(runner::result(block, kind, Status::Blocked), by)
            }
            _ => runner::run_block(block, kind, &mut run, settings),
        };
        if kind == BlockKind::Flake {
            match nix::FlakeFailure::of(&result) {
                Some(f) => run.failed_flakes.insert(run.flake_dir.clone(), f),
                None => run.failed_flakes.remove(&run.flake_dir),
            };
        }
        let mut result = result;
        if result.status == Status::Failed && !run.background.is_empty() {
            result.background = run.background.snapshot();
        }
        progress::block_done(settings.progress.as_ref(), &result);
        results.push(result);
    }
    // A background block that ended by itself with a failure fails.
    for ended in run.background.finish() {
        if let Some(r) = results
            .iter_mut()
            .find(|r| r.line == ended.line && r.status == Status::Passed)
        {
            r.status = Status::Failed;
            r.message = Some(format!(
                "the background block ended with exit code {} before the end of its page",
                ended.exit_code.unwrap_or(-1)
            ));
            r.background = vec![ended];
        }
    }
    run.finish(page, settings.keep);
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
