//! The seam for Nix: where a block runs when it does not run on the host.
//!
//! Blocks with `shell=devshell[:NAME]` and `nix file=flake.nix` blocks (the
//! page's flake) come here. [`route`] decides, per block, which
//! [`ShellLauncher`] its commands use; [`NixDevShell`] is the launcher that
//! runs the session's bash inside `nix develop` of the page's flake. Until
//! the Nix step is finished, routing answers [`Route::NotYet`] and the
//! checker skips those blocks with [`NOT_BUILT`] as the reason; flake
//! examples will fill `flakes` of the report.

use std::path::Path;
use std::process::Command;

use crate::check::env::Env;
use crate::check::session::ShellLauncher;
use crate::codeblock::{CodeBlock, Shell};

/// Skip reason for blocks that need the Nix step.
pub const NOT_BUILT: &str = "nix support not built yet";

/// Where a block's commands run.
pub enum Route {
    /// The page's host bash session.
    Host,
    /// A session started by this launcher (one per launcher name and page).
    Launcher(Box<dyn ShellLauncher>),
    /// Not runnable yet: skip with this reason.
    NotYet(&'static str),
}

/// The route of a runnable block.
pub fn route(block: &CodeBlock) -> Route {
    match &block.annotations.shell {
        Shell::Host => Route::Host,
        Shell::DevShell(_) => Route::NotYet(NOT_BUILT),
    }
}

/// Needs implied by where a block runs (`shell=devshell` needs `nix`).
pub fn implied_needs(block: &CodeBlock) -> &'static [&'static str] {
    match block.annotations.shell {
        Shell::Host => &[],
        Shell::DevShell(_) => &["nix"],
    }
}

/// bash inside `nix develop` of the flake in the sandbox:
/// `nix develop -i -k HOME -k ... <sandbox>#NAME --command bash --noprofile --norc -c DRIVER`.
/// `-i` clears the environment; each name of the allowlist is kept with `-k`.
pub struct NixDevShell {
    /// The dev shell's name; `None` is `devShells.<system>.default`.
    pub name: Option<String>,
    /// `--override-input NAME REF` pairs (book.toml `[check.nix]`, then CLI).
    pub override_inputs: Vec<(String, String)>,
}

impl ShellLauncher for NixDevShell {
    fn name(&self) -> String {
        match &self.name {
            Some(n) => format!("devshell:{n}"),
            None => "devshell".into(),
        }
    }

    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command {
        let mut cmd = Command::new("nix");
        cmd.args([
            "--extra-experimental-features",
            "nix-command flakes",
            "develop",
            "-i",
        ]);
        for name in env.names() {
            cmd.arg("-k").arg(name);
        }
        for (name, reference) in &self.override_inputs {
            cmd.args(["--override-input", name, reference]);
        }
        let installable = match &self.name {
            Some(n) => format!("{}#{n}", sandbox.display()),
            None => sandbox.display().to_string(),
        };
        cmd.arg(installable);
        cmd.args(["--command", "bash", "--noprofile", "--norc", "-c", driver]);
        cmd.current_dir(sandbox);
        env.apply(&mut cmd);
        cmd
    }
}
