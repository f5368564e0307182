//! Rust blocks as doctests, the way `mdbook test` and rustdoc run them:
//! which blocks ([`attrs`], rustdoc's attributes), the code rustdoc
//! compiles ([`wrap`]: hidden lines included, `fn main` wrapping), the
//! caller's toolchain ([`toolchain`]), the dependencies of a Cargo manifest
//! the book names ([`deps`], built once per run), rustc in the page's
//! jail ([`compile`]), a page's crates ([`batch`]), each block's program
//! ([`program`]), and messages mapped back to page lines ([`locate`]).
//!
//! **Batching.** rustdoc compiles every doctest as a crate of its own (in
//! parallel); a page here is compiled as few crates as it can be: the
//! page's plain blocks of one edition become modules of one crate whose
//! `main` runs the block named by its argument, and each block then runs
//! as its own process of that binary in the page's jail (a panic or an
//! `exit` ends only its block). `no_run` blocks of an edition share a
//! crate of their own, checked with `--emit=metadata` as rustdoc checks
//! them. A block needs a crate of its own when it has crate attributes,
//! `extern crate`, `compile_fail`, `test_harness` or `standalone_crate`,
//! and when the merged crate fails: the blocks its errors name are
//! compiled alone (so each error is said at its own block, in the words
//! rustc has for it alone) and the rest merged again; errors that name no
//! block (a link error) send every block of that crate to its own.
//!
//! Each block's result is known once its page's crates are built (at the
//! page's first Rust block); the blocks still report in page order.

pub mod attrs;
pub mod batch;
pub mod compile;
pub mod deps;
pub mod locate;
pub mod program;
pub mod toolchain;
pub mod wrap;

use std::path::PathBuf;
use std::sync::Arc;

use crate::book::Book;
use crate::check::env::Env;
use crate::check::isolation::Mechanism;
use crate::error::Result;
use crate::markdown::codeblock::CodeBlock;
use crate::markdown::hidden::{HideRule, code_text};
use attrs::Attrs;
use compile::Flags;
use locate::Located;
use toolchain::Toolchain;

pub use batch::{Context, PageRust};
pub use program::{PANIC_EXIT, run_program};

/// What every page's Rust blocks share in a run.
pub struct RustRun {
    /// The caller's toolchain, or why there is none (the blocks are then
    /// skipped, failed with `--strict`).
    pub tool: std::result::Result<Toolchain, String>,
    pub flags: Flags,
    /// The book's edition (`[rust] edition`, else 2015 as rustdoc).
    pub edition: String,
    /// Host folders the pages' jails must show: the dependencies' build.
    pub readable: Vec<PathBuf>,
}

impl RustRun {
    /// The run's Rust settings when the book checks its Rust blocks
    /// (`[check.rust] enable`); the manifest's dependencies are built now,
    /// when the book has a Rust block.
    pub fn prepare(
        book: &Book,
        library_path: &[PathBuf],
        env: &Env,
        mechanism: &Mechanism,
        network: bool,
        timeout: u64,
    ) -> Result<Option<RustRun>> {
        let config = &book.config;
        let settings = &config.check.rust;
        if !settings.enable {
            return Ok(None);
        }
        let tool = Toolchain::find(env.get("PATH").map(|p| p.as_os_str()), &book.root);
        let mut flags = Flags::default();
        let mut readable = Vec::new();
        let given = library_path.iter().map(PathBuf::clone);
        for dir in settings
            .library_path
            .iter()
            .map(|d| book.root.join(d))
            .chain(given)
        {
            let dir = dir.canonicalize().unwrap_or(dir);
            flags.lib_dirs.push(dir.to_string_lossy().into_owned());
            readable.push(dir);
        }
        let any_rust = book
            .pages
            .iter()
            .flat_map(|p| &p.blocks)
            .any(attrs::is_rust);
        if let Ok(tool) = &tool {
            flags.rustc = tool.rustc.clone();
            if let Some(manifest) = settings.manifest.as_ref().filter(|_| any_rust) {
                let file = &config.file;
                let line = file.key_line(&["check", "rust", "manifest"]);
                let built = deps::build(
                    &book.root,
                    manifest,
                    &file.shown,
                    line,
                    tool,
                    env,
                    mechanism,
                    network,
                    timeout.max(600),
                )?;
                let mut arg = std::ffi::OsString::from("dependency=");
                arg.push(&built.deps_dir);
                flags.lib_dirs.push(arg.to_string_lossy().into_owned());
                readable.push(built.target_dir.clone());
                flags.externs = built.externs;
            }
        }
        Ok(Some(RustRun {
            tool,
            flags,
            edition: config.rust.edition.clone().unwrap_or_else(|| "2015".into()),
            readable,
        }))
    }
}

/// One Rust block of a page, ready to compile.
#[derive(Debug, Clone)]
pub struct Doctest {
    pub block: CodeBlock,
    pub attrs: Attrs,
    /// Its code, hidden lines included (a line of the block each).
    pub code: String,
}

impl Doctest {
    pub fn new(block: &CodeBlock) -> Doctest {
        let rule = HideRule::for_block(true, block.hidelines(), None);
        Doctest {
            block: block.clone(),
            attrs: attrs::attrs(block),
            code: code_text(&block.text, rule),
        }
    }

    fn edition<'a>(&'a self, run: &'a RustRun) -> &'a str {
        self.attrs.edition.as_deref().unwrap_or(&run.edition)
    }

    /// Compiled as a crate of its own, never merged.
    fn alone(&self) -> bool {
        let a = &self.attrs;
        a.compile_fail || a.test_harness || a.standalone || wrap::needs_own_crate(&self.code)
    }
}

/// What became of a block once its page was compiled.
#[derive(Debug, Clone)]
pub enum Built {
    Ignored,
    /// Compiled (`no_run`), or failed to compile as `compile_fail` asks.
    Checked,
    /// Run this program (with this argument: its block in a merged crate).
    Run {
        exe: PathBuf,
        arg: Option<usize>,
        source: Arc<Located>,
    },
    Failed(Failure),
}

/// A failure at a page line, with rustc's or the program's words.
#[derive(Debug, Clone)]
pub struct Failure {
    pub line: usize,
    pub message: String,
    pub output: String,
}
