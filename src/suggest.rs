//! "Did you mean" hints for misspelt names.

/// `; did you mean `x`?` for the closest candidate, or an empty string.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates)
        .map(|best| format!("; did you mean `{best}`?"))
        .unwrap_or_default()
}

/// The candidate closest to `word`, if any is reasonably close.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(nearest("fiel", ["file", "skip", "hidden"]), Some("file"));
        assert_eq!(nearest("zzzz", ["file", "skip"]), None);
        assert_eq!(
            did_you_mean("timout", ["timeout"]),
            "; did you mean `timeout`?"
        );
    }
}
