//! Bounded fuzzing (proptest, on stable) of the parsers docs-check trusts
//! with a book's text: the info string, console transcripts and their
//! matcher, SUMMARY.md, and the bless round trip. Each target prints how
//! many inputs it tried; a panic anywhere fails the test with the input,
//! shrunk. `FUZZ_CASES=N` runs N inputs per target (default 256).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use guidebook::markdown::codeblock::BlockKind;
use guidebook::report::{BlockResult, CommandResult, Status};
use guidebook::transcript::{self, Rules};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The matcher through expected lines as written.
fn matches(expected: &[String], actual: &[String]) -> bool {
    Rules::default()
        .expectations(expected)
        .is_ok_and(|e| transcript::matches(&e, actual))
}

fn diff(expected: &[String], actual: &[String]) -> String {
    transcript::diff(
        &Rules::default().expectations(expected).unwrap_or_default(),
        actual,
    )
}

fn blessed_lines(expected: &[String], actual: &[String]) -> Vec<String> {
    let rules = Rules::default();
    transcript::blessed_lines(
        &rules,
        &rules.expectations(expected).unwrap_or_default(),
        actual,
        false,
    )
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Run `test` on `cases()` inputs of `strategy`; print the count.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let tried = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |v| {
        tried.fetch_add(1, Ordering::Relaxed);
        test(v)
    });
    eprintln!(
        "fuzz {name}: {} inputs tried, {}",
        tried.load(Ordering::Relaxed),
        if result.is_ok() {
            "no failure"
        } else {
            "FAILED"
        }
    );
    if let Err(e) = result {
        panic!("fuzz {name}: {e}");
    }
}

/// Text made of the pieces the parsers care about, so that inputs reach
/// deep: prompts, fences, wildcards, quotes, control bytes, CRLF.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("$ ".to_string()),
        Just("$".to_string()),
        Just("...".to_string()),
        Just("[..]".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\\\n> ".to_string()),
        Just("  ".to_string()),
        Just("- [".to_string()),
        Just("](".to_string()),
        Just(")".to_string()),
        Just("# ".to_string()),
        Just("=\"".to_string()),
        Just("\x1b[".to_string()),
        Just("\u{0}".to_string()),
        "[a-z.=/,:\"' ]{0,6}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

#[test]
fn info_strings() {
    let page = Path::new("p.md");
    fuzz("info string", markdownish(), |info| {
        let _ = guidebook::markdown::codeblock::parse_info(&info, page, 1);
        Ok(())
    });
}

#[test]
fn console_transcripts_and_the_matcher() {
    let lines = || proptest::collection::vec(markdownish(), 0..8);
    fuzz(
        "console parse + match",
        (markdownish(), lines()),
        |(text, actual)| {
            let actual: Vec<String> = actual
                .iter()
                .flat_map(|a| transcript::output::normalize(a.as_bytes()))
                .collect();
            if let Ok(cmds) = transcript::parse(&text, 1) {
                for c in &cmds {
                    let _ = matches(&c.written, &actual);
                    let _ = diff(&c.written, &actual);
                    // What bless would write always matches what was seen.
                    let blessed = blessed_lines(&c.written, &actual);
                    prop_assert!(matches(&blessed, &actual));
                }
            }
            Ok(())
        },
    );
}

#[test]
fn summaries() {
    fuzz("SUMMARY.md", markdownish(), |text| {
        let _ = guidebook::summary::parse(&text, Path::new("SUMMARY.md"));
        Ok(())
    });
}

/// Output lines a command may print, hostile ones included.
fn output_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("$ touch pwned".to_string()),
        Just(" $ touch pwned".to_string()),
        Just("  $ touch pwned".to_string()),
        Just("$".to_string()),
        Just("...".to_string()),
        Just("```".to_string()),
        Just("  ~~~".to_string()),
        Just(String::new()),
        Just("ok [..] ok".to_string()),
        Just("o. (re)".to_string()),
        Just("a(b (re)".to_string()),
        Just("o* (glob)".to_string()),
        Just("\\x07 (esc)".to_string()),
        Just("\\q (esc)".to_string()),
        Just("(unordered)".to_string()),
        Just("(end)".to_string()),
        Just("bell\x07".to_string()),
        Just("? failed".to_string()),
        Just("? 2".to_string()),
        Just("> more".to_string()),
        Just("x (no-eol)".to_string()),
        Just("[ROOT]/x".to_string()),
        "[ a-z$.`~\\[\\]]{0,12}",
    ]
}

#[test]
fn bless_round_trip() {
    let strategy = (
        0usize..4,
        proptest::collection::vec(output_line(), 0..4),
        proptest::collection::vec(output_line(), 0..6),
    );
    fuzz(
        "bless round trip",
        strategy,
        |(indent, written, printed)| {
            let dir = tempfile::tempdir().unwrap();
            let pad = " ".repeat(indent);
            let mut page = format!("# P\n\n{pad}```console\n$ cmd\n");
            for l in &written {
                page.push_str(l);
                page.push('\n');
            }
            page.push_str(&format!("{pad}```\n\nAfter.\n"));
            std::fs::create_dir(dir.path().join("src")).unwrap();
            std::fs::write(dir.path().join("src/SUMMARY.md"), "# S\n\n- [P](p.md)\n").unwrap();
            std::fs::write(dir.path().join("src/p.md"), &page).unwrap();
            let Ok(book) = guidebook::book::Book::load(dir.path()) else {
                return Ok(());
            };
            let Some(block) = book.pages[0].blocks.first() else {
                return Ok(());
            };
            let Ok(cmds) = transcript::parse(&block.text, block.line) else {
                return Ok(());
            };
            let count = cmds.len();
            let Some(first) = cmds.first() else {
                return Ok(());
            };
            let actual: Vec<String> = transcript::output::normalize(printed.join("\n").as_bytes());
            // No expected lines is a check too: the output must be empty.
            if matches(&first.written, &actual) {
                return Ok(());
            }
            let result = BlockResult {
                page: book.pages[0].path.to_string_lossy().into_owned(),
                source: "p.md".into(),
                line: block.line,
                index: 0,
                lang: "console".into(),
                kind: BlockKind::Console,
                status: Status::Failed,
                reason: None,
                message: None,
                blocked_by: None,
                not_verified: None,
                cause: None,
                channels: Vec::new(),
                commands: vec![CommandResult {
                    actual: Some(actual.clone()),
                    expected_lines: Some(first.expected_lines.clone()),
                    ..CommandResult::failed(first.line, first.command.clone(), Some(0))
                }],
                duration_ms: 0,
                background: Vec::new(),
            };
            let blessed = guidebook::check::bless::bless(&book, &[result]).unwrap();
            let after = std::fs::read_to_string(dir.path().join("src/p.md")).unwrap();
            if blessed.pages.is_empty() {
                // Refused: the page is as it was.
                prop_assert_eq!(&after, &page);
                prop_assert_eq!(blessed.refused.len(), 1);
            } else {
                // Written: it reads back as the same commands, the blessed
                // one expecting what it printed, and the text after the
                // block is unchanged.
                let again = guidebook::book::Book::load(dir.path()).unwrap();
                let b = &again.pages[0].blocks[0];
                let cmds = transcript::parse(&b.text, b.line).unwrap();
                prop_assert_eq!(cmds.len(), count);
                prop_assert_eq!(&cmds[0].command, &first.command);
                prop_assert!(matches(&cmds[0].written, &actual));
                let tail = format!("{pad}```\n\nAfter.\n");
                prop_assert!(after.ends_with(&tail));
            }
            Ok(())
        },
    );
}
