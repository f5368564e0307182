//! Paths as the book uses them: normalized, shown, written with `/` in
//! URLs, a page's output URL (`README.md` -> `index.html`) and a link to
//! it, external links told apart, and `%XX` escapes of links decoded. Each
//! rule lives here once.

use std::path::{Component, Path, PathBuf};

/// A path without `.` components, as users like to read it.
pub fn display_path(path: &Path) -> PathBuf {
    let cleaned = normalize(path);
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// Drop `.` components and fold `a/..`. A `..` that cannot be folded stays
/// (`../../x` is still `../../x`), and `..` right after the root is dropped
/// (`/..` is `/`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A relative path written with `/`.
pub fn url_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The output stem of a page's stem (its path without `.md`): a `README`,
/// in any case (`Readme`, `readme`, as mdBook's `index` preprocessor
/// matches it), becomes its folder's `index`; anything else stays.
pub fn output_stem(stem: &str) -> String {
    let (dir, name) = match stem.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, stem),
    };
    match dir {
        _ if !name.eq_ignore_ascii_case("README") => stem.to_string(),
        Some(dir) => format!("{dir}/index"),
        None => "index".to_string(),
    }
}

/// The page sources (relative paths) that may render to `stem.html`: the
/// inverse of [`output_stem`].
pub fn sources_of_stem(stem: &Path) -> Vec<PathBuf> {
    let mut candidates = vec![stem.with_extension("md")];
    if stem.file_name().is_some_and(|n| n == "index") {
        for name in ["README.md", "Readme.md", "readme.md"] {
            candidates.push(stem.with_file_name(name));
        }
    }
    candidates
}

/// The URL (relative to the site root) of the page at `rel` in the source
/// folder: `fix/lockfile.md` -> `fix/lockfile.html`, `README.md` -> `index.html`.
pub fn page_url(rel: &Path) -> String {
    let s = url_path(&normalize(rel));
    let stem = s.strip_suffix(".md").unwrap_or(&s);
    let mut url = output_stem(stem);
    url.push_str(".html");
    url
}

/// Decode `%XX` escapes (spaces in file names are written `%20`); a `%`
/// not followed by two hex digits stays as it is.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Is `dest` a link leaving the site (`https:`, `mailto:`, `//host`)?
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

/// A link to `page.md` or `dir/README.md` (with an optional `#anchor`)
/// becomes a link to its rendered page; other links are unchanged.
pub fn md_to_html(dest: &str) -> String {
    if is_external(dest) || dest.starts_with('#') {
        return dest.to_string();
    }
    let (path, fragment) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{}.html{fragment}", output_stem(stem)),
        None => dest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("100%"), "100%");
    }

    #[test]
    fn rewrites_markdown_links() {
        assert_eq!(md_to_html("faq.md"), "faq.html");
        assert_eq!(md_to_html("../fix/lock.md#why"), "../fix/lock.html#why");
        assert_eq!(md_to_html("README.md"), "index.html");
        assert_eq!(md_to_html("sub/README.md#a"), "sub/index.html#a");
        assert_eq!(md_to_html("https://x.org/a.md"), "https://x.org/a.md");
        assert_eq!(md_to_html("#top"), "#top");
        assert_eq!(md_to_html("img/a.png"), "img/a.png");
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("dir/a:b.md"));
    }

    #[test]
    fn readme_is_its_folders_index_both_ways() {
        assert_eq!(page_url(Path::new("README.md")), "index.html");
        assert_eq!(page_url(Path::new("./a/README.md")), "a/index.html");
        assert_eq!(page_url(Path::new("fix/lock.md")), "fix/lock.html");
        assert_eq!(page_url(Path::new("second/Readme.md")), "second/index.html");
        assert_eq!(page_url(Path::new("readme.md")), "index.html");
        assert_eq!(page_url(Path::new("readmes.md")), "readmes.html");
        assert_eq!(
            sources_of_stem(Path::new("a/index")),
            [
                PathBuf::from("a/index.md"),
                PathBuf::from("a/README.md"),
                PathBuf::from("a/Readme.md"),
                PathBuf::from("a/readme.md")
            ]
        );
        assert_eq!(sources_of_stem(Path::new("b")), [PathBuf::from("b.md")]);
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(normalize(Path::new("./a/../b/./c")), PathBuf::from("b/c"));
        assert_eq!(normalize(Path::new("../../x")), PathBuf::from("../../x"));
        assert_eq!(display_path(Path::new("./")), PathBuf::from("."));
    }
}
