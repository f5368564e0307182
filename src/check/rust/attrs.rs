//! Which blocks are Rust doctests and what their rustdoc attributes ask,
//! as rustdoc reads an info string (`LangString::parse` in
//! src/librustdoc/html/markdown.rs): lang `rust`, no language at all, or a
//! first word that is itself one of rustdoc's attributes (`ignore`,
//! `should_panic`...).

use crate::markdown::codeblock::{CodeBlock, is_foreign_flag};

/// What a Rust block asks of its test.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    /// `ignore`: not compiled.
    pub ignore: bool,
    /// `ignore-TARGET` parts: ignored on targets whose triple holds one.
    pub ignore_targets: Vec<String>,
    /// `no_run` (also implied by `compile_fail`): compiled, not run.
    pub no_run: bool,
    pub should_panic: bool,
    pub compile_fail: bool,
    /// `E0277`-style codes that must be among the compiler's errors.
    pub error_codes: Vec<String>,
    /// `editionNNNN`.
    pub edition: Option<String>,
    /// `test_harness`: compiled with `--test`, its `#[test]`s run.
    pub test_harness: bool,
    /// `standalone_crate`: never merged with other blocks.
    pub standalone: bool,
}

impl Attrs {
    /// Is the block ignored on a machine whose target triple is `host`?
    pub fn ignored_on(&self, host: &str) -> bool {
        self.ignore
            || self
                .ignore_targets
                .iter()
                .any(|t| host.contains(t.as_str()))
    }
}

/// Is `block` a Rust block in rustdoc's sense (and not a `file=` block,
/// which the checker writes instead)?
pub fn is_rust(block: &CodeBlock) -> bool {
    let lang = block.lang.as_str();
    !block.unclosed
        && block.annotations.file.is_none()
        && (lang == "rust" || lang.is_empty() || is_foreign_flag(lang))
}

/// The rustdoc attributes of a Rust block (its first word included, when
/// that is one).
pub fn attrs(block: &CodeBlock) -> Attrs {
    let mut a = Attrs::default();
    let first = Some(block.lang.as_str()).filter(|l| is_foreign_flag(l));
    for flag in first
        .into_iter()
        .chain(block.annotations.mdbook_flags.iter().map(String::as_str))
    {
        match flag {
            "ignore" => a.ignore = true,
            "no_run" => a.no_run = true,
            "should_panic" => a.should_panic = true,
            "compile_fail" => {
                a.compile_fail = true;
                a.no_run = true;
            }
            "test_harness" => a.test_harness = true,
            "standalone_crate" | "standalone-crate" => a.standalone = true,
            _ => {
                if let Some(t) = flag.strip_prefix("ignore-") {
                    a.ignore_targets.push(t.to_string());
                } else if let Some(year) = flag.strip_prefix("edition") {
                    a.edition = Some(year.to_string());
                } else if flag.len() == 5 && flag.starts_with('E') {
                    a.error_codes.push(flag.to_string());
                }
            }
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Page;
    use std::path::Path;

    fn blocks(source: &str) -> Vec<CodeBlock> {
        Page::parse(Path::new("t.md"), Path::new("t.md"), source.into())
            .unwrap()
            .blocks
    }

    #[test]
    fn rust_blocks_as_rustdoc_reads_them() {
        let b = blocks(
            "```rust\n1;\n```\n\n```\n2;\n```\n\n```ignore\n3;\n```\n\n```text\n4\n```\n\n```rust file=src/lib.rs\n5;\n```\n\n```sh\ntrue\n```\n\n```should_panic,edition2021\npanic!()\n```\n",
        );
        let rust: Vec<bool> = b.iter().map(is_rust).collect();
        assert_eq!(rust, [true, true, true, false, false, false, true]);
        assert!(attrs(&b[2]).ignore);
        let a = attrs(&b[6]);
        assert!(a.should_panic);
        assert_eq!(a.edition.as_deref(), Some("2021"));
    }

    #[test]
    fn attributes_and_what_they_imply() {
        let b = blocks(
            "```rust,compile_fail,E0277,ignore-wasm32\nx\n```\n\n```rust no_run test_harness standalone_crate\nx\n```\n",
        );
        let a = attrs(&b[0]);
        assert!(a.compile_fail && a.no_run && !a.ignore);
        assert_eq!(a.error_codes, ["E0277"]);
        assert!(a.ignored_on("wasm32-unknown-unknown"));
        assert!(!a.ignored_on("x86_64-unknown-linux-gnu"));
        let a = attrs(&b[1]);
        assert!(a.no_run && a.test_harness && a.standalone && !a.compile_fail);
    }
}
