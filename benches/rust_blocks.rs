//! docs-check against `mdbook test` on the same book of Rust blocks.
//!
//! `cargo bench --bench rust_blocks` writes a book of 6 pages with 10 Rust
//! blocks each (plain blocks, hidden lines, a `fn main`, `?`, a struct and
//! a trait, `should_panic`, `no_run`, `compile_fail`), then times, in turns
//! in the same run, `docs-check` (`[check.rust] enable = true`), docs-check
//! on the same book with every block `standalone_crate` (a rustc per block,
//! what merging saves), and `mdbook test` (mdBook 0.5 refuses a `[check]`
//! table, so it reads a copy without one), and prints each one's range over
//! the runs.
//!
//! mdBook is `$MDBOOK`, else `mdbook` on
//! PATH; without it only docs-check is timed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const DOCS_CHECK: &str = env!("CARGO_BIN_EXE_docs-check");
const PAGES: usize = 6;
const RUNS: usize = 5;

/// The ten blocks of page `p`; each a crate of its own with `alone`.
fn page(p: usize, alone: bool) -> String {
    let blocks = [
        format!("```rust\nlet v: Vec<u32> = (0..{p}0).collect();\nassert_eq!(v.len(), {p}0);\n```"),
        format!("```rust\n# fn square(x: u64) -> u64 {{\n#     x * x\n# }}\nassert_eq!(square({p}), {p} * {p});\n```"),
        format!("```rust\nfn main() {{\n    let s = format!(\"page {{}}\", {p});\n    assert!(s.ends_with(\"{p}\"));\n}}\n```"),
        "```rust\nlet n: i32 = \"42\".parse()?;\nassert_eq!(n, 42);\nOk::<(), std::num::ParseIntError>(())\n```".to_string(),
        "```rust\nuse std::collections::HashMap;\nlet mut m = HashMap::new();\nm.insert(\"a\", 1);\nassert_eq!(m[\"a\"], 1);\n```".to_string(),
        "```rust\n#[derive(Debug, Clone, PartialEq)]\nstruct Point { x: i32, y: i32 }\nlet p = Point { x: 1, y: 2 };\nassert_eq!(p.clone(), p);\n```".to_string(),
        "```rust\ntrait Shape { fn area(&self) -> f64; }\nstruct Sq(f64);\nimpl Shape for Sq { fn area(&self) -> f64 { self.0 * self.0 } }\nassert_eq!(Sq(3.0).area(), 9.0);\n```".to_string(),
        "```rust,should_panic\nlet v: Vec<u8> = Vec::new();\nlet _ = v[1];\n```".to_string(),
        "```rust,no_run\nstd::process::exit(1);\n```".to_string(),
        "```rust,compile_fail\nlet x: u32 = \"no\";\n```".to_string(),
    ];
    let mut text = blocks.join("\n\n");
    if alone {
        text = text.replace("```rust", "```rust,standalone_crate");
    }
    format!("# Page {p}\n\n{text}\n")
}

fn write_book(root: &Path, book_toml: &str, alone: bool) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    let mut summary = String::from("# Summary\n\n");
    for p in 0..PAGES {
        summary.push_str(&format!("- [Page {p}](p{p}.md)\n"));
        std::fs::write(root.join(format!("src/p{p}.md")), page(p, alone)).unwrap();
    }
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
    std::fs::write(root.join("book.toml"), book_toml).unwrap();
}

fn timed(mut cmd: Command) -> Duration {
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{:?}: {}{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn mdbook() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MDBOOK") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("mdbook"))
        .find(|p| p.is_file())
}

fn range(times: &[Duration]) -> String {
    let s = |d: &Duration| d.as_secs_f64();
    let min = times.iter().map(s).fold(f64::MAX, f64::min);
    let max = times.iter().map(s).fold(0.0, f64::max);
    format!("{min:.2}-{max:.2} s")
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("docs-check");
    let alone = dir.path().join("docs-check-alone");
    let theirs = dir.path().join("mdbook");
    let edition = "[book]\ntitle = \"Bench\"\n\n[rust]\nedition = \"2021\"\n";
    let checked = format!("{edition}\n[check.rust]\nenable = true\n");
    write_book(&ours, &checked, false);
    write_book(&alone, &checked, true);
    write_book(&theirs, edition, false);
    let mdbook = mdbook();
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!(
        "{} Rust blocks on {PAGES} pages, {RUNS} runs each, in turns ({jobs} cores)",
        PAGES * 10
    );
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let docs_check = |book: &Path| {
        let mut cmd = Command::new(DOCS_CHECK);
        cmd.arg(book)
            .arg("--report")
            .arg(book.join("report.json"))
            .env("GUIDEBOOK_NETWORK", "0");
        timed(cmd)
    };
    for _ in 0..RUNS {
        a.push(docs_check(&ours));
        c.push(docs_check(&alone));
        if let Some(m) = &mdbook {
            let mut cmd = Command::new(m);
            cmd.arg("test").arg(&theirs);
            b.push(timed(cmd));
        }
    }
    let report = std::fs::read_to_string(ours.join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    println!("docs-check:  {} ({})", range(&a), report["totals"]);
    println!("docs-check, a crate per block: {}", range(&c));
    match &mdbook {
        Some(m) => println!("mdbook test: {} ({})", range(&b), m.display()),
        None => println!("mdbook test: not run (no mdbook; set MDBOOK)"),
    }
}
