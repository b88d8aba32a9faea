//! The site's own pages: a default text on a fresh install, linked from every
//! footer; an admin edits one (with a preview) and visitors see it at once,
//! even through the page cache; hostile Markdown is sanitised; mistakes come
//! back beside their field; staff and visitors cannot edit.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, field_value, follow, location, page_text, test_config, text_of};

const PAGES: [(&str, &str, &str); 5] = [
    (
        "/about",
        "About Honor Mile",
        "one of our runners runs a mile in their honour",
    ),
    ("/donate", "Donate", "Honor Mile runs on gifts"),
    ("/contact", "Contact", "We read every message"),
    ("/privacy", "Privacy notice", "Family and agency contacts"),
    ("/accessibility", "Accessibility statement", "320 pixels wide"),
];

fn page_form(text: &str, donation_url: &str) -> Vec<(String, String)> {
    vec![
        ("text".to_string(), text.to_string()),
        ("donation_url".to_string(), donation_url.to_string()),
    ]
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_fresh_install_shows_every_page_with_its_default_text_linked_from_every_footer(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let visitor = app.browser();
    for (path, title, words) in PAGES {
        let response = visitor.get(path).await;
        assert_eq!(response.status_code(), 200, "{path}");
        let html = response.text();
        assert_eq!(
            text_of(&html, "site-page").map(|t| t.starts_with(title)),
            Some(true),
            "{path}"
        );
        assert!(page_text(&html).contains(words), "{path}: {}", page_text(&html));
        assert!(
            !html.contains("For admins (never shown)"),
            "{path}: notes to admins stay hidden"
        );
    }
    let (staff, _) = app.signed_in(Role::Staff).await;
    for (browser, page) in [
        (&visitor, "/"),
        (&visitor, "/honor-roll"),
        (&visitor, "/about"),
        (&staff, "/staff"),
    ] {
        let html = browser.get(page).await.text();
        for (path, _, _) in PAGES {
            assert!(html.contains(&format!("<a href=\"{path}\">")), "{page} links to {path}");
        }
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_admin_previews_then_saves_about_and_visitors_see_it_at_once_through_the_cache(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "60")])).await;
    let visitor = app.browser();
    assert!(visitor.get("/about").await.text().contains("one of our runners"));

    let (admin, _) = app.signed_in(Role::Admin).await;
    assert!(
        admin
            .get("/admin/pages")
            .await
            .text()
            .contains("Shows its default text")
    );
    let form = admin.get("/admin/pages/about").await.text();
    assert!(field_value(&form, "text").is_some_and(|t| t.contains("one of our runners")));
    assert!(field_value(&form, "donation_url").is_none(), "only Donate has a link");

    let text = "# Our story\n\nSince 2019 we have run **one mile** for each fallen responder.";
    let mut preview = page_form(text, "");
    preview.push(("intent".into(), "preview".into()));
    let previewed = admin.post("/admin/pages/about").form(&preview).await;
    assert_eq!(previewed.status_code(), 200);
    let html = previewed.text();
    assert!(html.contains("<h2>Our story</h2>"), "{html}");
    assert!(html.contains("<strong>one mile</strong>"));
    assert_eq!(
        field_value(&html, "text").as_deref(),
        Some(text),
        "the text stays as typed"
    );
    assert_eq!(
        app.count("select count(*) from site_pages").await,
        0,
        "a preview saves nothing"
    );
    assert!(!visitor.get("/about").await.text().contains("Our story"));

    let saved = admin.post("/admin/pages/about").form(&page_form(text, "")).await;
    assert_eq!(saved.status_code(), 303);
    assert_eq!(location(&saved), "/admin/pages/about");
    let after = follow(&admin, &saved).await.text();
    assert!(page_text(&after).contains("About Honor Mile saved."));
    assert_eq!(
        text_of(&after, "current").map(|t| t.contains("Since 2019 we have run one mile")),
        Some(true)
    );

    // The visitor's cached copy is forgotten at once, not in a minute.
    let html = visitor.get("/about").await.text();
    assert!(
        page_text(&html).contains("Our story Since 2019 we have run one mile"),
        "{html}"
    );
    assert!(!html.contains("one of our runners"));
    assert!(!html.contains("Edit this page"), "visitors get no edit link");
    assert!(admin.get("/about").await.text().contains("href=\"/admin/pages/about\""));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'site_page.saved' and entity_id = 'about'")
            .await,
        1
    );
    assert!(admin.get("/admin/pages").await.text().contains("Saved "));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn scripts_handlers_raw_html_and_script_links_never_reach_the_page(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let hostile = [
        "<script>alert(\"xss-7e1\")</script>",
        "Before <script>alert(1)</script> after",
        "\"><img src=x onerror=alert(7)>",
        "<div onclick=\"alert(1)\">Click</div>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<svg onload=alert(1)></svg>",
        "<a href=\"javascript:alert(1)\">html link</a>",
        "[markdown link](javascript:alert(1))",
        "[mixed case](JaVaScRiPt:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![picture](https://evil.example/x.png)",
        "<style>body { display: none }</style>",
        "<form action=\"/logout\" method=\"post\"><button>Go</button></form>",
    ];
    let text = format!("Kept words.\n\n{}", hostile.join("\n\n"));
    let saved = admin.post("/admin/pages/contact").form(&page_form(&text, "")).await;
    assert_eq!(saved.status_code(), 303);
    let visitor = app.browser();
    for (browser, page) in [
        (&visitor, "/contact"),
        (&admin, "/contact"),
        (&admin, "/admin/pages/contact"),
    ] {
        let html = browser.get(page).await.text();
        // The rendered text, from its container to the end of the page's main part.
        let shown = html
            .split_once("site-page-text\">")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map(|(shown, _)| shown.to_ascii_lowercase())
            .unwrap_or_default();
        assert!(shown.contains("kept words."), "{page}: {shown}");
        for never in [
            "<script",
            "onerror",
            "onclick",
            "onload",
            "<iframe",
            "<svg",
            "javascript:",
            "data:text",
            "<style",
            "<form",
            "<img",
        ] {
            assert!(!shown.contains(never), "{page} shows {never}: {shown}");
        }
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_donate_page_links_to_the_https_donation_page_an_admin_set(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    assert!(
        !app.browser()
            .get("/donate")
            .await
            .text()
            .contains("id=\"donation-link\"")
    );
    let saved = admin
        .post("/admin/pages/donate")
        .form(&page_form(
            "Give to the program.",
            "https://give.example.org/honor-mile",
        ))
        .await;
    assert_eq!(saved.status_code(), 303);
    let html = app.browser().get("/donate").await.text();
    assert!(
        html.contains(
            r#"id="donation-link" href="https://give.example.org/honor-mile" rel="noopener noreferrer external""#
        ),
        "{html}"
    );
    // Emptied again, the button goes.
    admin
        .post("/admin/pages/donate")
        .form(&page_form("Give to the program.", ""))
        .await;
    assert!(
        !app.browser()
            .get("/donate")
            .await
            .text()
            .contains("id=\"donation-link\"")
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'site_page.saved'")
            .await,
        2
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn mistakes_come_back_beside_their_field_as_typed_and_save_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let long = "x".repeat(20_001);
    for (path, form, field, message) in [
        (
            "/admin/pages/about",
            page_form(&long, ""),
            "text-error",
            "at most 20000 characters",
        ),
        (
            "/admin/pages/privacy",
            page_form("   ", ""),
            "text-error",
            "The page's text is required.",
        ),
        (
            "/admin/pages/donate",
            page_form("Give.", "http://give.example.org/"),
            "donation_url-error",
            "secure address starting with https://",
        ),
        (
            "/admin/pages/donate",
            page_form("Give.", "javascript:alert(1)"),
            "donation_url-error",
            "starting with https://",
        ),
    ] {
        let response = admin.post(path).form(&form).await;
        assert_eq!(response.status_code(), 422, "{path} {field}");
        let html = response.text();
        assert!(
            text_of(&html, field).is_some_and(|t| t.contains(message)),
            "{path}: {:?}",
            text_of(&html, field)
        );
        assert_eq!(
            field_value(&html, "text").map(|t| t.len()),
            Some(form[0].1.len()),
            "kept as typed"
        );
    }
    assert_eq!(app.count("select count(*) from site_pages").await, 0);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'site_page.saved'")
            .await,
        0
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_and_visitors_cannot_edit_and_an_unknown_page_is_not_found(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let visitor = app.browser();
    for path in ["/admin/pages", "/admin/pages/about"] {
        assert_eq!(staff.get(path).await.status_code(), 403, "{path}");
        let response = visitor.get(path).await;
        assert!(location(&response).starts_with("/login?next="), "{path}");
    }
    let form = page_form("Taken over.", "");
    assert_eq!(staff.post("/admin/pages/about").form(&form).await.status_code(), 403);
    let response = visitor.post("/admin/pages/about").form(&form).await;
    assert!(location(&response).starts_with("/login?next="));
    assert_eq!(app.count("select count(*) from site_pages").await, 0);
    assert!(!visitor.get("/about").await.text().contains("Taken over."));

    let (admin, _) = app.signed_in(Role::Admin).await;
    assert_eq!(admin.get("/admin/pages/nothing").await.status_code(), 404);
    assert_eq!(admin.post("/admin/pages/nothing").form(&form).await.status_code(), 404);
    assert_eq!(visitor.get("/nothing-here").await.status_code(), 404);
}
