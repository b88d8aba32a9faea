//! The CSV import outlives its server: killed with SIGKILL or stopped with
//! SIGTERM in the middle of an import, another instance on the same database
//! takes it up and finishes it, every row imported exactly once, and nothing is
//! left "running".

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use sqlx::PgPool;

use crate::support::{Database, Server, connect, create_user, exchange, get, post_form, request_bytes, sign_in};

const ROWS: usize = 8000;
const BOUNDARY: &str = "honor-mile-ops-boundary";

fn csv() -> String {
    let mut csv = String::from("full_name,agency,agency_city,country,region,service,end_of_watch,cause,age\n");
    for n in 0..ROWS {
        let (month, day) = (n % 12 + 1, n % 28 + 1);
        csv.push_str(&format!(
            "Imported Hero {n},Agency {},Austin,US,TX,police,2019-{month:02}-{day:02},gunfire,40\n",
            n % 40
        ));
    }
    csv
}

fn upload_bytes(cookie: &str, csv: &str) -> Vec<u8> {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"backlog.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    );
    request_bytes(
        "POST",
        "/staff/heroes/import",
        Some(cookie),
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        body.as_bytes(),
    )
}

/// A short lease, so that the next instance takes the import up within seconds.
const ENV: [(&str, &str); 1] = [("IMPORT_LEASE_SECONDS", "2")];

/// A server importing the file, its worker part-way through: the server, the
/// import's page and a staff cookie.
async fn importing(pool: &PgPool, url: &str) -> (Server, String, String) {
    let server = Server::start(url, &ENV);
    create_user(pool, "sam@example.org", "Sam Staff", "staff").await;
    let cookie = sign_in(server.addr, "sam@example.org").await;
    let uploaded = tokio::time::timeout(
        Duration::from_secs(60),
        exchange(server.addr, &upload_bytes(&cookie, &csv())),
    )
    .await
    .expect("the upload is answered")
    .expect("the upload");
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let path = uploaded.location().to_string();
    assert!(path.starts_with("/staff/heroes/import/"), "{path}");
    let run = post_form(server.addr, &format!("{path}/run"), Some(&cookie), &[]).await;
    assert_eq!(run.status, 303);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (state, processed): (String, i32) = sqlx::query_as("select state::text, processed from hero_imports")
            .fetch_one(pool)
            .await
            .expect("the import");
        if state == "running" && processed > 0 {
            return (server, path, cookie);
        }
        assert_eq!(state, "running", "the import ended before its server could be stopped");
        assert!(Instant::now() < deadline, "the import never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn heroes(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from heroes")
        .fetch_one(pool)
        .await
        .expect("count heroes")
}

/// Another instance finishes the import: done, each row once, after `attempts` claims.
async fn finished_elsewhere(pool: &PgPool, url: &str, path: &str, cookie: &str, attempts: i32) {
    let second = Server::start(url, &ENV);
    let deadline = Instant::now() + Duration::from_secs(120);
    let page = loop {
        let page = get(second.addr, path, Some(cookie)).await;
        assert_eq!(page.status, 200);
        if !page.body.contains("http-equiv=\"refresh\"") {
            break page.body;
        }
        assert!(Instant::now() < deadline, "the import was left running: {}", page.body);
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(page.contains(&format!("Done: {ROWS} heroes imported.")), "{page}");
    let (state, claims, imported): (String, i32, i32) =
        sqlx::query_as("select state::text, attempts, imported from hero_imports")
            .fetch_one(pool)
            .await
            .expect("the import");
    assert_eq!((state.as_str(), claims, imported), ("done", attempts, ROWS as i32));
    assert_eq!(heroes(pool).await, ROWS as i64);
    let distinct: i64 = sqlx::query_scalar("select count(distinct full_name) from heroes")
        .fetch_one(pool)
        .await
        .expect("distinct names");
    assert_eq!(distinct, ROWS as i64, "every row exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_mid_run_is_resumed_by_another_instance_and_imports_each_row_once() {
    let db = Database::create("import").await;
    let pool = connect(&db.url).await;
    let (mut first, path, cookie) = importing(&pool, &db.url).await;
    first.kill();
    assert_eq!(heroes(&pool).await, 0, "the killed run committed nothing");
    // Its lease runs out, and the next instance runs it again: a second attempt.
    finished_elsewhere(&pool, &db.url, &path, &cookie, 2).await;
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_whose_server_is_stopped_is_handed_back_at_once_uncounted() {
    let db = Database::create("import_term").await;
    let pool = connect(&db.url).await;
    let (mut first, path, cookie) = importing(&pool, &db.url).await;
    first.signal(Signal::SIGTERM);
    assert!(first.wait_exit(Duration::from_secs(30)).is_some(), "the server stops");
    let (state, attempts, lease): (String, i32, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("select state::text, attempts, lease_until from hero_imports")
            .fetch_one(&pool)
            .await
            .expect("the import");
    assert_eq!(
        (state.as_str(), attempts, lease),
        ("running", 0, None),
        "handed back, not held"
    );
    assert_eq!(heroes(&pool).await, 0, "the stopped run committed nothing");
    finished_elsewhere(&pool, &db.url, &path, &cookie, 1).await;
    pool.close().await;
}
