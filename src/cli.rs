//! Command-line arguments, shared by the `guidebook` and `docs-check` binaries.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "guidebook",
    version,
    about = "Build documentation sites whose code blocks are tests"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the book into a static site.
    Build(BuildArgs),
    /// Run every command block and flake example of the book (same as `docs-check`).
    Check(CheckArgs),
    /// Serve the site, rebuild on change and reload the browser.
    Serve(ServeArgs),
    /// Add a new edge-case page from a template and list it in SUMMARY.md.
    New(NewArgs),
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// The book's root folder (holding book.toml).
    #[arg(default_value = ".")]
    pub book_dir: PathBuf,
    /// Output folder (default: [build] build-dir of book.toml, `book`).
    #[arg(short = 'd', long = "dest-dir")]
    pub dest_dir: Option<PathBuf>,
    /// A docs-check JSON report whose results are shown beside each block
    /// (default: the report docs-check writes, when present).
    #[arg(long)]
    pub checks: Option<PathBuf>,
    /// Set by `serve`: the URL path pages listen on for reloads.
    #[arg(skip)]
    pub live_reload: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The book's root folder (holding book.toml).
    #[arg(default_value = ".")]
    pub book_dir: PathBuf,
    #[arg(short = 'p', long, default_value_t = 3000)]
    pub port: u16,
    #[arg(short = 'n', long, default_value = "127.0.0.1")]
    pub hostname: String,
    /// Output folder (default: [build] build-dir of book.toml).
    #[arg(short = 'd', long = "dest-dir")]
    pub dest_dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct NewArgs {
    /// Title of the new edge-case page, e.g. "Shared target directories".
    pub title: String,
    /// The book's root folder.
    #[arg(long = "book", default_value = ".")]
    pub book_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    #[default]
    Human,
    Json,
    Junit,
    Github,
}

#[derive(Debug, Parser, Clone)]
#[command(
    name = "docs-check",
    version,
    about = "Run the command blocks and flake examples of a book"
)]
pub struct CheckArgs {
    /// The book's root folder, then pages to check (paths of .md files);
    /// with no pages, every page. A first argument that is a folder is the book.
    pub paths: Vec<PathBuf>,
    /// Only blocks whose page path or text contains TEXT.
    #[arg(long)]
    pub filter: Option<String>,
    /// List the blocks that would run, and run nothing.
    #[arg(long)]
    pub list: bool,
    /// Pages checked at once (default: the number of cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Keep each page's sandbox and print where it is.
    #[arg(long)]
    pub keep: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: ReportFormat,
    /// Write the JSON report to FILE (default: [check] report of book.toml).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Rewrite the expected output of failing console blocks in place.
    #[arg(long)]
    pub bless: bool,
    /// A skip for a missing need (nix, network ...) is a failure.
    #[arg(long)]
    pub strict: bool,
    /// Override a flake input of every flake example: NAME REF (wins over book.toml).
    #[arg(long = "override-input", num_args = 2, value_names = ["NAME", "REF"])]
    pub override_input: Vec<String>,
    /// The `nix` to run flake examples and dev shells with, also first on
    /// the PATH of blocks (default: `nix` on PATH).
    #[arg(long, env = "GUIDEBOOK_NIX", value_name = "PATH")]
    pub nix: Option<PathBuf>,
}
