//! Errors of the library. Every error about input carries its file and line
//! (a [`Location`], from [`crate::diagnostics`]).

use std::path::{Path, PathBuf};

pub use crate::diagnostics::Location;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a book file says something we cannot use.
    #[error("{location}: {message}")]
    Input { location: Location, message: String },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file or folder of the book that cannot be used as it is (a symlink
    /// leading out of the book); it has no line to name.
    #[error("{}: {message}", path.display())]
    Source { path: PathBuf, message: String },
    /// The output folder is unsafe or unusable.
    #[error("{}: {message}", path.display())]
    Output { path: PathBuf, message: String },
    /// A command-line argument that cannot be used (it has no file).
    #[error("{0}")]
    Usage(String),
    /// Several errors, each on its own line (all problems of a book at once).
    #[error("{}", join_lines(.0))]
    Many(Vec<Error>),
    /// Warnings made fatal by `guidebook build --strict` or `[build] strict`.
    #[error("{}", strict_message(.0))]
    Strict(Vec<String>),
    /// Anything else, with a message that says what.
    #[error("{0}")]
    Other(String),
}

fn join_lines(errors: &[Error]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    pub fn input(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Input {
            location: Location::new(path, line),
            message: message.into(),
        }
    }

    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// One error from many, or `Ok` when there are none.
    pub fn from_many(mut errors: Vec<Error>) -> Result<()> {
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(Error::Many(errors)),
        }
    }

    /// Is this error (or every error inside it) about the user's input
    /// (the book's files or the command line)?
    pub fn is_input(&self) -> bool {
        match self {
            Error::Input { .. } | Error::Source { .. } | Error::Usage(_) | Error::Strict(_) => true,
            Error::Many(all) => all.iter().all(Error::is_input),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn strict_message(warnings: &[String]) -> String {
    let mut out: String = warnings.iter().map(|w| format!("warning: {w}\n")).collect();
    out.push_str(&format!(
        "the build is strict (--strict or [build] strict = true): {} fail{} it; nothing was written and the previous site is kept",
        if warnings.len() == 1 { "1 warning".to_string() } else { format!("{} warnings", warnings.len()) },
        if warnings.len() == 1 { "s" } else { "" }
    ));
    out
}

/// Read a file to a string, with the path in the error.
pub fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_errors_print_one_per_line() {
        let e = Error::from_many(vec![
            Error::input("a.md", 3, "bad"),
            Error::input("b.md", 9, "worse"),
        ])
        .unwrap_err();
        assert_eq!(e.to_string(), "a.md:3: bad\nb.md:9: worse");
        assert!(e.is_input());
    }
}
