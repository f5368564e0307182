//! The output folder, handled safely.
//!
//! - The build never deletes anything outside its output folder.
//! - An output folder that is, contains or lies inside the book root or the
//!   source folder is refused, and so are `/` and the home folder.
//! - An existing output folder is replaced only when guidebook made it (it
//!   holds a [`MARKER`] file) or when it is empty.
//! - The site is rendered into a sibling temporary folder and swapped in only
//!   when the whole build succeeded; a failed build leaves the last good site
//!   untouched and removes its temporary folder.
//! - The site a build replaces is kept beside the output folder as
//!   `.NAME.previous` and becomes the next build's temporary folder: the next
//!   build rewrites its files instead of creating new ones (creating a file
//!   costs far more than rewriting one on many file systems), then removes
//!   the files it did not write. It is only ever taken when it carries the
//!   [`MARKER`] file.
//! - The new site is swapped in with one atomic exchange of the two folders
//!   ([`super::swap`]), so the output path is never missing; two renames
//!   only where the file system cannot exchange.
//! - One build at a time per output folder ([`super::lock`]); Ctrl-C,
//!   SIGTERM and SIGHUP remove the staging folder ([`super::interrupt`]),
//!   and the next build clears staging folders of killed builds.
//! - Nothing is written through a symlink found in the output folder: the
//!   link is replaced by the file or folder the site needs.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::lock::OutputLock;
use super::{interrupt, swap};
use crate::error::{Error, Result};

/// The file marking a folder as guidebook's output.
pub const MARKER: &str = ".guidebook-output";

fn refuse(path: &Path, message: impl Into<String>) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The absolute form of `path`, with symlinks of its existing part resolved.
fn absolute(path: &Path) -> Result<PathBuf> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io(Path::new("."), e))?
            .join(path)
    };
    let path = crate::paths::normalize(&path);
    // Canonicalize the longest existing ancestor, keep the rest as written.
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = existing.canonicalize() {
            let mut out = canon;
            out.extend(rest.iter().rev());
            return Ok(out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return Ok(path),
        }
    }
}

/// Refuse `dest` when replacing it could destroy the book or anything else
/// guidebook did not make. `shown` is the folder as the user named it.
pub fn guard_dest(dest: &Path, book_root: &Path, src: &Path) -> Result<()> {
    let abs = absolute(dest)?;
    let root = absolute(book_root)?;
    let src = absolute(src)?;
    if abs.parent().is_none() {
        return Err(refuse(
            dest,
            "refusing to use the file system root as the output folder",
        ));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && let Ok(home) = absolute(&home)
        && abs == home
    {
        return Err(refuse(
            dest,
            "refusing to use the home folder as the output folder",
        ));
    }
    if root.starts_with(&abs) {
        return Err(refuse(
            dest,
            "the output folder is or contains the book root; choose another --dest-dir or [build] build-dir",
        ));
    }
    if src.starts_with(&abs) || abs.starts_with(&src) {
        return Err(refuse(
            dest,
            "the output folder is, contains or lies inside the source folder; choose another --dest-dir or [build] build-dir",
        ));
    }
    if abs.exists() {
        if !abs.is_dir() {
            return Err(refuse(dest, "the output path exists and is not a folder"));
        }
        if !abs.join(MARKER).is_file() && !is_empty_dir(&abs)? {
            return Err(refuse(
                dest,
                format!(
                    "refusing to replace a folder guidebook did not create (it is not empty and has no {MARKER} file); remove it or choose another --dest-dir"
                ),
            ));
        }
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    Ok(fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .next()
        .is_none())
}

/// `.NAME.previous` beside the output folder `abs` (absolute).
fn previous_of(abs: &Path) -> Option<PathBuf> {
    let name = abs.file_name()?.to_string_lossy().into_owned();
    Some(abs.with_file_name(format!(".{name}.previous")))
}

/// Is `dir` a real folder (not a symlink) that guidebook made?
fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) && dir.join(MARKER).is_file()
}

/// The folder a site is written into. Remembers every file written, so that
/// files of an earlier site in the same folder can be removed afterwards.
#[derive(Debug)]
pub struct SiteDir {
    root: PathBuf,
    written: Mutex<HashSet<PathBuf>>,
    /// Folders (relative to the site) known to be real folders, not links.
    folders: Mutex<HashSet<PathBuf>>,
    /// Replace files by renaming a new file over them, so that a reader
    /// never sees half a file (for a site being served).
    atomic: bool,
}

impl SiteDir {
    pub fn new(root: &Path) -> SiteDir {
        SiteDir {
            root: root.to_path_buf(),
            written: Mutex::new(HashSet::new()),
            folders: Mutex::new(HashSet::new()),
            atomic: false,
        }
    }

    /// A site that is being served: every file is replaced atomically.
    pub fn live(root: &Path) -> SiteDir {
        SiteDir {
            atomic: true,
            ..SiteDir::new(root)
        }
    }

    /// Write `data` to `rel` (relative to the site), creating its folder.
    pub fn write(&self, rel: &Path, data: &[u8]) -> Result<()> {
        let path = self.prepare(rel)?;
        if self.atomic {
            return replace(&path, data);
        }
        if overwrite(&path, data).is_err() {
            // A file left read-only by an earlier site: replace it.
            let _ = fs::remove_file(&path);
            fs::write(&path, data).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// Write `rel` (relative to the site) as `fill` writes it, without
    /// holding the whole file in memory (a site being served still gets it
    /// whole and atomically).
    pub fn write_with(
        &self,
        rel: &Path,
        fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<()> {
        use std::io::Write as _;
        if self.atomic {
            let mut data = Vec::new();
            fill(&mut data)?;
            return self.write(rel, &data);
        }
        let path = self.prepare(rel)?;
        // A new file: an old one may be read-only or hard-linked elsewhere.
        if let Err(e) = fs::remove_file(&path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(Error::io(&path, e));
        }
        let file = fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out)?;
        out.flush().map_err(|e| Error::io(&path, e))
    }

    /// Copy the file `from` to `rel` (relative to the site).
    pub fn copy(&self, from: &Path, rel: &Path) -> Result<()> {
        let path = self.prepare(rel)?;
        if fs::copy(from, &path).is_err() {
            let _ = fs::remove_file(&path);
            fs::copy(from, &path).map_err(|e| Error::io(from, e))?;
        }
        Ok(())
    }

    /// The full path of `rel`, its folder created, recorded as written.
    /// A symlink found at `rel` or at one of its folders is removed (and a
    /// folder made in its place), so that nothing is written through it to
    /// a file outside the site.
    fn prepare(&self, rel: &Path) -> Result<PathBuf> {
        let rel = crate::paths::normalize(rel);
        if interrupt::interrupted() {
            return Err(refuse(&rel, "the build was interrupted"));
        }
        if rel.has_root() || rel.starts_with("..") || rel.as_os_str().is_empty() {
            return Err(refuse(&rel, "refusing to write outside the output folder"));
        }
        if let Some(parent) = rel.parent() {
            self.make_folder(parent)?;
        }
        let path = self.root.join(&rel);
        remove_if_symlink(&path)?;
        self.written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel);
        Ok(path)
    }

    /// Make the folder `rel` of the site, each part of it a real folder.
    fn make_folder(&self, rel: &Path) -> Result<()> {
        if rel.as_os_str().is_empty()
            || self
                .folders
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(rel)
        {
            return Ok(());
        }
        let mut path = self.root.clone();
        for part in rel.components() {
            path.push(part);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => continue,
                Ok(_) => {
                    // A symlink or a file where a folder belongs.
                    if let Err(e) = fs::remove_file(&path)
                        && e.kind() != std::io::ErrorKind::NotFound
                    {
                        return Err(Error::io(&path, e));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            match fs::create_dir(&path) {
                Ok(()) => {}
                // Another thread made it meanwhile.
                Err(e)
                    if e.kind() == std::io::ErrorKind::AlreadyExists
                        && fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        self.folders
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(rel.to_path_buf());
        Ok(())
    }

    /// Remove every file that was not written through this `SiteDir` (except
    /// the marker), then the folders left empty.
    pub fn remove_unwritten(&self) -> Result<()> {
        let written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        let mut folders = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root).min_depth(1) {
            let entry = entry.map_err(|e| Error::Other(format!("{}: {e}", self.root.display())))?;
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            if entry.file_type().is_dir() {
                folders.push(entry.path().to_path_buf());
            } else if rel != Path::new(MARKER) && !written.contains(rel) {
                fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            }
        }
        // Deepest first; a folder that still holds files stays.
        for folder in folders.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
        Ok(())
    }
}

/// Remove `path` when it is a symlink (only the link; what it points to
/// stays as it is).
fn remove_if_symlink(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && let Err(e) = fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// Write `data` over the file at `path` (creating it when missing) without
/// first truncating it to zero, then cut it to length. Emptying a file and
/// writing it again makes some file systems free and reallocate its blocks
/// and flush it on close (ext4's `auto_da_alloc`); writing over it does not.
/// A file with other hard links is replaced rather than written over, so
/// that a hard-linked copy of an old site stays as it was.
fn overwrite(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let open = || {
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
    };
    let mut file = open()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if file.metadata()?.nlink() > 1 {
            drop(file);
            fs::remove_file(path)?;
            file = open()?;
        }
    }
    file.write_all(data)?;
    if file.metadata()?.len() > data.len() as u64 {
        file.set_len(data.len() as u64)?;
    }
    Ok(())
}

/// Replace `path` by a new file with `data`, renamed over it.
fn replace(path: &Path, data: &[u8]) -> Result<()> {
    crate::fsutil::replace(path, data, crate::fsutil::Mode::Public, false)
}

/// A site being rendered into a temporary folder next to its destination.
/// Dropping it without [`Staging::commit`] removes the temporary folder.
/// It holds the output folder's lock (see [`super::lock`]) until then.
#[derive(Debug)]
pub struct Staging {
    dest: PathBuf,
    tmp: Option<tempfile::TempDir>,
    reused: bool,
    interrupt: Option<interrupt::Registration>,
    _lock: OutputLock,
}

impl Staging {
    /// Lock `dest`, then create `.NAME.tmp-XXXX` next to it (creating
    /// `dest`'s parent), taking over `.NAME.previous` when there is one.
    /// Call [`guard_dest`] first.
    pub fn new(dest: &Path) -> Result<Staging> {
        let abs = absolute(dest)?;
        let parent = abs
            .parent()
            .ok_or_else(|| refuse(dest, "the output folder has no parent"))?;
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let lock = OutputLock::acquire(&abs, dest)?;
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "book".into());
        let previous = previous_of(&abs);
        if let Some(previous) = &previous {
            clear_stale(parent, &name, previous);
        }
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.tmp-"))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        // Known to the signal handler before the previous site moves in, so
        // that a signal from here on puts it back (or removes the folder).
        let interrupt = Some(interrupt::register(
            tmp.path(),
            previous.clone(),
            super::lock::lock_path(&abs),
        ));
        // rename(2) replaces the empty temporary folder.
        let reused = previous
            .as_ref()
            .filter(|p| is_ours(p))
            .is_some_and(|previous| fs::rename(previous, tmp.path()).is_ok());
        if !reused {
            fs::write(
                tmp.path().join(MARKER),
                "This folder is generated by guidebook build; it is replaced on every build.\n",
            )
            .map_err(|e| Error::io(tmp.path(), e))?;
        }
        Ok(Staging {
            dest: abs,
            tmp: Some(tmp),
            reused,
            interrupt,
            _lock: lock,
        })
    }

    /// Where to write the site.
    pub fn path(&self) -> &Path {
        self.tmp.as_ref().map(|t| t.path()).unwrap_or(&self.dest)
    }

    /// Does the folder hold an earlier site, to be cleaned with
    /// [`SiteDir::remove_unwritten`] after writing?
    pub fn reused(&self) -> bool {
        self.reused
    }

    /// Swap the rendered site in: exchange it with the old one in one step
    /// (or, where the file system cannot, move the old one aside and the new
    /// one in), then keep the old one as `.NAME.previous` (replacing an
    /// older one).
    pub fn commit(mut self, shown: &Path) -> Result<()> {
        let tmp = self
            .tmp
            .take()
            .expect("staging folder present until commit");
        let interrupt = self
            .interrupt
            .take()
            .expect("staging folder registered until commit");
        // The folder may have changed while rendering: check again.
        if self.dest.exists() && !self.dest.join(MARKER).is_file() && !is_empty_dir(&self.dest)? {
            return Err(refuse(
                shown,
                format!("refusing to replace a folder guidebook did not create (no {MARKER} file)"),
            ));
        }
        let dest = self.dest.clone();
        interrupt.finish(move || swap_in(tmp, &dest))
    }
}

/// Move the site in `tmp` to `dest`; see [`Staging::commit`].
fn swap_in(tmp: tempfile::TempDir, dest: &Path) -> Result<()> {
    let tmp_path = tmp.keep();
    // Where the replaced site goes: `.NAME.previous`, unless something
    // guidebook did not make has that name; then it is deleted.
    let keep_as = previous_of(dest).filter(|p| is_ours(dest) && (!p.exists() || is_ours(p)));
    let dest_exists = fs::symlink_metadata(dest).is_ok();
    let exchanged = dest_exists
        && fs::symlink_metadata(dest).is_ok_and(|m| m.is_dir())
        && swap::exchange(&tmp_path, dest).unwrap_or(false);
    // Where the old site is now.
    let old = if exchanged {
        Some(tmp_path.clone())
    } else {
        let aside = if dest_exists {
            let name = tmp_path
                .file_name()
                .map(|n| n.to_string_lossy().replace(".tmp-", ".old-"))
                .unwrap_or_default();
            let aside = tmp_path.with_file_name(name);
            if let Err(e) = fs::rename(dest, &aside) {
                let _ = fs::remove_dir_all(&tmp_path);
                return Err(Error::io(dest, e));
            }
            Some(aside)
        } else {
            None
        };
        if let Err(e) = fs::rename(&tmp_path, dest) {
            if let Some(aside) = &aside {
                let _ = fs::rename(aside, dest);
            }
            let _ = fs::remove_dir_all(&tmp_path);
            return Err(Error::io(dest, e));
        }
        aside
    };
    let Some(old) = old else { return Ok(()) };
    match keep_as {
        Some(previous) => {
            if previous.exists() {
                fs::remove_dir_all(&previous).map_err(|e| Error::io(&previous, e))?;
            }
            fs::rename(&old, &previous).map_err(|e| Error::io(&old, e))
        }
        None => fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e)),
    }
}

/// Staging folders of builds that were killed (`.NAME.tmp-*`, and the old
/// sites of unfinished swaps, `.NAME.old-*`): the first one carrying the
/// [`MARKER`] becomes `.NAME.previous` when there is none, to be rewritten;
/// the others are removed, and so are empty ones. Call it holding the lock.
fn clear_stale(parent: &Path, name: &str, previous: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if !prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            continue;
        }
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if !is_ours(&path) {
            // Made by tempfile, killed before its marker was written.
            let _ = fs::remove_dir(&path);
            continue;
        }
        if fs::symlink_metadata(previous).is_err() && fs::rename(&path, previous).is_ok() {
            continue;
        }
        let _ = fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sorted names in `dir`.
    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mybook");
        let src = root.join("content");
        fs::create_dir_all(&src).unwrap();
        (dir, root, src)
    }

    #[test]
    fn refuses_book_root_source_and_their_parents() {
        let (dir, root, src) = setup();
        for bad in [
            root.clone(),
            src.clone(),
            dir.path().to_path_buf(),
            src.join("site"),
            root.join("content/../content"),
            PathBuf::from("/"),
        ] {
            assert!(guard_dest(&bad, &root, &src).is_err(), "{}", bad.display());
        }
        assert!(guard_dest(&root.join("book"), &root, &src).is_ok());
    }

    #[test]
    fn refuses_unmarked_non_empty_folder_only() {
        let (_dir, root, src) = setup();
        let dest = root.join("book");
        fs::create_dir_all(&dest).unwrap();
        assert!(
            guard_dest(&dest, &root, &src).is_ok(),
            "empty folder is fine"
        );
        fs::write(dest.join("notes.txt"), "mine").unwrap();
        let e = guard_dest(&dest, &root, &src).unwrap_err().to_string();
        assert!(e.contains("did not create"), "{e}");
        fs::write(dest.join(MARKER), "").unwrap();
        assert!(guard_dest(&dest, &root, &src).is_ok());
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let (dir, root, _src) = setup();
        let dest = root.join("book");
        let staging = Staging::new(&dest).unwrap();
        fs::write(staging.path().join("a.html"), "one").unwrap();
        staging.commit(&dest).unwrap();
        assert_eq!(fs::read_to_string(dest.join("a.html")).unwrap(), "one");

        let staging = Staging::new(&dest).unwrap();
        fs::write(staging.path().join("b.html"), "two").unwrap();
        drop(staging);
        assert!(!dest.join("b.html").exists());

        let staging = Staging::new(&dest).unwrap();
        fs::write(staging.path().join("b.html"), "two").unwrap();
        staging.commit(&dest).unwrap();
        assert!(!dest.join("a.html").exists());
        assert!(dest.join("b.html").exists() && dest.join(MARKER).exists());
        assert_eq!(names_in(&root), [".book.previous", "book", "content"]);
        assert_eq!(
            fs::read_to_string(root.join(".book.previous/a.html")).unwrap(),
            "one"
        );
        drop(dir);
    }

    #[test]
    fn the_previous_site_is_reused_and_cleaned() {
        let (_dir, root, _src) = setup();
        let dest = root.join("book");
        for files in [
            &["a.html", "old/x.html"][..],
            &["b.html"],
            &["b.html", "c/d.html"],
        ] {
            let staging = Staging::new(&dest).unwrap();
            let site = SiteDir::new(staging.path());
            for f in files {
                site.write(Path::new(f), f.as_bytes()).unwrap();
            }
            site.remove_unwritten().unwrap();
            staging.commit(&dest).unwrap();
            let mut found: Vec<String> = walkdir::WalkDir::new(&dest)
                .min_depth(1)
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e.path().strip_prefix(&dest).unwrap().to_string_lossy();
                    rel.into_owned()
                })
                .collect();
            found.sort();
            let mut want: Vec<String> = files.iter().map(|f| f.to_string()).collect();
            want.push(MARKER.to_string());
            want.sort();
            assert_eq!(found, want);
            if !files.contains(&"old/x.html") {
                assert!(!dest.join("old").exists(), "empty folder left behind");
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn hard_linked_files_of_an_old_site_stay_as_they_were() {
        let (_dir, root, _src) = setup();
        let dest = root.join("book");
        let backup = root.join("backup.html");
        for text in ["one", "two", "three"] {
            let staging = Staging::new(&dest).unwrap();
            let site = SiteDir::new(staging.path());
            site.write(Path::new("a.html"), text.as_bytes()).unwrap();
            site.remove_unwritten().unwrap();
            staging.commit(&dest).unwrap();
            if text == "one" {
                fs::hard_link(dest.join("a.html"), &backup).unwrap();
            }
            assert_eq!(fs::read_to_string(dest.join("a.html")).unwrap(), text);
        }
        assert_eq!(fs::read_to_string(&backup).unwrap(), "one");
    }

    #[cfg(unix)]
    #[test]
    fn a_streamed_file_is_new_so_a_hard_link_to_the_old_one_stays() {
        let (_dir, root, _src) = setup();
        let site = SiteDir::new(&root);
        site.write(Path::new("p.html"), b"old").unwrap();
        fs::hard_link(root.join("p.html"), root.join("kept.html")).unwrap();
        site.write_with(Path::new("p.html"), |out| {
            out.write_all(b"new, ")
                .and_then(|()| out.write_all(b"in parts"))
                .map_err(|e| Error::io(Path::new("p.html"), e))
        })
        .unwrap();
        assert_eq!(
            fs::read_to_string(root.join("p.html")).unwrap(),
            "new, in parts"
        );
        assert_eq!(fs::read_to_string(root.join("kept.html")).unwrap(), "old");
        let live = SiteDir::live(&root);
        live.write_with(Path::new("q/r.html"), |out| {
            out.write_all(b"whole")
                .map_err(|e| Error::io(Path::new("r"), e))
        })
        .unwrap();
        assert_eq!(fs::read_to_string(root.join("q/r.html")).unwrap(), "whole");
    }

    #[test]
    fn a_previous_folder_without_marker_is_left_alone() {
        let (_dir, root, _src) = setup();
        let dest = root.join("book");
        let previous = root.join(".book.previous");
        fs::create_dir_all(&previous).unwrap();
        fs::write(previous.join("mine.txt"), "keep").unwrap();
        let staging = Staging::new(&dest).unwrap();
        assert!(!staging.reused());
        drop(staging);
        assert_eq!(
            fs::read_to_string(previous.join("mine.txt")).unwrap(),
            "keep"
        );
        // Builds still replace the site; the old one is deleted instead.
        for text in ["one", "two"] {
            let staging = Staging::new(&dest).unwrap();
            fs::write(staging.path().join("a.html"), text).unwrap();
            staging.commit(&dest).unwrap();
            assert_eq!(fs::read_to_string(dest.join("a.html")).unwrap(), text);
        }
        assert_eq!(
            fs::read_to_string(previous.join("mine.txt")).unwrap(),
            "keep"
        );
        assert_eq!(names_in(&root), [".book.previous", "book", "content"]);
    }

    #[test]
    fn staging_folders_of_killed_builds_are_cleared() {
        let (_dir, root, _src) = setup();
        let dest = root.join("book");
        // Two killed builds: one had written its marker, one had not; and
        // a folder of the user's with a similar name.
        for (name, marked) in [(".book.tmp-aaaa", true), (".book.tmp-bbbb", false)] {
            fs::create_dir(root.join(name)).unwrap();
            if marked {
                fs::write(root.join(name).join(MARKER), "").unwrap();
                fs::write(root.join(name).join("half.html"), "half").unwrap();
            }
        }
        fs::create_dir(root.join(".book.old-mine")).unwrap();
        fs::write(root.join(".book.old-mine/notes.txt"), "mine").unwrap();
        let staging = Staging::new(&dest).unwrap();
        assert!(
            staging.reused(),
            "the killed build's site was not taken over"
        );
        let site = SiteDir::new(staging.path());
        site.write(Path::new("a.html"), b"a").unwrap();
        site.remove_unwritten().unwrap();
        staging.commit(&dest).unwrap();
        assert_eq!(names_in(&root), [".book.old-mine", "book", "content"]);
        assert_eq!(names_in(&dest), [MARKER, "a.html"]);
    }
}
