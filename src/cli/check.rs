//! The command line of `docs-check` (and `guidebook check`), turned into
//! the library's [`CheckOptions`].

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use guidebook::check::partition::Partition;
use guidebook::options::{CheckOptions, ReportFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FormatArg {
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
    pub format: FormatArg,
    /// Write the JSON report to FILE (default: [check] report of book.toml).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Also write a JUnit XML report to FILE, whatever --format prints.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
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
    /// A folder of libraries for Rust blocks, passed to rustc as `-L` (as
    /// `mdbook test -L`); besides [check.rust] library-path.
    #[arg(short = 'L', long = "library-path", value_name = "DIR")]
    pub library_path: Vec<PathBuf>,
    /// Check job K of N of a CI matrix: `K/N` or `count:K/N` deals the
    /// pages out in book order, `hash:K/N` by a hash of each page's path.
    /// `docs-check merge` joins the jobs' reports.
    #[arg(long, value_name = "K/N", value_parser = parse_partition)]
    pub partition: Option<Partition>,
}

fn parse_partition(s: &str) -> Result<Partition, String> {
    s.parse()
}

impl CheckArgs {
    pub fn options(&self) -> CheckOptions {
        CheckOptions {
            paths: self.paths.clone(),
            filter: self.filter.clone(),
            list: self.list,
            jobs: self.jobs,
            keep: self.keep,
            format: match self.format {
                FormatArg::Human => ReportFormat::Human,
                FormatArg::Json => ReportFormat::Json,
                FormatArg::Junit => ReportFormat::Junit,
                FormatArg::Github => ReportFormat::Github,
            },
            report: self.report.clone(),
            junit: self.junit.clone(),
            bless: self.bless,
            strict: self.strict,
            override_input: self.override_input.clone(),
            nix: self.nix.clone(),
            library_path: self.library_path.clone(),
            partition: self.partition,
        }
    }
}
