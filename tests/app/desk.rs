//! The staff desk on one page: this week's runs, flags waiting by step, grant
//! applications waiting by step and the grants unpaid too long.

use chrono::Duration;
use sqlx::PgPool;

use crate::flags::{hero, log_mile, runner, write_note};
use crate::grants::{application, approve, enter, shortlisted};
use crate::helpers::{PASSWORD, Role, TestApp, page_text, sign_in, text_of};

fn line_of(html: &str, list: &str, label: &str) -> String {
    let section = html.split(&format!(r#"id="{list}""#)).nth(1).unwrap_or_default();
    let section = section.split("</ul>").next().unwrap_or_default();
    page_text(section)
        .split(&format!("{label}:"))
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_default()
        .to_string()
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_desk_shows_this_weeks_runs_and_only_them(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let honoured = hero(&app, "Week Hero", "police", "US").await;
    for (date, place) in [
        ("2026-11-23", "Today Track"),
        ("2026-11-29", "Sunday Park"),
        ("2026-12-15", "Later Field"),
    ] {
        let response = staff
            .post("/staff/runs")
            .form(&[("run_date", date), ("place", place), ("hero", &honoured.to_string())])
            .await;
        assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    }
    let desk = staff.get("/staff").await.text();
    let week = text_of(&desk, "runs-this-week").unwrap_or_default();
    assert!(week.contains("Today Track") && week.contains("Today"), "{week}");
    assert!(week.contains("Sunday Park"), "{week}");
    assert!(
        !week.contains("Later Field"),
        "a run 22 days away is not this week: {week}"
    );

    // With nothing this week, the desk points to the next run instead.
    app.clock.advance(Duration::days(7));
    let later = app.browser();
    assert_eq!(sign_in(&later, "staff@example.org", PASSWORD).await.status_code(), 303);
    let week = text_of(&later.get("/staff").await.text(), "runs-this-week").unwrap_or_default();
    assert!(
        week.contains("No run in the coming seven days. The next: Tue 15 December, Later Field."),
        "{week}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_desk_counts_flags_by_step(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app).await;
    let first = hero(&app, "First Hero", "police", "US").await;
    let second = hero(&app, "Second Hero", "fire", "US").await;
    let first_flag = log_mile(&app, &staff, first, runner, "2026-11-20").await;
    log_mile(&app, &staff, second, runner, "2026-10-01").await;
    assert_eq!(
        write_note(&staff, first_flag, "With gratitude.", None)
            .await
            .status_code(),
        303
    );

    let desk = staff.get("/staff").await.text();
    assert_eq!(line_of(&desk, "flags-by-step", "Waiting for its note"), "1");
    assert_eq!(line_of(&desk, "flags-by-step", "Note written"), "1");
    assert_eq!(line_of(&desk, "flags-by-step", "Ready to send"), "0");
    assert_eq!(text_of(&desk, "flags-overdue").as_deref(), Some("1"));
    assert!(desk.contains(r#"href="/staff/flags#step-note_written""#));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_desk_counts_grant_applications_by_step_and_the_late_payments(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    enter(&staff, &application("New Applicant", "800")).await;
    shortlisted(&staff, "Waiting Applicant", "900").await;
    let approved = shortlisted(&staff, "Approved Applicant", "1000").await;
    assert_eq!(approve(&admin, approved, "1000", "2026-11").await.status_code(), 303);

    let desk = staff.get("/staff").await.text();
    assert_eq!(line_of(&desk, "grants-by-step", "New, to review"), "1");
    assert_eq!(
        line_of(&desk, "grants-by-step", "Shortlisted, waiting for an admin"),
        "1"
    );
    assert_eq!(line_of(&desk, "grants-by-step", "Approved, to pay"), "1");
    assert_eq!(text_of(&desk, "grants-unpaid"), None, "not late yet");

    // Thirty-one days after its approval the unpaid grant stands out on the desk.
    app.clock.advance(Duration::days(31));
    let later = app.browser();
    assert_eq!(sign_in(&later, "staff@example.org", PASSWORD).await.status_code(), 303);
    let desk = later.get("/staff").await.text();
    assert_eq!(
        text_of(&desk, "grants-unpaid").as_deref(),
        Some("Approved and unpaid for more than 30 days: 1")
    );
}
