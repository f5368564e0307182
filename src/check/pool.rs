//! The worker pool: pages run in parallel (`-j`), each on one worker, its
//! blocks in order.

use rayon::prelude::*;

use super::page;
use super::plan::Plan;
use super::settings::Settings;
use crate::error::{Error, Result};
use crate::report::BlockResult;

/// Run every page of `plan` on `jobs` workers (default: one per CPU, at most
/// one per page). The results of each page, in book order.
pub fn run_pages(
    plan: &Plan,
    settings: &Settings,
    jobs: Option<usize>,
) -> Result<Vec<Result<Vec<BlockResult>>>> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(plan.pages.len())
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Other(format!("cannot start {jobs} workers: {e}")))?;
    Ok(pool.install(|| {
        plan.pages
            .par_iter()
            .map(|(page, _)| {
                let source = page.rel.to_string_lossy().replace('\\', "/");
                page::run_page(page, settings).map(|mut results| {
                    for r in &mut results {
                        r.source = source.clone();
                    }
                    results
                })
            })
            .collect()
    }))
}
