use std::process::ExitCode;

mod cli;

use clap::Parser;
use cli::{BuildArgs, Cli, Command, NewArgs};

// Highlighting allocates many small, short-lived values; mimalloc serves
// them markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    guidebook::tune_memory();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if argv.get(1).is_some_and(|a| a == "check")
        && let Some(merge) = cli::merge::merge_command(&argv, 2)
    {
        let args = cli::merge::MergeArgs::parse_from(merge);
        return match args.run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        };
    }
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => report(build(&args)),
        Command::Check(args) => match guidebook::check::run(&args.options()) {
            Ok(verdict) => ExitCode::from(verdict.exit_code() as u8),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        Command::New(args) => report(new_page(&args)),
        Command::Serve(args) => {
            report(guidebook::serve::serve(&args.options()).map_err(Into::into))
        }
    }
}

fn build(args: &BuildArgs) -> anyhow::Result<()> {
    let report = guidebook::render::build(&args.options())?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "built {} pages into {} in {:.2}s",
        report.pages,
        report.dest.display(),
        report.elapsed.as_secs_f64()
    );
    Ok(())
}

fn new_page(args: &NewArgs) -> anyhow::Result<()> {
    let made = guidebook::new_page::new_edge_case(&args.book_dir, &args.title)?;
    println!("created {}", made.page.display());
    println!(
        "listed it in {}:{}",
        made.summary.display(),
        made.summary_line
    );
    println!(
        "check it with: docs-check {} {}",
        args.book_dir.display(),
        made.page.display()
    );
    Ok(())
}

/// Print an error line by line, as-is; exit 2 for problems of the input
/// (book files, output folder), 1 for anything else.
fn report(result: anyhow::Result<()>) -> ExitCode {
    let Err(error) = result else {
        return ExitCode::SUCCESS;
    };
    eprintln!("{error}");
    match error.downcast_ref::<guidebook::Error>() {
        Some(e) if e.is_input() || matches!(e, guidebook::Error::Output { .. }) => {
            ExitCode::from(2)
        }
        _ => ExitCode::from(1),
    }
}
