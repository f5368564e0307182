//! The report for people: each failure with `file:line`, the command, its
//! exit code and a diff; each skip with its reason; then the totals.

use super::{Report, Status};

/// Lines of output shown for a failed command without a diff.
const OUTPUT_LINES: usize = 40;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for b in report.failed() {
        out.push_str(&format!(
            "FAILED {}:{} ({} block)\n",
            b.page,
            b.failure_line(),
            b.lang
        ));
        if let Some(m) = &b.message {
            out.push_str(&format!("  {m}\n"));
        }
        for c in b.commands.iter().filter(|c| c.status == Status::Failed) {
            out.push_str(&format!("  at {}:{}\n", b.page, c.line));
            for (i, line) in c.command.lines().enumerate() {
                let prompt = if i == 0 { "$ " } else { "  " };
                out.push_str(&format!("    {prompt}{line}\n"));
            }
            let exit = match c.exit_code {
                Some(code) => code.to_string(),
                None => "none (timed out)".into(),
            };
            let expected = c
                .expected_status
                .clone()
                .unwrap_or_else(|| c.expected_exit.to_string());
            out.push_str(&format!("  exit code: {exit} (expected {expected})\n"));
            if let Some(d) = &c.diff {
                out.push_str("  output differs:\n");
                for line in d.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            } else if let Some(o) = c.output.as_deref().filter(|o| !o.trim().is_empty()) {
                let lines: Vec<&str> = o.lines().collect();
                let from = lines.len().saturating_sub(OUTPUT_LINES);
                out.push_str("  output");
                if from > 0 || c.output_dropped > 0 {
                    out.push_str(&format!(" (last {} lines)", lines.len() - from));
                }
                out.push_str(":\n");
                for line in &lines[from..] {
                    out.push_str(&format!("    | {line}\n"));
                }
            }
        }
        for bg in &b.background {
            for line in bg.describe(&b.page).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push('\n');
    }
    let skipped: Vec<_> = report.skipped().collect();
    if !skipped.is_empty() {
        out.push_str("skipped:\n");
        for b in skipped {
            out.push_str(&format!(
                "  {}:{}: {}\n",
                b.page,
                b.line,
                b.reason.as_deref().unwrap_or("")
            ));
        }
    }
    let blocked: Vec<_> = report.blocked().collect();
    if !blocked.is_empty() {
        out.push_str("blocked (not run; the failure above is their cause):\n");
        for b in blocked {
            out.push_str(&format!(
                "  {}:{}: blocked by {}\n",
                b.page,
                b.line,
                b.blocked_by.as_deref().unwrap_or("an earlier failure")
            ));
        }
    }
    out.push_str(&format!("{}\n", report.totals));
    // Block output may hold raw control bytes: shown escaped.
    crate::transcript::output::escape_control(&out)
}
