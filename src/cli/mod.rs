//! The `guidebook` binary's command line; `check` (shared with
//! `docs-check`) is in [`check`], `check merge` in [`merge`]. Each is turned into the library's plain
//! options (`guidebook::options`) here; the library never sees clap.

pub mod check;
pub mod merge;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use guidebook::options::{BuildOptions, ServeOptions};

pub use check::CheckArgs;

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
    /// Fail on any warning (a broken link, an ignored setting...), writing
    /// nothing: the previous site is kept. Also `[build] strict = true`.
    #[arg(long)]
    pub strict: bool,
}

impl BuildArgs {
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            book_dir: self.book_dir.clone(),
            dest_dir: self.dest_dir.clone(),
            checks: self.checks.clone(),
            live_reload: None,
            strict: self.strict.then_some(true),
        }
    }
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

impl ServeArgs {
    pub fn options(&self) -> ServeOptions {
        ServeOptions {
            book_dir: self.book_dir.clone(),
            port: self.port,
            hostname: self.hostname.clone(),
            dest_dir: self.dest_dir.clone(),
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct NewArgs {
    /// Title of the new edge-case page, e.g. "Shared target directories".
    pub title: String,
    /// The book's root folder.
    #[arg(long = "book", default_value = ".")]
    pub book_dir: PathBuf,
}
