//! A page's sandbox: a fresh temporary folder
//! (`docs-check-<page>-XXXX`) holding the folder where its blocks run and
//! its `file=` blocks are written (`work`), its HOME (`home`) and its TMPDIR
//! (`tmp`, also the `/tmp` of its commands inside the jail). Removed after
//! the page unless `--keep`, and on Ctrl-C, SIGTERM or SIGHUP
//! ([`remove_all`]).

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The roots of the sandboxes that exist now.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub struct Sandbox {
    dir: Option<tempfile::TempDir>,
    root: PathBuf,
    path: PathBuf,
}

impl Sandbox {
    /// A new empty sandbox, named after the page (`docs-check-intro-XXXX`).
    pub fn new(page: &Path) -> Result<Sandbox> {
        let stem: String = page
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(40)
            .collect();
        let dir = tempfile::Builder::new()
            .prefix(&format!("docs-check-{stem}-"))
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
        // The canonical path, so `pwd` in a block shows what we report.
        let root = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|_| dir.path().into());
        LIVE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(root.clone());
        let sandbox = Sandbox {
            dir: Some(dir),
            path: root.join("work"),
            root,
        };
        for d in [sandbox.path(), &sandbox.home(), &sandbox.tmp()] {
            std::fs::create_dir(d).map_err(|e| Error::io(d, e))?;
        }
        Ok(sandbox)
    }

    /// Where blocks run and `file=` blocks are written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder holding the sandbox, HOME and TMPDIR.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn home(&self) -> PathBuf {
        self.root.join("home")
    }

    pub fn tmp(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Write a `file=` block. `rel` was checked to be relative, without `..`,
    /// `.` or empty parts. Symbolic links a block left are never followed:
    /// every folder is opened beneath the sandbox without following links,
    /// so a write can only land inside it.
    pub fn write(&self, rel: &str, text: &str) -> Result<PathBuf> {
        let target = self.path.join(rel);
        write_beneath(&self.path, rel, text.as_bytes()).map_err(|e| Error::io(&target, e))?;
        Ok(target)
    }

    /// Keep the folder on disk and return where it is (the root, holding
    /// `work`, `home` and `tmp`).
    pub fn keep(mut self) -> PathBuf {
        if let Some(dir) = self.dir.take() {
            let _ = dir.keep();
        }
        forget(&self.root);
        self.root.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let Some(dir) = self.dir.take() else { return };
        let path = dir.path().to_path_buf();
        if dir.close().is_err() {
            remove(&path);
        }
        forget(&self.root);
    }
}

fn forget(root: &Path) {
    LIVE.lock()
        .unwrap_or_else(|p| p.into_inner())
        .retain(|p| p != root);
}

/// The roots of every sandbox that exists now.
pub fn live() -> Vec<PathBuf> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Remove every sandbox that exists now (on a signal, before exiting).
pub fn remove_all() {
    let roots: Vec<PathBuf> = LIVE.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for root in roots {
        remove(&root);
    }
}

fn remove(path: &Path) {
    if std::fs::remove_dir_all(path).is_err() {
        // Read-only folders (a cargo or nix cache made inside): make
        // everything writable and try again.
        make_writable(path);
        let _ = std::fs::remove_dir_all(path);
    }
}

fn make_writable(root: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if entry.file_type().is_dir() {
            let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// Write `bytes` to `rel` beneath `base`, making folders as needed, never
/// following a symbolic link.
fn write_beneath(base: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let open = |at: libc::c_int, name: &[u8], flags: libc::c_int| -> std::io::Result<OwnedFd> {
        let c = CString::new(name).map_err(|_| std::io::Error::other("NUL in path"))?;
        // SAFETY: openat with a valid C string; the result is owned.
        let fd = unsafe { libc::openat(at, c.as_ptr(), flags | libc::O_CLOEXEC, 0o644) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a descriptor we just opened.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    };
    let dir_flags = libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_RDONLY;
    let mut dir = open(libc::AT_FDCWD, base.as_os_str().as_bytes(), dir_flags)?;
    let parts: Vec<&str> = rel.split('/').collect();
    let (file, folders) = parts.split_last().ok_or(std::io::ErrorKind::InvalidInput)?;
    for part in folders {
        let c = CString::new(*part).map_err(|_| std::io::Error::other("NUL in path"))?;
        // SAFETY: mkdirat with a valid C string; EEXIST is fine.
        if unsafe { libc::mkdirat(dir.as_raw_fd(), c.as_ptr(), 0o755) } != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(e);
            }
        }
        dir = open(dir.as_raw_fd(), part.as_bytes(), dir_flags)?;
    }
    let fd = open(
        dir.as_raw_fd(),
        file.as_bytes(),
        libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_NOFOLLOW,
    )?;
    use std::io::Write;
    std::fs::File::from(fd).write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_files_and_cleans_up() {
        let sb = Sandbox::new(Path::new("content/my page.md")).unwrap();
        let root = sb.root().to_path_buf();
        assert!(
            root.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("docs-check-my-page-")
        );
        let f = sb.write("a/b/Cargo.toml", "[package]\n").unwrap();
        assert_eq!(std::fs::read_to_string(f).unwrap(), "[package]\n");
        // A link a block left is not followed, neither as folder nor as file.
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), sb.path().join("link")).unwrap();
        assert!(sb.write("link/x", "x").is_err());
        std::os::unix::fs::symlink(outside.path().join("f"), sb.path().join("f")).unwrap();
        assert!(sb.write("f", "x").is_err());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        std::fs::create_dir(sb.path().join("settings.toml")).unwrap();
        assert!(sb.write("settings.toml", "x").is_err());
        std::fs::create_dir(root.join("ro")).unwrap();
        std::fs::write(root.join("ro/x"), "").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
        drop(sb);
        assert!(!root.exists());
    }
}
