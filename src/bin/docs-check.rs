//! `docs-check`: run the command blocks of a book. Exit 0 when every block
//! passed, 1 when one failed, 2 for bad input or usage. `docs-check merge
//! REPORT...` joins the reports of `--partition` jobs (exit 0 when written).

#[path = "../cli/check.rs"]
mod check_args;
#[path = "../cli/merge.rs"]
mod merge_args;

use check_args::CheckArgs;
use clap::Parser;
use merge_args::{MergeArgs, merge_command};

fn main() {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(merge) = merge_command(&argv, 1) {
        let args = MergeArgs::parse_from(merge);
        std::process::exit(match args.run() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        });
    }
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
