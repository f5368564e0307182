//! A fenced code block of a page and the annotations of its info string.
//!
//! The same type serves the renderer and the checker. The info string is the
//! language, then attributes `key` or `key=value` (values may be
//! double-quoted), separated as rustdoc and mdBook separate them: by spaces,
//! tabs and commas (`rust,ignore`, `rust, ignore`, `rust ,ignore`). A comma
//! inside a value belongs to it (`needs=nix,network`). rustdoc's and mdBook's
//! own attributes are kept as flags (`ignore` skips a command block); an
//! unknown attribute is an error on a
//! block the checker runs or writes (or when it is a near miss of one of the
//! checker's attributes) and a warning elsewhere. See `content/contributing.md`
//! for the user's view.

use std::ops::Range;
use std::path::PathBuf;

use crate::diagnostics::Location;
use crate::error::Error;
use crate::suggest::did_you_mean;

/// One fenced code block, as parsed from its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// Page path as shown to users (relative to the book root).
    pub page: PathBuf,
    /// 1-based line of the opening fence in the page's resolved text
    /// (after `{{#include}}`; the page file's line when it includes
    /// nothing).
    pub line: usize,
    /// Where the opening fence was written: the page's file, or a file it
    /// includes, and the line there. What messages name.
    pub origin: Location,
    /// Where the block's lines were written, as runs: from its line `k`
    /// (0-based) on, line `k + i` is line `i` after this location, until the
    /// next run. One run unless `{{#include}}` brought lines into the block.
    pub line_origins: Vec<(usize, Location)>,
    /// Language: the first word of the info string, lowercased.
    pub lang: String,
    /// The whole info string as written.
    pub info: String,
    pub annotations: Annotations,
    /// The block's text (its lines, each ending in `\n`).
    pub text: String,
    /// Byte range of the text inside the page source (empty range at the
    /// content start when the block is empty). `None` for indented blocks.
    pub text_range: Option<Range<usize>>,
    /// 0-based index of this block on its page.
    pub index: usize,
    /// The fence is never closed, so the block runs to the end of its page
    /// (or of the list or quote holding it). Such a block is shown as text
    /// and never run.
    pub unclosed: bool,
}

/// What a block is for the checker. Read back from a report without it:
/// `display`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// `sh`, `bash`, `shell`: one bash script.
    Script,
    /// `console`, `trycmd`, or a `sh`/`bash`/`shell` block whose first line
    /// is a `$ ` command: commands and their expected output.
    Console,
    /// A `nix` block written to `flake.nix`: the page's flake.
    Flake,
    /// Any other block with `file=`: written to the sandbox.
    File,
    /// A Rust block compiled (and run) as a doctest, when the book's
    /// `[check.rust] enable` is on (`check::rust` decides).
    Rust,
    /// Shown only.
    #[default]
    Display,
}

/// Where a runnable block runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Shell {
    #[default]
    Host,
    /// Inside `nix develop` of the page's flake; `None` is the default shell.
    DevShell(Option<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annotations {
    pub file: Option<String>,
    pub skip: Option<String>,
    pub hidden: bool,
    pub timeout: Option<u64>,
    pub needs: Vec<String>,
    pub exit: Option<i32>,
    pub shell: Shell,
    /// `check`: a test even where `[check] blocks = "marked"`.
    pub check: bool,
    /// `background`: a script started and left running for the page's
    /// next blocks, ended with the page (`check::background`).
    pub background: bool,
    /// rustdoc's and mdBook's attributes (`ignore`, `edition2021`,
    /// `hidelines=#`...): kept as written; `check::rust` reads them of Rust
    /// blocks.
    pub mdbook_flags: Vec<String>,
}

/// The result of reading an info string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Info {
    pub lang: String,
    pub annotations: Annotations,
    /// `file:line: ...` messages about attributes that change nothing.
    pub warnings: Vec<String>,
}

/// Attribute names the checker understands.
pub const ATTRIBUTES: &[&str] = &[
    "file",
    "skip",
    "hidden",
    "timeout",
    "needs",
    "exit",
    "shell",
    "check",
    "background",
];
/// Things a block may need; a missing one skips the block. All but
/// `network` and `nightly` are programs on the PATH blocks get.
pub const NEEDS: &[&str] = &[
    "nix",
    "network",
    "rustup",
    "nightly",
    "cargo",
    "git",
    "docker",
    "guidebook",
];
/// Attributes rustdoc (`LangString::parse` in src/librustdoc/html/markdown.rs)
/// and mdBook (its playground and hidelines options) give meaning to. The
/// checker acts on them in Rust blocks (`check::rust::attrs`), and on
/// `ignore` in command blocks too (a command block marked so is skipped);
/// `edition2015`... and `E0277`-style error
/// codes and `ignore-TARGET` are recognised by shape in [`is_foreign_flag`].
pub const FOREIGN_FLAGS: &[&str] = &[
    "ignore",
    "no_run",
    "should_panic",
    "compile_fail",
    "test_harness",
    "standalone_crate",
    "standalone-crate",
    "allow_fail",
    "editable",
    "noplayground",
    "noplaypen",
    "mdbook-runnable",
];
/// Valued attributes of mdBook (`hidelines=PREFIX`), kept as flags.
pub const FOREIGN_KEYS: &[&str] = &["hidelines"];
/// Languages run as a bash script (or read as a transcript when their first
/// line is a `$ ` command).
pub const SCRIPT_LANGS: &[&str] = &["sh", "bash", "shell"];
/// Languages of console transcripts (`trycmd`: trycmd's own name).
pub const CONSOLE_LANGS: &[&str] = &["console", "trycmd"];
/// The reason a block marked rustdoc's `ignore` is skipped with.
pub const IGNORE_REASON: &str = "marked `ignore`";

/// Does a block of `lang` run (as a script or a transcript)?
pub fn runs(lang: &str) -> bool {
    SCRIPT_LANGS.contains(&lang) || CONSOLE_LANGS.contains(&lang)
}

impl CodeBlock {
    /// Where the block was written ([`CodeBlock::origin`]).
    pub fn location(&self) -> Location {
        self.origin.clone()
    }

    pub fn kind(&self) -> BlockKind {
        if self.unclosed {
            // Its text is the rest of the page: nothing of it is run.
            return BlockKind::Display;
        }
        let lang = self.lang.as_str();
        if SCRIPT_LANGS.contains(&lang) {
            if crate::transcript::is_transcript(&self.text) {
                BlockKind::Console
            } else {
                BlockKind::Script
            }
        } else if CONSOLE_LANGS.contains(&lang) {
            if crate::transcript::has_command(&self.text) {
                BlockKind::Console
            } else {
                // Output only (a Windows `> echo %PATH%`): shown.
                BlockKind::Display
            }
        } else if lang == "nix"
            && self
                .annotations
                .file
                .as_deref()
                .is_some_and(|f| f == "flake.nix" || f.ends_with("/flake.nix"))
        {
            BlockKind::Flake
        } else if self.annotations.file.is_some() {
            BlockKind::File
        } else {
            BlockKind::Display
        }
    }

    /// Where line `k` (0-based) of the block's text was written.
    pub fn line_origin(&self, k: usize) -> Location {
        let i = self.line_origins.partition_point(|(start, _)| *start <= k);
        match i.checked_sub(1).and_then(|i| self.line_origins.get(i)) {
            Some((start, at)) => Location {
                line: at.line + (k - start),
                ..at.clone()
            },
            None => Location::new(self.origin.path.clone(), self.origin.line + 1 + k),
        }
    }

    /// Does the checker run (or write) this block, in a book that checks
    /// every command block?
    pub fn is_checked(&self) -> bool {
        self.kind() != BlockKind::Display
    }

    /// Is it checked in a book whose `[check] blocks` is `selection`? (In a
    /// `"marked"` book, a command block only with the `check` attribute.)
    pub fn is_test(&self, selection: crate::config::Blocks) -> bool {
        match self.kind() {
            BlockKind::Display => false,
            BlockKind::Script | BlockKind::Console => {
                selection == crate::config::Blocks::All || self.annotations.check
            }
            _ => true,
        }
    }

    /// The block's `hidelines=PREFIX` attribute (mdBook), if any.
    pub fn hidelines(&self) -> Option<&str> {
        self.annotations
            .mdbook_flags
            .iter()
            .find_map(|f| f.strip_prefix("hidelines="))
    }

    /// The first line of the block's text (a console block's first
    /// command), cut at 80 characters, for lists and reports.
    pub fn first_line(&self) -> String {
        let first = self.text.lines().next().unwrap_or("").trim();
        let first = first.strip_prefix("$ ").unwrap_or(first);
        let mut s: String = first.chars().take(80).collect();
        if first.chars().count() > 80 {
            s.push('…');
        }
        s
    }
}

/// Is `word` one of rustdoc's or mdBook's attributes?
pub fn is_foreign_flag(word: &str) -> bool {
    if FOREIGN_FLAGS.contains(&word) || word.starts_with("ignore-") {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(year) = word.strip_prefix("edition") {
        return digits(year);
    }
    // rustdoc's error codes after compile_fail: `E0277`.
    word.len() == 5 && word.starts_with('E') && digits(&word[1..])
}

/// Split an info string into its language, annotations and warnings. `page`
/// and `line` name the block in errors and warnings.
pub fn parse_info(info: &str, page: &std::path::Path, line: usize) -> Result<Info, Error> {
    let err = |message: String| Error::input(page, line, message);
    let tokens = tokenize(info).map_err(err)?;
    let mut tokens = tokens.into_iter();
    let first = tokens.next().unwrap_or_default();
    if first.1.is_some() {
        return Err(err(format!(
            "the info string must start with the language, not `{}=`",
            first.0
        )));
    }
    let lang = first.0.to_ascii_lowercase();
    let mut ann = Annotations::default();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in tokens {
        if value.is_none() && is_foreign_flag(&key) {
            ann.mdbook_flags.push(key);
            continue;
        }
        if FOREIGN_KEYS.contains(&key.as_str()) {
            ann.mdbook_flags
                .push(format!("{key}={}", value.unwrap_or_default()));
            continue;
        }
        if seen.contains(&key) {
            return Err(err(format!("attribute `{key}` is given twice")));
        }
        seen.push(key.clone());
        let need_value = |v: Option<String>| {
            v.filter(|v| !v.is_empty())
                .ok_or_else(|| err(format!("attribute `{key}` needs a value: `{key}=...`")))
        };
        match key.as_str() {
            "file" => {
                let v = need_value(value)?;
                if v.starts_with('/') || v.split('/').any(|c| c == "..") {
                    return Err(err(format!(
                        "file={v}: the path must stay inside the page's sandbox (relative, no `..`)"
                    )));
                }
                if v.ends_with('/') || v.split('/').any(|c| c.is_empty() || c == ".") {
                    return Err(err(format!(
                        "file={v}: expected the path of a file, like file=src/main.rs (not a folder, no empty or `.` parts)"
                    )));
                }
                ann.file = Some(v);
            }
            "skip" => ann.skip = Some(need_value(value)?),
            "hidden" | "check" | "background" => {
                if let Some(v) = value {
                    return Err(err(format!(
                        "attribute `{key}` takes no value, found `{key}={v}`"
                    )));
                }
                if key == "hidden" {
                    ann.hidden = true;
                } else {
                    match key.as_str() {
                        "check" => ann.check = true,
                        _ => ann.background = true,
                    }
                }
            }
            "timeout" => {
                let v = need_value(value)?;
                let max = crate::config::MAX_TIMEOUT;
                let secs: u64 = v
                    .parse()
                    .ok()
                    .filter(|s| (1..=max).contains(s))
                    .ok_or_else(|| {
                        err(format!(
                            "timeout={v}: expected a whole number of seconds from 1 to {max}, like timeout=30"
                        ))
                    })?;
                ann.timeout = Some(secs);
            }
            "exit" => {
                let v = need_value(value)?;
                let code: i32 = v
                    .parse()
                    .ok()
                    .filter(|c| (0..=255).contains(c))
                    .ok_or_else(|| {
                        err(format!(
                            "exit={v}: expected an exit code from 0 to 255, like exit=1"
                        ))
                    })?;
                ann.exit = Some(code);
            }
            "needs" => {
                let v = need_value(value)?;
                for need in v.split(',').map(str::trim) {
                    if !NEEDS.contains(&need) {
                        return Err(err(format!(
                            "needs={v}: unknown need `{need}`{}; known: {}",
                            did_you_mean(need, NEEDS.iter().copied()),
                            NEEDS.join(", ")
                        )));
                    }
                    ann.needs.push(need.to_string());
                }
            }
            "shell" => {
                let v = need_value(value)?;
                ann.shell = match v.as_str() {
                    "host" => Shell::Host,
                    "devshell" => Shell::DevShell(None),
                    _ => match v.strip_prefix("devshell:") {
                        Some(name) if !name.is_empty() => Shell::DevShell(Some(name.to_string())),
                        _ => {
                            return Err(err(format!(
                                "shell={v}: expected `devshell`, `devshell:NAME` or `host`"
                            )));
                        }
                    },
                };
            }
            _ => unknown.push(key),
        }
    }
    validate_combination(&lang, &ann).map_err(err)?;
    let checked = runs(&lang) || ann.file.is_some();
    let mut warnings = Vec::new();
    for key in unknown {
        let near = did_you_mean(&key, ATTRIBUTES.iter().copied());
        let message = format!(
            "unknown attribute `{key}`{near}; known attributes: {}",
            ATTRIBUTES.join(", ")
        );
        if checked || !near.is_empty() {
            return Err(err(message));
        }
        warnings.push(format!(
            "{}: {message} (ignored: this `{lang}` block is shown only)",
            Location::new(page.to_path_buf(), line)
        ));
    }
    if runs(&lang) && ann.skip.is_none() && ann.mdbook_flags.iter().any(|f| f == "ignore") {
        // rustdoc's `ignore`, in any spelling rustdoc reads: not run.
        ann.skip = Some(IGNORE_REASON.into());
    }
    if checked {
        for flag in ann.mdbook_flags.iter().filter(|f| f.as_str() == "no_run") {
            warnings.push(format!(
                "{}: `{flag}` is rustdoc's and the checker does not honour it: this `{lang}` block still runs (write skip=\"why\" to skip it)",
                Location::new(page.to_path_buf(), line)
            ));
        }
    }
    Ok(Info {
        lang,
        annotations: ann,
        warnings,
    })
}

fn validate_combination(lang: &str, ann: &Annotations) -> Result<(), String> {
    let runs = runs(lang);
    if ann.exit.is_some() && !runs {
        return Err(format!(
            "exit= applies to sh, bash, shell, console and trycmd blocks, not `{lang}`"
        ));
    }
    if ann.shell != Shell::Host && !runs {
        return Err(format!(
            "shell= applies to sh, bash, shell, console and trycmd blocks, not `{lang}`"
        ));
    }
    if ann.file.is_some() && runs {
        return Err(format!(
            "file= writes a block's text to a file; a `{lang}` block runs instead. Use a `text`, `toml`, `nix`... block"
        ));
    }
    if ann.timeout.is_some() && !runs && lang != "nix" && lang != "rust" {
        return Err(format!("timeout= applies to blocks that run, not `{lang}`"));
    }
    if ann.check && !runs {
        return Err(format!(
            "check applies to sh, bash, shell, console and trycmd blocks, not `{lang}`"
        ));
    }
    if ann.background {
        if !SCRIPT_LANGS.contains(&lang) {
            return Err(format!(
                "background applies to sh, bash and shell blocks, not `{lang}`"
            ));
        }
        let clash = [
            (ann.exit.is_some(), "exit="),
            (ann.timeout.is_some(), "timeout="),
            (ann.shell != Shell::Host, "shell="),
        ];
        if let Some((_, name)) = clash.iter().find(|(given, _)| *given) {
            return Err(format!(
                "background and {name} do not go together: a background block runs until the end of its page, in the host shell, and is not waited for"
            ));
        }
    }
    Ok(())
}

/// Between two attributes: spaces, tabs and commas, as rustdoc splits.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ','
}

/// Split on spaces, tabs and commas, keeping `key="quoted value"` and an
/// unquoted value's commas (`needs=nix,network`) together.
fn tokenize(info: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut chars = info.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.peek().is_some_and(|&c| is_separator(c)) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if is_separator(c) || c == '=' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            break;
        }
        let mut value = None;
        if chars.peek() == Some(&'=') {
            chars.next();
            let mut v = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some(n) = chars.next() {
                                v.push(n)
                            }
                        }
                        _ => v.push(c),
                    }
                }
                if !closed {
                    return Err(format!("unterminated quote in `{key}=\"{v}`"));
                }
                if chars.peek().is_some_and(|&c| !is_separator(c)) {
                    return Err(format!("expected a space after `{key}=\"{v}\"`"));
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    if c == '"' {
                        return Err(format!(
                            "a quote inside the value of `{key}`: quote the whole value, `{key}=\"...\"`"
                        ));
                    }
                    v.push(c);
                    chars.next();
                }
            }
            value = Some(v);
        }
        if key.is_empty() {
            return Err("an attribute has no name before `=`".into());
        }
        out.push((key, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(info: &str) -> Result<(String, Annotations), String> {
        parse_info(info, Path::new("p.md"), 7)
            .map(|i| (i.lang, i.annotations))
            .map_err(|e| e.to_string())
    }

    fn warnings(info: &str) -> Vec<String> {
        parse_info(info, Path::new("p.md"), 7).unwrap().warnings
    }

    #[test]
    fn split_on_spaces_tabs_and_commas_as_rustdoc() {
        for info in [
            "rust,ignore",
            "rust, ignore",
            "rust ,ignore",
            "rust\tignore",
            "rust , ignore,",
            "Rust,,ignore",
        ] {
            let (lang, a) = parse(info).unwrap();
            assert_eq!(lang, "rust", "{info:?}");
            assert_eq!(a.mdbook_flags, ["ignore"], "{info:?}");
            assert!(warnings(info).is_empty(), "{info:?}");
        }
        let (lang, a) = parse("rust, editable").unwrap();
        assert_eq!(
            (lang.as_str(), a.mdbook_flags),
            ("rust", vec!["editable".into()])
        );
    }

    #[test]
    fn rustdoc_and_mdbook_attributes_are_flags() {
        let (_, a) = parse(
            "rust,no_run,should_panic compile_fail,E0277 editable noplayground mdbook-runnable edition2021 test_harness ignore-wasm32 hidelines=~",
        )
        .unwrap();
        assert_eq!(
            a.mdbook_flags,
            [
                "no_run",
                "should_panic",
                "compile_fail",
                "E0277",
                "editable",
                "noplayground",
                "mdbook-runnable",
                "edition2021",
                "test_harness",
                "ignore-wasm32",
                "hidelines=~"
            ]
        );
        assert!(!is_foreign_flag("edition"));
        assert!(!is_foreign_flag("editionX"));
        assert!(!is_foreign_flag("E12"));
    }

    #[test]
    fn commas_and_quotes_inside_values_stay() {
        let (lang, a) = parse(r#"console,needs=nix,network skip="a, b""#).unwrap();
        assert_eq!(lang, "console");
        assert_eq!(a.needs, ["nix", "network"]);
        assert_eq!(a.skip.as_deref(), Some("a, b"));
        let (_, a) = parse(r#"sh skip="x",hidden"#).unwrap();
        assert!(a.hidden);
    }

    #[test]
    fn unknown_attribute_is_an_error_only_where_the_checker_acts() {
        // Shown only: a warning naming file:line.
        let (lang, a) = parse("rust, frobnicate").unwrap();
        assert_eq!(lang, "rust");
        assert!(a.mdbook_flags.is_empty());
        assert_eq!(
            warnings("rust, frobnicate"),
            [
                "p.md:7: unknown attribute `frobnicate`; known attributes: file, skip, hidden, timeout, needs, exit, shell, check, background (ignored: this `rust` block is shown only)"
            ]
        );
        // Run, or written: an error.
        assert!(
            parse("sh frobnicate")
                .unwrap_err()
                .starts_with("p.md:7: unknown attribute `frobnicate`")
        );
        assert!(parse("toml file=a.toml frobnicate").is_err());
        // A near miss of a checker attribute would have made the checker act.
        assert!(
            parse("nix fiel=flake.nix")
                .unwrap_err()
                .contains("did you mean `file`?")
        );
        assert!(
            parse("text hiden")
                .unwrap_err()
                .contains("did you mean `hidden`?")
        );
    }

    #[test]
    fn rustdoc_ignore_skips_a_run_block_in_any_spelling() {
        for info in [
            "sh,ignore",
            "console,ignore",
            "console ignore",
            "trycmd, ignore",
            "bash\tignore",
        ] {
            let (_, a) = parse(info).unwrap();
            assert_eq!(a.skip.as_deref(), Some(IGNORE_REASON), "{info:?}");
            assert!(warnings(info).is_empty(), "{info:?}");
        }
        // A reason of its own wins; shown-only blocks keep it as a flag.
        let (_, a) = parse(r#"console ignore skip="slow""#).unwrap();
        assert_eq!(a.skip.as_deref(), Some("slow"));
        assert_eq!(parse("text,ignore").unwrap().1.skip, None);
        // `no_run` still runs, and says so.
        let w = warnings("sh,no_run");
        assert!(w[0].starts_with("p.md:7: `no_run` is rustdoc's"), "{w:?}");
    }

    #[test]
    fn check_marks_a_command_block() {
        assert!(parse("console check").unwrap().1.check);
        assert!(parse("sh,check").unwrap().1.check);
        assert!(!parse("sh").unwrap().1.check);
        assert!(
            parse("toml check")
                .unwrap_err()
                .contains("check applies to")
        );
        assert!(
            parse("sh check=yes")
                .unwrap_err()
                .contains("takes no value")
        );
    }

    fn block(lang: &str, text: &str) -> CodeBlock {
        CodeBlock {
            page: "p.md".into(),
            line: 1,
            origin: Location::new("p.md", 1),
            line_origins: vec![(0, Location::new("p.md", 2))],
            lang: lang.into(),
            info: lang.into(),
            annotations: Annotations::default(),
            text: text.into(),
            text_range: None,
            index: 0,
            unclosed: false,
        }
    }

    #[test]
    fn shell_blocks_of_dollar_lines_are_transcripts_and_output_is_shown_only() {
        assert_eq!(
            block("shell", "$ rustc hello.rs\n$ ./hello\nHello World!\n").kind(),
            BlockKind::Console
        );
        assert_eq!(block("bash", "\n$ ls\n").kind(), BlockKind::Console);
        assert_eq!(block("sh", "echo $ hi\n$ ls\n").kind(), BlockKind::Script);
        assert_eq!(block("sh", "$HOME/bin/x\n").kind(), BlockKind::Script);
        assert_eq!(block("trycmd", "$ ls\n").kind(), BlockKind::Console);
        // No command line: output only, never an error.
        assert_eq!(
            block("console", "> echo %PATH%\nC:\\bin\n").kind(),
            BlockKind::Display
        );
        assert_eq!(block("console", "").kind(), BlockKind::Display);
        assert_eq!(block("text", "$ ls\n").kind(), BlockKind::Display);
    }

    #[test]
    fn language_and_attributes() {
        let (lang, a) =
            parse(r#"console timeout=30 skip="needs network: fetches wasmtime" needs=nix,network"#)
                .unwrap();
        assert_eq!(lang, "console");
        assert_eq!(a.timeout, Some(30));
        assert_eq!(a.skip.as_deref(), Some("needs network: fetches wasmtime"));
        assert_eq!(a.needs, ["nix", "network"]);
    }

    #[test]
    fn file_hidden_shell_exit() {
        let (_, a) = parse("nix file=flake.nix").unwrap();
        assert_eq!(a.file.as_deref(), Some("flake.nix"));
        let (_, a) = parse("sh hidden exit=3 shell=devshell:ci").unwrap();
        assert!(a.hidden);
        assert_eq!(a.exit, Some(3));
        assert_eq!(a.shell, Shell::DevShell(Some("ci".into())));
    }

    #[test]
    fn mdbook_flags_are_kept() {
        let (lang, a) = parse("rust,ignore").unwrap();
        assert_eq!(lang, "rust");
        assert_eq!(a.mdbook_flags, ["ignore"]);
        assert_eq!(parse("").unwrap().0, "");
    }

    #[test]
    fn errors_name_line_and_nearest() {
        assert_eq!(
            parse("sh timout=3").unwrap_err(),
            "p.md:7: unknown attribute `timout`; did you mean `timeout`?; known attributes: file, skip, hidden, timeout, needs, exit, shell, check, background"
        );
        assert!(
            parse("sh timeout=soon")
                .unwrap_err()
                .contains("timeout=soon: expected a whole number")
        );
        assert!(parse("sh exit=300").unwrap_err().contains("exit=300"));
        assert!(
            parse("sh needs=nixx")
                .unwrap_err()
                .contains("did you mean `nix`")
        );
        assert!(
            parse("sh skip=\"open")
                .unwrap_err()
                .contains("unterminated quote")
        );
        assert!(parse("sh skip").unwrap_err().contains("needs a value"));
        assert!(
            parse("sh hidden=yes")
                .unwrap_err()
                .contains("takes no value")
        );
        assert!(
            parse("sh shell=nix")
                .unwrap_err()
                .contains("expected `devshell`")
        );
        assert!(
            parse("toml file=/etc/passwd")
                .unwrap_err()
                .contains("inside the page's sandbox")
        );
        assert!(
            parse("console file=x")
                .unwrap_err()
                .contains("file= writes")
        );
        assert!(parse("toml exit=1").unwrap_err().contains("exit= applies"));
        assert!(parse("sh file").unwrap_err().contains("needs a value"));
        assert!(parse("sh skip=a skip=b").unwrap_err().contains("twice"));
    }

    #[test]
    fn background_is_for_scripts_that_are_not_waited_for() {
        let (_, a) = parse("sh background needs=network").unwrap();
        assert!(a.background && a.needs == ["network"]);
        assert!(!parse("bash").unwrap().1.background);
        for (info, says) in [
            (
                "console background",
                "background applies to sh, bash and shell",
            ),
            (
                "sh background exit=1",
                "background and exit= do not go together",
            ),
            ("sh background timeout=5", "background and timeout= do not"),
            (
                "sh background shell=devshell",
                "background and shell= do not",
            ),
            ("sh background=yes", "takes no value"),
        ] {
            let e = parse(info).unwrap_err();
            assert!(e.starts_with("p.md:7: ") && e.contains(says), "{info}: {e}");
        }
    }
}
