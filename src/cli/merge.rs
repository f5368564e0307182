//! `docs-check merge REPORT... [--report OUT] [--junit FILE]` (also
//! `guidebook check merge`): join the JSON reports of a CI matrix's
//! `--partition` jobs into the one the site reads.

use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Parser, Clone)]
#[command(
    name = "docs-check merge",
    bin_name = "docs-check merge",
    about = "Join the JSON reports of --partition jobs into one report"
)]
pub struct MergeArgs {
    /// The JSON reports, one per job.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Write the joined report to FILE.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "target/docs-check/report.json"
    )]
    pub report: PathBuf,
    /// Also write the joined report as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

impl MergeArgs {
    /// Merge, write the report files and print the joined report as
    /// people read it. `Err`: bad input, nothing written.
    pub fn run(&self) -> guidebook::Result<()> {
        use guidebook::report::{self, human, merge};
        let mut read = Vec::new();
        for path in &self.reports {
            read.push((path.clone(), merge::read(path)?));
        }
        let joined = merge::merge(read)?;
        report::write(&joined, &self.report, self.junit.as_deref())?;
        print!("{}", human::render(&joined));
        eprintln!(
            "merged {} reports into {}",
            self.reports.len(),
            self.report.display()
        );
        Ok(())
    }
}

/// The arguments of `merge` when the command line is `PROGRAM [check]
/// merge ...` (`check` is `guidebook`'s subcommand), for
/// [`MergeArgs::parse_from`]: `merge` itself stands for the program.
pub fn merge_command(args: &[std::ffi::OsString], at: usize) -> Option<&[std::ffi::OsString]> {
    (args.get(at).is_some_and(|a| a == "merge")).then(|| &args[at..])
}
