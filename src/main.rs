use std::process::ExitCode;

use clap::Parser;
use guidebook::cli::{BuildArgs, Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => report(build(&args)),
        Command::Check(_) | Command::Serve(_) | Command::New(_) => {
            eprintln!("not yet implemented");
            ExitCode::from(2)
        }
    }
}

fn build(args: &BuildArgs) -> anyhow::Result<()> {
    let report = guidebook::render::build(args)?;
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
