//! Family campaigns: staff start, edit and close one from the hero's staff page;
//! the public hero page shows it only while it is open (program time zone),
//! with its link clearly to an outside site; bad input comes back beside the
//! field; visitors and deactivated accounts are refused.

use chrono::Duration;
use sqlx::PgPool;

use crate::helpers::{PASSWORD, Role, TestApp, field_value, hero_form, location, page_text, sign_in, text_of, with};

/// Today on the test clock is 23 November 2026 (10:00 in New York).
fn campaign_form(opens: &str, closes: &str) -> Vec<(String, String)> {
    [
        ("title", "Bring the Giles family home"),
        ("family_line", "For the wife and two children of Officer Giles"),
        ("donation_url", "https://www.gofundme.com/f/giles-family"),
        ("goal", "25,000"),
        ("raised", "1250.50"),
        ("opens_on", opens),
        ("closes_on", closes),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn hero(app: &TestApp, staff: &axum_test::TestServer) -> uuid::Uuid {
    let form = with(
        hero_form("Garrett Giles", "Springfield Police Department", "IL", "2025-03-02"),
        "country",
        "US",
    );
    app.add_confirmed_hero(staff, &form).await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_campaign_shows_on_the_hero_page_only_while_it_is_open(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = hero(&app, &staff).await;
    let form = staff.get(&format!("/staff/heroes/{id}/campaigns/new")).await.text();
    assert_eq!(field_value(&form, "opens_on").as_deref(), Some("2026-11-23"));
    assert_eq!(
        field_value(&form, "closes_on").as_deref(),
        Some("2026-12-06"),
        "two weeks by default"
    );

    let response = staff
        .post(&format!("/staff/heroes/{id}/campaigns"))
        .form(&campaign_form("2026-11-25", "2026-12-09"))
        .await;
    assert_eq!(response.status_code(), 303);
    assert_eq!(location(&response), format!("/staff/heroes/{id}#campaigns"));
    let staff_page = page_text(&staff.get(&format!("/staff/heroes/{id}")).await.text());
    assert!(
        staff_page.contains("Bring the Giles family home (Opens on 25 November 2026)"),
        "{staff_page}"
    );

    let visitor = app.browser();
    let page = format!("/heroes/{id}");
    assert!(
        !visitor.get(&page).await.text().contains("Bring the Giles family home"),
        "not open yet"
    );

    app.clock.advance(Duration::days(2));
    let html = visitor.get(&page).await.text();
    assert_eq!(
        text_of(&html, "campaign-progress").as_deref(),
        Some("$1,250.50 raised of a $25,000.00 goal (5%). Open until 9 December 2026.")
    );
    assert!(html.contains("For the wife and two children of Officer Giles"));
    assert!(html.contains(
        r#"<a href="https://www.gofundme.com/f/giles-family" rel="noopener noreferrer external">Give on the family's donation page</a>"#
    ));
    assert!(page_text(&html).contains("(an outside site, gofundme.com;"));
    assert!(html.contains(r#"<progress max="100" value="5""#));

    // The last day (9 December) is included, in New York: 04:59 UTC on the 10th is still the 9th there.
    app.clock
        .advance(Duration::days(15) - Duration::hours(10) - Duration::minutes(1));
    assert!(visitor.get(&page).await.text().contains("Bring the Giles family home"));
    app.clock.advance(Duration::minutes(2));
    assert!(
        !visitor.get(&page).await.text().contains("Bring the Giles family home"),
        "closed"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'campaign.created'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn staff_edit_the_amount_raised_and_close_a_campaign_early(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, me) = app.signed_in(Role::Staff).await;
    let id = hero(&app, &staff).await;
    staff
        .post(&format!("/staff/heroes/{id}/campaigns"))
        .form(&campaign_form("2026-11-20", ""))
        .await
        .assert_status(axum::http::StatusCode::SEE_OTHER);
    let campaign: uuid::Uuid = sqlx::query_scalar("select id from campaigns")
        .fetch_one(&app.pool)
        .await
        .expect("campaign");
    let closes: chrono::NaiveDate = sqlx::query_scalar("select closes_on from campaigns")
        .fetch_one(&app.pool)
        .await
        .expect("closes_on");
    assert_eq!(
        closes.to_string(),
        "2026-12-03",
        "an empty closing day means two weeks, both ends included"
    );

    let edit = staff
        .get(&format!("/staff/heroes/{id}/campaigns/{campaign}/edit"))
        .await
        .text();
    assert_eq!(field_value(&edit, "raised").as_deref(), Some("1250.50"));
    let response = staff
        .post(&format!("/staff/heroes/{id}/campaigns/{campaign}"))
        .form(&with(campaign_form("2026-11-20", "2026-12-04"), "raised", "30,000"))
        .await;
    assert_eq!(response.status_code(), 303);
    let html = app.browser().get(&format!("/heroes/{id}")).await.text();
    assert!(
        text_of(&html, "campaign-progress")
            .is_some_and(|t| t.starts_with("$30,000.00 raised of a $25,000.00 goal (100%)")),
        "past the goal the bar stays full"
    );

    let response = staff
        .post(&format!("/staff/heroes/{id}/campaigns/{campaign}/close"))
        .await;
    assert_eq!(response.status_code(), 303);
    assert!(
        !app.browser()
            .get(&format!("/heroes/{id}"))
            .await
            .text()
            .contains("campaign-progress")
    );
    let staff_page = page_text(&staff.get(&format!("/staff/heroes/{id}")).await.text());
    assert!(staff_page.contains("(Closed early)"));
    let trail: Vec<(String, Option<uuid::Uuid>)> =
        sqlx::query_as("select action, actor_id from audit_log where entity_type = 'campaign' order by id")
            .fetch_all(&app.pool)
            .await
            .expect("audit");
    let actions: Vec<&str> = trail.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(actions, ["campaign.created", "campaign.updated", "campaign.closed"]);
    assert!(trail.iter().all(|(_, actor)| *actor == Some(me)));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_campaign_input_comes_back_beside_its_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = hero(&app, &staff).await;
    let long = "x".repeat(121);
    let cases: &[(&str, &str, &str)] = &[
        ("title", "", "Title is required."),
        ("title", &long, "Title must be at most 120 characters."),
        ("donation_url", "", "The donation page's address is required."),
        (
            "donation_url",
            "http://example.org/give",
            "must be a secure address starting with https://",
        ),
        (
            "donation_url",
            "javascript:alert(1)",
            "must be a secure address starting with https://",
        ),
        ("goal", "-500", "Goal cannot be negative."),
        ("goal", "lots", "Goal must be an amount in dollars"),
        ("goal", "", "Goal is required."),
        ("raised", "-1", "Amount raised cannot be negative."),
        ("raised", "ten", "Amount raised must be an amount in dollars"),
        ("opens_on", "tomorrow", "Opens on must be a date"),
        ("opens_on", "-0005-01-01", "Opens on must be"),
        (
            "closes_on",
            "9999-12-31",
            "Closes on must be between 1 January 1791 and 31 December 2100.",
        ),
        (
            "closes_on",
            "1999-12-31",
            "Closes on must be in a year from 2000 to 2100.",
        ),
        (
            "closes_on",
            "2026-11-20",
            "The campaign must close after the day it opens.",
        ),
        (
            "closes_on",
            "2026-11-25",
            "The campaign must close after the day it opens.",
        ),
    ];
    for (field, value, message) in cases {
        let form = with(campaign_form("2026-11-25", "2026-12-09"), field, value);
        let response = staff.post(&format!("/staff/heroes/{id}/campaigns")).form(&form).await;
        assert_eq!(response.status_code(), 422, "{field}={value}");
        let html = response.text();
        let error = text_of(&html, &format!("{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field}={value}: {error}");
        assert_eq!(
            field_value(&html, field).as_deref(),
            Some(*value),
            "what was typed is kept"
        );
    }
    assert_eq!(app.count("select count(*) from campaigns").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn hostile_text_in_a_campaign_is_shown_as_text(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = hero(&app, &staff).await;
    let hostile = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let form = with(
        with(campaign_form("2026-11-20", "2026-12-04"), "title", hostile),
        "donation_url",
        r#"https://example.org/give?"><script>alert(2)</script>"#,
    );
    staff
        .post(&format!("/staff/heroes/{id}/campaigns"))
        .form(&form)
        .await
        .assert_status(axum::http::StatusCode::SEE_OTHER);
    for page in [format!("/heroes/{id}"), format!("/staff/heroes/{id}")] {
        let html = if page.starts_with("/staff") {
            staff.get(&page).await.text()
        } else {
            app.browser().get(&page).await.text()
        };
        assert!(
            !html.contains("<script>alert") && !html.contains("<img src=x"),
            "{page}"
        );
        assert!(
            page_text(&html).contains(r#"<script>alert("x")</script>"#),
            "{page} shows it as text"
        );
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn visitors_and_deactivated_staff_cannot_touch_campaigns(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let id = hero(&app, &admin).await;
    let form = campaign_form("2026-11-20", "2026-12-04");

    let visitor = app.browser();
    let response = visitor.post(&format!("/staff/heroes/{id}/campaigns")).form(&form).await;
    assert_eq!(response.status_code(), 303);
    assert!(location(&response).starts_with("/login?next="));

    let gone = app.create_user("gone@example.org", "Gone Staff", Role::Staff).await;
    let browser = app.browser();
    assert_eq!(sign_in(&browser, "gone@example.org", PASSWORD).await.status_code(), 303);
    let response = admin.post(&format!("/admin/users/{gone}/deactivate")).await;
    assert_eq!(response.status_code(), 303);
    let response = browser.post(&format!("/staff/heroes/{id}/campaigns")).form(&form).await;
    assert_eq!(response.status_code(), 303);
    assert!(location(&response).starts_with("/login?next="));
    let response = browser.get(&format!("/staff/heroes/{id}/campaigns/new")).await;
    assert!(location(&response).starts_with("/login?next="));
    assert_eq!(app.count("select count(*) from campaigns").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_drafts_campaign_and_private_contacts_stay_private(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let draft = app
        .add_hero(
            &staff,
            &with(
                hero_form("Dana Draft", "Draft County Sheriff", "TX", "2025-05-05"),
                "country",
                "US",
            ),
        )
        .await;
    let shown = hero(&app, &staff).await;
    for id in [draft, shown] {
        staff
            .post(&format!("/staff/heroes/{id}/contacts"))
            .form(&[
                ("kind", "family"),
                ("name", "PRIVATE-CONTACT"),
                ("postal_address", "PRIVATE-ADDRESS"),
            ])
            .await
            .assert_status(axum::http::StatusCode::SEE_OTHER);
        staff
            .post(&format!("/staff/heroes/{id}/campaigns"))
            .form(&with(
                campaign_form("2026-11-20", "2026-12-04"),
                "title",
                &format!("Campaign {id}"),
            ))
            .await
            .assert_status(axum::http::StatusCode::SEE_OTHER);
    }
    let visitor = app.browser();
    assert_eq!(visitor.get(&format!("/heroes/{draft}")).await.status_code(), 404);
    let html = visitor.get(&format!("/heroes/{shown}")).await.text();
    assert!(html.contains(&format!("Campaign {shown}")));
    for url in [
        "/",
        "/honor-roll",
        &format!("/heroes/{shown}"),
        "/api/heroes",
        &format!("/api/heroes/{shown}"),
    ] {
        let body = visitor.get(url).await.text();
        assert!(!body.contains(&format!("Campaign {draft}")), "{url}");
        assert!(!body.contains("PRIVATE-"), "{url}");
    }
}
