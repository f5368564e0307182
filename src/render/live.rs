//! The site as `serve` keeps it: built once, then updated page by page.
//!
//! When only pages listed in SUMMARY.md changed, each is parsed again, the
//! links of the whole book are checked against it (broken ones are
//! warnings, as in a build), and only that page, the
//! search index, the status page (and `index.html` when it copies the first
//! page) are written, each file replaced atomically in the served folder.
//! Any other change (SUMMARY.md, book.toml, the theme, other files) rebuilds
//! the whole site. A failed update changes nothing, on disk or in memory.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::output::SiteDir;
use super::site::Built;
use super::{BuildReport, build_keeping};
use crate::error::{Error, Result};
use crate::options::BuildOptions;
use crate::summary::SUMMARY_FILE;

/// What an update did.
#[derive(Debug)]
pub enum Update {
    /// The whole site was built again.
    Full(BuildReport),
    /// Only these pages (display paths) were rendered again.
    Pages {
        pages: Vec<PathBuf>,
        elapsed: Duration,
        /// The book's broken links after the update, `file:line: ...`.
        warnings: Vec<String>,
    },
    /// Nothing of the book changed (a file came and went, as editors'
    /// temporary files do).
    Nothing,
}

pub struct LiveSite {
    args: BuildOptions,
    built: Built,
    /// The output folder, as the user named it.
    dest: PathBuf,
    /// The source folder, absolute, to recognise changed pages.
    src: PathBuf,
    /// The last full build failed: the next update is a full build too.
    needs_full: bool,
    /// Files of a failed page update, updated again with the next change.
    pending: Vec<PathBuf>,
}

impl LiveSite {
    /// Build the whole site, keeping what a page update needs.
    pub fn build(args: &BuildOptions) -> Result<(LiveSite, BuildReport)> {
        let (report, built) = build_keeping(args)?;
        let src = built.book.root.join(&built.book.config.book.src);
        let src = std::fs::canonicalize(&src).unwrap_or(src);
        let live = LiveSite {
            args: args.clone(),
            built,
            dest: report.dest.clone(),
            src,
            needs_full: false,
            pending: Vec::new(),
        };
        Ok((live, report))
    }

    /// The output folder.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Bring the site up to date after `changed` files changed.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let mut changed = changed.to_vec();
        changed.append(&mut self.pending);
        match self.changed_pages(&changed) {
            Some(pages) if pages.is_empty() && !self.needs_full => Ok(Update::Nothing),
            Some(pages) if !self.needs_full => {
                let outcome = self.update_pages(&pages);
                if outcome.is_err() {
                    self.pending = changed;
                }
                outcome
            }
            _ => match LiveSite::build(&self.args) {
                Ok((live, report)) => {
                    *self = live;
                    Ok(Update::Full(report))
                }
                Err(e) => {
                    self.needs_full = true;
                    Err(e)
                }
            },
        }
    }

    /// The reading-order indices of the changed pages, when the changes are
    /// edits of pages of the book, or files that are gone again and were no
    /// pages (editors' temporary files); `None` when anything else changed.
    fn changed_pages(&self, changed: &[PathBuf]) -> Option<Vec<usize>> {
        let mut pages = Vec::new();
        for path in changed {
            let path = absolute(path)?;
            let reading = path
                .strip_prefix(&self.src)
                .map(|rel| self.built.book.pages_reading(rel))
                .unwrap_or_default();
            if reading.is_empty() {
                if path.exists() || path.ends_with(SUMMARY_FILE) {
                    return None;
                }
            } else if path.is_file() {
                for i in reading {
                    if !pages.contains(&i) {
                        pages.push(i);
                    }
                }
            } else {
                return None;
            }
        }
        Some(pages)
    }

    fn update_pages(&mut self, indices: &[usize]) -> Result<Update> {
        let started = Instant::now();
        let book = &mut self.built.book;
        let src = book.root.join(&book.config.book.src);
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        for &i in indices {
            let rel = book.pages[i].rel.clone();
            match crate::book::load_page(&book.root, &src, &rel) {
                Ok(p) => parsed.push((i, p)),
                Err(Error::Many(many)) => errors.extend(many),
                Err(e) => errors.push(e),
            }
        }
        Error::from_many(errors)?;
        // Swap the new pages in; a broken link is a warning, as in a build,
        // and serve is never strict.
        for (i, page) in parsed {
            book.pages[i] = page;
        }
        let warnings = super::links::validate(book);

        let out = SiteDir::live(&self.dest);
        self.built
            .render_again(indices, &out, self.args.live_reload.as_deref())?;
        Ok(Update::Pages {
            pages: indices
                .iter()
                .map(|&i| self.built.book.pages[i].path.clone())
                .collect(),
            elapsed: started.elapsed(),
            warnings,
        })
    }
}

/// `path` made absolute with its folder's symlinks resolved (as the source
/// folder is), or `None` when its folder does not exist.
fn absolute(path: &Path) -> Option<PathBuf> {
    let parent = std::fs::canonicalize(path.parent()?).ok()?;
    Some(parent.join(path.file_name()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, text: &str) {
        let p = dir.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn book() -> (tempfile::TempDir, BuildOptions) {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [One](one.md)\n- [Two](two.md)\n",
        );
        write(
            dir.path(),
            "src/one.md",
            "# One\n\nSee [two](two.md#two).\n",
        );
        write(dir.path(), "src/two.md", "# Two\n\nSecond page.\n");
        let args = BuildOptions {
            book_dir: dir.path().to_path_buf(),
            dest_dir: Some(dir.path().join("site")),
            checks: None,
            live_reload: None,
            strict: None,
        };
        (dir, args)
    }

    fn modified(path: &Path) -> std::time::SystemTime {
        fs::metadata(path).unwrap().modified().unwrap()
    }

    #[test]
    fn an_edited_page_alone_is_rendered_again() {
        let (dir, args) = book();
        let (mut live, _) = LiveSite::build(&args).unwrap();
        let site = dir.path().join("site");
        let one_before = modified(&site.join("one.html"));
        write(dir.path(), "src/two.md", "# Two\n\nA zanzibar appears.\n");
        let update = live.update(&[dir.path().join("src/two.md")]).unwrap();
        match update {
            Update::Pages { pages, .. } => {
                assert_eq!(pages.len(), 1);
                assert!(pages[0].ends_with("src/two.md"), "{pages:?}");
            }
            other => panic!("a page edit did not update the page: {other:?}"),
        }
        let two = fs::read_to_string(site.join("two.html")).unwrap();
        assert!(two.contains("A zanzibar appears."));
        assert_eq!(modified(&site.join("one.html")), one_before);
        let index = fs::read_to_string(site.join("searchindex.js")).unwrap();
        assert!(index.contains("\"zanzibar\""), "search index not updated");
        let print = fs::read_to_string(site.join("print.html")).unwrap();
        assert!(
            print.contains("A zanzibar appears."),
            "print.html not updated"
        );
        assert!(print.contains("<a href=\"#two\">two</a>"), "{print}");
    }

    #[test]
    fn editor_temporary_files_change_nothing_other_files_rebuild() {
        let (dir, args) = book();
        let (mut live, _) = LiveSite::build(&args).unwrap();
        // vim probes a folder with a file named 4913, then removes it.
        let gone = dir.path().join("src/4913");
        assert!(matches!(live.update(&[gone]).unwrap(), Update::Nothing));
        write(dir.path(), "src/logo.svg", "<svg/>");
        let update = live.update(&[dir.path().join("src/logo.svg")]).unwrap();
        assert!(matches!(update, Update::Full(_)));
        assert!(dir.path().join("site/logo.svg").is_file());
    }

    #[test]
    fn strict_comes_from_book_toml_unless_the_caller_decides() {
        let (dir, mut args) = book();
        write(dir.path(), "book.toml", "[build]\nstrict = true\n");
        write(dir.path(), "src/one.md", "# One\n\nSee [gone](gone.md).\n");
        let e = LiveSite::build(&args).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(
                |e| e.contains("broken link `gone.md`") && e.contains("the build is strict")
            ),
            "{e:?}"
        );
        // serve passes Some(false): it builds, and the link is a warning.
        args.strict = Some(false);
        let (_, report) = LiveSite::build(&args).unwrap();
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    }

    #[test]
    fn a_broken_link_warns_and_summary_edits_rebuild() {
        let (dir, args) = book();
        let (mut live, _) = LiveSite::build(&args).unwrap();
        let site = dir.path().join("site");
        // The anchor `two` that one.md links to goes away: the page is
        // updated and the broken link is a warning.
        write(dir.path(), "src/two.md", "# Renamed\n\nSecond page.\n");
        let Update::Pages { warnings, .. } = live.update(&[dir.path().join("src/two.md")]).unwrap()
        else {
            panic!("a page edit updates pages");
        };
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("one.md:3: broken link `two.md#two`"),
            "{warnings:?}"
        );
        assert!(
            fs::read_to_string(site.join("two.html"))
                .unwrap()
                .contains("Renamed")
        );
        // Fixing the link in one.md leaves no warning.
        write(dir.path(), "src/one.md", "# One\n\nSee [two](two.md).\n");
        let Update::Pages { warnings, .. } = live.update(&[dir.path().join("src/one.md")]).unwrap()
        else {
            panic!("a page edit updates pages");
        };
        assert!(warnings.is_empty(), "{warnings:?}");

        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [Two](two.md)\n- [One](one.md)\n",
        );
        let update = live.update(&[dir.path().join("src/SUMMARY.md")]).unwrap();
        assert!(matches!(update, Update::Full(_)));
        // After a failed full build, a page edit builds everything again.
        write(
            dir.path(),
            "src/SUMMARY.md",
            "# Summary\n\n- [Gone](gone.md)\n",
        );
        assert!(live.update(&[dir.path().join("src/SUMMARY.md")]).is_err());
        assert!(live.update(&[dir.path().join("src/one.md")]).is_err());
    }
}
