//! The progress bar of a run: on a terminal, in the human format only.

use std::io::IsTerminal;

use crate::options::ReportFormat;
use crate::report::{BlockResult, Status};

/// A bar counting `total` blocks, when stderr is a terminal and the report
/// is for people.
pub fn bar(format: ReportFormat, total: usize) -> Option<indicatif::ProgressBar> {
    (format == ReportFormat::Human && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} blocks {msg}")
                .expect("progress template"),
        );
        bar
    })
}

/// One more block done; a failure is said above the bar.
pub fn block_done(bar: Option<&indicatif::ProgressBar>, result: &BlockResult) {
    if let Some(bar) = bar {
        bar.inc(1);
        if result.status == Status::Failed {
            bar.println(format!("FAILED {}:{}", result.page, result.failure_line()));
        }
    }
}

/// Remove the bar before the report is printed.
pub fn finish(bar: Option<&indicatif::ProgressBar>) {
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
