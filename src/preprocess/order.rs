//! The order preprocessors run in, as mdBook 0.5 orders them: the built-in
//! `links` and `index` and every `[preprocessor.NAME]` are sorted by their
//! `before`/`after` keys (a topological sort); preprocessors that may run
//! at the same point run in the order of their names (so a preprocessor
//! that says nothing runs before `index` and `links` when its name sorts
//! first, as in mdBook). A name that no preprocessor has is a warning and
//! ignored; a cycle is an error at the line of a table in it.

use topological_sort::TopologicalSort;

use crate::config::{BUILT_IN, Config, PreprocessorTable};
use crate::diagnostics::Warnings;
use crate::error::{Error, Result};

/// One step of the preprocessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// mdBook's `links`: guidebook's include expansion.
    Links,
    /// mdBook's `index`: `README.md` chapters known as `index.md`.
    Index,
    /// A preprocessor run as a command.
    Command(&'a PreprocessorTable),
}

/// The steps of `config`'s preprocessors, in the order they run, and the
/// warnings about their tables.
pub fn sequence(config: &Config) -> Result<(Vec<Step<'_>>, Warnings)> {
    let shown = config.file.shown.display();
    let tables = &config.preprocessors;
    let exists = |name: &str| BUILT_IN.contains(&name) || tables.iter().any(|t| t.name == name);
    let mut warnings = Vec::new();
    let mut sort = TopologicalSort::<String>::new();
    for name in BUILT_IN {
        sort.insert(name.to_string());
    }
    for table in tables {
        sort.insert(table.name.clone());
        for (key, others) in [("before", &table.before), ("after", &table.after)] {
            for other in others {
                if !exists(other) {
                    warnings.push(format!(
                        "{shown}:{}: preprocessor.{}.{key} names `{other}`, which is no preprocessor of this book; ignored",
                        table.line, table.name
                    ));
                } else if key == "before" {
                    sort.add_dependency(table.name.clone(), other.clone());
                } else {
                    sort.add_dependency(other.clone(), table.name.clone());
                }
            }
        }
        if table.is_built_in()
            && let Some(toml::Value::Table(t)) = config.preprocessor.get(&table.name)
            && t.contains_key("command")
        {
            warnings.push(format!(
                "{shown}:{}: preprocessor `{}` is built in; its command `{}` is not run",
                table.line, table.name, table.command
            ));
        }
    }
    let mut steps = Vec::new();
    loop {
        let mut names = sort.pop_all();
        if names.is_empty() {
            break;
        }
        names.sort();
        for name in names {
            let step = match name.as_str() {
                "links" => Step::Links,
                "index" => Step::Index,
                _ => match tables.iter().find(|t| t.name == name) {
                    Some(table) => Step::Command(table),
                    None => continue,
                },
            };
            steps.push(step);
        }
    }
    if !sort.is_empty() {
        let placed = |name: &str| {
            steps.iter().any(|s| match s {
                Step::Links => name == "links",
                Step::Index => name == "index",
                Step::Command(t) => t.name == name,
            })
        };
        let mut cycle: Vec<&PreprocessorTable> =
            tables.iter().filter(|t| !placed(&t.name)).collect();
        cycle.sort_by_key(|t| t.line);
        let names: Vec<String> = cycle.iter().map(|t| format!("`{}`", t.name)).collect();
        let line = cycle.first().map_or(1, |t| t.line);
        return Err(Error::input(
            &config.file.shown,
            line,
            format!(
                "the before/after keys of preprocessors {} make a cycle, so none of them can run first",
                names.join(", ")
            ),
        ));
    }
    Ok((steps, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn names(toml: &str) -> Result<Vec<String>> {
        let config = Config::parse(toml, Path::new("book.toml"))?.config;
        let (steps, _) = sequence(&config)?;
        Ok(steps
            .iter()
            .map(|s| match s {
                Step::Links => "links".to_string(),
                Step::Index => "index".to_string(),
                Step::Command(t) => t.name.clone(),
            })
            .collect())
    }

    #[test]
    fn ties_run_in_the_order_of_their_names_as_in_mdbook() {
        assert_eq!(names("").unwrap(), ["index", "links"]);
        assert_eq!(
            names("[preprocessor.zed]\n[preprocessor.admonish]\n").unwrap(),
            ["admonish", "index", "links", "zed"]
        );
    }

    #[test]
    fn before_and_after_place_a_preprocessor() {
        assert_eq!(
            names("[preprocessor.admonish]\nafter = [\"links\"]\n").unwrap(),
            ["index", "links", "admonish"]
        );
        assert_eq!(
            names("[preprocessor.b]\nbefore = [\"a\"]\n[preprocessor.a]\n").unwrap(),
            ["b", "index", "links", "a"]
        );
        assert_eq!(
            names("[preprocessor.zed]\nbefore = [\"index\"]\n").unwrap(),
            ["links", "zed", "index"]
        );
    }

    #[test]
    fn an_unknown_name_is_a_warning() {
        let config = Config::parse(
            "[preprocessor.a]\nafter = [\"gone\"]\n",
            Path::new("book.toml"),
        )
        .unwrap()
        .config;
        let (steps, warnings) = sequence(&config).unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(
            warnings,
            [
                "book.toml:1: preprocessor.a.after names `gone`, which is no preprocessor of this book; ignored"
            ]
        );
    }

    #[test]
    fn a_cycle_is_an_error_at_a_table_of_it() {
        let e = names("[book]\n\n[preprocessor.a]\nafter = [\"b\"]\n\n[preprocessor.b]\nafter = [\"a\"]\n[preprocessor.c]\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "book.toml:3: the before/after keys of preprocessors `a`, `b` make a cycle, so none of them can run first"
        );
    }
}
