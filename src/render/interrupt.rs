//! Ctrl-C, SIGTERM or SIGHUP during a build: the staging folder does not
//! stay behind. Its half-written site becomes `.NAME.previous` when there is
//! none (the next build rewrites it, as it would the previous site), else
//! it is deleted; then the process exits with 130, as after SIGINT.
//!
//! A swap in progress finishes first: [`Registration::finish`] holds the
//! list of staging folders while it runs, and the handler waits for it.
//! A build killed with SIGKILL leaves its staging folder; the next build
//! into the same folder removes it (see `output::Staging::new`).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once};

/// A staging folder being written, and where its site goes when the build
/// is interrupted.
#[derive(Debug, Clone)]
struct Active {
    id: u64,
    staging: PathBuf,
    previous: Option<PathBuf>,
    /// The output folder's lock file, removed (still locked) on the way out.
    lock: Option<PathBuf>,
}

static ACTIVE: Mutex<Vec<Active>> = Mutex::new(Vec::new());
static NEXT_ID: Mutex<u64> = Mutex::new(0);
static HANDLER: Once = Once::new();

fn active() -> MutexGuard<'static, Vec<Active>> {
    ACTIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A staging folder known to the signal handler until dropped or finished.
#[derive(Debug)]
pub struct Registration {
    id: u64,
}

/// Tell the signal handler about `staging`; on a signal its site is moved
/// to `previous` (when given and free) or deleted, and the `lock` file is
/// removed.
pub fn register(staging: &Path, previous: Option<PathBuf>, lock: Option<PathBuf>) -> Registration {
    install();
    let id = {
        let mut next = NEXT_ID.lock().unwrap_or_else(|p| p.into_inner());
        *next += 1;
        *next
    };
    active().push(Active {
        id,
        staging: staging.to_path_buf(),
        previous,
        lock,
    });
    Registration { id }
}

impl Registration {
    /// Run `swap` with signals held off: the handler waits until it is done,
    /// and no longer touches the staging folder afterwards.
    pub fn finish<R>(self, swap: impl FnOnce() -> R) -> R {
        let mut list = active();
        list.retain(|a| a.id != self.id);
        std::mem::forget(self);
        swap()
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        active().retain(|a| a.id != self.id);
    }
}

fn install() {
    HANDLER.call_once(|| {
        // Fails only when the process set a handler already (docs-check's
        // own); that one ends the process as well.
        let _ = ctrlc::set_handler(|| {
            let list = active();
            for a in list.iter() {
                put_away(a);
            }
            if !list.is_empty() {
                eprintln!("guidebook: interrupted; the unfinished site was removed");
            }
            std::process::exit(130);
        });
    });
}

/// Move the staging folder of `a` to its `previous` place, or delete it;
/// remove the lock file.
fn put_away(a: &Active) {
    move_or_remove(a);
    if let Some(lock) = &a.lock {
        let _ = fs::remove_file(lock);
    }
}

fn move_or_remove(a: &Active) {
    if let Some(previous) = &a.previous
        && fs::symlink_metadata(previous).is_err()
        && fs::rename(&a.staging, previous).is_ok()
    {
        return;
    }
    // Worker threads may still be adding files: try a few times.
    for _ in 0..10 {
        if fs::remove_dir_all(&a.staging).is_ok() || !a.staging.exists() {
            return;
        }
    }
}
