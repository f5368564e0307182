//! The JSON report (`--format json`, and the file `--report` writes).

use std::path::Path;

use super::Report;
use crate::error::Result;

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serializes");
    s.push('\n');
    s
}

/// Write the report to `path`, creating its folder.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    super::files::write_file(path, &render(report))
}
