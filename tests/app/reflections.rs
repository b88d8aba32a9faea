//! Reflections: a visitor's message waits for staff, shows once approved as
//! plain text, and comes down with one click; bad input, robots and floods are
//! refused with nothing saved.

use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, location, page_text};

fn reflection(name: &str, place: &str, body: &str) -> Vec<(String, String)> {
    [("author_name", name), ("place", place), ("body", body), ("website", "")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn hero(app: &TestApp) -> Uuid {
    app.hero(NewHero {
        name: "Julian Becerra",
        ..NewHero::default()
    })
    .await
}

async fn the_one_reflection(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from reflections")
        .fetch_one(&app.pool)
        .await
        .expect("one reflection")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_reflection_shows_only_after_staff_approve_it_and_hides_in_one_click(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = hero(&app).await;
    let visitor = app.browser();
    let body = "We remember you every day. See https://example.org/tribute";
    let sent = visitor
        .post(&format!("/heroes/{hero}/reflections"))
        .form(&reflection("Maria Lopez", "Moncton, NB", body))
        .await;
    assert_eq!(sent.status_code(), 303);
    assert_eq!(location(&sent), format!("/heroes/{hero}/reflections/received"));
    assert!(page_text(&visitor.get(&location(&sent)).await.text()).contains("staff read every message"));
    let page = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(!page.contains("We remember you"), "nothing shows before approval");

    let (staff, _) = app.signed_in(Role::Staff).await;
    let queue = staff.get("/staff/reflections").await.text();
    assert!(
        page_text(&queue).contains("Maria Lopez, Moncton, NB, for Julian Becerra"),
        "{}",
        page_text(&queue)
    );
    let id = the_one_reflection(&app).await;
    let approved = staff.post(&format!("/staff/reflections/{id}/approve")).await;
    assert_eq!(approved.status_code(), 303);
    let again = staff.post(&format!("/staff/reflections/{id}/approve")).await;
    assert!(page_text(&crate::helpers::follow(&staff, &again).await.text()).contains("already decided"));

    let page = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(
        page_text(&page)
            .contains("We remember you every day. See https://example.org/tribute Maria Lopez, Moncton, NB")
    );
    assert!(
        !page.contains("href=\"https://example.org/tribute"),
        "links stay plain text"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'reflection.approved'")
            .await,
        1
    );

    // The family asks for it to come down: one click from the queue page.
    let queue = staff.get("/staff/reflections").await.text();
    assert!(queue.contains(&format!("action=\"/staff/reflections/{id}/hide\"")));
    assert_eq!(
        staff.post(&format!("/staff/reflections/{id}/hide")).await.status_code(),
        303
    );
    let page = app.browser().get(&format!("/heroes/{hero}")).await.text();
    assert!(!page.contains("We remember you"));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'reflection.hidden'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_declined_reflection_never_shows(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = hero(&app).await;
    app.browser()
        .post(&format!("/heroes/{hero}/reflections"))
        .form(&reflection("Spam Bot", "", "Cheap pills"))
        .await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let id = the_one_reflection(&app).await;
    assert_eq!(
        staff
            .post(&format!("/staff/reflections/{id}/decline"))
            .await
            .status_code(),
        303
    );
    assert!(
        !app.browser()
            .get(&format!("/heroes/{hero}"))
            .await
            .text()
            .contains("Cheap pills")
    );
    assert_eq!(
        staff.post(&format!("/staff/reflections/{id}/hide")).await.status_code(),
        303
    );
    assert_eq!(
        app.count("select count(*) from reflections where status = 'declined'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_reflections_come_back_with_the_message_beside_the_field_and_save_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = hero(&app).await;
    let long = "x".repeat(1001);
    for (form, field, message) in [
        (
            reflection("", "", "Words"),
            "author_name-error",
            "Your name is required.",
        ),
        (
            reflection("Ann", "", "  "),
            "body-error",
            "Your reflection is required.",
        ),
        (reflection("Ann", "", &long), "body-error", "at most 1000 characters"),
        (
            reflection("Ann", &"p".repeat(81), "Words"),
            "place-error",
            "at most 80 characters",
        ),
        (
            reflection("Ann\u{7}", "", "Words"),
            "author_name-error",
            "control characters",
        ),
    ] {
        let response = app
            .browser()
            .post(&format!("/heroes/{hero}/reflections"))
            .form(&form)
            .await;
        assert_eq!(response.status_code(), 422, "{field}");
        let html = response.text();
        let shown = crate::helpers::text_of(&html, field).unwrap_or_default();
        assert!(shown.contains(message), "{field}: {shown}");
        assert!(html.contains("Julian Becerra"), "the hero page comes back");
    }
    let kept = app
        .browser()
        .post(&format!("/heroes/{hero}/reflections"))
        .form(&reflection("<b>Ann</b>", "", ""))
        .await
        .text();
    assert!(
        kept.contains("value=\"&#60;b&#62;Ann&#60;/b&#62;\"") || kept.contains("value=\"&lt;b&gt;Ann&lt;/b&gt;\""),
        "kept, escaped"
    );
    assert_eq!(app.count("select count(*) from reflections").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn robots_floods_and_drafts_are_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = hero(&app).await;
    let mut robot = reflection("Bot", "", "Buy now");
    robot.retain(|(k, _)| k != "website");
    robot.push(("website".into(), "https://spam.example".into()));
    let response = app
        .browser()
        .post(&format!("/heroes/{hero}/reflections"))
        .form(&robot)
        .await;
    assert_eq!(response.status_code(), 422);
    assert!(page_text(&response.text()).contains("looked automated"));
    assert_eq!(app.count("select count(*) from reflections").await, 0);

    // The robot's try counted: two more pass, the next is refused.
    for n in 0..3 {
        let response = app
            .browser()
            .post(&format!("/heroes/{hero}/reflections"))
            .form(&reflection("Ann", "", &format!("Words {n}")))
            .await;
        assert_eq!(response.status_code(), if n < 2 { 303 } else { 429 }, "try {n}");
    }
    assert_eq!(app.count("select count(*) from reflections").await, 2);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_draft_hero_takes_no_reflection(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let draft = app
        .hero(NewHero {
            confirmed: false,
            ..NewHero::default()
        })
        .await;
    let response = app
        .browser()
        .post(&format!("/heroes/{draft}/reflections"))
        .form(&reflection("Ann", "", "Words"))
        .await;
    assert_eq!(response.status_code(), 404);
    assert_eq!(app.count("select count(*) from reflections").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_hero_page_shows_the_newest_approved_reflections_oldest_first_and_never_the_others(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let hero = hero(&app).await;
    // 205 approved, one a day, numbered by their approval; then one of each other state.
    sqlx::query(
        "insert into reflections (id, hero_id, author_name, body, status, submitted_at, decided_at)
         select gen_random_uuid(), $1, 'Reader ' || n, 'Approved number ' || n || '.', 'approved',
                '2026-01-01'::timestamptz, '2026-01-01'::timestamptz + n * interval '1 day'
         from generate_series(1, 205) n",
    )
    .bind(hero)
    .execute(&app.pool)
    .await
    .expect("approved reflections");
    for (status, decided) in [
        ("pending", None),
        ("declined", Some("2026-12-01")),
        ("hidden", Some("2026-12-02")),
    ] {
        sqlx::query(
            "insert into reflections (id, hero_id, author_name, body, status, submitted_at, decided_at)
             values (gen_random_uuid(), $1, 'Never Shown', 'A ' || $2 || ' reflection.', $2::reflection_status,
                     '2026-11-30', $3::timestamptz)",
        )
        .bind(hero)
        .bind(status)
        .bind(decided)
        .execute(&app.pool)
        .await
        .expect("reflection in another state");
    }
    let html = app.browser().get(&format!("/heroes/{hero}")).await.text();
    let document = scraper::Html::parse_document(&html);
    let selector = scraper::Selector::parse(".reflection .prose").expect("selector");
    let shown: Vec<String> = document.select(&selector).map(|e| e.text().collect()).collect();
    let newest: Vec<String> = (6..=205).map(|n| format!("Approved number {n}.")).collect();
    assert_eq!(shown, newest, "the newest 200, oldest approval first");
    assert!(!html.contains("Never Shown"));
    assert!(!page_text(&html).contains("Approved number 5."));
}
