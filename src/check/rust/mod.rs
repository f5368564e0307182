//! Rust blocks as doctests, the way `mdbook test` and rustdoc run them:
//! which blocks ([`attrs`], rustdoc's attributes), the code rustdoc
//! compiles ([`wrap`]: hidden lines included, `fn main` wrapping), the
//! caller's toolchain ([`toolchain`]), the dependencies of a Cargo manifest
//! the book names ([`deps`], built once per run), and rustc in the page's
//! jail ([`compile`]).
//!
//! **Batching.** rustdoc compiles every doctest as a crate of its own (in
//! parallel); a page here is compiled as few crates as it can be: the
//! page's plain blocks of one edition become modules of one crate whose
//! `main` runs the block named by its argument, and each block then runs
//! as its own process of that binary in the page's jail (a panic or an
//! `exit` ends only its block). `no_run` blocks of an edition share a
//! crate of their own, checked with `--emit=metadata` as rustdoc checks
//! them. A block needs a crate of its own when it has crate attributes,
//! `extern crate`, `compile_fail`, `test_harness` or `standalone_crate`,
//! and when the merged crate fails: the blocks its errors name are
//! compiled alone (so each error is said at its own block, in the words
//! rustc has for it alone) and the rest merged again; errors that name no
//! block (a link error) send every block of that crate to its own.
//!
//! Each block's result is known once its page's crates are built (at the
//! page's first Rust block); the blocks still report in page order.

pub mod attrs;
pub mod compile;
pub mod deps;
pub mod toolchain;
pub mod wrap;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::book::Book;
use crate::check::env::Env;
use crate::check::isolation::{Jail, Mechanism};
use crate::error::Result;
use crate::markdown::codeblock::CodeBlock;
use crate::markdown::hidden::{HideRule, code_text};
use crate::process::{self, Kill};
use attrs::Attrs;
use compile::{Diagnostic, Flags, Job, Outcome};
use toolchain::Toolchain;
use wrap::Source;

/// What every page's Rust blocks share in a run.
pub struct RustRun {
    /// The caller's toolchain, or why there is none (the blocks are then
    /// skipped, failed with `--strict`).
    pub tool: std::result::Result<Toolchain, String>,
    pub flags: Flags,
    /// The book's edition (`[rust] edition`, else 2015 as rustdoc).
    pub edition: String,
    /// Host folders the pages' jails must show: the dependencies' build.
    pub readable: Vec<PathBuf>,
}

impl RustRun {
    /// The run's Rust settings when the book checks its Rust blocks
    /// (`[check.rust] enable`); the manifest's dependencies are built now,
    /// when the book has a Rust block.
    pub fn prepare(
        book: &Book,
        library_path: &[PathBuf],
        env: &Env,
        mechanism: &Mechanism,
        network: bool,
        timeout: u64,
    ) -> Result<Option<RustRun>> {
        let config = &book.config;
        let settings = &config.check.rust;
        if !settings.enable {
            return Ok(None);
        }
        let tool = Toolchain::find(env.get("PATH").map(|p| p.as_os_str()), &book.root);
        let mut flags = Flags::default();
        let mut readable = Vec::new();
        let given = library_path.iter().map(PathBuf::clone);
        for dir in settings
            .library_path
            .iter()
            .map(|d| book.root.join(d))
            .chain(given)
        {
            let dir = dir.canonicalize().unwrap_or(dir);
            flags.lib_dirs.push(dir.to_string_lossy().into_owned());
            readable.push(dir);
        }
        let any_rust = book
            .pages
            .iter()
            .flat_map(|p| &p.blocks)
            .any(attrs::is_rust);
        if let Ok(tool) = &tool {
            flags.rustc = tool.rustc.clone();
            if let Some(manifest) = settings.manifest.as_ref().filter(|_| any_rust) {
                let file = &config.file;
                let line = file.key_line(&["check", "rust", "manifest"]);
                let built = deps::build(
                    &book.root,
                    manifest,
                    &file.shown,
                    line,
                    tool,
                    env,
                    mechanism,
                    network,
                    timeout.max(600),
                )?;
                let mut arg = std::ffi::OsString::from("dependency=");
                arg.push(&built.deps_dir);
                flags.lib_dirs.push(arg.to_string_lossy().into_owned());
                readable.push(built.target_dir.clone());
                flags.externs = built.externs;
            }
        }
        Ok(Some(RustRun {
            tool,
            flags,
            edition: config.rust.edition.clone().unwrap_or_else(|| "2015".into()),
            readable,
        }))
    }
}

/// One Rust block of a page, ready to compile.
#[derive(Debug, Clone)]
pub struct Doctest {
    pub block: CodeBlock,
    pub attrs: Attrs,
    /// Its code, hidden lines included (a line of the block each).
    pub code: String,
}

impl Doctest {
    pub fn new(block: &CodeBlock) -> Doctest {
        let rule = HideRule::for_block(true, block.hidelines(), None);
        Doctest {
            block: block.clone(),
            attrs: attrs::attrs(block),
            code: code_text(&block.text, rule),
        }
    }

    fn edition<'a>(&'a self, run: &'a RustRun) -> &'a str {
        self.attrs.edition.as_deref().unwrap_or(&run.edition)
    }

    /// Compiled as a crate of its own, never merged.
    fn alone(&self) -> bool {
        let a = &self.attrs;
        a.compile_fail || a.test_harness || a.standalone || wrap::needs_own_crate(&self.code)
    }
}

/// What became of a block once its page was compiled.
#[derive(Debug, Clone)]
pub enum Built {
    Ignored,
    /// Compiled (`no_run`), or failed to compile as `compile_fail` asks.
    Checked,
    /// Run this program (with this argument: its block in a merged crate).
    Run {
        exe: PathBuf,
        arg: Option<usize>,
        source: Arc<Located>,
    },
    Failed(Failure),
}

/// A failure at a page line, with rustc's or the program's words.
#[derive(Debug, Clone)]
pub struct Failure {
    pub line: usize,
    pub message: String,
    pub output: String,
}

/// A compiled source and its file name, to map messages back to the page.
#[derive(Debug)]
pub struct Located {
    pub file: String,
    pub source: Source,
}

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
    pub flags: &'a Flags,
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
                let (line, _, output) = self.first_error(&outcome, &located);
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
            let (line, message, output) = self.first_error(&outcome, &located);
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
        compile::compile(cx.flags, &job, cx.jail, cx.env, cx.dir, deadline)
    }

    /// The page line, headline and rendered text of the compile's first
    /// error.
    fn first_error(&self, outcome: &Outcome, located: &Located) -> (usize, String, String) {
        let first: Option<&Diagnostic> = outcome
            .errors()
            .find(|d| d.line.is_some())
            .or_else(|| outcome.errors().next());
        let Some(d) = first else {
            let other = outcome.other.trim();
            let line = self.tests.first().map_or(0, |t| t.block.line);
            return (
                line,
                "rustc failed without an error message".into(),
                other.into(),
            );
        };
        let line = d
            .line
            .and_then(|l| located.source.origin(l))
            .map(|(i, l)| first_code_line(&self.tests[i].block) + l);
        let own = line.unwrap_or_else(|| {
            let i = located
                .source
                .map
                .iter()
                .flatten()
                .next()
                .map_or(0, |(i, _)| *i);
            self.tests.get(i).map_or(0, |t| t.block.line)
        });
        let rendered: String = outcome
            .errors()
            .map(|d| d.rendered.as_str())
            .collect::<Vec<_>>()
            .join("");
        (own, d.headline(), self.relocate(&rendered, located))
    }

    /// `FILE:LINE:COL` of a generated source in `text`, as page lines.
    pub fn relocate(&self, text: &str, located: &Located) -> String {
        relocate(text, located, |i| self.tests.get(i).map(|t| &t.block))
    }
}

/// The page line of a block's first line of code: after its fence, or its
/// own line for an indented block (which rustdoc tests too).
fn first_code_line(block: &CodeBlock) -> usize {
    block.line + usize::from(block.text_range.is_some())
}

static POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([A-Za-z0-9_.-]+\.rs):(\d+):(\d+)").expect("regex"));

/// Replace positions in `located`'s file by `page:line:col` of the block
/// `block_of` gives for them.
fn relocate<'b>(
    text: &str,
    located: &Located,
    block_of: impl Fn(usize) -> Option<&'b CodeBlock>,
) -> String {
    POSITION
        .replace_all(text, |c: &regex::Captures<'_>| {
            let whole = c[0].to_string();
            if c[1] != located.file {
                return whole;
            }
            let line: usize = c[2].parse().unwrap_or(0);
            match located
                .source
                .origin(line)
                .and_then(|(i, l)| Some((block_of(i)?, l)))
            {
                Some((b, l)) => {
                    format!("{}:{}:{}", b.page.display(), first_code_line(b) + l, &c[3])
                }
                None => whole,
            }
        })
        .into_owned()
}

/// What a block's program did.
#[derive(Debug)]
pub struct Ran {
    pub passed: bool,
    pub exit_code: Option<i32>,
    pub message: Option<String>,
    pub line: usize,
    pub output: String,
    pub duration: Duration,
}

/// Run `exe` (with `arg`) of `test` in the page's jail, in `cwd`, until
/// `timeout` seconds have passed, and judge it as rustdoc does.
#[allow(clippy::too_many_arguments)]
pub fn run_program(
    tests: &[Doctest],
    test: &Doctest,
    exe: &Path,
    arg: Option<usize>,
    located: &Located,
    jail: &mut Jail,
    env: &Env,
    cwd: &Path,
    network: bool,
    timeout: u64,
) -> Ran {
    let mut cmd = Command::new(exe);
    if let Some(a) = arg {
        cmd.arg(a.to_string());
    }
    cmd.current_dir(cwd);
    env.apply(&mut cmd);
    let failed = |message: String| Ran {
        passed: false,
        exit_code: None,
        message: Some(message),
        line: test.block.line,
        output: String::new(),
        duration: Duration::ZERO,
    };
    let cmd = match jail.command(&cmd, network) {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot start the page's sandbox: {e}")),
    };
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut kill_all = || jail.kill_all();
    let f = match process::run(cmd, deadline, Kill::All(&mut kill_all)) {
        Ok(f) => f,
        Err(e) => return failed(format!("cannot run the block's program: {e}")),
    };
    let block_of = |i: usize| tests.get(i).map(|t| &t.block);
    let mut output = f.stdout.text();
    output.push_str(&f.stderr.text());
    let output = relocate(&output, located, block_of);
    let mut ran = Ran {
        passed: false,
        exit_code: f.exit_code,
        message: None,
        line: test.block.line,
        output,
        duration: f.duration,
    };
    if f.timed_out {
        ran.message = Some(format!(
            "timed out after {timeout} s; its processes were killed"
        ));
        return ran;
    }
    let code = f.exit_code.unwrap_or(-1);
    if test.attrs.should_panic {
        // Any failure, as rustdoc 1.95 and its nightly take it (an `exit(1)`
        // passes there too).
        ran.passed = code != 0;
        if !ran.passed {
            ran.message = Some("it ran to its end, but it is marked should_panic".into());
        }
        return ran;
    }
    ran.passed = code == 0;
    if !ran.passed {
        let panic = panic_of(&ran.output);
        if let Some((line, what)) = &panic {
            ran.line = *line;
            ran.message = Some(what.clone());
        } else {
            ran.message = Some(format!("exit code {code}, expected 0"));
        }
    }
    ran
}

/// The exit code of a Rust program that panicked.
pub const PANIC_EXIT: i32 = 101;

static PANIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^thread '[^']*'(?: \(\d+\))? panicked at (\S+?):(\d+):\d+:\n(.*)$")
        .expect("regex")
});

/// The first panic in `output`: its page line (when it is on the page)
/// and `panicked at page:line: message`.
fn panic_of(output: &str) -> Option<(usize, String)> {
    let c = PANIC.captures(output)?;
    let line: usize = c[2].parse().ok()?;
    let at = format!("{}:{line}", &c[1]);
    let line = if c[1].ends_with(".md") { line } else { 0 };
    Some((line, format!("panicked at {at}: {}", c[3].trim())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Page;

    #[test]
    fn positions_in_generated_sources_become_page_lines() {
        let page = Page::parse(
            Path::new("content/p.md"),
            Path::new("p.md"),
            "# P\n\n```rust\n# let hidden = 1;\nlet x: u8 = \"no\";\n```\n".into(),
        )
        .unwrap();
        let test = Doctest::new(&page.blocks[0]);
        assert_eq!(test.code, "let hidden = 1;\nlet x: u8 = \"no\";\n");
        let located = Located {
            file: "block-0.rs".into(),
            source: wrap::crate_source(&test.code, 0),
        };
        let tests = [test];
        // Line 4 of the wrapped source is the block's second line (page line 5).
        let text = relocate(" --> block-0.rs:4:13\n --> other.rs:4:1\n", &located, |i| {
            tests.get(i).map(|t| &t.block)
        });
        assert_eq!(text, " --> content/p.md:5:13\n --> other.rs:4:1\n");
        let (line, message) =
            panic_of("thread 'main' (35) panicked at content/p.md:5:9:\nboom\nnote: x\n").unwrap();
        assert_eq!(
            (line, message.as_str()),
            (5, "panicked at content/p.md:5: boom")
        );
    }
}
