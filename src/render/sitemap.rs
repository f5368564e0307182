//! `sitemap.xml`, written when `[output.html] site-url` is set.

use super::escape::escape_html;

/// The sitemap listing `urls` (relative to the site root) under `site_url`.
pub fn sitemap(site_url: &str, urls: &[&str]) -> String {
    let base = site_url.trim_end_matches('/');
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        out.push_str("  <url><loc>");
        out.push_str(&escape_html(&format!("{base}/{url}")));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_absolute_urls() {
        assert_eq!(
            sitemap("https://ex.org/docs/", &["index.html", "a&b.html"]),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>https://ex.org/docs/index.html</loc></url>\n  <url><loc>https://ex.org/docs/a&amp;b.html</loc></url>\n</urlset>\n"
        );
    }
}
