//! What the library's entry points take: plain options. The binaries own
//! the command line (clap, in `src/cli/`) and fill these in.

use std::path::PathBuf;

/// Options of `guidebook build` ([`crate::render::build`]).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The book's root folder (holding book.toml).
    pub book_dir: PathBuf,
    /// Output folder (default: `[build] build-dir` of book.toml, `book`).
    pub dest_dir: Option<PathBuf>,
    /// A docs-check JSON report whose results are shown beside each block
    /// (default: the report docs-check writes, when present).
    pub checks: Option<PathBuf>,
    /// Set by `serve`: the URL path pages listen on for reloads.
    pub live_reload: Option<String>,
    /// Every warning fails the build: `Some(true)` is `--strict`, `None`
    /// leaves it to `[build] strict` of book.toml, `Some(false)` (serve)
    /// never.
    pub strict: Option<bool>,
}

/// Options of `guidebook serve` ([`crate::serve::serve`]).
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The book's root folder (holding book.toml).
    pub book_dir: PathBuf,
    pub port: u16,
    pub hostname: String,
    /// Output folder (default: `[build] build-dir` of book.toml).
    pub dest_dir: Option<PathBuf>,
}

/// How docs-check prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    #[default]
    Human,
    Json,
    Junit,
    Github,
}

/// Options of docs-check ([`crate::check::run`]).
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The book's root folder, then pages to check (paths of .md files);
    /// with no pages, every page. A first path that is a folder is the book.
    pub paths: Vec<PathBuf>,
    /// Only blocks whose page path or text contains this.
    pub filter: Option<String>,
    /// List the blocks that would run, and run nothing.
    pub list: bool,
    /// Pages checked at once (default: the number of cores).
    pub jobs: Option<usize>,
    /// Keep each page's sandbox and print where it is.
    pub keep: bool,
    pub format: ReportFormat,
    /// Write the JSON report here (default: `[check] report` of book.toml).
    pub report: Option<PathBuf>,
    /// Also write a JUnit XML report here, whatever `format` prints.
    pub junit: Option<PathBuf>,
    /// Rewrite the expected output of failing console blocks in place.
    pub bless: bool,
    /// A skip for a missing need (nix, network ...) is a failure.
    pub strict: bool,
    /// Flake inputs overridden for every flake example, as NAME REF pairs
    /// one after the other (they win over book.toml).
    pub override_input: Vec<String>,
    /// The `nix` to run flake examples and dev shells with, also first on
    /// the PATH of blocks (default: `nix` on PATH).
    pub nix: Option<PathBuf>,
    /// Library folders for Rust blocks (`-L`), relative to the current
    /// folder, besides `[check.rust] library-path`.
    pub library_path: Vec<PathBuf>,
    /// Check only this job's share of the pages (`--partition K/N`).
    pub partition: Option<crate::check::partition::Partition>,
}
