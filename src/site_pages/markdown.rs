//! Markdown as admins write it, turned into HTML a page can hold. Two locks:
//! raw HTML typed into the text is dropped while parsing (the pages are written
//! in Markdown, not HTML), and what comes out is sanitised with an allow-list,
//! so a script, an `on...` attribute or a `javascript:` link never reaches a
//! visitor even if the first lock let one through. Headings move one level
//! down, since the page's own title is its only `h1`.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// HTML that went through [`to_safe_html`], the only way to make one: the one
/// value templates may print unescaped (`|safe`).
pub struct SafeHtml(String);

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text as safe HTML.
pub fn to_safe_html(markdown: &str) -> SafeHtml {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => None,
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: below(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(below(level)))),
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    let html = ammonia::Builder::default()
        // The security policy loads only the site's own images: an outside one
        // would show as broken, so none is kept.
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
        .to_string();
    SafeHtml(html)
}

fn below(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_becomes_headings_lists_and_links() {
        let html =
            to_safe_html("# Who we are\n\nWe *run* miles.\n\n- one\n- two\n\n[Write to us](mailto:info@example.org)")
                .to_string();
        assert!(html.contains("<h2>Who we are</h2>"), "{html}");
        assert!(html.contains("<em>run</em>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(
            html.contains(r#"<a href="mailto:info@example.org" rel="noopener noreferrer nofollow">Write to us</a>"#),
            "{html}"
        );
    }

    #[test]
    fn scripts_handlers_raw_html_and_script_links_are_removed() {
        for (hostile, never) in [
            ("<script>alert(1)</script>", "<script"),
            ("Hello <script>alert(1)</script> there", "<script"),
            ("<img src=x onerror=alert(7)>", "onerror"),
            ("Text <img src=x onerror=alert(7)> more", "onerror"),
            ("<div onclick=\"alert(1)\">x</div>", "onclick"),
            ("<iframe src=\"https://evil.example\"></iframe>", "<iframe"),
            ("[click](javascript:alert(1))", "javascript:"),
            ("[click](JavaScript:alert(1))", "avascript:"),
            ("[click](  javascript:alert(1) )", "javascript"),
            ("<a href=\"javascript:alert(1)\">x</a>", "javascript:"),
            ("![x](javascript:alert(1))", "javascript:"),
            ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
            ("<style>body{display:none}</style>", "<style"),
            ("<svg onload=alert(1)>", "onload"),
            ("[x](vbscript:msgbox(1))", "vbscript:"),
        ] {
            let html = to_safe_html(hostile).to_string();
            assert!(
                !html.to_ascii_lowercase().contains(&never.to_ascii_lowercase()),
                "{hostile} gave {html}"
            );
        }
    }

    #[test]
    fn text_that_looks_like_html_inside_code_is_shown_not_run() {
        let html = to_safe_html("Type `<script>` to test.").to_string();
        assert!(html.contains("<code>&lt;script&gt;</code>"), "{html}");
    }
}
