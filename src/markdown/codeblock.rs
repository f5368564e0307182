//! A fenced code block of a page and the annotations of its info string.
//!
//! The same type serves the renderer and the checker. The info string is the
//! language, then space-separated attributes `key` or `key=value` (values may
//! be double-quoted). See `content/contributing.md` for the user's view.

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
    /// 1-based line of the opening fence.
    pub line: usize,
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
    /// `console`: `$ command` lines and their expected output.
    Console,
    /// A `nix` block written to `flake.nix`: the page's flake.
    Flake,
    /// Any other block with `file=`: written to the sandbox.
    File,
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
    /// mdBook-style flags after a comma (`rust,ignore`): kept, unused.
    pub mdbook_flags: Vec<String>,
}

/// Attribute names the checker understands.
pub const ATTRIBUTES: &[&str] = &[
    "file", "skip", "hidden", "timeout", "needs", "exit", "shell",
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
/// Languages run as a bash script.
pub const SCRIPT_LANGS: &[&str] = &["sh", "bash", "shell"];

impl CodeBlock {
    pub fn location(&self) -> Location {
        Location::new(self.page.clone(), self.line)
    }

    pub fn kind(&self) -> BlockKind {
        if self.unclosed {
            // Its text is the rest of the page: nothing of it is run.
            return BlockKind::Display;
        }
        let lang = self.lang.as_str();
        if SCRIPT_LANGS.contains(&lang) {
            BlockKind::Script
        } else if lang == "console" {
            BlockKind::Console
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

    /// Does the checker run (or write) this block?
    pub fn is_checked(&self) -> bool {
        self.kind() != BlockKind::Display
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

/// Split an info string into (language, annotations). `page` and `line` name
/// the block in errors.
pub fn parse_info(
    info: &str,
    page: &std::path::Path,
    line: usize,
) -> Result<(String, Annotations), Error> {
    let err = |message: String| Error::input(page, line, message);
    let tokens = tokenize(info).map_err(err)?;
    let mut tokens = tokens.into_iter();
    let first = tokens.next().unwrap_or_default();
    let mut parts = first.0.split(',');
    let lang = parts.next().unwrap_or("").to_ascii_lowercase();
    let mut ann = Annotations {
        mdbook_flags: parts.map(str::to_string).collect(),
        ..Annotations::default()
    };
    if first.1.is_some() {
        return Err(err(format!(
            "the info string must start with the language, not `{}=`",
            first.0
        )));
    }
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in tokens {
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
            "hidden" => {
                if let Some(v) = value {
                    return Err(err(format!(
                        "attribute `hidden` takes no value, found `hidden={v}`"
                    )));
                }
                ann.hidden = true;
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
            _ => {
                return Err(err(format!(
                    "unknown attribute `{key}`{}; known attributes: {}",
                    did_you_mean(&key, ATTRIBUTES.iter().copied()),
                    ATTRIBUTES.join(", ")
                )));
            }
        }
    }
    validate_combination(&lang, &ann).map_err(err)?;
    Ok((lang, ann))
}

fn validate_combination(lang: &str, ann: &Annotations) -> Result<(), String> {
    let runs = SCRIPT_LANGS.contains(&lang) || lang == "console";
    if ann.exit.is_some() && !runs {
        return Err(format!(
            "exit= applies to sh, bash, shell and console blocks, not `{lang}`"
        ));
    }
    if ann.shell != Shell::Host && !runs {
        return Err(format!(
            "shell= applies to sh, bash, shell and console blocks, not `{lang}`"
        ));
    }
    if ann.file.is_some() && runs {
        return Err(format!(
            "file= writes a block's text to a file; a `{lang}` block runs instead. Use a `text`, `toml`, `nix`... block"
        ));
    }
    if ann.timeout.is_some() && !runs && lang != "nix" {
        return Err(format!("timeout= applies to blocks that run, not `{lang}`"));
    }
    Ok(())
}

/// Split on spaces, keeping `key="quoted value"` together.
fn tokenize(info: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let mut out = Vec::new();
    let mut chars = info.trim().chars().peekable();
    while chars.peek().is_some() {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '=' {
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
                if chars.peek().is_some_and(|c| !c.is_whitespace()) {
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
        parse_info(info, Path::new("p.md"), 7).map_err(|e| e.to_string())
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
            "p.md:7: unknown attribute `timout`; did you mean `timeout`?; known attributes: file, skip, hidden, timeout, needs, exit, shell"
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
}
