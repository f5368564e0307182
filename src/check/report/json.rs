//! The JSON report (`--format json`, and the file `--report` writes).

use std::path::Path;

use super::Report;
use crate::error::{Error, Result};

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report serializes");
    s.push('\n');
    s
}

/// Write the report to `path`, creating its folder.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, render(report)).map_err(|e| Error::io(path, e))
}
