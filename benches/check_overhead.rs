//! Per-command overhead of docs-check, and pages in parallel.
//!
//! `cargo bench --bench check_overhead` builds two books in a temporary
//! folder and prints:
//! - 500 trivial console commands (`true`, `echo x`) on 4 pages, checked
//!   with -j1, against spawning `bash -c CMD` for each command;
//! - 4 pages of CPU-bound commands, checked with -j1 and -j2.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const DOCS_CHECK: &str = env!("CARGO_BIN_EXE_docs-check");
const PAGES: usize = 4;
const COMMANDS: usize = 500;
const RUNS: usize = 5;

fn write_book(root: &Path, page: impl Fn(usize) -> String) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    let mut summary = String::from("# Summary\n\n");
    for p in 0..PAGES {
        summary.push_str(&format!("- [Page {p}](p{p}.md)\n"));
        std::fs::write(root.join(format!("src/p{p}.md")), page(p)).unwrap();
    }
    std::fs::write(root.join("src/SUMMARY.md"), summary).unwrap();
}

fn docs_check(book: &Path, jobs: usize) -> Duration {
    let started = Instant::now();
    let out = Command::new(DOCS_CHECK)
        .arg(book)
        .arg(format!("-j{jobs}"))
        .arg("--report")
        .arg(book.join("report.json"))
        .env("GUIDEBOOK_NETWORK", "0")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    elapsed
}

fn best(mut f: impl FnMut() -> Duration) -> Duration {
    (0..RUNS).map(|_| f()).min().unwrap()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();

    // 1. Trivial commands.
    let trivial = dir.path().join("trivial");
    let per_page = COMMANDS / PAGES;
    write_book(&trivial, |p| {
        let mut s = format!("# Page {p}\n\n```console\n");
        for i in 0..per_page {
            if i % 2 == 0 {
                s.push_str("$ true\n");
            } else {
                s.push_str("$ echo x\nx\n");
            }
        }
        s.push_str("```\n");
        s
    });
    let empty = dir.path().join("empty");
    write_book(&empty, |p| {
        format!("# Page {p}\n\n```console\n$ true\n```\n")
    });

    let check = best(|| docs_check(&trivial, 1));
    let startup = best(|| docs_check(&empty, 1));
    let bash = best(|| {
        let started = Instant::now();
        for i in 0..COMMANDS {
            let cmd = if i % 2 == 0 { "true" } else { "echo x" };
            let out = Command::new("bash").args(["-c", cmd]).output().unwrap();
            assert!(out.status.success());
        }
        started.elapsed()
    });
    let per_cmd =
        (check.saturating_sub(startup)).as_secs_f64() * 1000.0 / (COMMANDS - PAGES) as f64;
    println!("{COMMANDS} trivial commands on {PAGES} pages (best of {RUNS}):");
    println!("  docs-check -j1:          {:8.1} ms", ms(check));
    println!(
        "  docs-check -j1, 1 cmd/page: {:5.1} ms (start-up, sandboxes, shells)",
        ms(startup)
    );
    println!("  per command (docs-check): {:7.3} ms", per_cmd);
    println!(
        "  bash -c per command:      {:7.3} ms ({:.1} ms in all)",
        ms(bash) / COMMANDS as f64,
        ms(bash)
    );

    // 2. CPU-bound pages, -j1 against -j2.
    let cpu = dir.path().join("cpu");
    write_book(&cpu, |p| {
        let mut s = format!("# Page {p}\n\n```console\n");
        for _ in 0..5 {
            s.push_str("$ i=0; while [ $i -lt 40000 ]; do i=$((i+1)); done; echo $i\n40000\n");
        }
        s.push_str("```\n");
        s
    });
    let j1 = best(|| docs_check(&cpu, 1));
    let j2 = best(|| docs_check(&cpu, 2));
    println!("{PAGES} CPU-bound pages (best of {RUNS}):");
    println!("  -j1: {:8.1} ms", ms(j1));
    println!(
        "  -j2: {:8.1} ms (speed-up {:.2}x)",
        ms(j2),
        j1.as_secs_f64() / j2.as_secs_f64()
    );
}
