//! Line numbers from byte offsets, counted as an editor counts them.

/// 1-based line numbers from byte offsets of one text. A line ends at LF,
/// CRLF or a lone CR (book files have their lone CRs turned into LFs when
/// read, see [`crate::source::text`], so for them only LF matters; the raw
/// bytes of a file that is not UTF-8 still have theirs).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        LineIndex::of_bytes(text.as_bytes())
    }

    /// The lines of raw bytes, which need not be UTF-8.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // The LF of a CRLF ends the line its CR did not.
            let crlf_tail = bytes[at] == b'\n' && at > 0 && bytes[at - 1] == b'\r';
            if crlf_tail {
                if let Some(last) = starts.last_mut() {
                    *last = at + 1;
                }
            } else {
                starts.push(at + 1);
            }
        }
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where 1-based `line` starts.
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// How many lines the text has (a final line break starts an empty
    /// last line, which is not counted).
    pub fn count(&self, len: usize) -> usize {
        match self.starts.last() {
            Some(&last) if last == len && self.starts.len() > 1 => self.starts.len() - 1,
            _ => self.starts.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line(0), 1);
        assert_eq!(idx.line(2), 1);
        assert_eq!(idx.line(3), 2);
        assert_eq!(idx.line(6), 3);
        assert_eq!(idx.line(7), 4);
        assert_eq!(idx.start_of(4), Some(7));
        assert_eq!(idx.start_of(0), None);
    }

    #[test]
    fn lone_cr_and_crlf_end_lines_as_in_an_editor() {
        let bytes = b"one\r\ntwo\rthr";
        let idx = LineIndex::of_bytes(bytes);
        assert_eq!(idx.line(bytes.len()), 3);
        assert_eq!(idx.line(4), 1);
        assert_eq!(idx.line(5), 2);
    }

    #[test]
    fn counts_lines_like_str_lines() {
        for text in ["", "a", "a\n", "a\nb", "a\nb\n", "\n\n"] {
            assert_eq!(
                LineIndex::new(text).count(text.len()),
                text.lines().count().max(1),
                "{text:?}"
            );
        }
    }
}
