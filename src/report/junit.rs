//! JUnit XML: one test suite per page, one test case per block, written
//! by `quick-junit` (escaping, the characters XML forbids, the counts).
//!
//! The output validates against the JUnit schema most CI servers use,
//! Jenkins' `junit-10.xsd` (tests/fixtures/report/junit-10.xsd, checked by
//! `tests/ci.rs` with `xmllint`): every suite has `tests`, `failures`,
//! `errors`, `skipped` and a `timestamp`; a failure has a `type`. A skipped
//! or blocked block is `<skipped>` with its reason. The one thing
//! `quick-junit` writes that the schema has no place for is a `skipped`
//! count on `<testsuites>` (the skips stay counted on each suite); it is
//! taken off the root element, as junitparser and python-junit-xml did for
//! the same schema.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{BlockResult, Report, Status};
use crate::error::Result;

pub fn render(report: &Report) -> String {
    let mut pages: BTreeMap<&str, Vec<&BlockResult>> = BTreeMap::new();
    for b in &report.blocks {
        pages.entry(&b.page).or_default().push(b);
    }
    let timestamp = chrono::DateTime::parse_from_rfc3339(&report.generated_at).ok();
    let mut out = quick_junit::Report::new(match &report.partition {
        Some(p) => format!("docs-check (partition {p})"),
        None => "docs-check".into(),
    });
    let mut total = Duration::ZERO;
    for (page, blocks) in pages {
        let mut suite = TestSuite::new(page);
        if let Some(t) = timestamp {
            suite.set_timestamp(t);
        }
        let time = Duration::from_millis(blocks.iter().map(|b| b.duration_ms).sum());
        suite.set_time(time);
        total += time;
        suite.add_test_cases(blocks.into_iter().map(test_case));
        out.add_test_suite(suite);
    }
    out.set_time(total);
    let xml = out.to_string().unwrap_or_else(|e| {
        // Writing to a String cannot fail but for a bug in quick-junit.
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {e} -->\n<testsuites/>\n")
    });
    drop_root_skipped(xml)
}

/// The test case of one block.
fn test_case(b: &BlockResult) -> TestCase {
    let status = match b.status {
        Status::Passed => TestCaseStatus::success(),
        Status::Skipped => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(b.reason.as_deref().unwrap_or("skipped"));
            s
        }
        Status::Blocked => {
            let mut s = TestCaseStatus::skipped();
            s.set_type("blocked").set_message(format!(
                "blocked by {}",
                b.blocked_by.as_deref().unwrap_or("an earlier failure")
            ));
            s
        }
        Status::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(b.message.as_deref().unwrap_or("failed"))
                .set_type(failure_type(b))
                .set_description(failure_body(b));
            s
        }
    };
    let mut case = TestCase::new(format!("{}:{} ({})", b.page, b.line, b.lang), status);
    case.set_classname(b.page.as_str())
        .set_time(Duration::from_millis(b.duration_ms));
    case
}

/// What kind of failure, for a CI server to group by: `timeout`,
/// `exit-code`, `output`, or `failed` (the block could not run, a flake did
/// not evaluate...).
fn failure_type(b: &BlockResult) -> &'static str {
    let failed = b.commands.iter().find(|c| c.status == Status::Failed);
    match failed {
        Some(c) if c.exit_code.is_none() => "timeout",
        Some(c) if c.exit_code != Some(c.expected_exit) => "exit-code",
        Some(_) => "output",
        None => "failed",
    }
}

/// The failing commands with their diff or output, as the human report
/// shows them.
fn failure_body(b: &BlockResult) -> String {
    let mut body = String::new();
    for c in b.commands.iter().filter(|c| c.status == Status::Failed) {
        body.push_str(&format!("{}:{}: $ {}\n", b.page, c.line, c.command));
        if let Some(d) = &c.diff {
            body.push_str(d);
        } else if let Some(o) = &c.output {
            body.push_str(o);
        }
    }
    for bg in &b.background {
        body.push_str(&bg.describe(&b.page));
    }
    body
}

/// Take the `skipped="N"` attribute off the root `<testsuites>` element
/// (see the module's documentation). Only the root's start tag is touched:
/// its attributes are ours (name, counts, time), never a page's text.
fn drop_root_skipped(xml: String) -> String {
    let Some(start) = xml.find("<testsuites") else {
        return xml;
    };
    let Some(len) = xml[start..].find('>') else {
        return xml;
    };
    let tag = &xml[start..start + len];
    let Some(at) = tag.find(" skipped=\"") else {
        return xml;
    };
    let value_start = at + " skipped=\"".len();
    let Some(value_len) = tag[value_start..].find('"') else {
        return xml;
    };
    let (from, to) = (start + at, start + value_start + value_len + 1);
    format!("{}{}", &xml[..from], &xml[to..])
}

/// Write the JUnit XML to `path` (`--junit FILE`), creating its folder.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    super::files::write_file(path, &render(report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CommandResult;

    fn block(status: Status) -> BlockResult {
        let mut b: BlockResult = serde_json::from_value(serde_json::json!({
            "page": "p.md", "line": 3, "lang": "sh", "status": status,
        }))
        .unwrap();
        b.duration_ms = 1500;
        b
    }

    #[test]
    fn counts_live_on_the_suites_and_failures_have_a_type() {
        let mut failed = block(Status::Failed);
        failed.message = Some("exit code 1, expected 0".into());
        failed.commands.push(CommandResult {
            duration_ms: 1,
            output: Some("boom\n".into()),
            ..CommandResult::failed(4, "false <&\x1b", Some(1))
        });
        let mut skipped = block(Status::Skipped);
        skipped.reason = Some("needs nix".into());
        let report = Report::new(vec![block(Status::Passed), failed, skipped]);
        let xml = render(&report);
        let root = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
        assert!(!root.contains("skipped="), "{root}");
        assert!(root.contains("tests=\"3\"") && root.contains("failures=\"1\""));
        assert!(
            xml.contains("skipped=\"1\" errors=\"0\" failures=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("timestamp=\""), "{xml}");
        assert!(
            xml.contains("<failure message=\"exit code 1, expected 0\" type=\"exit-code\">"),
            "{xml}"
        );
        assert!(xml.contains("$ false &lt;&amp;\n"), "{xml}");
        assert!(xml.contains("<skipped message=\"needs nix\"/>"), "{xml}");
    }

    #[test]
    fn only_the_root_loses_its_skipped_count() {
        let xml = "<?xml?>\n<testsuites name=\"x\" tests=\"2\" skipped=\"1\" failures=\"0\">\n<testsuite skipped=\"1\">".to_string();
        assert_eq!(
            drop_root_skipped(xml),
            "<?xml?>\n<testsuites name=\"x\" tests=\"2\" failures=\"0\">\n<testsuite skipped=\"1\">"
        );
    }
}
