//! The CSV import: preview with errors and duplicates, one-transaction import
//! by the worker, progress. The worker's leases and retries: `import_jobs.rs`.

use std::sync::Arc;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use honor_mile::clock::Clock;
use honor_mile::heroes::import_worker::ImportWorker;
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, hero_form, location, page_text, test_config};

pub const HEADER: &str =
    "full_name,rank_title,agency,agency_city,country,region,service,end_of_watch,cause,age,confirmation_source";

pub async fn upload(staff: &TestServer, csv: String) -> axum_test::TestResponse {
    let form = MultipartForm::new().add_part("file", Part::bytes(csv.into_bytes()).file_name("heroes.csv"));
    staff.post("/staff/heroes/import").multipart(form).await
}

/// The import worker every server runs, here on the test's clock.
pub fn worker(app: &TestApp) -> ImportWorker {
    let clock: Arc<dyn Clock> = app.clock.clone();
    ImportWorker::new(app.pool.clone(), clock, &test_config(&[]))
}

/// Worker rounds until no import is left to take; the import's state then.
pub async fn run_worker(app: &TestApp) -> String {
    let worker = worker(app);
    while worker.run_due().await.expect("a worker round") {}
    sqlx::query_scalar("select state::text from hero_imports")
        .fetch_one(&app.pool)
        .await
        .expect("import row")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_preview_lists_additions_duplicates_and_errors_then_imports(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    app.add_hero(
        &staff,
        &hero_form("Garrett Crumby", "Huntsville Police Department", "US-AL", "2023-09-01"),
    )
    .await;
    let csv = format!(
        "{HEADER}\n\
         Julian Becerra,Officer,Fountain Police Department,Fountain,US,CO,police,2023-02-11,fall,29,Fountain PD\n\
         garrett crumby,Officer,Huntsville Police Department,Huntsville,US,AL,police,2023-09-01,gunfire,,\n\
         Jeffrey Northrup,Constable,Toronto Police Service,Toronto,CA,ON,police,2021-07-02,vehicle_assault,55,\n\
         Jeffrey Northrup,Constable,Toronto Police Service,Toronto,CA,ON,police,2021-07-02,vehicle_assault,55,\n\
         ,Officer,Nowhere PD,,US,ZZ,police,2099-01-01,gunfire,12,\n\
         \"<script>alert(1)</script>\",Officer,Some PD,,US,TX,pirate,2020-01-01,gunfire,40,\n"
    );
    let response = upload(&staff, csv).await;
    assert_eq!(response.status_code(), 303);
    let preview_path = location(&response);
    let preview = staff.get(&preview_path).await.text();
    let text = page_text(&preview);
    assert!(
        text.contains("2 rows will be added, 2 duplicates will be skipped, 2 rows have mistakes"),
        "{text}"
    );
    assert!(text.contains("Full name is required."));
    assert!(text.contains("End of watch cannot be in the future."));
    assert!(text.contains("Choose police, fire, EMS, corrections, K9 or other."));
    assert!(text.contains("an earlier row of this file"));
    assert!(
        !preview.contains("<script>alert(1)"),
        "hostile text is escaped in the preview"
    );
    assert_eq!(
        app.count("select count(*) from heroes").await,
        1,
        "nothing imported by the preview"
    );

    let run = staff.post(&format!("{preview_path}/run")).await;
    assert_eq!(run.status_code(), 303);
    let queued = staff.get(&location(&run)).await.text();
    assert!(
        page_text(&queued).contains("The import is running: waiting for a server to take it up"),
        "{queued}"
    );
    assert!(queued.contains("http-equiv=\"refresh\""), "the page refreshes itself");
    assert_eq!(
        app.count("select count(*) from heroes").await,
        1,
        "pressing Import only queues it"
    );
    assert_eq!(run_worker(&app).await, "done");
    assert_eq!(app.count("select count(*) from heroes").await, 3);
    assert_eq!(
        app.count("select count(*) from heroes where full_name = 'Julian Becerra' and confirmed_at is not null")
            .await,
        1,
        "a row with a source is published"
    );
    assert_eq!(
        app.count("select count(*) from heroes where full_name = 'Jeffrey Northrup' and confirmed_at is null")
            .await,
        1,
        "a row without one is a draft"
    );
    let done = page_text(&staff.get(&preview_path).await.text());
    assert!(done.contains("Done: 2 heroes imported."));

    let again = staff.post(&format!("{preview_path}/run")).await;
    assert!(
        staff
            .get(&location(&again))
            .await
            .text()
            .contains("already been started")
    );
    assert_eq!(
        app.count("select count(*) from heroes").await,
        3,
        "a replayed run imports nothing"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn ten_thousand_rows_import_with_progress(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    let mut csv = String::from(HEADER);
    for n in 0..10_000 {
        let (agency, month, day) = (n % 50, n % 12 + 1, n % 28 + 1);
        csv.push_str(&format!(
            "\nHero Number {n},Officer,Agency {agency},City,US,TX,police,2020-{month:02}-{day:02},gunfire,40,Roll call"
        ));
    }
    csv.push('\n');
    let response = upload(&staff, csv).await;
    let preview_path = location(&response);
    assert!(page_text(&staff.get(&preview_path).await.text()).contains("10000 rows will be added"));
    staff.post(&format!("{preview_path}/run")).await;
    let running = staff.get(&preview_path).await.text();
    assert!(
        running.contains("http-equiv=\"refresh\""),
        "the page refreshes itself while running"
    );
    let started = std::time::Instant::now();
    assert_eq!(run_worker(&app).await, "done");
    let took = started.elapsed();
    assert_eq!(app.count("select count(*) from heroes").await, 10_000);
    assert_eq!(app.count("select processed::bigint from hero_imports").await, 10_000);
    // Every created hero is in the trail, as the person who pressed Import;
    // written a batch at a time, so the import stays quick.
    assert_eq!(
        app.count(
            "select count(*) from heroes h join audit_log a on a.entity_id = h.id::text
             where a.action = 'hero_import.hero_created' and a.entity_type = 'hero'
               and a.actor_id = h.created_by and a.client_ip is null"
        )
        .await,
        10_000
    );
    assert_eq!(
        app.count("select count(*) from audit_log where action = 'hero_import.hero_created'")
            .await,
        10_000
    );
    assert!(took < std::time::Duration::from_secs(60), "the import took {took:?}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn each_imported_hero_is_in_the_audit_trail_in_words(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, staff_id) = app.signed_in(Role::Staff).await;
    app.add_hero(
        &staff,
        &hero_form("Garrett Crumby", "Huntsville Police Department", "US-AL", "2023-09-01"),
    )
    .await;
    let csv = format!(
        "{HEADER}\n\
         Julian Becerra,Officer,Fountain Police Department,Fountain,US,CO,police,2023-02-11,fall,29,Fountain PD\n\
         garrett crumby,Officer,Huntsville Police Department,Huntsville,US,AL,police,2023-09-01,gunfire,,\n\
         Jeffrey Northrup,Constable,Toronto Police Service,Toronto,CA,ON,police,2021-07-02,vehicle_assault,55,\n"
    );
    let preview_path = location(&upload(&staff, csv).await);
    staff.post(&format!("{preview_path}/run")).await;
    assert_eq!(run_worker(&app).await, "done");
    let trail: Vec<(String, String, Option<uuid::Uuid>)> = sqlx::query_as(
        "select a.entity_id, a.summary, a.actor_id from audit_log a
         where a.action = 'hero_import.hero_created' order by a.id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("trail");
    let created: Vec<String> = sqlx::query_scalar(
        "select id::text from heroes where full_name in ('Julian Becerra', 'Jeffrey Northrup') order by id",
    )
    .fetch_all(&app.pool)
    .await
    .expect("heroes");
    // The duplicate was skipped, so only the two new heroes are in the trail.
    let mut ids: Vec<String> = trail.iter().map(|(id, _, _)| id.clone()).collect();
    ids.sort();
    assert_eq!(ids, created);
    assert!(trail.iter().all(|(_, _, actor)| *actor == Some(staff_id)));
    assert!(trail.iter().any(|(_, summary, _)| summary.contains("Julian Becerra")));
    let (admin, _) = app.signed_in(Role::Admin).await;
    let page = page_text(&admin.get("/admin/audit").await.text());
    assert!(page.contains("Added a hero from a CSV file"), "{page}");
    assert!(page.contains("Imported heroes from a CSV file"), "{page}");
    assert!(page.contains("Checked a CSV file of heroes"), "{page}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_file_that_is_not_a_hero_csv_is_refused_with_a_reason(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (staff, _) = app.signed_in(Role::Staff).await;
    for (csv, message) in [
        (String::new(), "Choose a CSV file to import."),
        ("name,city\nA,B\n".to_string(), "Unknown columns: name, city"),
        (format!("{HEADER}\n"), "The file has no rows"),
        (format!("{HEADER}\n\"open quote,x\n"), "could not be read as CSV"),
    ] {
        let response = upload(&staff, csv.clone()).await;
        assert_eq!(location(&response), "/staff/heroes/import", "{csv:?}");
        let page = staff.get("/staff/heroes/import").await.text();
        assert!(page_text(&page).contains(message), "{csv:?}: {message}");
    }
    let binary = MultipartForm::new().add_part("file", Part::bytes(vec![0xFF, 0xFE, 0x00, 0x81]).file_name("x.csv"));
    let response = staff.post("/staff/heroes/import").multipart(binary).await;
    assert!(page_text(&staff.get(&location(&response)).await.text()).contains("not UTF-8"));
    assert_eq!(app.count("select count(*) from hero_imports").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_visitor_cannot_import(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = upload(
        &app.browser(),
        format!("{HEADER}\nA,B,C,D,US,TX,police,2020-01-01,fall,40,x\n"),
    )
    .await;
    assert_eq!(response.status_code(), 303);
    assert!(location(&response).starts_with("/login"));
    assert_eq!(app.count("select count(*) from hero_imports").await, 0);
}
