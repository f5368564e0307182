//! JUnit XML: one test suite per page, one test case per block.

use std::collections::BTreeMap;
use std::path::Path;

use super::{BlockResult, Report, Status};
use crate::error::Result;

pub fn render(report: &Report) -> String {
    let mut pages: BTreeMap<&str, Vec<&BlockResult>> = BTreeMap::new();
    for b in &report.blocks {
        pages.entry(&b.page).or_default().push(b);
    }
    let t = &report.totals;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"docs-check\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">\n",
        t.passed + t.failed + t.skipped + t.blocked,
        t.failed,
        t.skipped + t.blocked
    ));
    for (page, blocks) in pages {
        let failures = blocks.iter().filter(|b| b.status == Status::Failed).count();
        let skipped = blocks
            .iter()
            .filter(|b| matches!(b.status, Status::Skipped | Status::Blocked))
            .count();
        let time: u64 = blocks.iter().map(|b| b.duration_ms).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{}\">\n",
            escape(page),
            blocks.len(),
            seconds(time)
        ));
        for b in blocks {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}:{} ({})\" time=\"{}\"",
                escape(page),
                escape(page),
                b.line,
                escape(&b.lang),
                seconds(b.duration_ms)
            ));
            match b.status {
                Status::Passed => out.push_str("/>\n"),
                Status::Skipped => out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(b.reason.as_deref().unwrap_or(""))
                )),
                Status::Blocked => out.push_str(&format!(
                    ">\n      <skipped message=\"blocked by {}\"/>\n    </testcase>\n",
                    escape(b.blocked_by.as_deref().unwrap_or("an earlier failure"))
                )),
                Status::Failed => {
                    let mut body = String::new();
                    for c in b.commands.iter().filter(|c| c.status == Status::Failed) {
                        body.push_str(&format!("{}:{}: $ {}\n", b.page, c.line, c.command));
                        if let Some(d) = &c.diff {
                            body.push_str(d);
                        } else if let Some(o) = &c.output {
                            body.push_str(o);
                        }
                    }
                    out.push_str(&format!(
                        ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                        escape(b.message.as_deref().unwrap_or("failed")),
                        escape(&body)
                    ));
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Write the JUnit XML to `path` (`--junit FILE`), creating its folder.
pub fn write(report: &Report, path: &Path) -> Result<()> {
    super::files::write_file(path, &render(report))
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

/// XML-escape text and attribute values; drop characters XML 1.0 forbids.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_xml() {
        assert_eq!(super::escape("a<b&\"c\x1b"), "a&lt;b&amp;&quot;c");
    }
}
