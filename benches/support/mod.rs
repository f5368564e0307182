//! The benchmark books: deterministic, realistic Markdown (prose, lists,
//! tables, links between pages, GitHub alerts, and about 40% of lines in
//! code blocks of six languages, every block different).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// A small deterministic random generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "flake",
    "input",
    "lock",
    "file",
    "cargo",
    "build",
    "derivation",
    "nixpkgs",
    "toolchain",
    "shell",
    "package",
    "version",
    "override",
    "wasmtime_component_macro",
    "crate",
    "store",
    "path",
    "hash",
    "output",
    "target",
    "release",
    "profile",
    "feature",
    "dependency",
    "workspace",
    "sandbox",
    "network",
    "cache",
    "binary",
    "overlay",
    "module",
    "system",
    "attribute",
    "update",
    "pin",
    "rust",
    "compiler",
    "linker",
    "library",
    "environment",
    "variable",
    "when",
    "with",
    "after",
    "before",
    "every",
    "which",
    "because",
    "instead",
    "this",
    "that",
    "a",
    "an",
    "and",
    "or",
    "to",
    "of",
    "in",
    "is",
    "runs",
    "fails",
    "works",
    "needs",
    "uses",
    "keeps",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(12);
    let mut s = String::new();
    for i in 0..n {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            s.extend(c.next().map(|c| c.to_ascii_uppercase()));
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            if rng.below(12) == 0 {
                let _ = write!(s, "`{w}`");
            } else {
                s.push_str(w);
            }
        }
    }
    s.push('.');
    s
}

const CODE: &[(&str, &str)] = &[
    (
        "console",
        "$ nix build .#default \\\n    --print-build-logs\nthis derivation will be built:\n  /nix/store/abc-demo-0.1.0.drv\n$ ./result/bin/demo --version\ndemo 0.1.0\n",
    ),
    (
        "sh",
        "set -euo pipefail\ncargo build --release --locked\nfor f in target/release/*.so; do\n  echo \"built $f\"\ndone\n",
    ),
    (
        "nix",
        "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n  outputs = { self, nixpkgs }: {\n    packages.x86_64-linux.default =\n      nixpkgs.legacyPackages.x86_64-linux.hello;\n  };\n}\n",
    ),
    (
        "toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n",
    ),
    (
        "rust",
        "use std::collections::HashMap;\n\nfn main() {\n    let mut seen = HashMap::new();\n    for word in [\"a\", \"b\", \"a\"] {\n        *seen.entry(word).or_insert(0) += 1;\n    }\n    println!(\"{seen:?}\");\n}\n",
    ),
    (
        "json",
        "{\n  \"name\": \"demo\",\n  \"version\": \"0.1.0\",\n  \"dependencies\": { \"left-pad\": \"^1.3.0\" },\n  \"private\": true\n}\n",
    ),
];

/// `code` made different from every other block of the book, as real
/// books' blocks are: package names, versions and words change, so no two
/// blocks are alike and none can be highlighted once for all.
fn vary(code: &str, rng: &mut Rng, page: usize, block: usize) -> String {
    code.replace("demo", &format!("{}-{page}", rng.pick(WORDS)))
        .replace("0.1.0", &format!("0.{page}.{block}"))
        .replace(
            "\"a\", \"b\"",
            &format!("\"{}\", \"{}\"", rng.pick(WORDS), rng.pick(WORDS)),
        )
        .replace("hello", rng.pick(WORDS))
        .replace("release", rng.pick(WORDS))
}

/// Write a book of `pages` pages at `root` (its pages under `src/`, in
/// `part{P}/chapter{C}.md` and `part{P}/chapter{C}/section{S}.md`); the
/// number of Markdown lines.
pub fn generate(root: &Path, pages: usize) -> usize {
    let _ = fs::remove_dir_all(root);
    let src = root.join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(
        root.join("book.toml"),
        "[book]\ntitle = \"Benchmark book\"\n\n[output.html]\nsite-url = \"https://example.org/bench/\"\nedit-url-template = \"https://example.org/edit/{path}\"\n",
    )
    .unwrap();
    let parts = 10;
    let sections = 10;
    let chapters = (pages / parts / sections).max(1);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ pages as u64);
    let mut summary = String::from("# Summary\n\n");
    let mut paths = Vec::new();
    for p in 0..parts {
        let _ = writeln!(summary, "# Part {}\n", p + 1);
        for c in 0..chapters {
            for s in 0..sections {
                let path = if s == 0 {
                    format!("part{p}/chapter{c}.md")
                } else {
                    format!("part{p}/chapter{c}/section{s}.md")
                };
                let indent = if s == 0 { "" } else { "  " };
                let _ = writeln!(
                    summary,
                    "{indent}- [Part {p} chapter {c} section {s}]({path})"
                );
                paths.push(path);
            }
        }
        summary.push('\n');
    }
    fs::write(src.join("SUMMARY.md"), &summary).unwrap();
    let mut total = summary.lines().count();
    for (i, path) in paths.iter().enumerate() {
        let next = &paths[(i + 1) % paths.len()];
        let prev = &paths[(i + paths.len() - 1) % paths.len()];
        let text = page(&mut rng, i, path, prev, next);
        total += text.lines().count();
        let full = src.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }
    total
}

/// A link from the page at `from` to the page at `to` (both relative to src).
fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    format!("{}{to}", "../".repeat(depth))
}

fn page(rng: &mut Rng, i: usize, path: &str, prev: &str, next: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Page {i}: {}\n", rng.pick(WORDS));
    let _ = writeln!(
        out,
        "{} See the [next page]({}#step-1) and the [previous one]({}).\n",
        sentence(rng),
        relative(path, next),
        relative(path, prev)
    );
    for step in 1..=4 {
        let _ = writeln!(out, "## Step {step}\n");
        for _ in 0..2 {
            let _ = writeln!(out, "{} {}\n", sentence(rng), sentence(rng));
        }
        let (lang, code) = CODE[rng.below(CODE.len())];
        let code = vary(code, rng, i, step);
        let _ = writeln!(out, "```{lang}\n{code}```\n");
        match step {
            2 => {
                for _ in 0..4 {
                    let _ = writeln!(out, "- {}", sentence(rng));
                }
                out.push('\n');
            }
            3 => {
                out.push_str("| Option | Default | Meaning |\n|---|---|---|\n");
                for _ in 0..3 {
                    let _ = writeln!(
                        out,
                        "| `{}` | `{}` | {} |",
                        rng.pick(WORDS),
                        rng.below(100),
                        sentence(rng)
                    );
                }
                out.push('\n');
            }
            _ => {
                let (lang, code) = CODE[rng.below(CODE.len())];
                let code = vary(code, rng, i, step + 10);
                let _ = writeln!(
                    out,
                    "### Details\n\n{}\n\n```{lang}\n{code}```\n",
                    sentence(rng)
                );
            }
        }
    }
    let _ = writeln!(out, "> [!NOTE]\n> {}\n", sentence(rng));
    out
}
