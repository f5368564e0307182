//! Loading a book: `book.toml`, then `SUMMARY.md`, then every page read,
//! the whole book preprocessed ([`crate::preprocess`]: includes and mdBook
//! preprocessors), then each page's one parse.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, LoadedConfig};
use crate::error::{Error, Result};
use crate::markdown::Page;
use crate::paths::{display_path, normalize};
use crate::source::text::read_text;
use crate::source::{RawSource, preprocess};
use crate::summary::{self, SUMMARY_FILE, Summary};

#[derive(Debug)]
pub struct Book {
    /// The book root as the user named it (`.` or a relative path).
    pub root: PathBuf,
    pub config: Config,
    /// Non-fatal findings (ignored mdBook keys, pages not in SUMMARY.md).
    pub warnings: crate::diagnostics::Warnings,
    /// Findings said but never fatal, even in a strict build (an optional
    /// preprocessor that is not installed).
    pub notes: Vec<String>,
    /// The mdBook preprocessors that ran as commands, in order.
    pub preprocessors_ran: Vec<String>,
    pub summary: Summary,
    /// Every non-draft chapter, in reading order.
    pub pages: Vec<Page>,
    by_rel: HashMap<PathBuf, usize>,
}

impl Book {
    /// Load the book at `root`.
    pub fn load(root: &Path) -> Result<Book> {
        let LoadedConfig {
            config,
            mut warnings,
        } = Config::load(root)?;
        let book_src = root.join(&config.book.src);
        let summary_path = book_src.join(SUMMARY_FILE);
        let summary_display = display_path(&summary_path);
        if !summary_path.is_file() {
            return Err(Error::input(
                &summary_display,
                1,
                format!(
                    "no {SUMMARY_FILE} in `{}` (set [book] src in book.toml to the folder holding it)",
                    display_path(&book_src).display()
                ),
            ));
        }
        let summary = summary::parse(&read_text(&summary_path)?, &summary_display)?;

        let mut errors = Vec::new();
        let mut listed: Vec<(PathBuf, usize)> = Vec::new();
        let mut seen = HashMap::new();
        // Output path -> (source path, SUMMARY line) of the page writing it.
        let mut outputs: HashMap<String, (PathBuf, usize)> = HashMap::new();
        for chapter in summary.chapters() {
            let Some(rel) = &chapter.path else { continue };
            let rel = normalize(rel);
            if rel.is_absolute() || rel.starts_with("..") {
                errors.push(Error::input(
                    &summary_display,
                    chapter.line,
                    format!(
                        "chapter `{}` links to `{}`, which is outside the source folder `{}`; pages must live inside it",
                        chapter.title,
                        display_path(&book_src.join(&rel)).display(),
                        display_path(&book_src).display()
                    ),
                ));
                continue;
            }
            if !book_src.join(&rel).is_file() {
                errors.push(Error::input(
                    &summary_display,
                    chapter.line,
                    format!(
                        "chapter `{}` links to `{}`, which does not exist",
                        chapter.title,
                        display_path(&book_src.join(&rel)).display()
                    ),
                ));
                continue;
            }
            if let Some(first) = seen.insert(rel.clone(), chapter.line) {
                errors.push(Error::input(
                    &summary_display,
                    chapter.line,
                    format!("`{}` is already listed at line {first}", rel.display()),
                ));
                continue;
            }
            let url = crate::paths::page_url(&rel);
            if let Some((other, other_line)) = outputs.get(&url) {
                errors.push(Error::input(
                    &summary_display,
                    chapter.line,
                    format!(
                        "`{}` and `{}` (line {other_line}) would both be written to `{url}`; rename one of them",
                        rel.display(),
                        other.display()
                    ),
                ));
                continue;
            }
            outputs.insert(url, (rel.clone(), chapter.line));
            listed.push((rel, chapter.line));
        }
        Error::from_many(errors)?;

        warnings.extend(unlisted_pages(&book_src, &seen));

        let read: Vec<Result<RawSource>> = listed
            .par_iter()
            .map(|(rel, _)| RawSource::read(&book_src, rel))
            .collect();
        let mut raws = Vec::with_capacity(read.len());
        let mut errors = Vec::new();
        for raw in read {
            match raw {
                Ok(r) => raws.push(r),
                Err(e) => errors.push(e),
            }
        }
        Error::from_many(errors)?;
        let done = crate::preprocess::book(root, &config, &summary, raws)?;
        warnings.extend(done.warnings);
        let parsed: Vec<Result<Page>> = done
            .pages
            .into_par_iter()
            .map(Page::from_resolved)
            .collect();
        let mut pages = Vec::with_capacity(parsed.len());
        let mut errors = Vec::new();
        for page in parsed {
            match page {
                Ok(p) => {
                    warnings.extend(p.warnings.iter().cloned());
                    pages.push(p)
                }
                Err(Error::Many(many)) => errors.extend(many),
                Err(e) => errors.push(e),
            }
        }
        Error::from_many(errors)?;
        let by_rel = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.rel.clone(), i))
            .collect();
        Ok(Book {
            root: root.to_path_buf(),
            config,
            warnings,
            notes: done.notes,
            preprocessors_ran: done.ran,
            summary,
            pages,
            by_rel,
        })
    }

    /// The book's source folder (`content/`), as the user would name it.
    pub fn src_dir(&self) -> PathBuf {
        display_path(&self.root.join(&self.config.book.src))
    }

    /// The page at `rel` (relative to the source folder).
    pub fn page(&self, rel: &Path) -> Option<&Page> {
        self.by_rel.get(&normalize(rel)).map(|&i| &self.pages[i])
    }

    /// The reading-order index of the page at `rel` (relative to the source
    /// folder).
    pub fn index_of(&self, rel: &Path) -> Option<usize> {
        self.by_rel.get(&normalize(rel)).copied()
    }

    /// The reading-order indices of the pages whose text was read from the
    /// file at `rel` (relative to the source folder), as their source maps
    /// say: what `serve` renders again when that file changes. Today each
    /// page reads its own file alone; with includes, a file may feed several.
    /// None when preprocessors ran as commands: they see the whole book, so
    /// any change builds it all again.
    pub fn pages_reading(&self, rel: &Path) -> Vec<usize> {
        if !self.preprocessors_ran.is_empty() {
            return Vec::new();
        }
        let own = self.index_of(rel);
        let file = display_path(&self.root.join(&self.config.book.src).join(rel));
        // A page read from its own file alone (every page, until includes)
        // reads no other file: only the page at `rel` needs its map read.
        self.pages
            .iter()
            .enumerate()
            .filter(|(i, page)| Some(*i) == own || !page.source_map().is_identity())
            .filter(|(_, page)| page.source_map().spans().iter().any(|s| s.file == file))
            .map(|(i, _)| i)
            .collect()
    }

    /// The title of the book, or of its summary, or a fallback.
    pub fn title(&self) -> String {
        self.config
            .book
            .title
            .clone()
            .or_else(|| self.summary.title.clone())
            .unwrap_or_else(|| "Book".into())
    }
}

/// The page at `rel` in the source folder `src_dir` on its own: its raw
/// text read, its includes expanded, then parsed once (what `serve` renders
/// again when one page changed; the book's preprocessor commands are not
/// run, see [`Book::pages_reading`]).
pub fn load_page(src_dir: &Path, rel: &Path) -> Result<Page> {
    let raw = RawSource::read(src_dir, rel)?;
    Page::from_resolved(preprocess(raw)?)
}

/// `.md` files under the source folder that SUMMARY.md does not list.
fn unlisted_pages(src: &Path, listed: &HashMap<PathBuf, usize>) -> Vec<String> {
    let mut found = BTreeSet::new();
    for entry in walkdir::WalkDir::new(src)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md")
            && let Ok(rel) = path.strip_prefix(src)
            && rel != Path::new(SUMMARY_FILE)
            && !listed.contains_key(rel)
        {
            found.insert(path.to_path_buf());
        }
    }
    found
        .into_iter()
        .map(|p| {
            format!(
                "{}:1: page is not listed in {SUMMARY_FILE}, so it is neither rendered nor checked",
                display_path(&p).display()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    #[test]
    fn loads_pages_in_summary_order() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("book.toml", "[book]\ntitle = \"B\"\n"),
                (
                    "src/SUMMARY.md",
                    "# Summary\n\n- [One](one.md)\n  - [Two](sub/two.md)\n- [Draft]()\n",
                ),
                ("src/one.md", "# One\n"),
                ("src/sub/two.md", "# Two\n```sh\ntrue\n```\n"),
                ("src/stray.md", "# Stray\n"),
            ],
        );
        let book = Book::load(dir.path()).unwrap();
        assert_eq!(book.pages.len(), 2);
        assert_eq!(book.pages[1].rel, PathBuf::from("sub/two.md"));
        assert_eq!(
            book.page(Path::new("./sub/two.md")).unwrap().blocks.len(),
            1
        );
        assert_eq!(book.warnings.len(), 1);
        assert!(book.warnings[0].ends_with(
            "stray.md:1: page is not listed in SUMMARY.md, so it is neither rendered nor checked"
        ));
    }

    #[test]
    fn a_file_is_read_by_the_pages_its_source_maps_name() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "src/SUMMARY.md",
                    "# S\n\n- [One](one.md)\n- [Two](sub/two.md)\n",
                ),
                ("src/one.md", "# One\n"),
                ("src/sub/two.md", "# Two\n"),
                ("src/other.txt", "x\n"),
            ],
        );
        let book = Book::load(dir.path()).unwrap();
        assert_eq!(book.pages_reading(Path::new("sub/two.md")), [1]);
        assert_eq!(book.pages_reading(Path::new("one.md")), [0]);
        assert!(book.pages_reading(Path::new("other.txt")).is_empty());
    }

    #[test]
    fn with_preprocessors_any_change_builds_the_whole_book() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "book.toml",
                    "[preprocessor.same]\ncommand = \"sh same.sh\"\n",
                ),
                // Prints back the book it reads: [context, book] -> book.
                (
                    "same.sh",
                    "[ \"$1\" = supports ] && exit 0\npython3 -c 'import json,sys; json.dump(json.load(sys.stdin)[1], sys.stdout)'\n",
                ),
                ("src/SUMMARY.md", "# S\n\n- [One](one.md)\n"),
                ("src/one.md", "# One\n"),
            ],
        );
        let book = Book::load(dir.path()).unwrap();
        assert_eq!(book.preprocessors_ran, ["same"]);
        assert!(book.pages[0].source_map().is_identity());
        assert!(book.pages_reading(Path::new("one.md")).is_empty());
    }

    #[test]
    fn normalize_keeps_unfoldable_parents() {
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(normalize(Path::new("a/../../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("/a/../../x")), PathBuf::from("/x"));
        assert_eq!(
            normalize(Path::new("content/../../etc/passwd")),
            PathBuf::from("../etc/passwd")
        );
    }

    #[test]
    fn missing_target_names_summary_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "src/SUMMARY.md",
                    "# Summary\n\n- [One](one.md)\n- [Gone](gone.md)\n",
                ),
                ("src/one.md", "# One\n"),
            ],
        );
        let e = Book::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("SUMMARY.md:4: chapter `Gone` links to"), "{e}");
        assert!(e.ends_with("gone.md`, which does not exist"), "{e}");
    }
}
