//! The report in the format asked for on stdout (`--format`); each format
//! is written by its own module of `report`.

use crate::options::ReportFormat;
use crate::report::{self, Report};

/// `report` as `format` prints it.
pub fn render(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Human => report::human::render(report),
        ReportFormat::Json => report::json::render(report),
        ReportFormat::Junit => report::junit::render(report),
        ReportFormat::Github => report::github::render(report),
    }
}
