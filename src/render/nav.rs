//! The navigation of the site from SUMMARY.md: the sidebar tree (parts,
//! chapters, separators, section numbers), each page's URL and title, and the
//! previous/next links of the reading order.
//!
//! In books with more than [`COLLAPSE_ABOVE`] chapters, a page's sidebar
//! lists children only under the parts and chapters leading to that page,
//! so the sidebar (repeated on every page) stays small and the build time
//! grows linearly with the number of pages. A collapsed part then carries
//! the URL of its first page.
//!
//! With `[output.html.fold] enable`, as in mdBook, a chapter's sections are
//! folded unless the chapter is less than `level` deep (1 for a top-level
//! chapter; level 0 folds every chapter), and the chapters leading to the
//! current page are open; each chapter with sections has a toggle.

use serde::Serialize;

use crate::config::FoldConfig;
use crate::paths::page_url;
use crate::summary::{Chapter, Summary, SummaryItem};

pub const COLLAPSE_ABOVE: usize = 300;

/// One entry of the sidebar, as built once for the whole book.
#[derive(Debug, Clone)]
struct Entry {
    kind: &'static str,
    title: String,
    url: Option<String>,
    number: Option<String>,
    children: Vec<Entry>,
    /// Reading-order indices of the pages in this entry's subtree.
    pages: std::ops::Range<usize>,
}

/// The sidebar as one page's template sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NavItem {
    pub kind: &'static str,
    pub title: String,
    pub url: Option<String>,
    pub number: Option<String>,
    pub current: bool,
    pub active: bool,
    /// Its sections can be folded (`[output.html.fold] enable`).
    pub foldable: bool,
    /// Its sections are shown (always, unless folding is on).
    pub expanded: bool,
    pub children: Vec<NavItem>,
}

/// A page in reading order.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Nav {
    entries: Vec<Entry>,
    /// Every non-draft chapter in reading order (the order of `Book::pages`).
    pub pages: Vec<NavLink>,
    collapse: bool,
    fold: FoldConfig,
}

impl Nav {
    pub fn new(summary: &Summary, numbered: bool, fold: &FoldConfig) -> Nav {
        let mut pages = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut part: Option<Entry> = None;
        for item in &summary.items {
            match item {
                SummaryItem::PartTitle { title, .. } => {
                    entries.extend(part.take());
                    part = Some(Entry {
                        kind: "part",
                        title: title.clone(),
                        url: None,
                        number: None,
                        children: Vec::new(),
                        pages: pages.len()..pages.len(),
                    });
                }
                SummaryItem::Chapter(c) => {
                    let entry = chapter(c, numbered, &mut pages);
                    match part.as_mut() {
                        Some(p) if c.number.is_some() => {
                            p.pages.end = entry.pages.end;
                            p.children.push(entry);
                        }
                        _ => {
                            entries.extend(part.take());
                            entries.push(entry);
                        }
                    }
                }
                SummaryItem::Separator => {
                    entries.extend(part.take());
                    entries.push(Entry {
                        kind: "separator",
                        title: String::new(),
                        url: None,
                        number: None,
                        children: Vec::new(),
                        pages: pages.len()..pages.len(),
                    });
                }
            }
        }
        entries.extend(part.take());
        let chapters = summary.chapters().len();
        Nav {
            entries,
            pages,
            collapse: chapters > COLLAPSE_ABOVE,
            fold: fold.clone(),
        }
    }

    /// The sidebar of the page at reading-order index `current` (none for
    /// pages outside the summary, like the 404 page).
    pub fn view(&self, current: Option<usize>) -> Vec<NavItem> {
        fn walk(
            nav: &Nav,
            entries: &[Entry],
            current: Option<usize>,
            depth: usize,
        ) -> Vec<NavItem> {
            let collapse = nav.collapse;
            entries
                .iter()
                .map(|e| {
                    let active = current.is_some_and(|c| e.pages.contains(&c));
                    let is_current =
                        e.kind == "chapter" && e.url.is_some() && current == Some(e.pages.start);
                    let show = !collapse || active;
                    let url = match e.kind {
                        "part" if !show => nav.pages.get(e.pages.start).map(|p| p.url.clone()),
                        _ => e.url.clone(),
                    };
                    // A part holds top-level chapters: it adds no depth.
                    let inner = if e.kind == "part" { depth } else { depth + 1 };
                    let children = if show {
                        walk(nav, &e.children, current, inner)
                    } else {
                        Vec::new()
                    };
                    let foldable = nav.fold.enable
                        && e.kind == "chapter"
                        && children.iter().any(|c| c.kind == "chapter");
                    NavItem {
                        kind: e.kind,
                        title: e.title.clone(),
                        url,
                        number: e.number.clone(),
                        current: is_current,
                        active,
                        foldable,
                        expanded: !foldable || depth < usize::from(nav.fold.level) || active,
                        children,
                    }
                })
                .collect()
        }
        walk(self, &self.entries, current, 0)
    }

    pub fn prev(&self, index: usize) -> Option<&NavLink> {
        index.checked_sub(1).and_then(|i| self.pages.get(i))
    }

    pub fn next(&self, index: usize) -> Option<&NavLink> {
        self.pages.get(index + 1)
    }
}

fn chapter(c: &Chapter, numbered: bool, pages: &mut Vec<NavLink>) -> Entry {
    let start = pages.len();
    let url = c.path.as_deref().map(page_url);
    if let Some(url) = &url {
        pages.push(NavLink {
            title: c.title.clone(),
            url: url.clone(),
        });
    }
    let children = c
        .children
        .iter()
        .filter_map(|item| match item {
            SummaryItem::Chapter(child) => Some(chapter(child, numbered, pages)),
            SummaryItem::Separator => Some(Entry {
                kind: "separator",
                title: String::new(),
                url: None,
                number: None,
                children: Vec::new(),
                pages: pages.len()..pages.len(),
            }),
            SummaryItem::PartTitle { .. } => None,
        })
        .collect();
    Entry {
        kind: "chapter",
        title: c.title.clone(),
        url,
        number: c
            .number
            .as_ref()
            .filter(|_| numbered)
            .map(|n| n.iter().map(|x| format!("{x}.")).collect()),
        children,
        pages: start..pages.len(),
    }
}

/// The prefix leading from the page at `url` back to the site root.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn summary() -> Summary {
        crate::summary::parse(
            "# S\n\n[Intro](README.md)\n\n# Part\n\n- [A](a.md)\n  - [A1](a/one.md)\n  - [Draft]()\n- [B](b.md)\n\n---\n\n[End](end.md)\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap()
    }

    #[test]
    fn urls_and_roots() {
        assert_eq!(page_url(Path::new("fix/lockfile.md")), "fix/lockfile.html");
        assert_eq!(page_url(Path::new("README.md")), "index.html");
        assert_eq!(page_url(Path::new("./a/README.md")), "a/index.html");
        assert_eq!(root_of("fix/lockfile.html"), "../");
        assert_eq!(root_of("index.html"), "");
    }

    #[test]
    fn tree_numbers_and_flags() {
        let nav = Nav::new(&summary(), true, &FoldConfig::default());
        let urls: Vec<_> = nav.pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(
            urls,
            ["index.html", "a.html", "a/one.html", "b.html", "end.html"]
        );
        let view = nav.view(Some(2));
        let kinds: Vec<_> = view.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ["chapter", "part", "separator", "chapter"]);
        let part = &view[1];
        assert!(part.active);
        let a = &part.children[0];
        assert_eq!(a.number.as_deref(), Some("1."));
        assert!(a.active && !a.current);
        assert!(a.children[0].current);
        assert_eq!(a.children[0].number.as_deref(), Some("1.1."));
        assert_eq!(a.children[1].url, None);
        assert!(!part.children[1].active);
        assert_eq!(nav.prev(2).unwrap().title, "A");
        assert_eq!(nav.next(2).unwrap().title, "B");
        assert!(nav.next(4).is_none());
    }

    #[test]
    fn big_books_collapse_to_the_current_path() {
        let mut text = String::from("# S\n\n# One\n\n");
        for i in 0..200 {
            text.push_str(&format!(
                "- [C{i}](one/c{i}.md)\n  - [S{i}](one/c{i}/s.md)\n"
            ));
        }
        text.push_str("\n# Two\n\n- [Last](two/last.md)\n");
        let summary = crate::summary::parse(&text, Path::new("SUMMARY.md")).unwrap();
        let nav = Nav::new(&summary, true, &FoldConfig::default());
        let view = nav.view(Some(3)); // one/c1/s.md
        let one = &view[0];
        assert_eq!(one.children.len(), 200);
        assert_eq!(one.children[0].children.len(), 0);
        assert!(one.children[1].children[0].current);
        let two = &view[1];
        assert!(two.children.is_empty());
        assert_eq!(two.url.as_deref(), Some("two/last.html"));
    }

    #[test]
    fn fold_closes_sections_below_the_level_but_not_the_current_path() {
        let text = "# S\n\n- [A](a.md)\n  - [A1](a/one.md)\n    - [A1x](a/one/x.md)\n- [B](b.md)\n  - [B1](b/one.md)\n- [C](c.md)\n";
        let summary = crate::summary::parse(text, Path::new("SUMMARY.md")).unwrap();
        let fold = |enable, level| FoldConfig { enable, level };
        let flags = |item: &NavItem| (item.title.clone(), item.foldable, item.expanded);

        let view = Nav::new(&summary, true, &fold(true, 0)).view(Some(4)); // b/one.md
        assert_eq!(flags(&view[0]), ("A".into(), true, false));
        assert_eq!(flags(&view[0].children[0]), ("A1".into(), true, false));
        assert_eq!(
            flags(&view[1]),
            ("B".into(), true, true),
            "on the current path"
        );
        assert_eq!(flags(&view[2]), ("C".into(), false, true), "no sections");
        assert_eq!(
            view[0].children[0].children.len(),
            1,
            "folded, still listed"
        );

        let view = Nav::new(&summary, true, &fold(true, 1)).view(None);
        assert_eq!(flags(&view[0]), ("A".into(), true, true));
        assert_eq!(flags(&view[0].children[0]), ("A1".into(), true, false));

        let view = Nav::new(&summary, true, &fold(false, 0)).view(None);
        assert!(view.iter().all(|i| !i.foldable && i.expanded));
    }

    #[test]
    fn numbers_can_be_hidden() {
        let nav = Nav::new(&summary(), false, &FoldConfig::default());
        assert_eq!(nav.view(None)[1].children[0].number, None);
    }
}
