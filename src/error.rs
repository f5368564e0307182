//! Errors of the library. Every error about input carries its file and line.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in an input file: the path as the user knows it (relative to the
/// book root where possible) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            path: path.into(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

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
    /// Several errors, each on its own line (all problems of a book at once).
    #[error("{}", join_lines(.0))]
    Many(Vec<Error>),
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

    /// Is this error (or every error inside it) about the user's input?
    pub fn is_input(&self) -> bool {
        match self {
            Error::Input { .. } | Error::Source { .. } => true,
            Error::Many(all) => all.iter().all(Error::is_input),
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Read a file to a string, with the path in the error.
pub fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// 1-based line numbers from byte offsets of one text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line(6), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.start_of(4), Some(7));
        assert_eq!(idx.start_of(0), None);
    }

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
