//! Dev shells: `shell=devshell[:NAME]` blocks run in a session started by
//! [`NixDevShell`].

use super::*;
use crate::check::env::Env;
use crate::check::session::ShellLauncher;
use crate::markdown::codeblock::{CodeBlock, Shell};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables kept inside `nix develop -i`.
pub(super) const KEPT: &[&str] = &[
    "HOME",
    "LANG",
    "TERM",
    "NO_COLOR",
    "GUIDEBOOK_SANDBOX",
    "TMPDIR",
];

/// Where a block's commands run.
pub enum Route {
    /// The page's host bash session.
    Host,
    /// A session started by this launcher (one per launcher name and page).
    Launcher(Box<dyn ShellLauncher>),
}

/// The route of a runnable block; `flake_dir` is the folder of the page's
/// flake relative to the sandbox (`""` for the sandbox itself). Dev shells
/// use the first channel.
pub fn route(block: &CodeBlock, nix: &Nix, flake_dir: &str) -> Route {
    match &block.annotations.shell {
        Shell::Host => Route::Host,
        Shell::DevShell(name) => Route::Launcher(Box::new(NixDevShell {
            program: nix.program.run_path(),
            name: name.clone(),
            override_inputs: nix.overrides().to_vec(),
            flake_dir: flake_dir.to_string(),
            nix_config: nix.nix_config.clone(),
        })),
    }
}

/// bash inside `nix develop` of the page's flake:
/// `nix develop path:<sandbox>/<dir>[#NAME] --override-input ... -i -k HOME ...
/// --command bash --noprofile --norc -c DRIVER`. `-i` clears the environment;
/// only `HOME` and a few basic variables are kept.
pub struct NixDevShell {
    /// The `nix` to run.
    pub program: PathBuf,
    /// The dev shell's name; `None` is `devShells.<system>.default`.
    pub name: Option<String>,
    /// `--override-input NAME REF` pairs (book.toml `[check.nix]`, then CLI).
    pub override_inputs: Vec<(String, String)>,
    /// The flake's folder relative to the sandbox (`""`: the sandbox).
    pub flake_dir: String,
    /// Passed to nix itself (not kept in the shell).
    pub nix_config: Option<OsString>,
}

impl ShellLauncher for NixDevShell {
    /// `devshell[:NAME]`, then the flake's file when it is not the
    /// sandbox's own `flake.nix`: each flake of a page keeps a session of
    /// its own, so a dev shell block runs in the shell of the flake above it.
    fn name(&self) -> String {
        let shell = match &self.name {
            Some(n) => format!("devshell:{n}"),
            None => "devshell".into(),
        };
        if self.flake_dir.is_empty() {
            shell
        } else {
            format!(
                "{shell} of {}",
                Path::new(&self.flake_dir).join("flake.nix").display()
            )
        }
    }

    fn command(&self, driver: &str, sandbox: &Path, env: &Env) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(FEATURES);
        // `--quiet`: nix's "building ..." lines go to stderr, which the
        // session merges into the block's output; errors still print.
        cmd.args(["develop", "--quiet"]);
        let dir: PathBuf = sandbox.join(&self.flake_dir);
        let installable = match &self.name {
            Some(n) => format!("path:{}#{n}", dir.display()),
            None => format!("path:{}", dir.display()),
        };
        cmd.arg(installable);
        for (name, reference) in &self.override_inputs {
            cmd.args(["--override-input", name, reference]);
        }
        cmd.arg("-i");
        for name in KEPT {
            if env.get(name).is_some() {
                cmd.args(["-k", name]);
            }
        }
        cmd.args(["--command", "bash", "--noprofile", "--norc", "-c", driver]);
        cmd.current_dir(sandbox);
        env.apply(&mut cmd);
        if let Some(c) = &self.nix_config {
            cmd.env("NIX_CONFIG", c);
        }
        cmd
    }
}
