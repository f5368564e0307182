//! The report files a run writes: the JSON report and, when asked, the
//! JUnit XML.

use std::path::Path;

use super::model::Report;
use super::{json, junit};
use crate::error::{Error, Result};

/// Write the report files of a run: the JSON report to `json` and, when
/// asked (`--junit FILE`), the JUnit XML to `junit`. One path for both is a
/// usage error, and nothing is written.
pub fn write(report: &Report, json: &Path, junit: Option<&Path>) -> Result<()> {
    if let Some(junit) = junit.filter(|j| *j == json) {
        return Err(Error::Other(format!(
            "--junit {}: that is the JSON report's file (--report); give another",
            junit.display()
        )));
    }
    json::write(report, json)?;
    match junit {
        Some(path) => junit::write(report, path),
        None => Ok(()),
    }
}

/// Write `text` to `path`, creating its folder.
pub(super) fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}
