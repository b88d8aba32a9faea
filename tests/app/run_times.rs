//! Runs in their place's time zone (pages and the calendar feed), editing and
//! rescheduling, cancelling with a reason, the ceremony checklist, waits in
//! words and the staff menu.

use axum_test::TestServer;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, text_of};

async fn confirmed(app: &TestApp, name: &str) -> Uuid {
    app.hero(NewHero {
        name,
        confirmed: true,
        ..NewHero::default()
    })
    .await
}

/// Schedules a run at 18:00 on 3 December 2026 in `zone`; its id.
async fn schedule(staff: &TestServer, hero: Uuid, zone: &str) -> Uuid {
    let response = staff
        .post("/staff/runs")
        .form(&[
            ("run_date", "2026-12-03"),
            ("start_time", "18:00"),
            ("time_zone", zone),
            ("place", "Soldier Field track"),
            ("hero", &hero.to_string()),
        ])
        .await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    location(&response)
        .trim_start_matches("/staff/runs/")
        .parse()
        .expect("the run's id")
}

/// The calendar feed's lines for the one event it holds (folded lines joined).
async fn event_lines(app: &TestApp) -> Vec<String> {
    let feed = app.browser().get("/runs.ics").await.text().replace("\r\n ", "");
    feed.lines().map(str::to_string).collect()
}

fn line<'a>(lines: &'a [String], key: &str) -> Option<&'a str> {
    lines
        .iter()
        .find(|l| l.starts_with(&format!("{key}:")) || l.starts_with(&format!("{key};")))
        .map(String::as_str)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_six_pm_run_in_chicago_is_six_pm_in_chicago_everywhere(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = confirmed(&app, "Julian Becerra").await;
    let run = schedule(&staff, hero, "America/Chicago").await;

    let page = page_text(&staff.get(&format!("/staff/runs/{run}")).await.text());
    assert!(page.contains("Run of Thursday 3 December 2026 at 18:00 CST"), "{page}");
    assert!(page.contains("America/Chicago"));
    let list = page_text(&staff.get("/staff/runs").await.text());
    assert!(list.contains("Thursday 3 December 2026 at 18:00 CST"), "{list}");
    let public = page_text(&app.browser().get("/runs").await.text());
    assert!(public.contains("Thursday 3 December 2026, 6:00 PM CST"), "{public}");

    // 18:00 in Chicago (UTC-6 in December) is midnight UTC.
    let lines = event_lines(&app).await;
    assert_eq!(line(&lines, "DTSTART"), Some("DTSTART:20261204T000000Z"), "{lines:?}");
    assert_eq!(line(&lines, "DTEND"), Some("DTEND:20261204T010000Z"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_rescheduled_run_keeps_its_calendar_id_and_is_audited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = confirmed(&app, "Julian Becerra").await;
    let run = schedule(&staff, hero, "America/New_York").await;
    let before = event_lines(&app).await;
    assert_eq!(line(&before, "DTSTART"), Some("DTSTART:20261203T230000Z"));
    let uid = line(&before, "UID").expect("a UID").to_string();

    let edit = staff.get(&format!("/staff/runs/{run}/edit")).await.text();
    assert_eq!(
        crate::helpers::field_value(&edit, "start_time").as_deref(),
        Some("18:00")
    );
    let response = staff
        .post(&format!("/staff/runs/{run}"))
        .form(&[
            ("run_date", "2026-12-04"),
            ("start_time", "17:30"),
            ("time_zone", "America/Los_Angeles"),
            ("place", "Rose Bowl loop"),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(
        page.contains("Run moved to Friday 4 December 2026 at 17:30 PST."),
        "{page}"
    );

    let after = event_lines(&app).await;
    assert_eq!(
        line(&after, "UID"),
        Some(uid.as_str()),
        "subscribers keep the same entry"
    );
    assert_eq!(line(&after, "SEQUENCE"), Some("SEQUENCE:1"));
    assert_eq!(line(&after, "DTSTART"), Some("DTSTART:20261205T013000Z"));
    let summary: String = sqlx::query_scalar("select summary from audit_log where action = 'run.rescheduled'")
        .fetch_one(&app.pool)
        .await
        .expect("the reschedule is audited");
    assert!(
        summary.contains("from Thursday 3 December 2026 at 18:00 EST to Friday 4 December 2026 at 17:30 PST"),
        "{summary}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_bad_reschedule_changes_nothing_and_says_why(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = confirmed(&app, "Julian Becerra").await;
    let run = schedule(&staff, hero, "America/Chicago").await;
    let long = "x".repeat(201);
    for (field, value, message) in [
        (
            "time_zone",
            "Mars/Olympus_Mons",
            "Choose the time zone of the place from the list.",
        ),
        ("start_time", "six", "Write the time like 18:30."),
        ("place", "", "Place is required."),
        ("place", long.as_str(), "Place must be at most 200 characters."),
        ("run_date", "tomorrow", "Date must be a date like 2026-11-23."),
    ] {
        let mut form = vec![
            ("run_date", "2026-12-05"),
            ("start_time", "07:00"),
            ("time_zone", "America/Denver"),
            ("place", "<script>alert(1)</script>"),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let response = staff.post(&format!("/staff/runs/{run}")).form(&form).await;
        assert_eq!(response.status_code(), 422, "{field}");
        let html = response.text();
        assert_eq!(
            text_of(&html, &format!("{field}-error")).as_deref(),
            Some(message),
            "{field}"
        );
        assert!(!html.contains("<script>alert(1)"), "what was typed is escaped");
    }
    let (place, sequence): (String, i32) = sqlx::query_as("select place, sequence from runs where id = $1")
        .bind(run)
        .fetch_one(&app.pool)
        .await
        .expect("the run");
    assert_eq!(
        (place.as_str(), sequence),
        ("Soldier Field track", 0),
        "nothing half-written"
    );
    let visitor = app
        .browser()
        .post(&format!("/staff/runs/{run}"))
        .form(&[("place", "x")])
        .await;
    assert!(location(&visitor).starts_with("/login"), "a visitor is sent to sign in");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_cancelled_run_keeps_its_reason_and_is_no_longer_edited(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = confirmed(&app, "Julian Becerra").await;
    let run = schedule(&staff, hero, "America/Chicago").await;
    let empty = staff
        .post(&format!("/staff/runs/{run}/cancel"))
        .form(&[("reason", " ")])
        .await;
    assert_eq!(empty.status_code(), 422);
    let response = staff
        .post(&format!("/staff/runs/{run}/cancel"))
        .form(&[("reason", "Lightning over the track")])
        .await;
    assert_eq!(response.status_code(), 303);
    let page = follow(&staff, &response).await.text();
    assert_eq!(
        text_of(&page, "run-status").as_deref(),
        Some("Cancelled: Lightning over the track")
    );
    let reason: Option<String> = sqlx::query_scalar("select cancel_reason from runs where id = $1")
        .bind(run)
        .fetch_one(&app.pool)
        .await
        .expect("the run");
    assert_eq!(reason.as_deref(), Some("Lightning over the track"));
    assert_eq!(staff.get(&format!("/staff/runs/{run}/edit")).await.status_code(), 404);
    let moved = staff
        .post(&format!("/staff/runs/{run}"))
        .form(&[("run_date", "2026-12-05"), ("place", "Elsewhere")])
        .await;
    assert_eq!(moved.status_code(), 303);
    assert!(page_text(&follow(&staff, &moved).await.text()).contains("Only a scheduled run can be changed."));
    assert_eq!(
        app.count("select count(*) from audit_log where action like 'run.%updated' or action = 'run.rescheduled'")
            .await,
        0
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_ceremony_starts_empty_and_all_five_ticks_every_step(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = app.runner("Zechariah").await;
    let hero = confirmed(&app, "Julian Becerra").await;
    let form = staff.get(&format!("/staff/miles/new?hero={hero}")).await.text();
    let document = scraper::Html::parse_document(&form);
    let checked = scraper::Selector::parse("fieldset.checklist input[checked]").expect("selector");
    assert_eq!(
        document.select(&checked).count(),
        0,
        "nothing is ticked before it is done"
    );
    let key = crate::helpers::field_value(&form, "form_key").unwrap_or_else(|| Uuid::new_v4().to_string());
    let response = staff
        .post("/staff/miles")
        .form(&[
            ("form_key", key.as_str()),
            ("hero_id", &hero.to_string()),
            ("runner_id", &runner.to_string()),
            ("run_date", "2026-11-23"),
            ("place", "Track"),
            ("laps", "7"),
            ("duration", "8:15"),
            ("all_five", "on"),
        ])
        .await;
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    let steps: (bool, bool, bool, bool, bool) =
        sqlx::query_as("select briefing, prayer_before, flag_carried, prayer_after, moment_of_silence from miles")
            .fetch_one(&app.pool)
            .await
            .expect("the mile");
    assert_eq!(steps, (true, true, true, true, true));
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(
        page.contains("briefing · prayer before · flag carried · prayer after · moment of silence"),
        "{page}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn waits_read_in_years_and_months_and_runs_are_in_the_menu(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let hero = confirmed(&app, "Andrew Peery").await;
    sqlx::query("update heroes set end_of_watch = '1993-02-14' where id = $1")
        .bind(hero)
        .execute(&app.pool)
        .await
        .expect("an old end of watch");
    let backlog = page_text(&staff.get("/staff/backlog").await.text());
    assert!(backlog.contains("33 years, 9 months"), "{backlog}");
    assert!(!backlog.contains("days"), "{backlog}");
    let desk = staff.get("/staff").await.text();
    assert!(desk.contains(r#"<a href="/staff/runs">Runs</a>"#));
    // One "Runs" in the signed-in menu: the staff runs, not the public page too.
    assert!(!desk.contains(r#"<a href="/runs">Runs</a>"#), "{desk}");
    assert!(page_text(&desk).contains("waiting 33 years, 9 months"));
}
