//! The monthly minimum and the yearly target are a promise to injured
//! responders: only their grants count toward them, on the dashboard, the home
//! page and /grants. K9 equipment and family support are shown beside, each
//! with its own total. The accountant's export offers the months the dashboard
//! counts.

use chrono::Duration;
use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{application, approve, enter};
use crate::grants_k9::k9_application;
use crate::grants_totals::{Desk, desk};
use crate::helpers::{Role, TestApp, page_text, text_of, with};

/// Enters, shortlists and approves `form` for `month` (counted at once: at or below the threshold).
async fn granted(desk: &Desk, form: &[(String, String)], amount: &str, month: &str) -> Uuid {
    let id = enter(&desk.staff, form).await;
    desk.staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    let response = approve(&desk.admin, id, amount, month).await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    id
}

fn family(recipient: &str) -> Vec<(String, String)> {
    with(
        with(application(recipient, "4,000"), "kind", "family_support"),
        "injury_date",
        "",
    )
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn only_injured_responder_grants_fill_the_minimum_and_the_target(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    let d = desk(&app).await;
    granted(&d, &application("Kim Ortiz", "3,000"), "3,000", "").await;
    granted(&d, &k9_application("Rex Handler", "Ballistic vest"), "4,500", "").await;
    granted(&d, &family("The Smith family"), "5,000", "").await;

    let html = d.admin.get("/admin/grants").await.text();
    assert_eq!(text_of(&html, "month-given").as_deref(), Some("$3,000.00"));
    assert!(
        text_of(&html, "month-status").is_some_and(|s| s.contains("$7,000.00 still to give")),
        "K9 and family grants do not fill the minimum"
    );
    assert_eq!(
        text_of(&html, "month-others").as_deref(),
        Some("Beside the minimum: K9 equipment $4,500.00, family support $5,000.00.")
    );
    assert_eq!(text_of(&html, "year-given").as_deref(), Some("$3,000.00"));
    assert_eq!(
        text_of(&html, "year-others").as_deref(),
        Some("Beside the target: K9 equipment $4,500.00, family support $5,000.00.")
    );
    let table = page_text(&html);
    assert!(
        table.contains("November 2026 $3,000.00 1 No $4,500.00 $5,000.00"),
        "{table}"
    );

    let public = app.browser().get("/grants").await.text();
    assert_eq!(text_of(&public, "given-this-year").as_deref(), Some("$3,000.00"));
    assert_eq!(text_of(&public, "k9-this-year").as_deref(), Some("$4,500.00"));
    assert_eq!(text_of(&public, "family-this-year").as_deref(), Some("$5,000.00"));
    let home = app.browser().get("/").await.text();
    assert_eq!(text_of(&home, "grants-this-year").as_deref(), Some("$3,000.00"));
    assert_eq!(text_of(&home, "grants-in-all").as_deref(), Some("$3,000.00"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_december_approval_counted_for_january_is_in_januarys_export(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    // 10 December 2026: one grant of each kind, counted toward January.
    app.clock.advance(Duration::days(17));
    let d = desk(&app).await;
    granted(&d, &application("Kim Ortiz", "3,000"), "3,000", "2027-01").await;
    granted(&d, &k9_application("Rex Handler", "Heat alarm"), "1,200", "2027-01").await;
    granted(&d, &family("The Smith family"), "2,500", "2027-01").await;
    granted(&d, &application("Lee Morgan", "1,000"), "1,000", "2026-12").await;

    let december = d.admin.get("/admin/grants/export.csv?month=2026-12").await;
    assert_eq!(december.status_code(), 200);
    let december = december.text();
    assert!(december.contains("Lee Morgan"));
    assert!(!december.contains("Kim Ortiz"), "counted for January, not December");
    assert_eq!(december.lines().count(), 2);

    app.clock.advance(Duration::days(31));
    let d = desk(&app).await;
    let html = d.admin.get("/admin/grants").await.text();
    assert_eq!(text_of(&html, "month-heading").as_deref(), Some("January 2027"));
    assert_eq!(text_of(&html, "month-given").as_deref(), Some("$3,000.00"));
    assert!(
        html.contains(r#"href="/admin/grants/export.csv?month=2027-01""#),
        "the dashboard offers the month it counts"
    );
    let january = d.admin.get("/admin/grants/export.csv?month=2027-01").await;
    assert_eq!(january.status_code(), 200);
    assert!(
        january
            .maybe_header("content-disposition")
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("grants-counted-2027-01.csv")))
    );
    let january = january.text();
    for name in ["Kim Ortiz", "Rex Handler", "The Smith family"] {
        assert!(january.contains(name), "{name}: {january}");
    }
    assert!(!january.contains("Lee Morgan"));
    assert!(
        january.contains(",2026-12-10,2027-01,"),
        "approved in December, counted in January"
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grants.exported' and summary = 'Exported 3 grants counted toward January 2027'")
            .await,
        1
    );
    let both = d
        .admin
        .get("/admin/grants/export.csv?month=2027-01&from=2027-01-01")
        .await;
    assert_eq!(both.status_code(), 400);
}
