//! Syntax highlighting of code blocks into class-annotated HTML, and the
//! stylesheet that colours those classes for the light and dark themes.
//!
//! Highlighted code carries `hl-` classes only (no inline styles), so the
//! colours follow the reader's theme choice.

use std::sync::OnceLock;

use syntect::highlighting::Theme;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::escape::escape_html;
use crate::markdown::hidden::CodeLine;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntax set, loaded once per process (loading takes tens of milliseconds).
pub fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Load the syntax set and compile the patterns of the common languages'
/// first lines, so that the first pages do not wait for it.
pub fn warm_up() {
    for (lang, code) in [
        ("bash", "x=\"$(echo a)\" # c\n"),
        ("rust", "fn main() { let x: u8 = 1; }\n"),
        ("nix", "{ a = \"b\"; }\n"),
        ("toml", "[a]\nb = \"c\"\n"),
        ("json", "{\"a\": [1]}\n"),
    ] {
        if let Some(syntax) = syntax_for(lang) {
            highlight_with(syntax, code);
        }
    }
}

/// The syntax used for a block language, if any.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let token = match lang {
        "" | "text" | "txt" | "plain" | "output" => return None,
        "sh" | "shell" | "bash" | "zsh" | "console" => "bash",
        "rs" => "rust",
        "yml" => "yaml",
        "patch" => "diff",
        other => other,
    };
    syntaxes().find_syntax_by_token(token)
}

/// The inner HTML of `<code>` for a block of language `lang`. A block seen
/// before (on another page, or in an earlier build of `serve`) is taken from
/// the cache.
pub fn highlight(lang: &str, code: &str) -> String {
    let key = cache::key(lang, code);
    if let Some(html) = cache::get(key, lang, code) {
        return html;
    }
    let html = highlight_uncached(lang, code);
    cache::put(key, lang, code, &html);
    html
}

/// The inner HTML of `<code>` for a block whose lines are split by a hide
/// rule: the lines are highlighted together, as the reader sees them when
/// revealed (so a string or comment across a hidden line keeps its
/// colours), then each hidden line is wrapped in `<span class="boring">`
/// (mdBook's class), its markup closed and reopened around it.
pub fn highlight_lines(lang: &str, lines: &[CodeLine<'_>]) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(&line.shown);
        text.push('\n');
    }
    let html = highlight(lang, &text);
    if !lines.iter().any(|l| l.hidden) {
        return html;
    }
    let mut out = String::with_capacity(html.len() + lines.len() * 32);
    for (line, html) in lines.iter().zip(balanced_lines(&html)) {
        if line.hidden {
            out.push_str("<span class=\"boring\">");
            out.push_str(&html);
            out.push_str("\n</span>");
        } else {
            out.push_str(&html);
            out.push('\n');
        }
    }
    out
}

/// The lines of highlighted `html`, each with its open `<span>`s closed at
/// its end and opened again at the next line's start; markup after the
/// last line break (closing tags only) is dropped.
fn balanced_lines(html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let mut line = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '\n']) {
        line.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\n' {
            line.extend(std::iter::repeat_n("</span>", open.len()));
            lines.push(std::mem::take(&mut line));
            line.extend(open.iter().copied());
            rest = &rest[i + 1..];
            continue;
        }
        let end = rest[i..].find('>').map_or(rest.len(), |e| i + e + 1);
        let tag = &rest[i..end];
        if tag.starts_with("</") {
            open.pop();
        } else if !tag.ends_with("/>") {
            open.push(tag);
        }
        line.push_str(tag);
        rest = &rest[end..];
    }
    line.push_str(rest);
    if !strip_tags(&line).is_empty() {
        lines.push(line);
    }
    lines
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn highlight_uncached(lang: &str, code: &str) -> String {
    // Transcripts as the checker reads them: console and trycmd blocks,
    // and shell blocks whose first line is a `$ ` command.
    let transcript = crate::markdown::codeblock::CONSOLE_LANGS.contains(&lang)
        || (crate::markdown::codeblock::SCRIPT_LANGS.contains(&lang)
            && crate::transcript::is_transcript(code));
    if transcript {
        return console(crate::transcript::Dialect::of(lang), code);
    }
    match syntax_for(lang) {
        Some(syntax) => highlight_with(syntax, code),
        None => escape_html(code),
    }
}

fn highlight_with(syntax: &SyntaxReference, code: &str) -> String {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape_html(code);
        }
    }
    generator.finalize()
}

/// A console session: `$ command` lines (with `\` continuations) are
/// highlighted as bash inside `<span class="cmd">`, after a
/// `<span class="prompt">`; every other line is output. The lines are told
/// apart by `crate::transcript::lines`, the checker's parser.
fn console(dialect: crate::transcript::Dialect, code: &str) -> String {
    use crate::transcript::LineKind;
    let bash = syntax_for("bash");
    let mut out = String::with_capacity(code.len() * 2);
    let kinds = crate::transcript::lines_in(dialect, code)
        .into_iter()
        .map(|l| l.kind);
    let mut lines = LinesWithEndings::from(code).zip(kinds).peekable();
    while let Some((line, kind)) = lines.next() {
        if kind == LineKind::Prompt {
            let mut text = line.strip_prefix("$ ").unwrap_or_default().to_string();
            while let Some((next, _)) = lines.next_if(|(_, k)| *k == LineKind::Continuation) {
                text.push_str(next);
            }
            let newline = text.ends_with('\n');
            let body = text.strip_suffix('\n').unwrap_or(&text);
            out.push_str("<span class=\"cmd\"><span class=\"prompt\">$ </span>");
            match bash {
                Some(syntax) => {
                    let html = highlight_with(syntax, &format!("{body}\n"));
                    out.push_str(&drop_last_newline(html));
                }
                None => out.push_str(&escape_html(body)),
            }
            out.push_str("</span>");
            if newline {
                out.push('\n');
            }
        } else {
            let body = line.strip_suffix('\n').unwrap_or(line);
            out.push_str("<span class=\"output\">");
            out.push_str(&escape_html(body));
            out.push_str("</span>");
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// `html` without its final newline (which may sit before closing tags).
fn drop_last_newline(mut html: String) -> String {
    if let Some(i) = html.rfind('\n')
        && html[i + 1..].replace("</span>", "").is_empty()
    {
        html.remove(i);
    }
    html
}

/// Highlighted blocks by language and text, shared by the threads of a
/// build and kept across the rebuilds of `serve`. Bounded: when full it is
/// emptied and starts again.
mod cache {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Mutex, OnceLock};

    /// Bytes of code and HTML the cache holds at most.
    const BUDGET: usize = 16 << 20;

    struct Entry {
        lang: Box<str>,
        code: Box<str>,
        html: Box<str>,
    }

    #[derive(Default)]
    struct Cache {
        map: HashMap<u64, Vec<Entry>>,
        bytes: usize,
    }

    fn cache() -> &'static Mutex<Cache> {
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    pub fn key(lang: &str, code: &str) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (lang, code).hash(&mut h);
        h.finish()
    }

    pub fn get(key: u64, lang: &str, code: &str) -> Option<String> {
        let cache = cache().lock().unwrap_or_else(|p| p.into_inner());
        cache
            .map
            .get(&key)?
            .iter()
            .find(|e| &*e.lang == lang && &*e.code == code)
            .map(|e| e.html.to_string())
    }

    pub fn put(key: u64, lang: &str, code: &str, html: &str) {
        let size = lang.len() + code.len() + html.len() + 64;
        if size > BUDGET / 64 {
            return;
        }
        let mut cache = cache().lock().unwrap_or_else(|p| p.into_inner());
        let known = cache
            .map
            .get(&key)
            .is_some_and(|entries| entries.iter().any(|e| &*e.lang == lang && &*e.code == code));
        if known {
            return;
        }
        if cache.bytes + size > BUDGET {
            *cache = Cache::default();
        }
        cache.bytes += size;
        cache.map.entry(key).or_default().push(Entry {
            lang: lang.into(),
            code: code.into(),
            html: html.into(),
        });
    }
}

/// `css/highlight.css`: the light and dark syntax themes, each rule scoped
/// under `html[data-theme="light"]` or `html[data-theme="dark"]` (and the
/// `auto` choice follows the system preference).
pub fn stylesheet() -> String {
    let themes = two_face::theme::extra();
    let light = themes.get(two_face::theme::EmbeddedThemeName::InspiredGithub);
    let dark = themes.get(two_face::theme::EmbeddedThemeName::OneHalfDark);
    let mut out = String::from("/* Syntax colours of code blocks, generated by guidebook. */\n");
    out.push_str(&scoped(light, &["html[data-theme=\"light\"]"]));
    out.push_str(&scoped(dark, &["html[data-theme=\"dark\"]"]));
    out.push_str("@media (prefers-color-scheme: dark) {\n");
    out.push_str(&scoped(dark, &["html[data-theme=\"auto\"]"]));
    out.push_str("}\n@media not (prefers-color-scheme: dark) {\n");
    out.push_str(&scoped(light, &["html[data-theme=\"auto\"]"]));
    out.push_str("}\n");
    out
}

/// The theme's CSS with every selector prefixed by one of `scopes`. The
/// background of `.hl-code` is dropped: the page theme owns code backgrounds.
fn scoped(theme: &Theme, scopes: &[&str]) -> String {
    let css = css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default();
    let css = strip_comments(&css);
    let mut out = String::new();
    for rule in css.split('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let selectors: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .flat_map(|sel| scopes.iter().map(move |scope| format!("{scope} {sel}")))
            .collect();
        let decls: Vec<&str> = body
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty() && !d.starts_with("background-color"))
            .collect();
        if selectors.is_empty() || decls.is_empty() {
            continue;
        }
        out.push_str(&selectors.join(", "));
        out.push_str(" { ");
        out.push_str(&decls.join("; "));
        out.push_str("; }\n");
    }
    out
}

fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_no_styles() {
        for (lang, code) in [
            ("nix", "{ pkgs }: pkgs.hello\n"),
            ("toml", "[package]\nname = \"x\"\n"),
            ("sh", "echo \"hi\" | wc -l\n"),
            ("bash", "for x in a b; do echo $x; done\n"),
            ("rust", "fn main() { let x = 1; }\n"),
            ("json", "{\"a\": [1, true]}\n"),
            ("yaml", "a: [1, 2]\n"),
            ("diff", "-old\n+new\n"),
        ] {
            let html = highlight(lang, code);
            assert!(html.contains("class=\"hl-"), "{lang}: {html}");
            assert!(!html.contains("style="), "{lang}: {html}");
        }
    }

    #[test]
    fn unknown_language_is_escaped_text() {
        assert_eq!(highlight("text", "<a> & b\n"), "&lt;a&gt; &amp; b\n");
        assert_eq!(highlight("nosuchlang", "x\n"), "x\n");
    }

    #[test]
    fn console_splits_commands_and_output() {
        let html = highlight(
            "console",
            "$ cargo build \\\n    --release\n   Compiling x\n$ echo <done>\n<done>\n",
        );
        let lines: Vec<&str> = html.lines().collect();
        assert!(
            lines[0].starts_with("<span class=\"cmd\"><span class=\"prompt\">$ </span>"),
            "{html}"
        );
        assert!(lines[1].contains("--</span>release"), "{html}");
        assert!(lines[1].ends_with("</span>"), "{html}");
        assert!(lines[1].contains("release</span>"), "{html}");
        assert_eq!(lines[2], "<span class=\"output\">   Compiling x</span>");
        assert!(lines[3].starts_with("<span class=\"cmd\">"), "{html}");
        assert_eq!(lines[4], "<span class=\"output\">&lt;done&gt;</span>");
        assert_eq!(html.matches("class=\"cmd\"").count(), 2);
    }

    #[test]
    fn hidden_lines_are_wrapped_whole_and_keep_their_colours() {
        use crate::markdown::hidden::{HideRule, split_lines};
        let code = "# let s = \"a\n# b\";\nfn main() {}\n";
        let lines = split_lines(code, HideRule::Rust);
        let html = highlight_lines("rust", &lines);
        let boring: Vec<&str> = html.split("<span class=\"boring\">").skip(1).collect();
        assert_eq!(boring.len(), 2, "{html}");
        // Every hidden line closes what it opened, and the string across
        // the two hidden lines is still a string on the second.
        for part in &boring {
            let line = part.split("\n</span>").next().unwrap();
            assert_eq!(
                line.matches("<span").count(),
                line.matches("</span>").count(),
                "{line}"
            );
        }
        assert!(boring[1].starts_with("<span class=\"hl-source"), "{html}");
        assert!(boring[1].contains("string"), "{html}");
        assert_eq!(
            strip_tags(&html),
            "let s = &quot;a\nb&quot;;\nfn main() {}\n"
        );
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count()
        );
    }

    #[test]
    fn stylesheet_scopes_every_rule() {
        let css = stylesheet();
        assert!(css.contains("html[data-theme=\"light\"] .hl-"));
        assert!(css.contains("html[data-theme=\"dark\"] .hl-"));
        for line in css
            .lines()
            .filter(|l| l.contains('{') && !l.starts_with('@'))
        {
            assert!(line.starts_with("html[data-theme="), "{line}");
        }
    }
}
