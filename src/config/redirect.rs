//! `[output.html.redirect]`: old paths of the site and where they lead.
//!
//! As mdBook reads it, a key is a path from the site root (a leading `/`
//! means the root, so `"/old.html"` and `"old.html"` are one path), with an
//! optional `#fragment`; a value is a URL, or a path relative to the old
//! page's folder. Keys are user input naming files the build writes, so a
//! key that leaves the output folder is refused here, and so is a relative
//! target that climbs above the site root.

use std::path::{Component, Path};

use super::Config;
use crate::error::Error;
use crate::paths::{is_external, normalize, url_path};

/// One redirect, its source normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The key as written in book.toml.
    pub key: String,
    /// The old file, relative to the site root, with `/`: `old/page.html`.
    pub path: String,
    /// The old fragment, with its `#`, for a key with one.
    pub fragment: Option<String>,
    /// Where it leads, as written.
    pub target: String,
    /// The line of the key in book.toml.
    pub line: usize,
}

/// The redirects of `config`, in book.toml order, those that cannot be
/// written left out (see [`validate`]).
pub fn redirects(config: &Config) -> Vec<Redirect> {
    parse(config).into_iter().filter_map(Result::ok).collect()
}

/// Every redirect that cannot be written, and each pair that names one old
/// path twice, as an error at its line.
pub(super) fn validate(config: &Config) -> Vec<Error> {
    let mut errors = Vec::new();
    let mut seen: Vec<Redirect> = Vec::new();
    for entry in parse(config) {
        match entry {
            Err(e) => errors.push(e),
            Ok(r) => {
                if let Some(first) = seen
                    .iter()
                    .find(|s| s.path == r.path && s.fragment == r.fragment)
                {
                    errors.push(Error::input(
                        &config.file.shown,
                        r.line,
                        format!(
                            "redirect `{}` names the same old page as `{}` (line {}); keep one of them",
                            r.key, first.key, first.line
                        ),
                    ));
                } else {
                    seen.push(r);
                }
            }
        }
    }
    errors
}

fn parse(config: &Config) -> Vec<Result<Redirect, Error>> {
    let mut entries: Vec<(usize, &String, &String)> = config
        .output
        .html
        .redirect
        .iter()
        .map(|(key, target)| {
            let line = config
                .file
                .key_line(&["output", "html", "redirect", key.as_str()]);
            (line, key, target)
        })
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|(line, key, target)| {
            one(key, target, line).map_err(|message| {
                Error::input(
                    &config.file.shown,
                    line,
                    format!("redirect `{key}`: {message}"),
                )
            })
        })
        .collect()
}

/// One entry checked; the reason it cannot be written.
fn one(key: &str, target: &str, line: usize) -> Result<Redirect, String> {
    let (path, fragment) = match key.split_once('#') {
        Some((path, fragment)) => (path, Some(format!("#{fragment}"))),
        None => (key, None),
    };
    let rel = path.strip_prefix('/').unwrap_or(path);
    if rel.is_empty() {
        return Err("names no file; write the old page's path, like `/old/page.html`".into());
    }
    if rel.contains('\\') || is_external(rel) || Path::new(rel).has_root() {
        return Err(
            "is not a path inside the site; write the old page's path from the site root, like `/old/page.html`"
                .into(),
        );
    }
    if Path::new(rel)
        .components()
        .any(|c| matches!(c, Component::ParentDir))
    {
        return Err(
            "leaves the output folder (`..`); write the old page's path from the site root".into(),
        );
    }
    let path = url_path(&normalize(Path::new(rel)));
    if path.is_empty() || rel.ends_with('/') {
        return Err(
            "names a folder, not a file; write the old page's file, like `/old/index.html`".into(),
        );
    }
    if target.trim().is_empty() {
        return Err("leads nowhere; give the new page's path or URL".into());
    }
    if !is_external(target) {
        let target_path = target.split(['#', '?']).next().unwrap_or_default();
        let from = match target_path.strip_prefix('/') {
            Some(_) => Path::new(""),
            None => Path::new(&path).parent().unwrap_or(Path::new("")),
        };
        let resolved = normalize(&from.join(target_path.trim_start_matches('/')));
        if resolved.starts_with("..") {
            return Err(format!(
                "leads to `{target}`, outside the output folder; give a path inside the site or a full URL"
            ));
        }
    }
    Ok(Redirect {
        key: key.to_string(),
        path,
        fragment,
        target: target.to_string(),
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Result<Config, String> {
        Config::parse(toml, Path::new("book.toml"))
            .map(|c| c.config)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn keys_are_paths_from_the_root_with_fragments() {
        let c = config(
            "[output.html.redirect]\n\"/overview.html\" = \"index.html\"\n\"/overview.html#old\" = \"index.html#new\"\n\"nested/./page.html\" = \"https://rust-lang.org/\"\n\"/a/b.html\" = \"../c.html\"\n",
        )
        .unwrap();
        let r = redirects(&c);
        let got: Vec<(&str, Option<&str>, usize)> = r
            .iter()
            .map(|r| (r.path.as_str(), r.fragment.as_deref(), r.line))
            .collect();
        assert_eq!(
            got,
            [
                ("overview.html", None, 2),
                ("overview.html", Some("#old"), 3),
                ("nested/page.html", None, 4),
                ("a/b.html", None, 5),
            ]
        );
    }

    #[test]
    fn two_keys_for_one_path_clash_at_the_second_line() {
        let e =
            config("[output.html.redirect]\n\"/a.html\" = \"b.html\"\n\"./a.html\" = \"c.html\"\n")
                .unwrap_err();
        assert_eq!(
            e,
            "book.toml:3: redirect `./a.html` names the same old page as `/a.html` (line 2); keep one of them"
        );
    }

    #[test]
    fn paths_leaving_the_output_folder_are_refused() {
        for (key, target, want) in [
            ("/../escape.html", "index.html", "leaves the output folder"),
            ("a/../../x.html", "index.html", "leaves the output folder"),
            ("//etc/passwd", "index.html", "not a path inside the site"),
            ("a\\\\b.html", "index.html", "not a path inside the site"),
            ("file:///etc/x", "index.html", "not a path inside the site"),
            ("/", "index.html", "names no file"),
            ("/dir/", "index.html", "names a folder"),
            ("/a.html", "", "leads nowhere"),
            ("/a.html", "../up.html", "outside the output folder"),
            ("/d/a.html", "/../up.html", "outside the output folder"),
        ] {
            let toml = format!(
                "[book]\ntitle = \"T\"\n[output.html.redirect]\n\"{key}\" = \"{target}\"\n"
            );
            let e = config(&toml).unwrap_err();
            assert!(e.starts_with("book.toml:4: redirect `"), "{key}: {e}");
            assert!(e.contains(want), "{key}: {e}");
        }
        assert!(config("[output.html.redirect]\n\"/d/a.html\" = \"../up.html\"\n").is_ok());
    }
}
