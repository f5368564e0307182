//! The theme: the default one embedded in the binary, with files of a
//! `theme/` folder in the book root overriding it one by one. Templates
//! (`*.html`) go into a minijinja environment; the other files (CSS, JS,
//! fonts...) are copied into the site.
//!
//! An mdBook book's `theme/` holds mdBook's files (`index.hbs`, `book.js`,
//! `css/chrome.css` ...), which guidebook's theme does not use: they are
//! left out of the site and named in one warning. Its `favicon.svg` and
//! `favicon.png` are used, as mdBook uses them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use minijinja::Environment;
use rust_embed::RustEmbed;

use super::escape::escape_html;
use crate::diagnostics::LineIndex;
use crate::error::{Error, Result};

#[derive(RustEmbed)]
#[folder = "theme/"]
struct DefaultTheme;

/// The template every page is rendered with.
pub const PAGE_TEMPLATE: &str = "page.html";

pub struct Theme {
    pub env: Environment<'static>,
    /// Files copied into the site: path relative to the site root -> bytes.
    pub assets: BTreeMap<String, Cow<'static, [u8]>>,
    /// The book's `favicon.svg` / `favicon.png`, published at the site root.
    pub favicon_svg: bool,
    pub favicon_png: bool,
    /// mdBook theme files of the book that are not used (one warning).
    pub warnings: Vec<String>,
}

/// mdBook's theme files (mdBook 0.5) that guidebook's theme has no use for.
const MDBOOK_THEME_FILES: &[&str] = &[
    "book.js",
    "highlight.js",
    "clipboard.min.js",
    "highlight.css",
    "tomorrow-night.css",
    "ayu-highlight.css",
    "css/chrome.css",
    "css/general.css",
    "css/print.css",
    "css/variables.css",
    "elasticlunr.min.js",
    "mark.min.js",
    "searcher.js",
    "ace.js",
    "editor.js",
    "mode-rust.js",
    "theme-dawn.js",
    "theme-tomorrow_night.js",
];

/// mdBook theme folders whose every file is mdBook's.
const MDBOOK_THEME_FOLDERS: &[&str] = &["fonts/", "FontAwesome/"];

/// Is `name` (relative to `theme/`) a file of mdBook's theme that
/// guidebook does not use? Any `.hbs` file is an mdBook template.
fn is_unused_mdbook_file(name: &str) -> bool {
    name.ends_with(".hbs")
        || MDBOOK_THEME_FILES.contains(&name)
        || MDBOOK_THEME_FOLDERS.iter().any(|f| name.starts_with(f))
}

impl Theme {
    /// The default theme overridden by the files of `book_root/theme/`.
    pub fn load(book_root: &Path) -> Result<Theme> {
        let mut files: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
        for name in DefaultTheme::iter() {
            if name == "README.md" {
                continue;
            }
            if let Some(file) = DefaultTheme::get(&name) {
                files.insert(name.into_owned(), file.data);
            }
        }
        let local = book_root.join("theme");
        let mut unused: Vec<String> = Vec::new();
        let mut favicon = (false, false);
        if local.is_dir() {
            for entry in walkdir::WalkDir::new(&local)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
            {
                let Ok(rel) = entry.path().strip_prefix(&local) else {
                    continue;
                };
                let name = rel.to_string_lossy().replace('\\', "/");
                if name == "README.md" {
                    continue;
                }
                if is_unused_mdbook_file(&name) {
                    let folder = MDBOOK_THEME_FOLDERS.iter().find(|f| name.starts_with(*f));
                    let shown = folder.map_or(name.clone(), |f| f.to_string());
                    if !unused.contains(&shown) {
                        unused.push(shown);
                    }
                    continue;
                }
                favicon.0 |= name == "favicon.svg";
                favicon.1 |= name == "favicon.png";
                let data = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                files.insert(name, Cow::Owned(data));
            }
        }
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        // Escape like the content does, leaving `/` in URLs readable.
        env.set_formatter(|out, state, value| {
            if *state.auto_escape() == minijinja::AutoEscape::Html
                && !value.is_safe()
                && let Some(text) = value.as_str()
            {
                return out
                    .write_str(&escape_html(text))
                    .map_err(minijinja::Error::from);
            }
            minijinja::escape_formatter(out, state, value)
        });
        let mut assets = BTreeMap::new();
        for (name, data) in files {
            if name.ends_with(".html") {
                let shown = template_path(book_root, &name);
                let text = String::from_utf8(data.into_owned()).map_err(|e| {
                    let valid = e.utf8_error().valid_up_to();
                    let line = LineIndex::of_bytes(&e.as_bytes()[..valid]).line(valid);
                    Error::input(
                        &shown,
                        line,
                        "the template is not UTF-8; save the file as UTF-8",
                    )
                })?;
                env.add_template_owned(name.clone(), text)
                    .map_err(|e| template_error(&shown, &e))?;
            } else {
                assets.insert(name, data);
            }
        }
        if env.get_template(PAGE_TEMPLATE).is_err() {
            return Err(Error::Other(format!(
                "the theme has no `{PAGE_TEMPLATE}` template"
            )));
        }
        unused.sort();
        let warnings = if unused.is_empty() {
            Vec::new()
        } else {
            let shown = crate::paths::display_path(&local).display().to_string();
            vec![format!(
                "{shown}/: mdBook theme files guidebook does not use, left out of the site: {} (guidebook's templates are page.html and redirect.html; see the theme's README)",
                unused.join(", ")
            )]
        };
        Ok(Theme {
            env,
            assets,
            favicon_svg: favicon.0,
            favicon_png: favicon.1,
            warnings,
        })
    }

    /// Render template `name` with `context`.
    pub fn render(&self, name: &str, context: impl serde::Serialize) -> Result<String> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(&format!("theme/{name}"), &e))?;
        template
            .render(minijinja::Value::from(minijinja::value::Serde(context)))
            .map_err(|e| template_error(&format!("theme/{name}"), &e))
    }
}

/// Where a template comes from, for messages.
fn template_path(book_root: &Path, name: &str) -> String {
    let local = book_root.join("theme").join(name);
    if local.is_file() {
        crate::paths::display_path(&local).display().to_string()
    } else {
        format!("theme/{name}")
    }
}

/// A template error with its file (`shown`) and line.
fn template_error(shown: &str, e: &minijinja::Error) -> Error {
    let line = e.line().unwrap_or(1);
    let file = shown.to_string();
    let mut message = format!("template error: {}", e.kind());
    if let Some(detail) = e.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    Error::input(file, line, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_theme_has_page_template_and_assets() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path()).unwrap();
        assert!(theme.env.get_template(PAGE_TEMPLATE).is_ok());
        assert!(theme.assets.keys().any(|k| k.ends_with(".css")));
        assert!(!theme.assets.contains_key("README.md"));
    }

    #[test]
    fn book_theme_overrides_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme/css")).unwrap();
        std::fs::write(
            dir.path().join("theme/page.html"),
            "<p>{{ page.title }}</p>",
        )
        .unwrap();
        std::fs::write(dir.path().join("theme/css/extra.css"), "p{}").unwrap();
        let theme = Theme::load(dir.path()).unwrap();
        let html = theme
            .render(PAGE_TEMPLATE, serde_json::json!({"page": {"title": "<T>"}}))
            .unwrap();
        assert_eq!(html, "<p>&lt;T&gt;</p>");
        assert!(theme.assets.contains_key("css/extra.css"));
        assert!(theme.assets.keys().any(|k| k.starts_with("js/")));
    }

    #[test]
    fn mdbook_theme_files_are_named_once_and_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let theme_dir = dir.path().join("theme");
        for file in [
            "index.hbs",
            "head.hbs",
            "book.js",
            "css/chrome.css",
            "css/extra.css",
            "fonts/fonts.css",
            "fonts/open-sans.woff2",
            "favicon.svg",
        ] {
            let path = theme_dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let theme = Theme::load(dir.path()).unwrap();
        assert_eq!(theme.warnings.len(), 1, "{:?}", theme.warnings);
        let shown = crate::paths::display_path(&theme_dir).display().to_string();
        let w = &theme.warnings[0];
        assert!(
            w.starts_with(&format!("{shown}/: mdBook theme files guidebook does not use, left out of the site: book.js, css/chrome.css, fonts/, head.hbs, index.hbs (")),
            "{w}"
        );
        for name in [
            "book.js",
            "css/chrome.css",
            "fonts/",
            "head.hbs",
            "index.hbs",
        ] {
            assert_eq!(w.matches(name).count(), 1, "{name}: {w}");
        }
        assert!(!w.contains("extra.css") && !w.contains("favicon"), "{w}");
        for name in ["index.hbs", "book.js", "css/chrome.css", "fonts/fonts.css"] {
            assert!(!theme.assets.contains_key(name), "{name} published");
        }
        assert!(theme.assets.contains_key("css/extra.css"));
        assert!(theme.favicon_svg && !theme.favicon_png);
        assert!(
            Theme::load(tempfile::tempdir().unwrap().path())
                .unwrap()
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn template_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("theme")).unwrap();
        std::fs::write(dir.path().join("theme/page.html"), "a\n{% if %}\n").unwrap();
        let e = Theme::load(dir.path()).err().unwrap().to_string();
        assert!(
            e.contains("theme/page.html:2: template error: syntax error"),
            "{e}"
        );
    }
}
