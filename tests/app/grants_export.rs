//! The export for the accountant: grants approved between two days (both
//! included, in the program's time zone), paid or not, with recipient, purpose,
//! amount, date and how selected, under plain column names.

use chrono::Duration;
use sqlx::PgPool;
use uuid::Uuid;

use crate::grants::{another_admin, application, approve, confirm, enter};
use crate::grants_k9::k9_application;
use crate::grants_totals::{desk, grant};
use crate::helpers::{Role, TestApp, field_value, page_text, with};

const HEADER: &str = "Recipient number,Reference,Recipient,Agency,Purpose,Amount granted,Date granted,\
                      Counts toward month,How selected,Amount asked,Status,Date paid,Payment method,Payment reference";

/// The references in an export, in order (header left out).
fn references(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|line| line.split(',').nth(1).unwrap_or_default().to_string())
        .collect()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_export_has_what_the_annual_filing_needs(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    let d = desk(&app).await;
    let (second, _) = another_admin(&app, "second@example.org").await;

    let paid = grant(&d, "Kim Ortiz", "3000", "").await;
    let paying = d
        .admin
        .post(&format!("/admin/grants/{paid}/payment"))
        .form(&[
            ("paid_on", "2026-11-23"),
            ("method", "check"),
            ("payment_reference", "Check 1001"),
        ])
        .await;
    assert_eq!(paying.status_code(), 303);
    let hostile = with(
        application("=HYPERLINK(\"http://evil.example\")", "1500.25"),
        "agency",
        "Metro, \"North\"",
    );
    let id = enter(&d.staff, &hostile).await;
    d.staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(approve(&d.admin, id, "1500.25", "2026-10").await.status_code(), 303);
    // A K9 grant through the public form; its purpose names the items.
    let visitor = app.browser();
    let applied = visitor
        .post("/grants/apply")
        .form(&k9_application("Rex Handler", "Ballistic vest, heat alarm"))
        .await;
    assert_eq!(applied.status_code(), 303);
    let k9: Uuid = sqlx::query_scalar("select id from grant_applications where kind = 'k9_equipment'")
        .fetch_one(&app.pool)
        .await
        .expect("K9 application");
    d.staff.post(&format!("/staff/grants/{k9}/shortlist")).await;
    assert_eq!(approve(&d.admin, k9, "1,800", "").await.status_code(), 303);
    // Above the threshold: approved, then confirmed by a second admin.
    let big = enter(&d.staff, &application("Lee Morgan", "9000")).await;
    d.staff.post(&format!("/staff/grants/{big}/shortlist")).await;
    assert_eq!(approve(&d.admin, big, "9000", "2027-01").await.status_code(), 303);
    assert_eq!(confirm(&second, big).await.status_code(), 303);
    // Neither decided nor counted: left out.
    enter(&d.staff, &application("Not Decided", "500")).await;
    let waiting = enter(&d.staff, &application("Waits For Second", "8000")).await;
    d.staff.post(&format!("/staff/grants/{waiting}/shortlist")).await;
    assert_eq!(approve(&d.admin, waiting, "8000", "").await.status_code(), 303);

    let response = d
        .admin
        .get("/admin/grants/export.csv?from=2026-01-01&to=2026-11-23")
        .await;
    assert_eq!(response.status_code(), 200);
    assert_eq!(response.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(
        response.header("content-disposition"),
        "attachment; filename=\"grants-2026-01-01-to-2026-11-23.csv\""
    );
    let csv = response.text();
    let lines: Vec<&str> = csv.lines().collect();
    let staff_selected = "reviewed and shortlisted by Sam Staff; approved by admin Ada Admin";
    assert_eq!(
        lines,
        vec![
            HEADER.to_string(),
            format!(
                "1,G-2026-000001,Kim Ortiz,Orlando Police Department,Injured on duty,3000.00,2026-11-23,2026-11,\
                 \"Application received by phone or mail, entered by Sam Staff; {staff_selected}\",3000.00,Paid,\
                 2026-11-23,Check,Check 1001"
            ),
            format!(
                "2,G-2026-000002,\"'=HYPERLINK(\"\"http://evil.example\"\")\",\"Metro, \"\"North\"\"\",Injured on duty,\
                 1500.25,2026-11-23,2026-10,\"Application received by phone or mail, entered by Sam Staff; \
                 {staff_selected}\",1500.25,\"Approved, not yet paid\",,,"
            ),
            format!(
                "3,G-2026-000003,Rex Handler,Orlando Police Department,\
                 \"Safety equipment for a K9: Ballistic vest, heat alarm\",1800.00,2026-11-23,2026-11,\
                 Application through the public form; {staff_selected},2000.00,\"Approved, not yet paid\",,,"
            ),
            format!(
                "4,G-2026-000004,Lee Morgan,Orlando Police Department,Injured on duty,9000.00,2026-11-23,2027-01,\
                 \"Application received by phone or mail, entered by Sam Staff; {staff_selected}; confirmed by a \
                 second admin, Other Admin\",9000.00,\"Approved, not yet paid\",,,"
            ),
        ]
    );
    // The trail says who took the file away, and what it held.
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'grants.exported' and summary = 'Exported 4 grants approved from 2026-01-01 to 2026-11-23'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_range_includes_both_days_in_the_programs_time_zone(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    // 2026-11-23 15:00 UTC: 23 November in New York.
    let d = desk(&app).await;
    grant(&d, "On The 23rd", "1000", "").await;
    // 2026-12-01 04:30 UTC is 23:30 on 30 November in New York.
    app.clock
        .advance(Duration::days(7) + Duration::hours(13) + Duration::minutes(30));
    let d = desk(&app).await;
    grant(&d, "Late On The 30th", "1000", "").await;
    // An hour later it is 1 December in New York.
    app.clock.advance(Duration::hours(1));
    let d = desk(&app).await;
    grant(&d, "Early On The 1st", "1000", "").await;

    let export = |from: &'static str, to: &'static str| {
        let admin = &d.admin;
        async move {
            let response = admin
                .get(&format!("/admin/grants/export.csv?from={from}&to={to}"))
                .await;
            assert_eq!(response.status_code(), 200, "{from}..{to}");
            references(&response.text())
        }
    };
    let (first, last, december) = ("G-2026-000001", "G-2026-000002", "G-2026-000003");
    assert_eq!(
        export("2026-11-23", "2026-11-30").await,
        vec![first, last],
        "both ends included"
    );
    assert_eq!(
        export("2026-11-24", "2026-11-30").await,
        vec![last],
        "the day before `from` is not"
    );
    assert_eq!(
        export("2026-11-01", "2026-11-29").await,
        vec![first],
        "the day after `to` is not"
    );
    assert_eq!(export("2026-12-01", "2026-12-01").await, vec![december], "one day");
    assert_eq!(export("2026-11-23", "2026-11-23").await, vec![first]);
    assert_eq!(export("2025-01-01", "2025-12-31").await, Vec::<String>::new());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_dashboard_offers_this_year_and_bad_ranges_are_refused(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let html = admin.get("/admin/grants").await.text();
    assert!(html.contains(r#"action="/admin/grants/export.csv""#));
    assert_eq!(field_value(&html, "from").as_deref(), Some("2026-01-01"));
    assert_eq!(field_value(&html, "to").as_deref(), Some("2026-11-23"));

    for (query, message) in [
        ("", "Choose the first day (From) of the export"),
        ("from=2026-01-01", "Choose the last day (To) of the export"),
        ("from=2026-01-01&to=", "Choose the last day (To) of the export"),
        (
            "from=2026-13-01&to=2026-12-31",
            "The first day (From) must be a date like 2026-11-23.",
        ),
        (
            "from=01/02/2026&to=2026-12-31",
            "The first day (From) must be a date like 2026-11-23.",
        ),
        (
            "from=2026-01-01&to=tomorrow",
            "The last day (To) must be a date like 2026-11-23.",
        ),
        (
            "from=1999-01-01&to=1999-12-31",
            "The first day (From) must be in a year from 2000 to 2027.",
        ),
        (
            "from=1066-01-01&to=1066-12-31",
            "The first day (From) must be between 1 January 1791 and 31 December 2100.",
        ),
        (
            "from=-4714-11-24&to=2026-12-31",
            "The first day (From) must be a date like 2026-11-23.",
        ),
        (
            "from=2026-01-01&to=2030-01-01",
            "The last day (To) must be in a year from 2000 to 2027.",
        ),
        (
            "from=2026-12-01&to=2026-11-01",
            "The first day (2026-12-01) is after the last day (2026-11-01)",
        ),
        ("year=2026", "Choose the first day (From) of the export"),
    ] {
        let response = admin.get(&format!("/admin/grants/export.csv?{query}")).await;
        assert_eq!(response.status_code(), 400, "{query}");
        let text = page_text(&response.text());
        assert!(text.contains(message), "{query}: {text}");
    }
    assert_eq!(
        staff
            .get("/admin/grants/export.csv?from=2026-01-01&to=2026-11-23")
            .await
            .status_code(),
        403
    );
}
