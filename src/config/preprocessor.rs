//! The `[preprocessor.NAME]` tables: mdBook's keys of each (`command`,
//! `before`, `after`, `renderers`, `optional`), read with the line of the
//! table. Any other key is the preprocessor's own and is passed to it as
//! mdBook passes it, in the configuration of the context.

use serde::Deserialize;

use super::Config;
use crate::error::Error;

/// The names of mdBook's built-in preprocessors. guidebook does their work
/// itself (`links`: includes, in the source stage; `index`: `README.md`
/// pages written as `index.html`), so a table of that name only places
/// them among the others; it never names a command to run.
pub const BUILT_IN: &[&str] = &["links", "index"];

/// One `[preprocessor.NAME]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreprocessorTable {
    pub name: String,
    /// The command line, split as a shell splits words (no shell runs it);
    /// `mdbook-NAME` when the table gives none, as in mdBook.
    pub command: String,
    /// Preprocessors this one runs before.
    pub before: Vec<String>,
    /// Preprocessors this one runs after.
    pub after: Vec<String>,
    /// The renderers it runs for; `None`: ask it (`COMMAND supports html`).
    pub renderers: Option<Vec<String>>,
    /// A missing command is only a note, never a warning.
    pub optional: bool,
    /// The line of `[preprocessor.NAME]` in book.toml.
    pub line: usize,
}

impl PreprocessorTable {
    /// Is this one of mdBook's built-in preprocessors?
    pub fn is_built_in(&self) -> bool {
        BUILT_IN.contains(&self.name.as_str())
    }
}

#[derive(Deserialize)]
struct Keys {
    command: Option<String>,
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    renderers: Option<Vec<String>>,
    #[serde(default)]
    optional: bool,
}

/// Read every `[preprocessor.NAME]` table of `config` into
/// `config.preprocessors`; a key of the wrong type is an error at the
/// table's line.
pub(super) fn read(config: &mut Config, errors: &mut Vec<Error>) {
    let mut tables = Vec::new();
    for (name, value) in &config.preprocessor {
        let line = config.file.key_line(&["preprocessor", name]);
        match Keys::deserialize(value.clone()) {
            Ok(keys) => tables.push(PreprocessorTable {
                command: keys.command.unwrap_or_else(|| format!("mdbook-{name}")),
                name: name.clone(),
                before: keys.before,
                after: keys.after,
                renderers: keys.renderers,
                optional: keys.optional,
                line,
            }),
            Err(e) => errors.push(Error::input(
                &config.file.shown,
                line,
                format!("[preprocessor.{name}]: {}", e.message().trim()),
            )),
        }
    }
    config.preprocessors = tables;
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    #[test]
    fn reads_mdbook_keys_and_keeps_the_line() {
        let c = Config::parse(
            "[book]\ntitle = \"T\"\n\n[preprocessor.toc]\ncommand = \"./toc.py --x\"\nafter = [\"links\"]\nmarker = \"<!-- toc -->\"\n\n[preprocessor.admonish]\noptional = true\nrenderers = [\"html\"]\n",
            Path::new("book.toml"),
        )
        .unwrap()
        .config;
        let [admonish, toc] = c.preprocessors.as_slice() else {
            panic!("{:?}", c.preprocessors)
        };
        assert_eq!(toc.command, "./toc.py --x");
        assert_eq!(toc.after, ["links"]);
        assert_eq!(toc.line, 4);
        assert!(!toc.optional);
        assert_eq!(admonish.command, "mdbook-admonish");
        assert_eq!(
            admonish.renderers.as_deref(),
            Some(&["html".to_string()][..])
        );
        assert!(admonish.optional);
        assert_eq!(admonish.line, 9);
    }

    #[test]
    fn a_key_of_the_wrong_type_names_the_table_line() {
        let e = Config::parse(
            "[preprocessor.x]\nbefore = \"links\"\n",
            Path::new("book.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("book.toml:1: [preprocessor.x]: invalid type"),
            "{e}"
        );
    }
}
