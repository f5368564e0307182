//! `docs-check merge REPORT...`: the JSON reports of the jobs of a CI
//! matrix (`--partition K/N`) joined into the one report the site reads
//! (`guidebook build --checks`).
//!
//! Refused, with the files named: reports of another book, schema or
//! guidebook version; two reports with the same page (its results would
//! be counted twice); partitions of different splits (`1/2` with `hash:2/3`),
//! the same partition twice, or a partition missing (its pages would show
//! as never checked); reports whose flakes were checked with different Nix
//! versions or nixpkgs revisions (a badge names one of each).
//! The totals are counted again from the blocks.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::model::Report;
use crate::error::{Error, Result};

/// Read the JSON report at `path`.
pub fn read(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::input(
            path,
            e.line().max(1),
            format!("not a docs-check JSON report: {e}"),
        )
    })
}

/// Join `reports` (each with the file it was read from) into one.
pub fn merge(reports: Vec<(PathBuf, Report)>) -> Result<Report> {
    let Some((first_path, first)) = reports.first() else {
        return Err(Error::Other("merge: give at least one report".into()));
    };
    let name = |p: &Path| p.display().to_string();
    for (path, r) in &reports[1..] {
        for (what, a, b) in [
            ("book", &first.book, &r.book),
            ("guidebook version", &first.guidebook, &r.guidebook),
        ] {
            if a != b {
                return Err(Error::Other(format!(
                    "{}: the report of another {what} ({b:?}; {} has {a:?}): merge only the reports of one run of a matrix",
                    name(path),
                    name(first_path)
                )));
            }
        }
        if r.version != first.version {
            return Err(Error::Other(format!(
                "{}: report schema version {} ({} has {})",
                name(path),
                r.version,
                name(first_path),
                first.version
            )));
        }
    }
    check_partitions(&reports)?;
    check_pages(&reports)?;
    agreed(&reports, "Nix version", |r| {
        r.nix
            .as_ref()
            .map(|n| n.get("version").cloned().unwrap_or_default())
    })?;
    agreed(&reports, "nixpkgs revision", |r| {
        r.nixpkgs
            .as_ref()
            .map(|n| n.get("rev").cloned().unwrap_or_default())
    })?;

    let (book, guidebook, version) = (first.book.clone(), first.guidebook.clone(), first.version);
    let mut reports = reports;
    reports.sort_by_key(|(_, r)| r.partition.map(|p| p.index));
    let mut blocks = Vec::new();
    let mut flakes = Vec::new();
    let mut channels: Vec<String> = Vec::new();
    let mut isolation: Vec<String> = Vec::new();
    let mut merged_parts = Vec::new();
    let mut generated_at = String::new();
    let mut nix_record = None;
    let mut nixpkgs = None;
    for (_, r) in reports {
        blocks.extend(r.blocks);
        flakes.extend(r.flakes);
        for c in r.channels {
            if !channels.contains(&c) {
                channels.push(c);
            }
        }
        if !r.isolation.is_empty() && !isolation.contains(&r.isolation) {
            isolation.push(r.isolation);
        }
        merged_parts.extend(r.partition);
        merged_parts.extend(r.merged);
        // RFC 3339 in UTC: the latest sorts last.
        generated_at = generated_at.max(r.generated_at);
        nix_record = nix_record.or(r.nix);
        nixpkgs = nixpkgs.or(r.nixpkgs);
    }
    let mut out = Report::new(blocks);
    out.version = version;
    out.generated_at = generated_at;
    out.nix = nix_record;
    out.nixpkgs = nixpkgs;
    out.channels = channels;
    out.flakes = flakes;
    out.isolation = isolation.join(",");
    out.book = book;
    out.guidebook = guidebook;
    out.merged = merged_parts;
    Ok(out)
}

/// Partitions, when the reports have them, must be one split, each part
/// once and none missing.
fn check_partitions(reports: &[(PathBuf, Report)]) -> Result<()> {
    let parts: Vec<_> = reports
        .iter()
        .flat_map(|(path, r)| r.partition.iter().chain(&r.merged).map(move |p| (path, *p)))
        .collect();
    let Some((first_path, first)) = parts.first() else {
        return Ok(());
    };
    if let Some((path, _)) = reports
        .iter()
        .find(|(_, r)| r.partition.is_none() && r.merged.is_empty())
    {
        return Err(Error::Other(format!(
            "{}: not a --partition run, while {} is partition {first}: merge the reports of one matrix",
            path.display(),
            first_path.display()
        )));
    }
    let mut seen: HashMap<usize, &PathBuf> = HashMap::new();
    for (path, p) in &parts {
        if (p.scheme, p.count) != (first.scheme, first.count) {
            return Err(Error::Other(format!(
                "{}: partition {p} is of another split than {} ({first})",
                path.display(),
                first_path.display()
            )));
        }
        if let Some(other) = seen.insert(p.index, path) {
            return Err(Error::Other(format!(
                "{}: partition {p} is also {}",
                path.display(),
                other.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=first.count)
        .filter(|i| !seen.contains_key(i))
        .map(|i| format!("{i}/{}", first.count))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Other(format!(
            "partition {} missing: its pages would read as never checked; give every job's report",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// No page may be in two reports.
fn check_pages(reports: &[(PathBuf, Report)]) -> Result<()> {
    let mut owner: HashMap<&str, &PathBuf> = HashMap::new();
    for (path, r) in reports {
        let mut pages: Vec<&str> = r
            .blocks
            .iter()
            .map(|b| {
                if b.source.is_empty() {
                    b.page.as_str()
                } else {
                    b.source.as_str()
                }
            })
            .collect();
        pages.dedup();
        for page in pages {
            match owner.get(page) {
                Some(other) if *other != path => {
                    return Err(Error::Other(format!(
                        "{}: page {page} is also in {}: a page's results must come from one report",
                        path.display(),
                        other.display()
                    )));
                }
                _ => {
                    owner.insert(page, path);
                }
            }
        }
    }
    Ok(())
}

/// The one value `key` has in every report that has one; `Err` naming two
/// reports that differ.
fn agreed(
    reports: &[(PathBuf, Report)],
    what: &str,
    key: impl Fn(&Report) -> Option<serde_json::Value>,
) -> Result<Option<serde_json::Value>> {
    let mut found: Option<(&PathBuf, serde_json::Value)> = None;
    for (path, r) in reports {
        let Some(v) = key(r) else { continue };
        match &found {
            Some((other, seen)) if *seen != v => {
                return Err(Error::Other(format!(
                    "{}: checked with {what} {v} and {} with {seen}: a badge names one",
                    path.display(),
                    other.display()
                )));
            }
            Some(_) => {}
            None => found = Some((path, v)),
        }
    }
    Ok(found.map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::partition::Partition;
    use crate::report::{BlockResult, Status};

    fn report(book: &str, part: Option<&str>, pages: &[(&str, Status)]) -> Report {
        let blocks = pages
            .iter()
            .map(|(page, status)| {
                serde_json::from_value::<BlockResult>(serde_json::json!({
                    "page": format!("src/{page}"), "source": page, "line": 3, "status": status,
                }))
                .unwrap()
            })
            .collect();
        let mut r = Report::new(blocks);
        r.book = book.into();
        r.guidebook = "0.1.0".into();
        r.partition = part.map(|p| p.parse::<Partition>().unwrap());
        r
    }

    fn named(rs: Vec<Report>) -> Vec<(PathBuf, Report)> {
        rs.into_iter()
            .enumerate()
            .map(|(i, r)| (PathBuf::from(format!("r{}.json", i + 1)), r))
            .collect()
    }

    fn error(rs: Vec<Report>) -> String {
        merge(named(rs)).unwrap_err().to_string()
    }

    #[test]
    fn partitions_join_with_totals_counted_again() {
        let a = report("B", Some("2/2"), &[("b.md", Status::Failed)]);
        let b = report(
            "B",
            Some("1/2"),
            &[("a.md", Status::Passed), ("c.md", Status::Skipped)],
        );
        let m = merge(named(vec![a, b])).unwrap();
        assert_eq!(
            (m.totals.passed, m.totals.failed, m.totals.skipped),
            (1, 1, 1)
        );
        // In partition order.
        let order: Vec<&str> = m.blocks.iter().map(|b| b.source.as_str()).collect();
        assert_eq!(order, ["a.md", "c.md", "b.md"]);
        assert_eq!(m.partition, None);
        let names: Vec<String> = m.merged.iter().map(|p| p.to_string()).collect();
        assert_eq!(names, ["count:1/2", "count:2/2"]);
    }

    #[test]
    fn what_cannot_be_one_report_is_refused() {
        let e = error(vec![
            report("B", None, &[("a.md", Status::Passed)]),
            report("Other", None, &[("b.md", Status::Passed)]),
        ]);
        assert!(e.starts_with("r2.json: the report of another book"), "{e}");
        let e = error(vec![
            report("B", None, &[("a.md", Status::Passed)]),
            report("B", None, &[("a.md", Status::Failed)]),
        ]);
        assert!(e.contains("page a.md is also in r1.json"), "{e}");
        let e = error(vec![
            report("B", Some("1/3"), &[("a.md", Status::Passed)]),
            report("B", Some("2/3"), &[("b.md", Status::Passed)]),
        ]);
        assert!(e.starts_with("partition 3/3 missing"), "{e}");
        let e = error(vec![
            report("B", Some("1/2"), &[("a.md", Status::Passed)]),
            report("B", Some("hash:2/2"), &[("b.md", Status::Passed)]),
        ]);
        assert!(e.contains("of another split"), "{e}");
        let e = error(vec![
            report("B", Some("1/2"), &[("a.md", Status::Passed)]),
            report("B", Some("1/2"), &[("b.md", Status::Passed)]),
        ]);
        assert!(e.contains("partition count:1/2 is also r1.json"), "{e}");
        let mut old = report("B", None, &[("b.md", Status::Passed)]);
        old.guidebook = "0.0.9".into();
        let e = error(vec![report("B", None, &[("a.md", Status::Passed)]), old]);
        assert!(e.contains("another guidebook version"), "{e}");
        let mut a = report("B", None, &[("a.md", Status::Passed)]);
        let mut b = report("B", None, &[("b.md", Status::Passed)]);
        a.nix = Some(serde_json::json!({"version": "2.8.0", "path": "/a/nix"}));
        b.nix = Some(serde_json::json!({"version": "2.26.3", "path": "/b/nix"}));
        let e = error(vec![a, b]);
        assert!(e.contains("Nix version"), "{e}");
    }
}
