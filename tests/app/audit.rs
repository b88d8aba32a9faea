//! The audit trail page.

use sqlx::PgPool;

use crate::helpers::{Role, TestApp, sign_in, text_of};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn sign_ins_and_account_changes_are_in_the_trail(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let staff_id = app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    sign_in(&app.browser(), "staff@example.org", "a wrong password").await;
    let (admin, admin_id) = app.signed_in(Role::Admin).await;
    admin.post(&format!("/admin/users/{staff_id}/deactivate")).await;

    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    for expected in [
        "sign_in.failed",
        "sign_in.succeeded",
        "account.deactivated",
        "admin@example.org deactivated staff@example.org",
    ] {
        assert!(html.contains(expected), "trail shows {expected}");
    }
    let text = crate::helpers::page_text(&html);
    for words in ["Signed in", "Sign-in failed", "Account deactivated"] {
        assert!(text.contains(words), "the action reads in words: {words}");
    }
    let actor: Option<uuid::Uuid> =
        sqlx::query_scalar("select actor_id from audit_log where action = 'account.deactivated'")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!(actor, Some(admin_id), "the change names who made it");
    let failed_actor: Option<uuid::Uuid> =
        sqlx::query_scalar("select actor_id from audit_log where action = 'sign_in.failed'")
            .fetch_one(&app.pool)
            .await
            .expect("row");
    assert_eq!(failed_actor, None, "a failed attempt is nobody's act");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_trail_filters_by_action_person_and_date(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    sign_in(&app.browser(), "staff@example.org", "a wrong password").await;
    let (admin, admin_id) = app.signed_in(Role::Admin).await;

    let failed = admin.get("/admin/audit?action=sign_in.failed").await.text();
    assert!(failed.contains("Sign-in failed: staff@example.org"));
    assert!(!failed.contains("Signed in:"));

    let by_admin = admin.get(&format!("/admin/audit?actor={admin_id}")).await.text();
    assert!(by_admin.contains("Signed in: admin@example.org"));
    assert!(!by_admin.contains("Sign-in failed:"));

    let future = admin.get("/admin/audit?from=2030-01-01").await.text();
    assert!(future.contains("Nothing matches these filters."));
    let today = admin.get("/admin/audit?from=2026-11-23&to=2026-11-23").await.text();
    assert!(today.contains("Signed in: admin@example.org"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn bad_filters_are_explained_not_failed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin
        .get("/admin/audit?from=yesterday&actor=robert%27);drop%20table%20users;--")
        .await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert_eq!(
        text_of(&html, "from-error").as_deref(),
        Some("From must be a date like 2026-11-23.")
    );
    assert!(html.contains("Choose a person from the list."));
    assert_eq!(app.count("select count(*) from users").await, 1);
    assert_eq!(admin.get("/admin/audit?before=abc").await.status_code(), 400);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_trail_pages_fifty_at_a_time(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    for _ in 0..9 {
        sign_in(&app.browser(), "staff@example.org", "a wrong password").await;
    }
    sqlx::query(
        "insert into audit_log (occurred_at, action, entity_type, summary)
         select now(), 'test.filler', 'test', 'filler ' || n from generate_series(1, 60) n",
    )
    .execute(&app.pool)
    .await
    .expect("filler rows");
    // 9 failures, 60 filler rows, the admin's sign-in and their second factor's
    // set-up (which admins must do first): 71 entries.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let first = admin.get("/admin/audit").await.text();
    assert_eq!(first.matches("<tr>").count() - 1, 50, "fifty rows after the header row");
    let cursor: String = first
        .split("before=")
        .nth(1)
        .map(|s| s.chars().take_while(char::is_ascii_digit).collect())
        .expect("an 'older entries' link with a cursor");
    let second = admin.get(&format!("/admin/audit?before={cursor}")).await.text();
    assert_eq!(second.matches("<tr>").count() - 1, 21, "the remaining twenty-one");
    assert!(!second.contains("before="), "no further page");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_action_filter_offers_actions_in_words_and_keeps_any_other_start(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = admin.get("/admin/audit?action=grant.").await.text();
    let document = scraper::Html::parse_document(&page);
    let selected = scraper::Selector::parse("#action option[selected]").expect("a selector");
    let chosen: Vec<String> = document
        .select(&selected)
        .map(|o| o.text().collect::<String>())
        .collect();
    assert_eq!(chosen, vec!["Any grant step".to_string()]);
    assert!(page.contains(">Signed in</option>"), "actions are offered in words");

    let other = admin.get("/admin/audit?action=%3Cb%3Ecampaign").await.text();
    let document = scraper::Html::parse_document(&other);
    let chosen: Vec<String> = document
        .select(&selected)
        .map(|o| o.text().collect::<String>())
        .collect();
    assert_eq!(chosen, vec!["Starting with <b>campaign".to_string()]);
    assert!(!other.contains("<b>campaign"), "escaped");
}
