//! Runs and numbered miles: numbering under concurrency, replays, corrections,
//! voids, the rules of a mile, K9 numbering, the backlog and the public side.

use std::str::FromStr;

use axum_test::TestServer;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{NewHero, Role, TestApp, follow, location, page_text, text_of};

async fn runner(app: &TestApp, name: &str) -> Uuid {
    app.runner(name).await
}

async fn hero(app: &TestApp, name: &str, service: &str, confirmed: bool) -> Uuid {
    app.hero(NewHero {
        name,
        service,
        confirmed,
        ..NewHero::default()
    })
    .await
}

/// A form as posted: field names and values.
type Form = Vec<(String, String)>;

fn mile_form(hero: Uuid, runner: Uuid, key: Uuid) -> Form {
    [
        ("form_key", key.to_string()),
        ("hero_id", hero.to_string()),
        ("runner_id", runner.to_string()),
        ("run_date", "2026-11-23".into()),
        ("place", "Layer Elementary School track".into()),
        ("laps", "7".into()),
        ("duration", "8:15".into()),
        ("weather", "Rain".into()),
        ("video_url", "https://example.org/video/1".into()),
        ("flag_carried", "on".into()),
        ("moment_of_silence", "on".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn with(mut form: Form, key: &str, value: &str) -> Form {
    form.retain(|(k, _)| k != key);
    form.push((key.to_string(), value.to_string()));
    form
}

async fn log(staff: &TestServer, form: &[(String, String)]) -> axum_test::TestResponse {
    staff.post("/staff/miles").form(form).await
}

async fn numbers(app: &TestApp) -> Vec<i32> {
    sqlx::query_scalar("select number from miles order by number")
        .fetch_all(&app.pool)
        .await
        .expect("numbers")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_logged_mile_gets_the_next_number_and_shows_it(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let becerra = hero(&app, "Julian Becerra", "police", true).await;
    sqlx::query("update mile_counters set last_value = 1293 where name = 'mile'")
        .execute(&app.pool)
        .await
        .expect("start at 1,293");
    let response = log(&staff, &mile_form(becerra, runner, Uuid::new_v4())).await;
    assert_eq!(response.status_code(), 303);
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(page.contains("Mile 1,294 logged for Julian Becerra."), "{page}");
    assert!(page.contains("1,294"));

    let public = page_text(&app.browser().get(&format!("/heroes/{becerra}")).await.text());
    assert!(
        public.contains(
            "Honored with mile 1,294, run by Zechariah on 23 November 2026 at Layer Elementary School track."
        ),
        "{public}"
    );
    let home = app.browser().get("/").await.text();
    assert_eq!(text_of(&home, "miles-run").as_deref(), Some("1"));
    assert_eq!(text_of(&home, "heroes-honored").as_deref(), Some("1"));
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'mile.logged'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn fifty_concurrent_miles_get_exactly_the_next_fifty_numbers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    sqlx::query("update mile_counters set last_value = 1400 where name = 'mile'")
        .execute(&app.pool)
        .await
        .expect("start");
    let mut heroes = Vec::new();
    for n in 0..50 {
        heroes.push(hero(&app, &format!("Hero {n}"), "police", true).await);
    }
    let forms: Vec<_> = heroes.iter().map(|h| mile_form(*h, runner, Uuid::new_v4())).collect();
    let responses = futures::future::join_all(forms.iter().map(|f| log(&staff, f))).await;
    assert!(responses.iter().all(|r| r.status_code() == 303));
    assert_eq!(numbers(&app).await, (1401..=1450).collect::<Vec<_>>());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_replayed_or_double_tapped_form_logs_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let h = hero(&app, "Julian Becerra", "police", true).await;
    let form = mile_form(h, runner, Uuid::new_v4());
    let (first, second) = tokio::join!(log(&staff, &form), log(&staff, &form));
    assert_eq!(
        location(&first),
        location(&second),
        "both taps land on the same mile: {} {}",
        first.status_code(),
        page_text(&second.text())
    );
    let replay = log(&staff, &form).await;
    assert_eq!(location(&replay), location(&first));
    assert_eq!(numbers(&app).await, vec![1]);
    let next = hero(&app, "Andrew Peery", "police", true).await;
    log(&staff, &mile_form(next, runner, Uuid::new_v4())).await;
    assert_eq!(numbers(&app).await, vec![1, 2], "no number was lost to the replay");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_k9_is_counted_in_its_own_sequence_too(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    sqlx::query("update mile_counters set last_value = 102 where name = 'k9'")
        .execute(&app.pool)
        .await
        .expect("k9 start");
    let person = hero(&app, "Julian Becerra", "police", true).await;
    let dog = hero(&app, "Rex", "k9", true).await;
    log(&staff, &mile_form(person, runner, Uuid::new_v4())).await;
    let response = log(&staff, &mile_form(dog, runner, Uuid::new_v4())).await;
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(page.contains("Mile 2 logged for Rex (the 103rd K9)."), "{page}");
    let k9: Option<i32> = sqlx::query_scalar("select k9_number from miles where hero_id = $1")
        .bind(dog)
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert_eq!(k9, Some(103));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_mile_that_breaks_a_rule_is_refused_and_nothing_saved(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let draft = hero(&app, "Draft Hero", "police", false).await;
    let good = hero(&app, "Julian Becerra", "police", true).await;
    let base = mile_form(good, runner, Uuid::new_v4());
    let cases: Vec<(Form, &str, &str)> = vec![
        (
            mile_form(draft, runner, Uuid::new_v4()),
            "hero_id-error",
            "This hero is still a draft: confirm the death before logging a mile.",
        ),
        (
            with(base.clone(), "laps", "0"),
            "laps-error",
            "Laps must be between 1 and 100.",
        ),
        (
            with(base.clone(), "laps", "seven"),
            "laps-error",
            "Laps must be a whole number (7 laps of a track make a mile).",
        ),
        (
            with(base.clone(), "duration", "0:00"),
            "duration-error",
            "A time of zero is not a run.",
        ),
        (
            with(base.clone(), "duration", "25:00:00"),
            "duration-error",
            "A time over a day is not one mile; check the number.",
        ),
        (
            with(base.clone(), "duration", "fast"),
            "duration-error",
            "Write the time like 8:15 (minutes:seconds) or 1:02:30.",
        ),
        (
            with(base.clone(), "run_date", "2026-12-25"),
            "run_date-error",
            "The date cannot be in the future.",
        ),
        (with(base.clone(), "place", ""), "place-error", "Place is required."),
        (
            with(base.clone(), "video_url", "javascript:alert(1)"),
            "video_url-error",
            "Video link must be an http or https address.",
        ),
        (
            with(base.clone(), "runner_id", &Uuid::now_v7().to_string()),
            "runner_id-error",
            "Choose who ran.",
        ),
        (
            with(base.clone(), "hero_id", ""),
            "hero_id-error",
            "Choose the hero this mile honours.",
        ),
    ];
    for (form, id, message) in cases {
        let response = log(&staff, &form).await;
        assert_eq!(response.status_code(), 422, "{id}");
        assert_eq!(text_of(&response.text(), id).as_deref(), Some(message));
    }
    assert!(numbers(&app).await.is_empty(), "nothing saved");
    let counter: i32 = sqlx::query_scalar("select last_value from mile_counters where name = 'mile'")
        .fetch_one(&app.pool)
        .await
        .expect("counter");
    assert_eq!(counter, 0, "no number was used up");
    let stale = log(&staff, &with(base, "form_key", "not-a-key")).await;
    assert_eq!(stale.status_code(), 400);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_second_mile_for_a_hero_needs_a_deliberate_tick(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let h = hero(&app, "Julian Becerra", "police", true).await;
    log(&staff, &mile_form(h, runner, Uuid::new_v4())).await;
    let again = log(&staff, &mile_form(h, runner, Uuid::new_v4())).await;
    assert_eq!(again.status_code(), 422);
    assert_eq!(
        text_of(&again.text(), "second_mile-error").as_deref(),
        Some("Julian Becerra already has mile 1. Tick the box to log a second mile on purpose.")
    );
    let on_purpose = log(&staff, &with(mile_form(h, runner, Uuid::new_v4()), "second_mile", "on")).await;
    assert_eq!(on_purpose.status_code(), 303);
    assert_eq!(numbers(&app).await, vec![1, 2]);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn corrections_and_voids_keep_every_number(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let first = hero(&app, "Julian Becerra", "police", true).await;
    let second = hero(&app, "Andrew Peery", "police", true).await;
    let response = log(&staff, &mile_form(first, runner, Uuid::new_v4())).await;
    let mile = location(&response);

    let no_reason = staff.post(&mile).form(&mile_form(first, runner, Uuid::new_v4())).await;
    assert_eq!(no_reason.status_code(), 422);
    assert_eq!(
        text_of(&no_reason.text(), "reason-error").as_deref(),
        Some("Reason for the correction is required.")
    );
    let corrected = staff
        .post(&mile)
        .form(&with(
            with(mile_form(first, runner, Uuid::new_v4()), "duration", "9:02"),
            "reason",
            "Stopwatch misread",
        ))
        .await;
    assert_eq!(corrected.status_code(), 303);
    let page = page_text(&staff.get(&mile).await.text());
    assert!(page.contains("9:02") && page.contains("Stopwatch misread"));
    assert_eq!(app.count("select count(*) from mile_corrections").await, 1);

    let empty_void = staff.post(&format!("{mile}/void")).form(&[("reason", "")]).await;
    assert_eq!(empty_void.status_code(), 422);
    let voided = staff
        .post(&format!("{mile}/void"))
        .form(&[("reason", "Logged for the wrong hero")])
        .await;
    assert!(page_text(&follow(&staff, &voided).await.text()).contains("Voided: Logged for the wrong hero"));

    log(&staff, &mile_form(second, runner, Uuid::new_v4())).await;
    assert_eq!(numbers(&app).await, vec![1, 2], "the voided number is not reused");
    let public = page_text(&app.browser().get(&format!("/heroes/{first}")).await.text());
    assert!(
        public.contains("Waiting for their mile"),
        "a voided mile no longer honours the hero"
    );
    assert_eq!(
        app.count("select count(*) from miles where voided_at is not null")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_run_is_scheduled_from_the_backlog_then_completed_by_its_mile(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let older = hero(&app, "Andrew Peery", "police", true).await;
    sqlx::query("update heroes set end_of_watch = '2022-04-14' where id = $1")
        .bind(older)
        .execute(&app.pool)
        .await
        .expect("older");
    let newer = hero(&app, "Julian Becerra", "police", true).await;
    hero(&app, "Draft Hero", "police", false).await;

    let desk = staff.get("/staff").await.text();
    assert_eq!(
        text_of(&desk, "backlog-count").as_deref(),
        Some("2"),
        "drafts are not waiting"
    );
    let text = page_text(&desk);
    assert!(
        text.find("Andrew Peery") < text.find("Julian Becerra"),
        "longest waiting first"
    );

    let bad = staff
        .post("/staff/runs")
        .form(&[("run_date", "2026-11-30"), ("place", "")])
        .await;
    assert_eq!(bad.status_code(), 422);
    assert_eq!(
        text_of(&bad.text(), "hero-error").as_deref(),
        Some("Choose the hero or heroes this run will honour.")
    );
    assert_eq!(
        text_of(&bad.text(), "place-error").as_deref(),
        Some("Place is required.")
    );

    let scheduled = staff
        .post("/staff/runs")
        .form(&[
            ("run_date", "2026-11-23"),
            ("start_time", "18:30"),
            ("place", "Winter Springs High School track"),
            ("hero", &older.to_string()),
            ("hero", &newer.to_string()),
            ("runner", &runner.to_string()),
            ("livestream_url", "https://example.org/live"),
        ])
        .await;
    assert_eq!(scheduled.status_code(), 303);
    let run_path = location(&scheduled);
    let run_id = run_path.trim_start_matches("/staff/runs/").to_string();

    // The run is scheduled for today, 23 November: a mile dated the day before is refused.
    let early = log(
        &staff,
        &with(
            with(mile_form(older, runner, Uuid::new_v4()), "run_id", &run_id),
            "run_date",
            "2026-11-22",
        ),
    )
    .await;
    assert_eq!(early.status_code(), 422);
    assert!(text_of(&early.text(), "run_date-error").is_some_and(|m| m.contains("cannot be completed before it")));

    let first = log(
        &staff,
        &with(mile_form(older, runner, Uuid::new_v4()), "run_id", &run_id),
    )
    .await;
    assert!(follow(&staff, &first).await.text().contains("Mile 1 logged"));
    assert!(
        page_text(&staff.get(&run_path).await.text()).contains("Scheduled"),
        "one hero still waits"
    );
    let second = log(
        &staff,
        &with(mile_form(newer, runner, Uuid::new_v4()), "run_id", &run_id),
    )
    .await;
    assert!(follow(&staff, &second).await.text().contains("Mile 2 logged"));
    let run = page_text(&staff.get(&run_path).await.text());
    assert!(run.contains("Completed on 23 November 2026"), "{run}");
    assert_eq!(
        text_of(&staff.get("/staff").await.text(), "backlog-count").as_deref(),
        Some("0")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn upcoming_runs_are_public_with_a_calendar_feed_of_stable_ids(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let h = hero(&app, "Garrett Crumby", "police", true).await;
    let draft = hero(&app, "Secret Draft", "police", false).await;
    sqlx::query("update heroes set confirmed_at = now(), confirmation_source = 'x' where id = $1")
        .bind(draft)
        .execute(&app.pool)
        .await
        .expect("confirm for scheduling");
    let response = staff
        .post("/staff/runs")
        .form(&[
            ("run_date", "2026-12-05"),
            ("start_time", "09:00"),
            ("place", "South Side Square"),
            ("route", "South Side Square to Huntsville Police Headquarters"),
            ("hero", &h.to_string()),
            ("hero", &draft.to_string()),
        ])
        .await;
    assert_eq!(response.status_code(), 303);
    // The second hero goes back to draft: the public side must not name them.
    sqlx::query("update heroes set confirmed_at = null, confirmation_source = null where id = $1")
        .bind(draft)
        .execute(&app.pool)
        .await
        .expect("back to draft");

    let page = page_text(&app.browser().get("/runs").await.text());
    assert!(
        page.contains("Saturday 5 December 2026, 9:00 AM") && page.contains("Garrett Crumby"),
        "{page}"
    );
    assert!(!page.contains("Secret Draft"));

    let first = app.browser().get("/runs.ics").await;
    assert!(
        first
            .header("content-type")
            .to_str()
            .expect("ascii")
            .starts_with("text/calendar")
    );
    let calendar = icalendar::Calendar::from_str(&first.text()).expect("the feed parses");
    let uids = |calendar: &icalendar::Calendar| -> Vec<String> {
        calendar
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .filter_map(|e| icalendar::Component::get_uid(e).map(str::to_string))
            .collect()
    };
    let first_uids = uids(&calendar);
    assert_eq!(first_uids.len(), 1);
    let again = icalendar::Calendar::from_str(&app.browser().get("/runs.ics").await.text()).expect("parses");
    assert_eq!(uids(&again), first_uids, "event ids stay the same across requests");
    assert!(!first.text().contains("Secret Draft"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_honor_roll_filters_honored_and_waiting(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let honored = hero(&app, "Julian Becerra", "police", true).await;
    hero(&app, "Andrew Peery", "police", true).await;
    log(&staff, &mile_form(honored, runner, Uuid::new_v4())).await;
    let done = page_text(&app.browser().get("/honor-roll?status=honored").await.text());
    assert!(done.contains("Julian Becerra") && !done.contains("Andrew Peery"));
    let waiting = page_text(&app.browser().get("/honor-roll?status=waiting").await.text());
    assert!(!waiting.contains("Julian Becerra") && waiting.contains("Andrew Peery"));
    assert_eq!(app.browser().get("/honor-roll?status=maybe").await.status_code(), 400);

    // A voided mile sends the hero back to waiting; logging again honours them.
    let mile: Uuid = sqlx::query_scalar("select id from miles")
        .fetch_one(&app.pool)
        .await
        .expect("the mile");
    let voided = staff
        .post(&format!("/staff/miles/{mile}/void"))
        .form(&[("reason", "Logged for the wrong hero")])
        .await;
    assert_eq!(voided.status_code(), 303);
    let done = page_text(&app.browser().get("/honor-roll?status=honored").await.text());
    assert!(!done.contains("Julian Becerra"), "{done}");
    let waiting = page_text(&app.browser().get("/honor-roll?status=waiting").await.text());
    assert!(waiting.contains("Julian Becerra") && waiting.contains("Andrew Peery"));
    log(&staff, &mile_form(honored, runner, Uuid::new_v4())).await;
    let done = page_text(&app.browser().get("/honor-roll?status=honored").await.text());
    assert!(done.contains("Julian Becerra"));
    assert_eq!(
        app.count(
            "select count(*) from heroes h where h.honored
               <> exists (select 1 from miles m where m.hero_id = h.id and m.voided_at is null)"
        )
        .await,
        0,
        "the kept flag agrees with the miles"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn runners_keep_their_own_count_and_young_runners_age_out(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let saved = staff
        .post("/staff/runners")
        .form(&[("name", "Young Runner"), ("birth_year", "2009"), ("active", "on")])
        .await;
    assert_eq!(saved.status_code(), 303);
    let bad = staff
        .post("/staff/runners")
        .form(&[("name", ""), ("birth_year", "1850")])
        .await;
    assert_eq!(bad.status_code(), 422);
    assert_eq!(text_of(&bad.text(), "name-error").as_deref(), Some("Name is required."));
    assert!(text_of(&bad.text(), "birth_year-error").is_some());
    let duplicate = staff
        .post("/staff/runners")
        .form(&[("name", "young runner"), ("active", "on")])
        .await;
    assert_eq!(
        text_of(&duplicate.text(), "name-error").as_deref(),
        Some("A runner with this name already exists.")
    );
    let page = page_text(&staff.get("/staff/runners").await.text());
    assert!(
        page.contains("Active (runs through 2025)") || page.contains("Aged out"),
        "{page}"
    );
    assert!(
        page.contains("Aged out"),
        "born 2009, turned 16 in 2025: aged out in 2026"
    );

    let young: Uuid = sqlx::query_scalar("select id from runners")
        .fetch_one(&app.pool)
        .await
        .expect("runner");
    let h = hero(&app, "Julian Becerra", "police", true).await;
    let refused = log(&staff, &mile_form(h, young, Uuid::new_v4())).await;
    assert_eq!(
        text_of(&refused.text(), "runner_id-error").as_deref(),
        Some("This runner is no longer active.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn two_staff_logging_the_same_hero_at_once_give_one_mile(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let h = hero(&app, "Julian Becerra", "police", true).await;
    let (one, two) = (
        mile_form(h, runner, Uuid::new_v4()),
        mile_form(h, runner, Uuid::new_v4()),
    );
    let (a, b) = tokio::join!(log(&staff, &one), log(&staff, &two));
    let mut statuses = [a.status_code().as_u16(), b.status_code().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [303, 422],
        "one is saved, the other asked to confirm a second mile"
    );
    assert_eq!(numbers(&app).await, vec![1]);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_atom_feed_lists_miles_with_their_text_escaped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah <b>").await;
    let h = hero(&app, "Julian <script>alert(1)</script> Becerra", "police", true).await;
    let draft = hero(&app, "Secret Draft", "police", true).await;
    log(&staff, &mile_form(h, runner, Uuid::new_v4())).await;
    log(&staff, &mile_form(draft, runner, Uuid::new_v4())).await;
    sqlx::query("update heroes set confirmed_at = null, confirmation_source = null where id = $1")
        .bind(draft)
        .execute(&app.pool)
        .await
        .expect("back to draft");
    let response = app.browser().get("/feeds/miles.atom").await;
    assert!(
        response
            .header("content-type")
            .to_str()
            .expect("ascii")
            .starts_with("application/atom+xml")
    );
    let body = response.text();
    let feed = atom_syndication::Feed::from_str(&body).expect("the feed parses");
    assert_eq!(feed.entries().len(), 1, "a draft's mile is not in the feed");
    assert_eq!(
        feed.entries()[0].title().as_str(),
        "Mile 1: Julian <script>alert(1)</script> Becerra"
    );
    assert!(!body.contains("<script>"), "escaped in the XML");
    assert!(!body.contains("Secret Draft"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_desk_lists_anniversaries_of_the_coming_two_weeks(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    // Today is 23 November 2026.
    for (name, eow) in [
        ("Soon Hero", "2016-11-30"),
        ("Today Hero", "2025-11-23"),
        ("Later Hero", "2020-12-20"),
        ("Past Hero", "2020-11-20"),
    ] {
        let id = hero(&app, name, "police", true).await;
        sqlx::query("update heroes set end_of_watch = $2::date where id = $1")
            .bind(id)
            .bind(eow)
            .execute(&app.pool)
            .await
            .expect("date");
    }
    let desk = staff.get("/staff").await.text();
    let list = text_of(&desk, "anniversaries").unwrap_or_default();
    assert!(
        list.contains("Today Hero") && list.contains("23 November, 1 year"),
        "{list}"
    );
    assert!(
        list.contains("Soon Hero") && list.contains("30 November, 10 years"),
        "{list}"
    );
    assert!(!list.contains("Later Hero") && !list.contains("Past Hero"), "{list}");
    assert!(list.find("Today Hero") < list.find("Soon Hero"), "nearest first");
}

/// In a year without 29 February, a hero who fell on it is remembered with
/// those of the 28th.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_29_february_anniversary_is_listed_in_other_years_too(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let id = hero(&app, "Leap Day Hero", "fire", true).await;
    sqlx::query("update heroes set end_of_watch = '2020-02-29' where id = $1")
        .bind(id)
        .execute(&app.pool)
        .await
        .expect("date");
    // 20 February 2027: the 28th is eight days away, and 2027 has no 29th.
    app.clock.advance(chrono::Duration::days(89));
    let (staff, _) = app.signed_in(Role::Staff).await;
    let list = text_of(&staff.get("/staff").await.text(), "anniversaries").unwrap_or_default();
    assert!(list.contains("Leap Day Hero"), "{list}");
    assert!(list.contains("7 years"), "{list}");
}

/// The form offers the last mile's runner only while that runner is active: a
/// runner who has stopped is not put forward for the next mile.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_form_does_not_put_forward_a_runner_who_stopped(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let stopped = runner(&app, "Zechariah").await;
    let first = hero(&app, "Julian Becerra", "police", true).await;
    assert_eq!(
        log(&staff, &mile_form(first, stopped, Uuid::new_v4()))
            .await
            .status_code(),
        303
    );
    let next = hero(&app, "Andrew Peery", "police", true).await;
    let selected = |html: &str| html.contains(&format!(r#"value="{stopped}" selected"#));
    assert!(
        selected(&staff.get(&format!("/staff/miles/new?hero={next}")).await.text()),
        "still active"
    );

    sqlx::query("update runners set active = false where id = $1")
        .bind(stopped)
        .execute(&app.pool)
        .await
        .expect("stop running");
    let html = staff.get(&format!("/staff/miles/new?hero={next}")).await.text();
    assert!(!selected(&html), "an inactive runner is not chosen");
    assert!(!html.contains(&stopped.to_string()), "nor offered");

    // Active on paper but aged out (16 in 2024): not put forward either.
    sqlx::query("update runners set active = true, birth_year = 2008 where id = $1")
        .bind(stopped)
        .execute(&app.pool)
        .await
        .expect("aged out");
    let html = staff.get(&format!("/staff/miles/new?hero={next}")).await.text();
    assert!(!selected(&html), "a runner who aged out is not chosen");
    assert!(!html.contains(&stopped.to_string()), "nor offered");
}

/// A pool far smaller than the crowd, and impatient: most saves wait for a
/// connection, and the session write after each commit has to wait its turn too.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_saved_mile_is_answered_as_saved_even_when_the_pool_is_full(
    pool_options: sqlx::postgres::PgPoolOptions,
    connect_options: sqlx::postgres::PgConnectOptions,
) {
    let pool = pool_options
        .max_connections(3)
        .acquire_timeout(std::time::Duration::from_millis(400))
        .connect_with(connect_options)
        .await
        .expect("a small pool");
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let mut heroes = Vec::new();
    for n in 0..120 {
        heroes.push(hero(&app, &format!("Hero {n}"), "police", true).await);
    }
    let forms: Vec<_> = heroes.iter().map(|h| mile_form(*h, runner, Uuid::new_v4())).collect();
    let responses = futures::future::join_all(forms.iter().map(|f| log(&staff, f))).await;
    let mut saved_but_told_otherwise = Vec::new();
    let mut answered_saved = 0;
    for (form, response) in forms.iter().zip(&responses) {
        let key = &form[0].1;
        let saved: i64 = sqlx::query_scalar("select count(*) from miles where form_key = $1::uuid")
            .bind(key)
            .fetch_one(&app.pool)
            .await
            .expect("count");
        match (saved, response.status_code().as_u16()) {
            (1, 303) => answered_saved += 1,
            (1, status) => saved_but_told_otherwise.push(status),
            (0, 303) => panic!("a mile answered as saved is missing"),
            _ => {}
        }
    }
    assert!(answered_saved > 0, "some miles were saved");
    assert!(
        saved_but_told_otherwise.is_empty(),
        "saved miles answered {saved_but_told_otherwise:?}"
    );
}

/// The moment that turned saved miles into "back in a moment": the pool is
/// busy just after the commit, longer than a page waits for a connection. The
/// pool is made to stall the first connection handed out after a mile exists.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_busy_pool_right_after_the_commit_does_not_unsave_the_mile(
    pool_options: sqlx::postgres::PgPoolOptions,
    connect_options: sqlx::postgres::PgConnectOptions,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let armed = Arc::new(AtomicBool::new(false));
    let stalled = Arc::new(AtomicBool::new(false));
    let (hook_armed, hook_stalled) = (armed.clone(), stalled.clone());
    let pool = pool_options
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(500))
        .before_acquire(move |conn, _| {
            let (armed, stalled) = (hook_armed.clone(), hook_stalled.clone());
            Box::pin(async move {
                if armed.load(Ordering::SeqCst) {
                    let saved: i64 = sqlx::query_scalar("select count(*) from miles")
                        .fetch_one(&mut *conn)
                        .await?;
                    if saved > 0 && !stalled.swap(true, Ordering::SeqCst) {
                        tokio::time::sleep(std::time::Duration::from_millis(800)).await;
                    }
                }
                Ok(true)
            })
        })
        .connect_with(connect_options)
        .await
        .expect("a one-connection pool");
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let runner = runner(&app, "Zechariah").await;
    let h = hero(&app, "Julian Becerra", "police", true).await;
    armed.store(true, Ordering::SeqCst);

    let response = log(&staff, &mile_form(h, runner, Uuid::new_v4())).await;
    assert!(stalled.load(Ordering::SeqCst), "the pool stalled after the commit");
    assert_eq!(numbers(&app).await, vec![1], "the mile is saved");
    assert_eq!(response.status_code(), 303, "{}", page_text(&response.text()));
    assert!(location(&response).starts_with("/staff/miles/"));
    let page = page_text(&follow(&staff, &response).await.text());
    assert!(page.contains("Mile 1 logged for Julian Becerra."), "{page}");
}
