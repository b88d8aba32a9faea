//! The numbers: monthly and yearly totals in the program's time zone (America/New_York),
//! the public totals and the settings. The export is in `grants_export`.

use axum_test::TestServer;
use chrono::Duration;
use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{application, approve, enter};
use crate::helpers::{Role, TestApp, page_text, text_of};

/// A fresh browser signed in as an existing account (sessions expire as the clock moves).
pub async fn as_user(app: &TestApp, email: &str) -> TestServer {
    app.sign_in_as(email).await
}

pub struct Desk {
    pub staff: TestServer,
    pub admin: TestServer,
}

pub async fn desk(app: &TestApp) -> Desk {
    Desk {
        staff: as_user(app, "staff@example.org").await,
        admin: as_user(app, "admin@example.org").await,
    }
}

/// Enters, shortlists and approves (at or below the threshold, so it counts at once).
pub async fn grant(desk: &Desk, name: &str, amount: &str, month: &str) -> Uuid {
    let id = enter(&desk.staff, &application(name, amount)).await;
    desk.staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    let response = approve(&desk.admin, id, amount, month).await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    id
}

async fn dashboard(desk: &Desk) -> String {
    desk.admin.get("/admin/grants").await.text()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn months_and_years_turn_over_in_the_programs_time_zone(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;

    // 2026-11-23 15:00 UTC: November in New York.
    let d = desk(&app).await;
    grant(&d, "A", "3,000", "").await;
    // 2026-12-01 04:30 UTC is still 23:30 on 30 November in New York.
    app.clock
        .advance(Duration::days(7) + Duration::hours(13) + Duration::minutes(30));
    let d = desk(&app).await;
    grant(&d, "B", "2500.50", "").await;
    let html = dashboard(&d).await;
    assert_eq!(text_of(&html, "month-heading").as_deref(), Some("November 2026"));
    assert_eq!(text_of(&html, "month-given").as_deref(), Some("$5,500.50"));
    assert_eq!(
        text_of(&html, "month-status").as_deref(),
        Some("$4,499.50 still to give to reach the minimum of $10,000.00.")
    );

    // One hour later it is 1 December in New York.
    app.clock.advance(Duration::hours(1));
    let d = desk(&app).await;
    grant(&d, "C", "4000", "").await;
    grant(&d, "D", "1000", "2027-01").await;
    grant(&d, "E", "5000", "2026-12").await;
    grant(&d, "F", "1000", "2026-12").await;
    // Approved once above the threshold: not counted until confirmed.
    let pending = enter(&d.staff, &application("G", "9000")).await;
    d.staff.post(&format!("/staff/grants/{pending}/shortlist")).await;
    assert_eq!(approve(&d.admin, pending, "9000", "2026-12").await.status_code(), 303);

    let html = dashboard(&d).await;
    assert_eq!(text_of(&html, "month-heading").as_deref(), Some("December 2026"));
    assert_eq!(text_of(&html, "month-given").as_deref(), Some("$10,000.00"));
    assert_eq!(
        text_of(&html, "month-status").as_deref(),
        Some("Minimum of $10,000.00 met.")
    );
    // 3,000 + 2,500.50 + 4,000 + 5,000 + 1,000; January's 1,000 belongs to 2027.
    assert_eq!(text_of(&html, "year-given").as_deref(), Some("$15,500.50"));
    assert!(
        text_of(&html, "year-status")
            .is_some_and(|s| s.starts_with("12% of the target of $120,000.00; $104,499.50 to go"))
    );
    let table = page_text(&text_of(&html, "months").unwrap_or_default());
    assert!(table.contains("November 2026 $5,500.50 2 No"), "{table}");
    assert!(table.contains("December 2026 $10,000.00 3 Yes"), "{table}");
    assert!(table.contains("January 2026 $0.00 0 No"), "{table}");
    assert!(html.contains(r#"role="img""#) && html.contains("<title>December 2026: $10,000.00</title>"));

    let public = app.browser().get("/grants").await.text();
    assert_eq!(text_of(&public, "given-this-year").as_deref(), Some("$15,500.50"));
    assert_eq!(text_of(&public, "recipients").as_deref(), Some("6"));

    // 2027-01-01 05:30 UTC is half past midnight on New Year's Day in New York.
    app.clock.advance(Duration::days(31));
    let d = desk(&app).await;
    let html = dashboard(&d).await;
    assert_eq!(text_of(&html, "month-heading").as_deref(), Some("January 2027"));
    assert_eq!(text_of(&html, "month-given").as_deref(), Some("$1,000.00"));
    assert_eq!(text_of(&html, "year-given").as_deref(), Some("$1,000.00"));
    let public = app.browser().get("/grants").await.text();
    assert_eq!(text_of(&public, "given-this-year").as_deref(), Some("$1,000.00"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn admins_change_the_settings_and_the_trail_says_so(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let bad = admin
        .post("/admin/grants/settings")
        .form(&[
            ("monthly_minimum", "0"),
            ("yearly_target", "150,000"),
            ("second_approval_threshold", "2,000"),
        ])
        .await;
    assert_eq!(bad.status_code(), 422);
    assert!(text_of(&bad.text(), "monthly_minimum-error").is_some_and(|m| m.contains("more than zero")));
    let saved = admin
        .post("/admin/grants/settings")
        .form(&[
            ("monthly_minimum", "12,500"),
            ("yearly_target", "150,000"),
            ("second_approval_threshold", "2,000"),
        ])
        .await;
    assert_eq!(saved.status_code(), 303);
    assert_eq!(
        app.count("select second_approval_threshold_cents from grant_settings")
            .await,
        500_000,
        "proposed only, until a second admin confirms"
    );
    let (second, _) = crate::grants::another_admin(&app, "second@example.org").await;
    assert_eq!(
        crate::grants_settings::confirm_settings(&second).await.status_code(),
        303
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grant.settings_changed'")
            .await,
        1
    );

    let id = enter(&staff, &application("Kim Ortiz", "3000")).await;
    staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(approve(&admin, id, "3000", "").await.status_code(), 303);
    let status: String = sqlx::query_scalar("select status::text from grant_applications")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(status, "awaiting_second_approval", "3,000 is above the new threshold");
    let html = admin.get("/admin/grants").await.text();
    assert!(text_of(&html, "month-status").is_some_and(|s| s.contains("$12,500.00")));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_dashboard_lists_what_waits_at_each_step(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    let d = desk(&app).await;
    enter(&d.staff, &application("New One", "500")).await;
    let shortlisted = enter(&d.staff, &application("Short Listed", "700")).await;
    d.staff.post(&format!("/staff/grants/{shortlisted}/shortlist")).await;
    let big = enter(&d.staff, &application("Big One", "9000")).await;
    d.staff.post(&format!("/staff/grants/{big}/shortlist")).await;
    assert_eq!(approve(&d.admin, big, "9000", "").await.status_code(), 303);
    grant(&d, "To Be Paid", "1000", "").await;
    let text = page_text(&dashboard(&d).await);
    for expected in [
        "To review, by staff (1) G-2026-000001: New One, asked $500.00",
        "To decide (1) G-2026-000002: Short Listed, asked $700.00",
        "To confirm (1) G-2026-000003: Big One, approved $9,000.00 for November 2026",
        "To pay (1)",
        "G-2026-000004: To Be Paid, $1,000.00 for November 2026",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_home_page_counts_grants_this_year_and_in_all(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    let desk = desk(&app).await;
    grant(&desk, "Kim Ortiz", "3,000", "2026-11").await;
    grant(&desk, "Lee Morgan", "1,500.50", "2025-12").await;
    let home = app.browser().get("/").await.text();
    assert_eq!(text_of(&home, "grants-this-year").as_deref(), Some("$3,000.00"));
    assert_eq!(text_of(&home, "grants-in-all").as_deref(), Some("$4,500.50"));
}
