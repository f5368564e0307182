//! A page's sandbox: a fresh temporary folder where its blocks run and its
//! `file=` blocks are written. Removed after the page unless `--keep`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub struct Sandbox {
    dir: Option<tempfile::TempDir>,
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
        let path = dir
            .path()
            .canonicalize()
            .unwrap_or_else(|_| dir.path().into());
        Ok(Sandbox {
            dir: Some(dir),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write a `file=` block. `rel` was checked to be relative without `..`.
    pub fn write(&self, rel: &str, text: &str) -> Result<PathBuf> {
        let target = self.path.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, text).map_err(|e| Error::io(&target, e))?;
        Ok(target)
    }

    /// Keep the folder on disk and return where it is.
    pub fn keep(mut self) -> PathBuf {
        if let Some(dir) = self.dir.take() {
            let _ = dir.keep();
        }
        self.path.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let Some(dir) = self.dir.take() else { return };
        let path = dir.path().to_path_buf();
        if dir.close().is_err() {
            // Read-only folders (a cargo or nix cache made inside): make
            // everything writable and try again.
            make_writable(&path);
            let _ = std::fs::remove_dir_all(&path);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_files_and_cleans_up() {
        let sb = Sandbox::new(Path::new("content/my page.md")).unwrap();
        let root = sb.path().to_path_buf();
        assert!(
            root.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("docs-check-my-page-")
        );
        let f = sb.write("a/b/Cargo.toml", "[package]\n").unwrap();
        assert_eq!(std::fs::read_to_string(f).unwrap(), "[package]\n");
        std::fs::create_dir(root.join("ro")).unwrap();
        std::fs::write(root.join("ro/x"), "").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root.join("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
        drop(sb);
        assert!(!root.exists());
    }
}
