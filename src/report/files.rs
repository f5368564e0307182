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
    ensure_distinct(json, junit)?;
    json::write(report, json)?;
    match junit {
        Some(path) => junit::write(report, path),
        None => Ok(()),
    }
}

/// The JUnit file must not be the JSON report's: a usage error otherwise
/// (checked again by [`write`]; a run checks it before anything runs).
pub fn ensure_distinct(json: &Path, junit: Option<&Path>) -> Result<()> {
    match junit.filter(|j| *j == json) {
        Some(junit) => Err(Error::Other(format!(
            "--junit {}: that is the JSON report's file (--report); give another",
            junit.display()
        ))),
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
