//! Build benchmark: generates books of 1,000 and 5,000 pages of realistic
//! Markdown (about 40% of lines in code blocks: console, sh, nix, toml,
//! rust, json; headings, lists, tables, links between pages) and times a
//! full `guidebook build` of each, with the peak memory of the process.
//! Every code block differs from every other (names and versions vary by
//! page), so the highlighting cache of repeated blocks does not flatter the
//! figures.
//!
//! Run with `cargo bench --bench build_bench` (optionally followed by
//! `-- 1000 5000 ...` to choose the sizes). With `MDBOOK=/path/to/mdbook`
//! set, `mdbook build` of the same books is timed in the same run, builds of
//! the two taking turns, so that both see the machine in the same state.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod support;

use support::generate;

const RUNS: usize = 3;

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1000, 5000]
    } else {
        sizes
    };
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_guidebook"));
    let mdbook = std::env::var_os("MDBOOK").map(PathBuf::from);
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-books");
    println!(
        "{:>6} {:>9} {:>9} {:>9} {:>9} {:>10} {:>12} {:>10}",
        "pages", "md lines", "first s", "best s", "median s", "peak RSS", "search index", "site"
    );
    for pages in sizes {
        let root = base.join(format!("pages-{pages}"));
        let lines = generate(&root, pages);
        let dest = root.join("book");
        let mut times = Vec::new();
        let mut peak_kb = 0;
        // The first build (into a new folder), then the rebuilds, which
        // rewrite the previous site's files (see render::output).
        let mut first = Duration::ZERO;
        let mut mdbook_times = Vec::new();
        let mut mdbook_kb = 0;
        for run in 0..=RUNS {
            let (elapsed, rss_kb) = timed_build(&exe, &root, &dest);
            peak_kb = peak_kb.max(rss_kb);
            if run == 0 {
                first = elapsed;
            } else {
                times.push(elapsed);
                if let Some(mdbook) = &mdbook
                    && (pages <= 1000 || run == 1)
                {
                    let (t, kb) = timed_mdbook(mdbook, &root);
                    mdbook_times.push(t);
                    mdbook_kb = mdbook_kb.max(kb);
                }
            }
        }
        times.sort();
        mdbook_times.sort();
        let index = fs::metadata(dest.join("searchindex.js"))
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "{:>6} {:>9} {:>9.3} {:>9.3} {:>9.3} {:>7.1} MB {:>9.2} MB {:>7.1} MB",
            pages,
            lines,
            first.as_secs_f64(),
            times[0].as_secs_f64(),
            times[times.len() / 2].as_secs_f64(),
            peak_kb as f64 / 1024.0,
            index as f64 / 1e6,
            dir_size(&dest) as f64 / 1e6,
        );
        if let Some(best) = mdbook_times.first() {
            println!(
                "{:>6} mdbook build: best {:.3} s of {}, peak RSS {:.1} MB; guidebook is {:.1}x faster (best against best)",
                "",
                best.as_secs_f64(),
                mdbook_times.len(),
                mdbook_kb as f64 / 1024.0,
                best.as_secs_f64() / times[0].as_secs_f64()
            );
        }
    }
}

/// `mdbook build` of the book at `root` into its own folder; wall time and
/// peak memory.
fn timed_mdbook(mdbook: &Path, root: &Path) -> (Duration, i64) {
    let started = Instant::now();
    let child = Command::new(mdbook)
        .arg("build")
        .arg(root)
        .arg("--dest-dir")
        .arg(root.join("mdbook-site"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start mdbook");
    wait_with_usage(child, started, root)
}

/// Run one build; its wall time and peak resident memory (KiB).
fn timed_build(exe: &Path, root: &Path, dest: &Path) -> (Duration, i64) {
    let started = Instant::now();
    let child = Command::new(exe)
        .arg("build")
        .arg(root)
        .arg("--dest-dir")
        .arg(dest)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start guidebook");
    wait_with_usage(child, started, root)
}

/// Wait for `child` with `wait4`, which also reports its resource usage;
/// its wall time since `started` and peak resident memory (KiB).
#[allow(clippy::zombie_processes)]
fn wait_with_usage(child: std::process::Child, started: Instant, root: &Path) -> (Duration, i64) {
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid out-pointers.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = started.elapsed();
    assert!(pid > 0, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "build of {} failed",
        root.display()
    );
    (elapsed, usage.ru_maxrss)
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}
