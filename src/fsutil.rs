//! Atomic file replacement, shared by every writer (bless, the site).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// The permissions a replaced file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Those of the file it replaces (a book's own file, rewritten).
    Keep,
    /// Readable by everyone (`0644`): a file of the site.
    Public,
}

/// Replace `path` with `bytes` atomically: write a temp file beside it, then
/// rename it over the original. Keeps the original's permissions and syncs
/// the file before the rename (for a user's own files, rewritten in place).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, Mode::Keep, true)
}

/// Replace `path` with `bytes` atomically, as [`write_atomic`], with the
/// permissions of `mode`; `sync` flushes the file to disk first.
pub fn replace(path: &Path, bytes: &[u8], mode: Mode, sync: bool) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".guidebook-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    if sync {
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    match mode {
        Mode::Keep => {
            if let Ok(meta) = std::fs::metadata(path) {
                let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
            }
        }
        // Temporary files are private; site files are for everyone to read.
        #[cfg(unix)]
        Mode::Public => {
            use std::os::unix::fs::PermissionsExt as _;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        #[cfg(not(unix))]
        Mode::Public => {}
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
