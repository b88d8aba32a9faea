//! The import as durable background work: the worker takes a queued import and
//! records it as the person who pressed Import; an import whose server stopped
//! is resumed and imports each hero once; after three stopped attempts it is
//! failed, and staff (only staff) may run it again.

use axum_test::TestServer;
use chrono::Duration;
use honor_mile::clock::Clock;
use honor_mile::heroes::import_job_queries as jobs;
use honor_mile::heroes::import_worker::MAX_ATTEMPTS;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::{Role, TestApp, hero_form, location, page_text};
use crate::import::{HEADER, run_worker, upload, worker};

/// The lease of the test configuration (`IMPORT_LEASE_SECONDS` unset), and a moment more.
const LEASE_RUN_OUT: Duration = Duration::seconds(31);

fn csv(names: &[&str]) -> String {
    let mut csv = String::from(HEADER);
    for name in names {
        csv.push_str(&format!(
            "\n{name},Officer,Fountain Police Department,Fountain,US,CO,police,2023-02-11,fall,29,Fountain PD"
        ));
    }
    csv.push('\n');
    csv
}

/// Uploads three heroes and presses Import: the import's page.
async fn queued(staff: &TestServer) -> String {
    let path = location(&upload(staff, csv(&["Ann Able", "Ben Baker", "Cal Cole"])).await);
    let run = staff.post(&format!("{path}/run")).await;
    assert_eq!(location(&run), path);
    path
}

/// A server claims the import, then is killed before it commits anything.
async fn claimed_by_a_server_that_stops(app: &TestApp) -> i32 {
    let now = app.clock.now();
    let claimed = jobs::claim(&app.pool, now, now + Duration::seconds(30), MAX_ATTEMPTS)
        .await
        .expect("a claim")
        .expect("the import is free to claim");
    claimed.attempt
}

/// A queued import whose servers stopped three times: failed.
async fn failed(app: &TestApp, staff: &TestServer) -> String {
    let path = queued(staff).await;
    for _ in 0..MAX_ATTEMPTS {
        claimed_by_a_server_that_stops(app).await;
        app.clock.advance(LEASE_RUN_OUT);
    }
    assert_eq!(run_worker(app).await, "failed");
    path
}

async fn state(app: &TestApp) -> (String, i32) {
    sqlx::query_as("select state::text, attempts from hero_imports")
        .fetch_one(&app.pool)
        .await
        .expect("the import")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_worker_runs_a_queued_import_as_the_person_who_pressed_import(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (uploader, _) = app.signed_in(Role::Staff).await;
    let starter_id = app.create_user("rita@example.org", "Rita Runner", Role::Staff).await;
    let starter = app.sign_in_as("rita@example.org").await;
    let path = location(&upload(&uploader, csv(&["Ann Able", "Ben Baker", "Cal Cole"])).await);
    starter.post(&format!("{path}/run")).await;

    let worker = worker(&app);
    assert!(
        worker.run_due().await.expect("a round"),
        "the worker takes the queued import"
    );
    assert!(!worker.run_due().await.expect("a round"), "and nothing is left to take");
    assert_eq!(state(&app).await, ("done".to_string(), 1));
    assert!(page_text(&uploader.get(&path).await.text()).contains("Done: 3 heroes imported."));
    let created_by: Vec<Uuid> = sqlx::query_scalar("select created_by from heroes")
        .fetch_all(&app.pool)
        .await
        .expect("heroes");
    assert_eq!(
        created_by,
        vec![starter_id; 3],
        "the heroes are added by who pressed Import"
    );
    let (actor, summary): (Option<Uuid>, String) =
        sqlx::query_as("select actor_id, summary from audit_log where action = 'hero_import.done'")
            .fetch_one(&app.pool)
            .await
            .expect("the import's audit line");
    assert_eq!(actor, Some(starter_id));
    assert_eq!(summary, "rita@example.org imported 3 heroes from a CSV file");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_import_whose_server_stopped_is_resumed_and_imports_each_hero_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = queued(&staff).await;
    claimed_by_a_server_that_stops(&app).await;
    assert!(
        !worker(&app).run_due().await.expect("a round"),
        "an import whose server holds its lease is left to it"
    );
    assert!(page_text(&staff.get(&path).await.text()).contains("Importing: 0 of 3 rows."));
    // Meanwhile one of the file's heroes is added by hand.
    app.add_hero(
        &staff,
        &hero_form("ben baker", "Fountain Police Department", "US-CO", "2023-02-11"),
    )
    .await;

    app.clock.advance(LEASE_RUN_OUT);
    let page = staff.get(&path).await.text();
    assert!(
        page_text(&page).contains("the server importing it stopped. It will resume from the start"),
        "{page}"
    );
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "the page keeps refreshing itself"
    );
    assert_eq!(run_worker(&app).await, "done");
    assert_eq!(state(&app).await, ("done".to_string(), 2));
    assert_eq!(app.count("select count(*) from heroes").await, 3);
    assert_eq!(
        app.count("select count(*) from (select 1 from heroes group by hm_fold(full_name) having count(*) > 1) d")
            .await,
        0,
        "no hero twice"
    );
    assert!(
        page_text(&staff.get(&path).await.text())
            .contains("Done: 2 heroes imported. 1 were added by someone else meanwhile and skipped.")
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_server_whose_lease_was_taken_over_can_change_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = queued(&staff).await;
    let stale = claimed_by_a_server_that_stops(&app).await;
    app.clock.advance(LEASE_RUN_OUT);
    let current = claimed_by_a_server_that_stops(&app).await;
    assert_eq!((stale, current), (1, 2));
    let id: Uuid = sqlx::query_scalar("select id from hero_imports")
        .fetch_one(&app.pool)
        .await
        .expect("the import");
    let now = app.clock.now();
    assert!(!jobs::renew(&app.pool, id, stale, now).await.expect("renew"));
    assert!(!jobs::finish_done(&app.pool, id, stale, 3, now).await.expect("finish"));
    assert!(jobs::renew(&app.pool, id, current, now).await.expect("renew"));
    assert_eq!(state(&app).await, ("running".to_string(), 2));
    let text = page_text(&staff.get(&path).await.text());
    assert!(text.contains("Importing: 0 of 3 rows."), "{text}");
    assert!(
        text.contains("Attempt 2 of 3: an earlier attempt did not finish."),
        "{text}"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn after_its_attempts_run_out_an_import_is_failed_and_can_be_run_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = failed(&app, &staff).await;
    let page = staff.get(&path).await.text();
    let text = page_text(&page);
    assert!(
        text.contains("Import failed. The import was interrupted 3 times"),
        "{text}"
    );
    assert!(
        !page.contains("http-equiv=\"refresh\""),
        "a failed import is not watched"
    );
    assert!(page.contains(&format!("action=\"{path}/run-again\"")));
    assert_eq!(app.count("select count(*) from heroes").await, 0);

    let again = staff.post(&format!("{path}/run-again")).await;
    assert_eq!(again.status_code(), 303);
    assert_eq!(location(&again), path);
    let text = page_text(&staff.get(&path).await.text());
    assert!(text.contains("The import will run again."), "{text}");
    assert!(text.contains("waiting for a server to take it up"), "{text}");
    assert_eq!(run_worker(&app).await, "done");
    assert_eq!(app.count("select count(*) from heroes").await, 3);
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'hero_import.run_again'")
            .await,
        1
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_visitor_and_a_signed_out_person_cannot_run_an_import_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = failed(&app, &staff).await;
    let visitor = app.browser().post(&format!("{path}/run-again")).await;
    assert!(location(&visitor).starts_with("/login"), "{}", location(&visitor));
    staff.post("/logout").await;
    let signed_out = staff.post(&format!("{path}/run-again")).await;
    assert!(location(&signed_out).starts_with("/login"), "{}", location(&signed_out));
    assert_eq!(state(&app).await, ("failed".to_string(), MAX_ATTEMPTS));
    assert!(!worker(&app).run_due().await.expect("a round"));
    assert_eq!(app.count("select count(*) from heroes").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_done_import_cannot_be_run_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = queued(&staff).await;
    assert_eq!(run_worker(&app).await, "done");
    let again = staff.post(&format!("{path}/run-again")).await;
    assert_eq!(location(&again), path);
    assert!(page_text(&staff.get(&path).await.text()).contains("This import is done; it cannot be run again."));
    let run = staff.post(&format!("{path}/run")).await;
    assert!(page_text(&staff.get(&location(&run)).await.text()).contains("already been started"));
    assert!(!worker(&app).run_due().await.expect("a round"));
    assert_eq!(state(&app).await, ("done".to_string(), 1));
    assert_eq!(app.count("select count(*) from heroes").await, 3);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_failed_import_whose_rows_were_cleared_asks_for_the_file_again(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = failed(&app, &staff).await;
    app.clock.advance(Duration::days(31));
    honor_mile::ops::housekeeping(&app.pool, app.clock.now())
        .await
        .expect("housekeeping");
    let staff = app.sign_in_as("staff@example.org").await;
    let page = staff.get(&path).await.text();
    assert!(!page.contains("run-again"), "no button that cannot work");
    assert!(page_text(&page).contains("Its rows are no longer kept. Upload the file again"));
    let again = staff.post(&format!("{path}/run-again")).await;
    assert!(page_text(&staff.get(&location(&again)).await.text()).contains("no longer kept"));
    assert_eq!(state(&app).await, ("failed".to_string(), MAX_ATTEMPTS));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_import_that_stops_on_an_error_each_time_is_failed_after_its_attempts(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let path = queued(&staff).await;
    // The database refuses every new hero, as a broken disk or a bad deploy would.
    sqlx::raw_sql(
        "create function refuse_heroes() returns trigger language plpgsql as
           $$ begin raise exception 'no heroes today'; end $$;
         create trigger refuse_heroes before insert on heroes for each row execute function refuse_heroes();",
    )
    .execute(&app.pool)
    .await
    .expect("a refusing trigger");
    assert_eq!(run_worker(&app).await, "failed");
    assert_eq!(state(&app).await, ("failed".to_string(), MAX_ATTEMPTS));
    let text = page_text(&staff.get(&path).await.text());
    assert!(
        text.contains("Import failed. The import stopped on an error and nothing was imported."),
        "{text}"
    );
    assert!(text.contains("Run it again"));
}
