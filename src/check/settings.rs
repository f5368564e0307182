//! The settings of one run, shared by the page workers: the blocks'
//! environment, what the machine has (`needs=`), the containment, the
//! timeouts, the Nix used, and the flags of the command line.

use std::path::PathBuf;

use super::env::Env;
use super::isolation::Mechanism;
use super::needs::Needs;
use super::nix;
use super::rust::RustRun;
use crate::book::Book;
use crate::error::{Error, Result};
use crate::options::CheckOptions as CheckArgs;

pub struct Settings<'a> {
    pub env: Env,
    pub needs: Needs,
    pub mechanism: Mechanism,
    pub writable: Vec<PathBuf>,
    pub host_home: bool,
    pub default_timeout: u64,
    pub strict: bool,
    pub keep: bool,
    pub progress: Option<indicatif::ProgressBar>,
    pub filter: Option<&'a str>,
    pub nix: nix::Nix,
    /// Which command blocks are tests (`[check] blocks`).
    pub blocks: crate::config::Blocks,
    /// The book's `[check.redactions]`.
    pub redactions: crate::transcript::Redactions,
    /// The Rust blocks' toolchain and dependencies, when the book checks
    /// them (`[check.rust] enable`).
    pub rust: Option<RustRun>,
}

impl<'a> Settings<'a> {
    /// The settings of `book` checked with `args`; `Err` when `--nix` names
    /// no file.
    pub fn new(
        book: &Book,
        args: &'a CheckArgs,
        mechanism: Mechanism,
        progress: Option<indicatif::ProgressBar>,
    ) -> Result<Settings<'a>> {
        let mut env = Env::from_caller(&book.config.check.env);
        let program =
            nix::NixProgram::new(args.nix.as_deref(), env.get("PATH").map(|p| p.as_os_str()));
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
        let network = book.config.check.rust.manifest.is_some() && needs.has("network");
        let rust = RustRun::prepare(
            book,
            &args.library_path,
            &env,
            &mechanism,
            network,
            book.config.check.timeout,
        )?;
        Ok(Settings {
            env,
            needs,
            mechanism,
            writable: book.config.check.writable.clone(),
            host_home: book.config.check.host_home,
            default_timeout: book.config.check.timeout,
            strict: args.strict,
            keep: args.keep,
            progress,
            filter: args.filter.as_deref(),
            nix: nix::Nix::new(&book.config.check.nix, &args.override_input, program),
            blocks: book.config.check.blocks,
            redactions: crate::transcript::Redactions::new(book.config.check.redactions()),
            rust,
        })
    }
}
