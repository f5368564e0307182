//! Swapping a new site in without a moment where the output folder is
//! missing: `renameat2(2)` with `RENAME_EXCHANGE` on Linux exchanges two
//! folders in one step. Where the system or the file system refuses it,
//! the caller falls back to two renames.

use std::io;
use std::path::Path;

/// Exchange the folders at `a` and `b` (both exist) atomically. `Ok(false)`
/// when this system or file system cannot; nothing was changed then.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt as _;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        // Not supported by the kernel, the C library or the file system.
        Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(error),
    }
}

#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
pub fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[cfg(target_os = "linux")]
    #[test]
    fn two_folders_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("f"), "from a").unwrap();
        fs::write(b.join("f"), "from b").unwrap();
        assert!(
            exchange(&a, &b).unwrap(),
            "renameat2 exchange is refused here"
        );
        assert_eq!(fs::read_to_string(a.join("f")).unwrap(), "from b");
        assert_eq!(fs::read_to_string(b.join("f")).unwrap(), "from a");
    }
}
