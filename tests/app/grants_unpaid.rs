//! An approved grant not yet paid more than 30 days after its approval stands
//! out, in words, on the admin dashboard (with a count) and in the staff queue.
//! Days are calendar days in the program's time zone, by the application's clock.

use chrono::Duration;
use sqlx::PgPool;

use crate::grants::{application, approve, confirm, enter};
use crate::grants_totals::{as_user, desk, grant};
use crate::helpers::{Role, TestApp, page_text, text_of};

/// How many times `needle` appears in the visible text of a page.
fn times(html: &str, needle: &str) -> usize {
    page_text(html).matches(needle).count()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_grant_unpaid_for_more_than_30_days_stands_out(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;

    // 2026-11-23, 10:00 in New York: two grants approved, one of them paid at once.
    let d = desk(&app).await;
    let late = grant(&d, "Late Payment", "3000", "").await;
    let paid = grant(&d, "Paid Promptly", "2000", "").await;
    let pay = |id| {
        let admin = &d.admin;
        async move {
            admin
                .post(&format!("/admin/grants/{id}/payment"))
                .form(&[
                    ("paid_on", "2026-11-23"),
                    ("method", "check"),
                    ("payment_reference", "Check 1001"),
                ])
                .await
        }
    };
    assert_eq!(pay(paid).await.status_code(), 303);
    let fresh_dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(
        text_of(&fresh_dashboard, "unpaid-late").as_deref(),
        Some("Unpaid more than 30 days after approval: 0.")
    );
    assert!(text_of(&fresh_dashboard, "unpaid-alert").is_none());

    // Exactly 30 days later: not yet.
    app.clock.advance(Duration::days(30));
    let d = desk(&app).await;
    let dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(
        text_of(&dashboard, "unpaid-late").as_deref(),
        Some("Unpaid more than 30 days after approval: 0.")
    );
    assert_eq!(times(&dashboard, "Unpaid for"), 0);

    // 31 days after the approval it stands out; a grant approved today does not.
    app.clock.advance(Duration::days(1));
    let d = desk(&app).await;
    grant(&d, "Approved Today", "1000", "").await;
    let dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(
        text_of(&dashboard, "unpaid-late").as_deref(),
        Some("Unpaid more than 30 days after approval: 1.")
    );
    assert_eq!(
        text_of(&dashboard, "unpaid-alert").as_deref(),
        Some("1 approved grant is still unpaid more than 30 days after approval: see To pay.")
    );
    let to_pay = page_text(&dashboard);
    assert!(
        to_pay.contains("Late Payment, $3,000.00 for November 2026 Unpaid for 31 days"),
        "{to_pay}"
    );
    assert!(to_pay.contains("Approved Today, $1,000.00 for December 2026"));
    assert_eq!(times(&dashboard, "Unpaid for"), 1);

    let queue = d.staff.get("/staff/grants").await.text();
    assert_eq!(times(&queue, "Unpaid for 31 days"), 1);
    assert_eq!(times(&queue, "Unpaid for"), 1);
    assert!(
        page_text(&queue).contains("Late Payment Orlando Police Department Injured on duty $3,000.00 $3,000.00 for November 2026 Unpaid for 31 days"),
        "{}",
        page_text(&queue)
    );
    let paid_step = d.staff.get("/staff/grants?step=paid").await.text();
    assert_eq!(times(&paid_step, "Unpaid for"), 0, "a paid grant is never marked");

    // Once paid, it no longer stands out.
    let pay_late = d
        .admin
        .post(&format!("/admin/grants/{late}/payment"))
        .form(&[
            ("paid_on", "2026-12-24"),
            ("method", "bank_transfer"),
            ("payment_reference", "TR-88"),
        ])
        .await;
    assert_eq!(pay_late.status_code(), 303);
    let dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(
        text_of(&dashboard, "unpaid-late").as_deref(),
        Some("Unpaid more than 30 days after approval: 0.")
    );
    assert_eq!(times(&dashboard, "Unpaid for"), 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn days_count_from_the_final_approval_in_the_programs_time_zone(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    app.create_user("admin@example.org", "Ada Admin", Role::Admin).await;
    app.create_user("second@example.org", "Other Admin", Role::Admin).await;
    // Approved once on 23 November; confirmed, so counted, only on 30 November at
    // 23:30 in New York, which is already 1 December in UTC.
    let d = desk(&app).await;
    let id = enter(&d.staff, &application("Two Approvals", "9000")).await;
    d.staff.post(&format!("/staff/grants/{id}/shortlist")).await;
    assert_eq!(approve(&d.admin, id, "9000", "").await.status_code(), 303);
    app.clock
        .advance(Duration::days(7) + Duration::hours(13) + Duration::minutes(30));
    let second = as_user(&app, "second@example.org").await;
    assert_eq!(confirm(&second, id).await.status_code(), 303);

    // 30 December, 23:30 in New York: 30 days after the confirmation, not yet.
    app.clock.advance(Duration::days(30));
    let d = desk(&app).await;
    let dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(times(&dashboard, "Unpaid for"), 0, "{}", page_text(&dashboard));
    // An hour later it is 31 December in New York (31 days), though only the 30th
    // day counted in UTC dates.
    app.clock.advance(Duration::hours(1));
    let d = desk(&app).await;
    let dashboard = d.admin.get("/admin/grants").await.text();
    assert_eq!(times(&dashboard, "Unpaid for 31 days"), 1, "{}", page_text(&dashboard));
}
