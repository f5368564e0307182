//! `docs-check`: run the command blocks of a book. Exit 0 when every block
//! passed, 1 when one failed, 2 for bad input or usage.

#[path = "../cli/check.rs"]
mod check_args;

use check_args::CheckArgs;
use clap::Parser;

fn main() {
    let args = CheckArgs::parse();
    std::process::exit(match run(&args) {
        Ok(code) => code,
        Err(e) => {
            // Our errors say their cause in their own text: `{e}`, not
            // `{e:#}`, which would repeat the OS's message.
            eprintln!("error: {e}");
            2
        }
    });
}

fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let verdict = guidebook::check::run(&args.options())?;
    Ok(verdict.exit_code())
}
