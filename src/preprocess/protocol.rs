//! The JSON of mdBook 0.5's preprocessor protocol, in the types of the
//! `mdbook-preprocessor` crate: the `[context, book]` pair a preprocessor
//! reads on stdin, and the book it prints back.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_preprocessor::config::Config as MdBookConfig;
use serde::Deserialize;

use crate::paths::normalize;
use crate::summary::{Summary, SummaryItem};

/// The renderer guidebook is to preprocessors: mdBook's HTML one.
pub const RENDERER: &str = "html";

/// The keys of book.toml that mdBook 0.5 knows, per table; `output` and
/// `preprocessor` are passed whole. guidebook's own keys (`[check]`,
/// `[build] strict` ...) are left out, as mdBook would refuse them.
const MDBOOK_KEYS: &[(&str, Option<&[&str]>)] = &[
    (
        "book",
        Some(&[
            "title",
            "authors",
            "description",
            "src",
            "language",
            "text-direction",
        ]),
    ),
    (
        "build",
        Some(&[
            "build-dir",
            "create-missing",
            "use-default-preprocessors",
            "extra-watch-dirs",
        ]),
    ),
    ("rust", Some(&["edition"])),
    ("output", None),
    ("preprocessor", None),
];

/// mdBook's configuration of the book.toml text `text`: the keys mdBook
/// knows, read by mdBook's own type. `Err` says why it cannot be read.
pub fn mdbook_config(text: &str) -> Result<MdBookConfig, String> {
    let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    table.retain(
        |key, value| match MDBOOK_KEYS.iter().find(|(k, _)| *k == key) {
            None => false,
            Some((_, None)) => true,
            Some((_, Some(known))) => {
                if let toml::Value::Table(inner) = value {
                    inner.retain(|k, _| known.contains(&k));
                }
                true
            }
        },
    );
    MdBookConfig::deserialize(toml::Value::Table(table)).map_err(|e| e.message().to_string())
}

/// The context of the book at `root` for the HTML renderer; a relative
/// root is joined to the current folder, as mdBook's command line joins it
/// (`.` stays: `/home/me/book/.`).
pub fn context(root: &Path, config: MdBookConfig) -> PreprocessorContext {
    let root = match std::env::current_dir() {
        Ok(here) if root.is_relative() => here.join(root),
        _ => root.to_path_buf(),
    };
    PreprocessorContext::new(root, config, RENDERER.to_string())
}

/// mdBook's book of `summary`, each chapter's content from `texts` (by its
/// path in the source folder). With `index_ran`, a `README.md` chapter's
/// `path` is `index.md`, as after mdBook's `index` preprocessor.
pub fn book(summary: &Summary, texts: &HashMap<PathBuf, &str>, index_ran: bool) -> Book {
    Book::new_with_items(book_items(&summary.items, &[], texts, index_ran))
}

fn book_items(
    items: &[SummaryItem],
    parents: &[String],
    texts: &HashMap<PathBuf, &str>,
    index_ran: bool,
) -> Vec<BookItem> {
    items
        .iter()
        .map(|item| match item {
            SummaryItem::PartTitle { title, .. } => BookItem::PartTitle(title.clone()),
            SummaryItem::Separator => BookItem::Separator,
            SummaryItem::Chapter(c) => {
                let mut inner = parents.to_vec();
                inner.push(c.title.clone());
                let sub_items = book_items(&c.children, &inner, texts, index_ran);
                let Some(rel) = &c.path else {
                    return BookItem::Chapter(Chapter {
                        number: c.number.clone().map(SectionNumber::new),
                        sub_items,
                        ..Chapter::new_draft(&c.title, parents.to_vec())
                    });
                };
                let rel = normalize(rel);
                let content = texts.get(&rel).copied().unwrap_or_default().to_string();
                let path = if index_ran && is_readme(&rel) {
                    rel.with_file_name("index.md")
                } else {
                    rel.clone()
                };
                BookItem::Chapter(Chapter {
                    name: c.title.clone(),
                    content,
                    number: c.number.clone().map(SectionNumber::new),
                    sub_items,
                    path: Some(path),
                    source_path: Some(rel),
                    parent_names: parents.to_vec(),
                })
            }
        })
        .collect()
}

/// `README.md` in any case, as mdBook's `index` preprocessor matches it.
fn is_readme(rel: &Path) -> bool {
    rel.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
}

/// The `[context, book]` JSON a preprocessor reads.
pub fn input(ctx: &PreprocessorContext, book: &Book) -> Vec<u8> {
    // Serializing these types to memory cannot fail: every map key is a
    // string.
    serde_json::to_vec(&(ctx, book)).unwrap_or_default()
}

/// The book a preprocessor printed.
pub fn output(stdout: &[u8]) -> Result<Book, serde_json::Error> {
    serde_json::from_slice(stdout)
}

/// A chapter of a book printed back: the path that names its file (its
/// `source_path`, else its `path`), its name and content.
pub struct Returned<'a> {
    pub rel: Option<PathBuf>,
    pub name: &'a str,
    pub content: &'a str,
}

/// Every chapter of `book`, drafts included, in reading order.
pub fn chapters(book: &Book) -> Vec<Returned<'_>> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(c) => Some(Returned {
                rel: c
                    .source_path
                    .as_ref()
                    .or(c.path.as_ref())
                    .map(|p| normalize(p)),
                name: &c.name,
                content: &c.content,
            }),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_keeps_mdbook_keys_and_drops_guidebooks() {
        let c = mdbook_config(
            "[book]\ntitle = \"T\"\nsrc = \"content\"\n[build]\nstrict = true\nbuild-dir = \"out\"\n[check]\ntimeout = 5\n[preprocessor.x]\ncommand = \"x\"\nown = 1\n[output.html]\nfold.enable = true\n",
        )
        .unwrap();
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["book"]["title"], "T");
        assert_eq!(json["book"]["src"], "content");
        assert_eq!(json["build"]["build-dir"], "out");
        assert!(json["build"].get("strict").is_none(), "{json}");
        assert!(json.get("check").is_none(), "{json}");
        assert_eq!(json["preprocessor"]["x"]["own"], 1);
        assert_eq!(json["output"]["html"]["fold"]["enable"], true);
    }

    #[test]
    fn book_follows_the_summary_and_index_renames_readme() {
        let summary = crate::summary::parse(
            "# S\n\n[Intro](README.md)\n\n# Part\n\n- [One](one.md)\n  - [Two](sub/two.md)\n  - [Draft]()\n\n---\n",
            Path::new("SUMMARY.md"),
        )
        .unwrap();
        let texts: HashMap<PathBuf, &str> = [
            (PathBuf::from("README.md"), "# Intro\n"),
            (PathBuf::from("one.md"), "# One\n"),
            (PathBuf::from("sub/two.md"), "# Two\n"),
        ]
        .into_iter()
        .collect();
        let json = serde_json::to_value(book(&summary, &texts, true)).unwrap();
        let items = &json["items"];
        assert_eq!(items[0]["Chapter"]["path"], "index.md");
        assert_eq!(items[0]["Chapter"]["source_path"], "README.md");
        assert_eq!(items[1]["PartTitle"], "Part");
        let one = &items[2]["Chapter"];
        assert_eq!(one["number"], serde_json::json!([1]));
        let two = &one["sub_items"][0]["Chapter"];
        assert_eq!(two["content"], "# Two\n");
        assert_eq!(two["parent_names"], serde_json::json!(["One"]));
        assert_eq!(two["number"], serde_json::json!([1, 1]));
        let draft = &one["sub_items"][1]["Chapter"];
        assert!(draft["path"].is_null());
        assert_eq!(items[3], "Separator");
        let json = serde_json::to_value(book(&summary, &texts, false)).unwrap();
        assert_eq!(json["items"][0]["Chapter"]["path"], "README.md");
    }
}
