//! One build at a time per output folder: a build holds an exclusive lock
//! on `.NAME.lock` beside the output folder `NAME` from the moment it makes
//! its staging folder until the site is swapped in (or the build failed).
//! A second build waits for it and says so. The lock goes with the process
//! that held it, however it ends. The holder removes the lock file when it
//! is done; a build that got the lock of a file removed meanwhile takes the
//! new one instead, so two builds never both hold it.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

/// `.NAME.lock` beside the output folder `abs` (absolute, with a name).
pub fn lock_path(abs: &Path) -> Option<PathBuf> {
    let name = abs.file_name()?.to_string_lossy().into_owned();
    Some(abs.with_file_name(format!(".{name}.lock")))
}

impl OutputLock {
    /// Lock the output folder `abs`; `shown` names it in the message printed
    /// while another build holds the lock.
    pub fn acquire(abs: &Path, shown: &Path) -> Result<OutputLock> {
        let path = lock_path(abs).ok_or_else(|| Error::Output {
            path: shown.to_path_buf(),
            message: "the output folder has no name".into(),
        })?;
        let mut said = false;
        loop {
            let file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !said {
                        eprintln!(
                            "{}: another guidebook build is writing this output folder; waiting for it to finish",
                            shown.display()
                        );
                        said = true;
                    }
                    file.lock().map_err(|e| Error::io(&path, e))?;
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if same_file(&file, &path) {
                return Ok(OutputLock { file, path });
            }
            // The holder removed the file as we waited: lock the new one.
        }
    }
}

/// Is `path` still the file `file` has open?
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Still holding the lock: a waiting build notices and starts over.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("book");
        let first = OutputLock::acquire(&dest, Path::new("book")).unwrap();
        let other = File::open(dir.path().join(".book.lock")).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(other);
        let waiter = {
            let dest = dest.clone();
            std::thread::spawn(move || OutputLock::acquire(&dest, Path::new("book")).is_ok())
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!waiter.is_finished(), "the second lock did not wait");
        drop(first);
        assert!(waiter.join().unwrap());
        assert!(
            !dir.path().join(".book.lock").exists(),
            "the lock file stays"
        );
    }
}
