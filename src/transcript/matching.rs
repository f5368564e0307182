//! Expected output against actual output: does it match, the lines
//! `--bless` writes, and the diff a failure shows.

use super::expectation::{Expectation, Rules};

/// Does the end of the output meet `expected`: an output whose last line
/// has no newline (`no_eol`) meets any; one that ends in a newline does not
/// meet a last line marked ` (no-eol)`.
pub fn ends_as_expected(expected: &[Expectation], no_eol: bool) -> bool {
    no_eol || !expected.last().is_some_and(Expectation::is_no_eol)
}

/// Does `actual` (normalized lines) match the `expected` lines?
pub fn matches(expected: &[Expectation], actual: &[String]) -> bool {
    let a_len = actual.len();
    // next[a]: does expected[e+1..] match actual[a..]? Filled from the end.
    let mut next = vec![false; a_len + 1];
    next[a_len] = true;
    let mut cur = vec![false; a_len + 1];
    for e in expected.iter().rev() {
        match e.width() {
            None => {
                cur[a_len] = next[a_len];
                for a in (0..a_len).rev() {
                    cur[a] = next[a] || cur[a + 1];
                }
            }
            Some(w) => {
                for a in (0..=a_len).rev() {
                    cur[a] = a + w <= a_len && next[a + w] && e.matches_lines(&actual[a..a + w]);
                }
            }
        }
        std::mem::swap(&mut next, &mut cur);
    }
    next[0]
}

/// The expected lines that `--bless` writes for `actual`: the expectations
/// of `expected` that still match (patterns, groups and all) and its `...`
/// lines are kept as written; the rest is the actual output, each line
/// written so that it reads back as itself ([`Rules::written_form`]). Of
/// all such alignments, the one with the fewest changed lines. When no
/// expectation still matches, simply `actual`. `rules` reads the result
/// back to check it matches.
pub fn blessed_lines(
    rules: &Rules,
    expected: &[Expectation],
    actual: &[String],
    no_eol: bool,
) -> Vec<String> {
    use super::expectation::NO_EOL;
    let mut out = aligned(rules, expected, actual);
    // The last line says whether the output ends without a newline (when it
    // is a line of its own, not `...` or a group's end).
    let reads = |lines: &[String]| {
        rules
            .expectations(lines)
            .is_ok_and(|e| ends_as_expected(&e, no_eol) && matches(&e, actual))
    };
    let Some(last) = out.last().cloned() else {
        return out;
    };
    let marked = rules.expectation(&last).is_ok_and(|e| e.is_no_eol());
    let n = out.len() - 1;
    if marked && !no_eol {
        out[n] = last[..last.len() - NO_EOL.len()].to_string();
    } else if !marked && no_eol {
        out[n] = format!("{last}{NO_EOL}");
        if !reads(&out) {
            out[n] = last;
        }
    }
    out
}

/// [`blessed_lines`] but for the end of the output.
fn aligned(rules: &Rules, expected: &[Expectation], actual: &[String]) -> Vec<String> {
    // A changed line costs EDIT; a line taken by `...` costs 1, so that of
    // two alignments changing as many lines, `...` takes fewer lines.
    const EDIT: usize = 1 << 20;
    let as_written =
        |lines: &[String]| -> Vec<String> { lines.iter().map(|l| rules.written_form(l)).collect() };
    let (n, m) = (expected.len(), actual.len());
    if (n + 1) * (m + 1) > 4 << 20 {
        return as_written(actual);
    }
    // Does expected[i] keep actual[j..]? (One-line and group expectations.)
    let keeps = |i: usize, j: usize| -> Option<usize> {
        let w = expected[i].width()?;
        (j + w <= m && expected[i].matches_lines(&actual[j..j + w])).then_some(w)
    };
    // cost[i][j]: cheapest alignment of expected[i..] with actual[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for j in (0..m).rev() {
        cost[n][j] = (m - j) * EDIT;
    }
    for i in (0..n).rev() {
        let ellipsis = expected[i].is_any_lines();
        cost[i][m] = cost[i + 1][m] + if ellipsis { 0 } else { EDIT };
        for j in (0..m).rev() {
            cost[i][j] = if ellipsis {
                cost[i + 1][j].min(1 + cost[i][j + 1])
            } else {
                let kept = keeps(i, j).map_or(usize::MAX, |w| cost[i + 1][j + w]);
                kept.min(EDIT + cost[i + 1][j]).min(EDIT + cost[i][j + 1])
            };
        }
    }
    let mut out = Vec::new();
    let mut kept = 0;
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i == n {
            out.push(rules.written_form(&actual[j]));
            j += 1;
        } else if expected[i].is_any_lines() {
            if j < m && cost[i][j] == 1 + cost[i][j + 1] {
                j += 1;
            } else {
                out.extend(expected[i].written_lines().into_iter().map(str::to_string));
                i += 1;
            }
        } else if let Some(w) = keeps(i, j).filter(|w| cost[i][j] == cost[i + 1][j + w]) {
            out.extend(expected[i].written_lines().into_iter().map(str::to_string));
            kept += 1;
            i += 1;
            j += w;
        } else if j < m && cost[i][j] == EDIT + cost[i][j + 1] {
            out.push(rules.written_form(&actual[j]));
            j += 1;
        } else {
            i += 1;
        }
    }
    // With no line of the old output left, an ellipsis would only hide the
    // new output: write it out.
    let reads_back = || rules.expectations(&out).is_ok_and(|e| matches(&e, actual));
    if kept > 0 && reads_back() {
        out
    } else {
        as_written(actual)
    }
}

/// A unified diff of the expected (as written) against the actual output.
pub fn diff(expected: &[Expectation], actual: &[String]) -> String {
    let mut e = expected
        .iter()
        .flat_map(Expectation::written_lines)
        .collect::<Vec<_>>()
        .join("\n");
    if !expected.is_empty() {
        e.push('\n');
    }
    let mut a = actual.join("\n");
    if !actual.is_empty() {
        a.push('\n');
    }
    similar::TextDiff::from_lines(e.as_str(), a.as_str())
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}
