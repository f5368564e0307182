//! Reading the text files of a book (pages, `SUMMARY.md`, `book.toml`) as
//! an editor shows them: a UTF-8 byte order mark is dropped, lone CR line
//! endings become LF, and bytes that are not UTF-8 are an input error at
//! the line of the first one.

use std::path::Path;

use crate::diagnostics::LineIndex;
use crate::error::{Error, Result};

const BOM: &str = "\u{feff}";

/// Read `path` as a book's text file; errors name `path` (and the line).
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(bytes, &crate::paths::display_path(path))
}

/// The text of `bytes`, read from the file shown as `shown`.
pub fn decode(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = LineIndex::of_bytes(&bytes[..valid]).line(valid);
        let column_start = bytes[..valid]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&bytes[column_start..valid])
            .chars()
            .count()
            + 1;
        Error::input(
            shown,
            line,
            format!(
                "column {column}: byte 0x{:02X} is not UTF-8; save the file as UTF-8",
                bytes[valid]
            ),
        )
    })?;
    Ok(normalize_text(text))
}

/// Drop a leading byte order mark; turn lone CRs into LFs (CRLF stays).
pub fn normalize_text(mut text: String) -> String {
    if text.starts_with(BOM) {
        text.drain(..BOM.len());
    }
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown() -> &'static Path {
        Path::new("content/p.md")
    }

    #[test]
    fn bom_is_dropped() {
        let text = decode(b"\xef\xbb\xbf# Title\n".to_vec(), shown()).unwrap();
        assert_eq!(text, "# Title\n");
    }

    #[test]
    fn lone_cr_becomes_lf_and_crlf_stays() {
        let text = decode(b"a\rb\r\nc\r".to_vec(), shown()).unwrap();
        assert_eq!(text, "a\nb\r\nc\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = decode(b"one\r\ntwo\rthr\xffee\n".to_vec(), shown()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "content/p.md:3: column 4: byte 0xFF is not UTF-8; save the file as UTF-8"
        );
        assert!(e.is_input());
    }
}
