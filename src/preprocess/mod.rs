//! mdBook preprocessors, run by mdBook 0.5's protocol on the whole book,
//! between reading the pages and parsing them.
//!
//! The steps run in mdBook's order ([`order`]): `links` is guidebook's
//! include expansion ([`crate::source::preprocess`]), `index` names
//! `README.md` chapters `index.md` for the preprocessors after it (the site
//! writes them as `index.html` anyway), and each `[preprocessor.NAME]` is a
//! command ([`run`]) asked `supports html`, then given the `[context,
//! book]` JSON ([`protocol`]) and read back. A chapter whose text a
//! preprocessor changed gets a new source map ([`map`]): lines it kept
//! point where they came from, lines it wrote name it.
//!
//! A book without preprocessor tables only expands includes, page by page
//! in parallel, as before.

pub mod map;
pub mod order;
pub mod protocol;
pub mod run;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, PreprocessorTable};
use crate::diagnostics::{SourceMap, Warnings};
use crate::error::{Error, Result};
use crate::source::{self, RawSource, Resolved};
use crate::summary::Summary;
use order::Step;
use run::Failure;

/// The pages after preprocessing, and what was found on the way.
#[derive(Debug, Default)]
pub struct Preprocessed {
    /// Each page's text and map, in the order the pages were given.
    pub pages: Vec<Resolved>,
    pub warnings: Warnings,
    /// Said but never fatal, even in a strict build: an optional
    /// preprocessor that is not installed.
    pub notes: Vec<String>,
    /// The preprocessors that ran as commands, in order.
    pub ran: Vec<String>,
}

/// A page on its way: as read, and once includes are expanded, as
/// resolved; its text so far and where each line came from.
struct Chapter {
    raw: RawSource,
    /// The map of `raw.text` until includes are expanded.
    map: SourceMap,
    resolved: Option<Resolved>,
}

impl Chapter {
    fn new(raw: RawSource) -> Chapter {
        Chapter {
            map: SourceMap::identity(&raw.shown, &raw.text),
            raw,
            resolved: None,
        }
    }

    fn text(&self) -> &str {
        self.resolved.as_ref().map_or(&self.raw.text, |r| &r.text)
    }

    fn map(&self) -> &SourceMap {
        self.resolved.as_ref().map_or(&self.map, |r| &r.map)
    }

    /// The text a preprocessor printed, mapped from the text it was given.
    fn set(&mut self, text: &str, via: &str) {
        let map = map::changed(self.text(), self.map(), text, via, &self.raw.shown);
        match &mut self.resolved {
            Some(r) => {
                r.text = text.to_string();
                r.map = map;
            }
            None => {
                self.raw.text = text.to_string();
                self.map = map;
            }
        }
    }

    /// The page with its includes expanded (once; `links` runs once). A
    /// page a preprocessor changed before keeps the map it had.
    fn expand(self) -> Result<Chapter> {
        if self.resolved.is_some() {
            return Ok(self);
        }
        let mut resolved = source::preprocess(self.raw.clone())?;
        if !self.map.is_identity() {
            resolved.map = map::expanded(
                &self.raw.text,
                &self.map,
                &resolved.text,
                &resolved.map,
                &self.raw.shown,
            );
        }
        Ok(Chapter {
            resolved: Some(resolved),
            ..self
        })
    }
}

/// Preprocess the pages `raws` of the book at `root`, whose `SUMMARY.md`
/// is `summary`, as its book.toml (`config`) says.
pub fn book(
    root: &Path,
    config: &Config,
    summary: &Summary,
    raws: Vec<RawSource>,
) -> Result<Preprocessed> {
    let (steps, warnings) = order::sequence(config)?;
    let mut done = Preprocessed {
        warnings,
        ..Preprocessed::default()
    };
    if !steps.iter().any(|s| matches!(s, Step::Command(_))) {
        done.pages = expand_all(raws)?;
        return Ok(done);
    }
    let ctx = protocol::context(
        root,
        protocol::mdbook_config(config.file.text()).map_err(|e| {
            Error::input(
                &config.file.shown,
                1,
                format!("cannot be given to preprocessors as mdBook's configuration: {e}"),
            )
        })?,
    );
    let mut chapters: Vec<Chapter> = raws.into_iter().map(Chapter::new).collect();
    let mut index_ran = false;
    for step in steps {
        match step {
            Step::Links => {
                chapters = collect(chapters.into_par_iter().map(Chapter::expand).collect())?
            }
            Step::Index => index_ran = true,
            Step::Command(table) => {
                let root = ctx.root.as_path();
                match run::supports(table, root, protocol::RENDERER) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(failure) => {
                        report(config, table, failure, &mut done)?;
                        continue;
                    }
                }
                let texts: HashMap<PathBuf, &str> = chapters
                    .iter()
                    .map(|c| (c.raw.rel.clone(), c.text()))
                    .collect();
                let input = protocol::input(&ctx, &protocol::book(summary, &texts, index_ran));
                let stdout = match run::run(table, root, input) {
                    Ok(stdout) => stdout,
                    Err(failure) => {
                        report(config, table, failure, &mut done)?;
                        continue;
                    }
                };
                let returned = protocol::output(&stdout).map_err(|e| {
                    failed(
                        config,
                        table,
                        &format!("what it printed is not an mdBook book in JSON ({e})"),
                    )
                })?;
                take_back(config, table, summary, &returned, &mut chapters, &mut done);
                done.ran.push(table.name.clone());
            }
        }
    }
    // `links` is always a step, so every page is resolved by now.
    done.pages = collect(
        chapters
            .into_par_iter()
            .map(|c| Ok(c.expand()?.resolved))
            .collect(),
    )?
    .into_iter()
    .flatten()
    .collect();
    Ok(done)
}

/// Include expansion of pages read unchanged, in parallel.
fn expand_all(raws: Vec<RawSource>) -> Result<Vec<Resolved>> {
    let resolved: Vec<Result<Resolved>> = raws.into_par_iter().map(source::preprocess).collect();
    collect(resolved)
}

/// Every value, or every error at once.
fn collect<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => out.push(v),
            Err(Error::Many(many)) => errors.extend(many),
            Err(e) => errors.push(e),
        }
    }
    Error::from_many(errors)?;
    Ok(out)
}

/// The error of a preprocessor that failed, at its table's line.
fn failed(config: &Config, table: &PreprocessorTable, why: &str) -> Error {
    Error::input(
        &config.file.shown,
        table.line,
        format!("preprocessor `{}` failed: {why}", table.name),
    )
}

/// A missing program is a note (optional) or a warning, which a strict
/// build makes fatal; any other failure is an error.
fn report(
    config: &Config,
    table: &PreprocessorTable,
    failure: Failure,
    done: &mut Preprocessed,
) -> Result<()> {
    let at = format!("{}:{}", config.file.shown.display(), table.line);
    match failure {
        Failure::Missing if table.optional => done.notes.push(format!(
            "{at}: preprocessor `{}` is not run: its command `{}` is not installed (optional = true)",
            table.name, table.command
        )),
        Failure::Missing => done.warnings.push(format!(
            "{at}: preprocessor `{}` is not run: its command `{}` is not installed, so what it adds is missing (install it, or set optional = true in [preprocessor.{}])",
            table.name, table.command, table.name
        )),
        Failure::Failed(why) => return Err(failed(config, table, &why)),
    }
    Ok(())
}

/// Take the chapters' text from the book `returned` by the preprocessor of
/// `table`. guidebook renders the chapters of SUMMARY.md with their titles
/// there; a chapter it added, renamed or dropped is a warning.
fn take_back(
    config: &Config,
    table: &PreprocessorTable,
    summary: &Summary,
    returned: &mdbook_preprocessor::book::Book,
    chapters: &mut [Chapter],
    done: &mut Preprocessed,
) {
    let at = format!("{}:{}", config.file.shown.display(), table.line);
    let by_rel: HashMap<PathBuf, usize> = chapters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.raw.rel.clone(), i))
        .collect();
    let titles: HashMap<PathBuf, &str> = summary
        .chapters()
        .into_iter()
        .filter_map(|c| Some((crate::paths::normalize(c.path.as_ref()?), c.title.as_str())))
        .collect();
    let mut seen = vec![false; chapters.len()];
    for chapter in protocol::chapters(returned) {
        let Some(rel) = chapter.rel else { continue };
        let Some(&i) = by_rel.get(&rel) else {
            done.warnings.push(format!(
                "{at}: preprocessor `{}` added the chapter `{}` ({}), which is not rendered: guidebook renders the chapters of SUMMARY.md",
                table.name,
                chapter.name,
                rel.display()
            ));
            continue;
        };
        seen[i] = true;
        if titles.get(&rel).is_some_and(|t| *t != chapter.name) {
            done.warnings.push(format!(
                "{at}: preprocessor `{}` renamed the chapter `{}` to `{}`; guidebook keeps the title of SUMMARY.md",
                table.name,
                titles[&rel],
                chapter.name
            ));
        }
        if chapter.content != chapters[i].text() {
            chapters[i].set(chapter.content, &table.name);
        }
    }
    for (i, c) in chapters.iter().enumerate() {
        if !seen[i] {
            done.warnings.push(format!(
                "{at}: preprocessor `{}` left out the chapter `{}`; guidebook renders it as it was",
                table.name,
                c.raw.rel.display()
            ));
        }
    }
}
