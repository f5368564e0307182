//! GitHub Actions workflow commands: an `::error` per failure pointing at the
//! Markdown line, a `::notice` per skip, then the totals.

use super::{Report, Status};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for b in &report.blocks {
        let (level, title, text) = match b.status {
            Status::Failed => ("error", "docs-check failed", failure_text(b)),
            Status::Skipped => (
                "notice",
                "docs-check skipped",
                b.reason.clone().unwrap_or_default(),
            ),
            Status::Blocked => (
                "notice",
                "docs-check blocked",
                format!(
                    "not run: blocked by {}",
                    b.blocked_by.as_deref().unwrap_or("an earlier failure")
                ),
            ),
            Status::Passed => continue,
        };
        out.push_str(&format!(
            "::{level} file={},line={},title={}::{}\n",
            property(&b.page),
            b.failure_line(),
            property(title),
            data(&text)
        ));
    }
    out.push_str(&format!("{}\n", report.totals));
    out
}

fn failure_text(b: &super::BlockResult) -> String {
    let mut text = b.message.clone().unwrap_or_default();
    if let Some(c) = b.commands.iter().find(|c| c.status == Status::Failed) {
        text.push_str(&format!("\n$ {}", c.command));
        if let Some(d) = &c.diff {
            text.push('\n');
            text.push_str(d);
        }
    }
    for bg in &b.background {
        text.push('\n');
        text.push_str(bg.describe(&b.page).trim_end());
    }
    text
}

/// Escape a message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn a_failure_shows_the_pages_background_output() {
        let mut b: super::super::BlockResult = serde_json::from_value(serde_json::json!({
            "page": "p.md", "line": 9, "status": "failed", "message": "exit code 1, expected 0",
            "background": [{"line": 3, "exit_code": null, "output": "listening\n"}],
        }))
        .unwrap();
        b.duration_ms = 1;
        let out = super::render(&super::Report::new(vec![b]));
        assert!(
            out.starts_with("::error file=p.md,line=9,title=docs-check failed::exit code 1, expected 0%0Ap.md:3: background block (still running), its output:%0A    | listening\n"),
            "{out}"
        );
    }
}
