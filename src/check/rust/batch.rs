//! A page's Rust blocks compiled in as few crates as they allow (see the
//! module above): merged crates of plain blocks, crates of their own for
//! the rest, and what became of each block ([`super::Built`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::compile::{self, Diagnostic, Job, Outcome};
use super::locate::{Located, first_code_line, relocate};
use super::toolchain::Toolchain;
use super::wrap::{self, Source};
use super::{Built, Doctest, Failure, RustRun};
use crate::check::env::Env;
use crate::check::isolation::Jail;
use crate::markdown::codeblock::CodeBlock;

/// The Rust blocks of one page and, once compiled, what became of each
/// (by its index on the page).
#[derive(Default)]
pub struct PageRust {
    pub tests: Vec<Doctest>,
    pub built: Option<BTreeMap<usize, Built>>,
}

/// How the page's crates are compiled: where, with what, until when.
pub struct Context<'a> {
    pub run: &'a RustRun,
    pub jail: &'a mut Jail,
    pub env: &'a Env,
    /// The folder of the generated sources and programs.
    pub dir: &'a Path,
    pub timeout: u64,
}

impl PageRust {
    /// Compile the page's blocks (once), in as few crates as they allow.
    pub fn build(&mut self, cx: &mut Context<'_>, host: &str) {
        if self.built.is_some() {
            return;
        }
        let mut built = BTreeMap::new();
        if let Err(e) = std::fs::create_dir_all(cx.dir) {
            for t in &self.tests {
                built.insert(
                    t.block.index,
                    Built::Failed(Failure {
                        line: t.block.line,
                        message: format!("cannot write its source: {}: {e}", cx.dir.display()),
                        output: String::new(),
                    }),
                );
            }
            self.built = Some(built);
            return;
        }
        let mut alone = Vec::new();
        let mut groups: BTreeMap<(String, bool), Vec<usize>> = BTreeMap::new();
        for (i, t) in self.tests.iter().enumerate() {
            if t.attrs.ignored_on(host) {
                built.insert(t.block.index, Built::Ignored);
            } else if t.alone() {
                alone.push(i);
            } else {
                let key = (t.edition(cx.run).to_string(), t.attrs.no_run);
                groups.entry(key).or_default().push(i);
            }
        }
        let mut crates = 0;
        for ((edition, no_run), ids) in groups {
            self.merged(
                cx,
                &edition,
                no_run,
                ids,
                &mut crates,
                &mut built,
                &mut alone,
            );
        }
        alone.sort_unstable();
        for i in alone {
            let result = self.compile_alone(cx, i);
            built.insert(self.tests[i].block.index, result);
        }
        self.built = Some(built);
    }

    /// Compile `ids` as one crate; blocks its errors name go `alone`.
    #[allow(clippy::too_many_arguments)]
    fn merged(
        &self,
        cx: &mut Context<'_>,
        edition: &str,
        no_run: bool,
        mut ids: Vec<usize>,
        crates: &mut usize,
        built: &mut BTreeMap<usize, Built>,
        alone: &mut Vec<usize>,
    ) {
        for _ in 0..3 {
            if ids.len() < 2 {
                break;
            }
            *crates += 1;
            let name = format!("merged-{crates}");
            let mut source = Source::default();
            source.push("#![allow(unused)]", None);
            for &i in &ids {
                wrap::module(&self.tests[i].code, i, &mut source);
            }
            source.push("fn main() -> ::std::process::ExitCode {", None);
            source.push(
                "    match ::std::env::args().nth(1).and_then(|a| a.parse::<usize>().ok()) {",
                None,
            );
            for &i in &ids {
                source.push(
                    &format!(
                        "        Some({i}) => {}::{}(),",
                        wrap::module_name(i),
                        wrap::ENTRY
                    ),
                    None,
                );
            }
            source.push("        _ => ::std::process::ExitCode::from(2),", None);
            source.push("    }", None);
            source.push("}", None);
            let outcome = self.compile(cx, &name, &source, edition, false, no_run);
            if outcome.trouble.is_none() && outcome.success {
                let located = Arc::new(Located {
                    file: format!("{name}.rs"),
                    source,
                });
                for &i in &ids {
                    let b = if no_run {
                        Built::Checked
                    } else {
                        Built::Run {
                            exe: cx.dir.join(&name),
                            arg: Some(i),
                            source: located.clone(),
                        }
                    };
                    built.insert(self.tests[i].block.index, b);
                }
                return;
            }
            let named: Vec<usize> = outcome
                .errors()
                .filter_map(|d| d.line.and_then(|l| source.origin(l)))
                .map(|(i, _)| i)
                .collect();
            if outcome.trouble.is_some() || named.is_empty() {
                break;
            }
            alone.extend(ids.iter().filter(|i| named.contains(i)));
            ids.retain(|i| !named.contains(i));
        }
        alone.extend(ids);
    }

    /// Compile block `i` as a crate of its own and judge it.
    fn compile_alone(&self, cx: &mut Context<'_>, i: usize) -> Built {
        let t = &self.tests[i];
        let name = format!("block-{}", t.block.index);
        let source = wrap::crate_source(&t.code, i);
        let a = &t.attrs;
        let outcome = self.compile(
            cx,
            &name,
            &source,
            t.edition(cx.run),
            a.test_harness,
            a.no_run,
        );
        let located = Located {
            file: format!("{name}.rs"),
            source,
        };
        let fail = |line: usize, message: String, output: String| {
            Built::Failed(Failure {
                line,
                message,
                output,
            })
        };
        if let Some(trouble) = &outcome.trouble {
            return fail(t.block.line, trouble.clone(), String::new());
        }
        if a.compile_fail {
            if outcome.success {
                return fail(
                    t.block.line,
                    "it compiled, but it is marked compile_fail".into(),
                    String::new(),
                );
            }
            let found: Vec<&str> = outcome.errors().filter_map(|d| d.code.as_deref()).collect();
            let missing: Vec<&str> = a
                .error_codes
                .iter()
                .map(String::as_str)
                .filter(|c| !found.contains(c))
                .collect();
            // rustdoc checks the codes on a nightly toolchain only.
            if !missing.is_empty() && cx.run.tool.as_ref().is_ok_and(Toolchain::is_nightly) {
                let (line, _, output) = self.first_error(&outcome, &located, &t.block);
                let said = if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                };
                return fail(
                    line,
                    format!(
                        "expected error code {} not found (rustc said: {said})",
                        missing.join(", ")
                    ),
                    output,
                );
            }
            return Built::Checked;
        }
        if !outcome.success {
            let (line, message, output) = self.first_error(&outcome, &located, &t.block);
            return fail(line, message, output);
        }
        if a.no_run {
            return Built::Checked;
        }
        Built::Run {
            exe: cx.dir.join(&name),
            arg: None,
            source: Arc::new(located),
        }
    }

    fn compile(
        &self,
        cx: &mut Context<'_>,
        name: &str,
        source: &Source,
        edition: &str,
        test: bool,
        metadata_only: bool,
    ) -> Outcome {
        let file = cx.dir.join(format!("{name}.rs"));
        if let Err(e) = std::fs::write(&file, &source.text) {
            return Outcome {
                trouble: Some(format!("cannot write {}: {e}", file.display())),
                ..Outcome::default()
            };
        }
        let source = PathBuf::from(format!("{name}.rs"));
        let out = PathBuf::from(name);
        let job = Job {
            source: &source,
            out: &out,
            edition,
            test,
            metadata_only,
        };
        let deadline = Instant::now() + Duration::from_secs(cx.timeout);
        compile::compile(&cx.run.flags, &job, cx.jail, cx.env, cx.dir, deadline)
    }

    /// The page line, headline and rendered text of the first error of the
    /// compile of `block` alone (its fence line when the error names none).
    fn first_error(
        &self,
        outcome: &Outcome,
        located: &Located,
        block: &CodeBlock,
    ) -> (usize, String, String) {
        let first: Option<&Diagnostic> = outcome
            .errors()
            .find(|d| d.line.is_some())
            .or_else(|| outcome.errors().next());
        let Some(d) = first else {
            let message = "rustc failed without an error message".into();
            return (block.line, message, outcome.other.trim().into());
        };
        let line = d
            .line
            .and_then(|l| located.source.origin(l))
            .map_or(block.line, |(_, l)| first_code_line(block) + l);
        let rendered: String = outcome.errors().map(|d| d.rendered.as_str()).collect();
        (line, d.headline(), self.relocate(&rendered, located))
    }

    /// `FILE:LINE:COL` of a generated source in `text`, as page lines.
    pub fn relocate(&self, text: &str, located: &Located) -> String {
        relocate(text, located, |i| self.tests.get(i).map(|t| &t.block))
    }
}
