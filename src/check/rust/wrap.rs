//! A block's code as rustdoc compiles it (`make_test` in
//! src/librustdoc/doctest/make.rs): `#![allow(unused)]` first, the block's
//! crate attributes (`#![...]`) at the top, its `extern crate` lines next,
//! and the rest wrapped in `fn main() { ... }` unless the code has a
//! `fn main`. Code ending in `(())` (`Ok::<(), E>(())`) is the body of a
//! function returning a `Result`, so `?` works in it.
//!
//! The same code can be wrapped as a module of a merged crate
//! ([`module`]): then it has no crate attributes nor `extern crate` lines
//! (such blocks are compiled alone), and an entry function runs its
//! `main`.
//!
//! Every generated line remembers the block and the line of the block's
//! code it came from, so a compiler message maps back to the page.

use std::sync::LazyLock;

use regex::Regex;

/// A generated source file and where each of its lines came from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub text: String,
    /// Per line of `text`: (block, 0-based line of that block's code).
    pub map: Vec<Option<(usize, usize)>>,
}

impl Source {
    pub fn push(&mut self, line: &str, from: Option<(usize, usize)>) {
        self.text.push_str(line);
        self.text.push('\n');
        self.map.push(from);
    }

    /// Where 1-based line `line` of the text came from.
    pub fn origin(&self, line: usize) -> Option<(usize, usize)> {
        line.checked_sub(1)
            .and_then(|i| self.map.get(i))
            .copied()
            .flatten()
    }
}

/// The name of the entry function of a block compiled as a module.
pub const ENTRY: &str = "__guidebook_entry";

/// The parts of a block's code, by rustdoc's rules.
struct Parts<'a> {
    /// Crate attributes (`#![...]`, one or more lines each).
    crate_attrs: Vec<(usize, &'a str)>,
    /// `extern crate` lines, blank lines and comments before the code.
    header: Vec<(usize, &'a str)>,
    body: Vec<(usize, &'a str)>,
    has_main: bool,
    returns_result: bool,
}

static FN_MAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^A-Za-z0-9_])fn\s+main\s*(<[^>]*>)?\s*\(").expect("regex"));

fn parts(code: &str) -> Parts<'_> {
    let mut p = Parts {
        crate_attrs: Vec::new(),
        header: Vec::new(),
        body: Vec::new(),
        has_main: false,
        returns_result: false,
    };
    let mut in_header = true;
    let mut in_attr = false;
    for (i, line) in code.lines().enumerate() {
        let t = line.trim();
        if in_attr {
            p.crate_attrs.push((i, line));
            in_attr = !t.ends_with(']');
            continue;
        }
        if in_header {
            if t.starts_with("#![") {
                p.crate_attrs.push((i, line));
                in_attr = !t.ends_with(']');
                continue;
            }
            if t.is_empty() || t.starts_with("//") || is_extern_crate(t) {
                p.header.push((i, line));
                continue;
            }
            in_header = false;
        }
        if !t.starts_with("//") && FN_MAIN.is_match(line) {
            p.has_main = true;
        }
        p.body.push((i, line));
    }
    p.returns_result = p
        .body
        .iter()
        .rev()
        .map(|(_, l)| l.trim())
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.ends_with("(())"));
    p
}

fn is_extern_crate(t: &str) -> bool {
    let t = t.strip_prefix("#[macro_use]").map_or(t, str::trim_start);
    let t = t.strip_prefix("pub ").unwrap_or(t);
    t.starts_with("extern crate ")
}

/// Does the code need a crate of its own (crate attributes or `extern
/// crate` lines, which only a crate root may hold)?
pub fn needs_own_crate(code: &str) -> bool {
    let p = parts(code);
    !p.crate_attrs.is_empty() || p.header.iter().any(|(_, l)| is_extern_crate(l.trim()))
}

/// The code of block `tag` as a crate of its own.
pub fn crate_source(code: &str, tag: usize) -> Source {
    let p = parts(code);
    let mut s = Source::default();
    s.push("#![allow(unused)]", None);
    for (i, l) in &p.crate_attrs {
        s.push(l, Some((tag, *i)));
    }
    for (i, l) in &p.header {
        s.push(l, Some((tag, *i)));
    }
    body(&mut s, &p, tag);
    s
}

/// The code of block `tag` as `mod NAME { ... }` with a public entry that
/// runs its `main`, for a merged crate. Its code has neither crate
/// attributes nor `extern crate` lines ([`needs_own_crate`]).
pub fn module(code: &str, tag: usize, s: &mut Source) {
    let p = parts(code);
    s.push(&format!("mod {} {{", module_name(tag)), None);
    // None by contract; kept as the module's inner attributes all the same.
    for (i, l) in p.crate_attrs.iter().chain(&p.header) {
        s.push(l, Some((tag, *i)));
    }
    body(s, &p, tag);
    s.push(
        &format!(
            "pub(crate) fn {ENTRY}() -> ::std::process::ExitCode {{ ::std::process::Termination::report(main()) }}"
        ),
        None,
    );
    s.push("}", None);
}

pub fn module_name(tag: usize) -> String {
    format!("__guidebook_block_{tag}")
}

fn body(s: &mut Source, p: &Parts<'_>, tag: usize) {
    if p.has_main {
        for (i, l) in &p.body {
            s.push(l, Some((tag, *i)));
        }
        return;
    }
    if p.returns_result {
        s.push(
            "fn main() { fn _inner() -> ::core::result::Result<(), impl ::core::fmt::Debug> {",
            None,
        );
    } else {
        s.push("fn main() {", None);
    }
    for (i, l) in &p.body {
        s.push(l, Some((tag, *i)));
    }
    if p.returns_result {
        s.push("} _inner().unwrap() }", None);
    } else {
        s.push("}", None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_in_main_with_crate_attributes_first() {
        let code =
            "// a comment\n#![feature(x)]\nextern crate foo;\nlet x = 1;\nprintln!(\"{x}\");\n";
        let s = crate_source(code, 3);
        assert_eq!(
            s.text,
            "#![allow(unused)]\n#![feature(x)]\n// a comment\nextern crate foo;\nfn main() {\nlet x = 1;\nprintln!(\"{x}\");\n}\n"
        );
        assert_eq!(s.origin(2), Some((3, 1)));
        assert_eq!(s.origin(3), Some((3, 0)));
        assert_eq!(s.origin(6), Some((3, 3)));
        assert_eq!(s.origin(5), None);
        assert!(needs_own_crate(code));
    }

    #[test]
    fn a_main_of_its_own_is_kept() {
        let code = "use std::fmt;\nfn main() {\n}\n";
        assert_eq!(
            crate_source(code, 0).text,
            "#![allow(unused)]\nuse std::fmt;\nfn main() {\n}\n"
        );
        // Not a main: a comment, another name.
        for code in ["// fn main() {}\nlet a = 1;\n", "fn main_loop() {}\n"] {
            assert!(
                crate_source(code, 0).text.contains("fn main() {\n"),
                "{code}"
            );
        }
        assert!(!needs_own_crate(code));
    }

    #[test]
    fn code_ending_in_ok_unit_returns_a_result() {
        let s = crate_source(
            "let n: u8 = \"7\".parse()?;\nOk::<(), std::num::ParseIntError>(())\n",
            0,
        );
        assert!(
            s.text
                .contains("fn _inner() -> ::core::result::Result<(), impl ::core::fmt::Debug> {")
        );
        assert!(s.text.ends_with("} _inner().unwrap() }\n"));
    }

    /// Lines of the kinds the wrapping tells apart.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "#![allow(dead_code)]",
            "#![doc = \"a",
            "]",
            "extern crate core;",
            "#[macro_use] extern crate std;",
            "",
            "// fn main() {}",
            "let a = 1;",
            "fn main() {",
            "}",
            "Ok::<(), ()>(())",
        ])
    }

    proptest::proptest! {
        /// Every line of the block's code is in the generated source once,
        /// unchanged, and the map says where it came from.
        #[test]
        fn every_code_line_is_kept_once_and_mapped(lines in proptest::collection::vec(line(), 0..12)) {
            let code: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let mut merged = Source::default();
            module(&code, 4, &mut merged);
            for s in [crate_source(&code, 4), merged] {
                let generated: Vec<&str> = s.text.lines().collect();
                proptest::prop_assert_eq!(generated.len(), s.map.len());
                for (i, l) in lines.iter().enumerate() {
                    let at: Vec<usize> = (0..s.map.len()).filter(|&g| s.map[g] == Some((4, i))).collect();
                    proptest::prop_assert_eq!(at.len(), 1);
                    proptest::prop_assert_eq!(generated[at[0]], *l);
                }
            }
        }
    }

    #[test]
    fn a_module_of_a_merged_crate() {
        let mut s = Source::default();
        module("let x = 1;\n", 2, &mut s);
        assert_eq!(
            s.text,
            format!(
                "mod __guidebook_block_2 {{\nfn main() {{\nlet x = 1;\n}}\npub(crate) fn {ENTRY}() -> ::std::process::ExitCode {{ ::std::process::Termination::report(main()) }}\n}}\n"
            )
        );
        assert_eq!(s.origin(3), Some((2, 0)));
    }
}
