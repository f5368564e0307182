//! `docs-check`: run the book's command blocks so CI fails when a documented
//! command stops working.
//!
//! The pipeline: load the book (the same page model as the site), decide
//! what runs ([`plan`]: pages, blocks, the input checks, `--list`), then
//! run the pages in parallel ([`pool`], `-j`), each in its own [`sandbox`]
//! ([`page`]) with its blocks in order, each by the [`runner`] of its kind,
//! commands in one shell [`session`]; collect a [`crate::report::Report`], print
//! it in the chosen format ([`formats`]), write the JSON report, and
//! `--bless` if asked.
//!
//! Where things are: [`settings`] (what a run shares), [`env`], [`needs`],
//! [`nix`], [`rust`] (Rust blocks as doctests), [`isolation`], [`signals`], [`progress`]; processes are run by
//! `crate::process`, console transcripts read by `crate::transcript`.
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

pub mod background;
pub mod bless;
pub mod env;
pub mod formats;
pub mod isolation;
pub mod needs;
pub mod nix;
pub mod page;
pub mod partition;
pub mod plan;
pub mod pool;
pub mod progress;
pub mod runner;
pub mod rust;
pub mod sandbox;
pub mod session;
pub mod settings;
pub mod signals;

use crate::book::Book;
use crate::error::Result;
use crate::markdown::codeblock::BlockKind;
use crate::options::CheckOptions as CheckArgs;
use crate::paths::display_path;
use crate::report::{self, BlockResult, Report};
use isolation::Mechanism;
use plan::{Plan, ensure_writable};
use settings::Settings;

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

/// Run `docs-check` with parsed arguments. Output goes to stdout (reports)
/// and stderr (progress, notes). `Err` is bad input or an I/O failure.
pub fn run(args: &CheckArgs) -> Result<Verdict> {
    // What the caller left open never reaches a block.
    isolation::close_inherited_fds();
    signals::stop_on_signal(args.keep);
    let (root, page_args) = plan::split_paths(&args.paths)?;
    let book = Book::load(&root)?;
    for note in &book.notes {
        eprintln!("note: {note}");
    }
    for w in &book.warnings {
        eprintln!("warning: {w}");
    }
    let plan = Plan::new(
        &book,
        &page_args,
        args.filter.as_deref(),
        args.partition.as_ref(),
    )?;
    let unmarked = plan.not_marked();
    if unmarked > 0 {
        eprintln!(
            "note: {unmarked} command block(s) are not tests of this book: it checks only blocks marked `check` (set [check] blocks = \"all\" in book.toml to check them all); --list shows them"
        );
    }

    let mechanism = Mechanism::detect();
    if args.list {
        print!("{}", plan.list());
        eprintln!("isolation: {}", mechanism.name());
        return Ok(Verdict::Passed);
    }
    let report_path = match &args.report {
        Some(p) => p.clone(),
        None => display_path(&root.join(&book.config.check.report)),
    };
    ensure_writable(&report_path, "--report")?;
    if let Some(junit) = &args.junit {
        crate::report::files::ensure_distinct(&report_path, Some(junit))?;
        ensure_writable(junit, "--junit")?;
    }
    if mechanism == Mechanism::Fallback {
        isolation::become_subreaper();
    }

    let bar = progress::bar(args.format, plan.block_count());
    let settings = Settings::new(&book, args, mechanism.clone(), bar)?;
    let per_page = pool::run_pages(&plan, &settings, args.jobs)?;
    progress::finish(settings.progress.as_ref());
    signals::wait_while_stopping();
    let mut results = Vec::new();
    for r in per_page {
        results.extend(r?);
    }
    let mut report = assemble(results, &mechanism, &settings.nix);
    report.book = book.title();
    report.partition = args.partition;

    let rendered = formats::render(&report, args.format);
    report::write(&report, &report_path, args.junit.as_deref())?;

    let mut verdict = if report.totals.failed > 0 {
        Verdict::Failed
    } else {
        Verdict::Passed
    };
    let mut notes = String::new();
    if args.bless && verdict == Verdict::Failed {
        let blessed = bless::bless_failures(&book, &report)?;
        notes = blessed.notes;
        if blessed.fixed_all {
            verdict = Verdict::Passed;
        }
    }
    eprint!("{notes}");
    print!("{rendered}");
    Ok(verdict)
}

/// The report of a run: its block results, and what it ran them with.
fn assemble(mut results: Vec<BlockResult>, mechanism: &Mechanism, nix: &nix::Nix) -> Report {
    nix::said_once(&mut results);
    let mut report = Report::new(results);
    report.isolation = mechanism.name().into();
    report.guidebook = env!("CARGO_PKG_VERSION").into();
    let (flakes, nixpkgs) = nix.records();
    report.flakes = flakes;
    report.nixpkgs = nixpkgs;
    if !report.flakes.is_empty() || report.blocks.iter().any(|b| b.kind == BlockKind::Flake) {
        report.nix = Some(nix.program.record());
        report.channels = nix.channels.iter().map(|c| c.name.clone()).collect();
    }
    report
}
