use clap::Parser;
use guidebook::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => std::process::exit(match guidebook::check::run(&args) {
            Ok(verdict) => verdict.exit_code(),
            Err(e) => {
                eprintln!("error: {e}");
                2
            }
        }),
        _ => println!("guidebook"),
    }
}
