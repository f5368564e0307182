//! The docs-check report: one schema ([`model`]), written by the checker
//! and read back by the site ([`read`]), and its formats: [`human`],
//! [`json`] (the file `--report` writes, schema version 1), [`junit`] and
//! [`github`]; [`files`] writes the report files of a run, [`merge`] joins
//! the reports of a CI matrix's jobs.

pub mod files;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod merge;
pub mod model;
pub mod read;

pub use files::write;
pub use model::{
    BackgroundOutput, BlockResult, ChannelResult, CommandResult, Report, Status, Totals,
};
pub use read::{Against, CheckReport, report_path};
