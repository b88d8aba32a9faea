//! Health checks, error pages, configuration and start-up failures.

use std::process::Command;

use scraper::{Html, Selector};
use sqlx::PgPool;

use honor_mile::clock::Clock;

use crate::helpers::{Role, TestApp, test_config};

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn health_and_readiness_answer(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let browser = app.browser();
    assert_eq!(browser.get("/healthz").await.text(), "ok");
    let ready = browser.get("/readyz").await;
    assert_eq!(ready.status_code(), 200);
    assert_eq!(ready.text(), "ready");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn readiness_fails_when_the_database_is_gone(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    pool.close().await;
    let ready = app.browser().get("/readyz").await;
    assert_eq!(ready.status_code(), 503);
    assert_eq!(
        app.browser().get("/healthz").await.status_code(),
        200,
        "the process is still up"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_unknown_page_is_a_proper_404_with_the_layout(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = app.browser().get("/no/such/page").await;
    assert_eq!(response.status_code(), 404);
    let html = response.text();
    assert!(html.contains("Page not found"));
    let page = Html::parse_document(&html);
    let brand = page
        .select(&Selector::parse("header a.brand[href='/']").expect("selector"))
        .next()
        .expect("the layout's brand link");
    assert_eq!(brand.text().collect::<String>().trim(), "Honor Mile");
}

#[test]
fn insecure_cookies_are_refused_with_an_https_public_url() {
    let error = honor_mile::config::Config::from_lookup(|key| match key {
        "PUBLIC_URL" => Some("https://honormile.example.org".into()),
        "COOKIE_SECURE" => Some("false".into()),
        _ => None,
    })
    .expect_err("must refuse");
    assert!(error.to_string().contains("COOKIE_SECURE=false is refused"));
}

#[test]
fn settings_that_make_no_sense_are_named() {
    for (key, value, expected) in [
        ("BIND_ADDR", "port 3000", "BIND_ADDR"),
        ("PUBLIC_URL", "ftp://x", "PUBLIC_URL"),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES"),
        ("PROGRAM_TIME_ZONE", "Mars/Olympus", "PROGRAM_TIME_ZONE"),
        ("COOKIE_SECURE", "maybe", "COOKIE_SECURE"),
        ("DB_ACQUIRE_TIMEOUT_SECONDS", "0", "DB_ACQUIRE_TIMEOUT_SECONDS"),
        ("DATABASE_READ_URL", "replica:5432", "DATABASE_READ_URL"),
    ] {
        let error = honor_mile::config::Config::from_lookup(|k| (k == key).then(|| value.to_string()))
            .expect_err("must refuse");
        assert!(error.to_string().contains(expected), "{key}={value}: {error}");
    }
    let defaults = test_config(&[]);
    assert_eq!(defaults.bind_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(defaults.session_idle.as_secs(), 30 * 60);
    assert_eq!(defaults.session_absolute.as_secs(), 12 * 3600);
    assert_eq!(
        defaults.db_acquire_timeout.as_secs(),
        3,
        "an outage answers within seconds"
    );
}

#[test]
fn an_unreachable_database_gives_one_clear_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_honor-mile"))
        .arg("migrate")
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", "postgres://postgres:secret@127.0.0.1:9/honor_mile")
        .env("RUST_LOG", "off")
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].contains("cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:9/honor_mile"));
    assert!(lines[0].contains("start PostgreSQL"));
    assert!(!stderr.contains("secret"), "the password is not printed");
    assert!(!stderr.contains("panicked"));
}

/// A role without the right to create databases (as SECURITY.md recommends)
/// pointed at a database that does not exist yet hears what to do, not that
/// PostgreSQL is down.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_database_that_cannot_be_created_is_said_so_in_one_line(pool: PgPool) {
    let role = format!("hm_nocreate_{}", uuid::Uuid::new_v4().simple());
    // A password of its own, so the role signs in wherever PostgreSQL asks for
    // one (Debian's default for TCP), not only where loopback is trusted.
    let password = uuid::Uuid::new_v4().simple().to_string();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "create role {role} login password '{password}'"
    )))
    .execute(&pool)
    .await
    .expect("role");
    // The same server the tests use, whatever its address.
    let mut url = url::Url::parse(&std::env::var("DATABASE_URL").expect("DATABASE_URL is set for the tests"))
        .expect("DATABASE_URL is a URL");
    url.set_username(&role).expect("a user name");
    url.set_password(Some(&password)).expect("a password");
    url.set_path(&format!("/hm_never_{}", uuid::Uuid::new_v4().simple()));
    let output = Command::new(env!("CARGO_BIN_EXE_honor-mile"))
        .arg("migrate")
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", url.as_str())
        .env("RUST_LOG", "off")
        .output()
        .expect("run the binary");
    sqlx::query(sqlx::AssertSqlSafe(format!("drop role {role}")))
        .execute(&pool)
        .await
        .expect("drop role");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].contains("does not exist and could not be created"), "{stderr}");
    assert!(lines[0].contains("CREATEDB"), "{stderr}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn visitors_public_pages_are_served_from_a_short_lived_cache(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "1")])).await;
    app.seed_heroes(&[("Julian Becerra", "Fountain PD", "US", "CO", "2023-02-11")])
        .await;
    let first = app.browser().get("/honor-roll").await;
    let etag = first.header("etag");
    assert!(first.text().contains("Julian Becerra"));

    app.seed_heroes(&[("Andrew Peery", "El Paso County SO", "US", "CO", "2022-04-14")])
        .await;
    let cached = app.browser().get("/honor-roll").await;
    assert!(
        !cached.text().contains("Andrew Peery"),
        "served from memory within its lifetime"
    );
    let not_modified = app
        .browser()
        .get("/honor-roll")
        .add_header("if-none-match", etag.clone())
        .await;
    assert_eq!(not_modified.status_code(), 304);

    // Signed-in people always get a fresh page, and never fill the cache.
    let (staff, _) = app.signed_in(crate::helpers::Role::Staff).await;
    let fresh = staff.get("/honor-roll").await;
    assert!(fresh.text().contains("Andrew Peery"));
    assert_eq!(fresh.header("cache-control"), "no-store");

    // Once no longer fresh, the next reader still gets the old page at once while
    // it is rendered again in the background; the reader after gets the new one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.browser().get("/honor-roll").await;
    let mut renewed = false;
    for _ in 0..20 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if app.browser().get("/honor-roll").await.text().contains("Andrew Peery") {
            renewed = true;
            break;
        }
    }
    assert!(renewed, "the page was rendered again");

    // A page is never served from memory once three times its freshness has passed.
    app.seed_heroes(&[("Garrett Crumby", "Huntsville PD", "US", "AL", "2023-09-01")])
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert!(app.browser().get("/honor-roll").await.text().contains("Garrett Crumby"));
}

/// Housekeeping removes what is no longer needed and nothing else: expired
/// sessions, stale sign-in failure counts (never a running lock), imports
/// previewed and abandoned, and the rows of old finished imports.
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn housekeeping_removes_only_what_is_no_longer_needed(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let staff = app.create_user("staff@example.org", "Sam Staff", Role::Staff).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "insert into sessions (id, data, expiry_date) values
           ('expired', '{{}}', '2026-11-22 00:00+00'), ('live', '{{}}', '2026-11-24 00:00+00');
         insert into login_throttle (key, failures, window_started_at, locked_until) values
           ('email:old@example.org', 3, '2026-11-01 00:00+00', null),
           ('email:locked@example.org', 10, '2026-11-01 00:00+00', '2026-11-23 23:00+00'),
           ('email:recent@example.org', 2, '2026-11-23 14:00+00', null);
         insert into hero_imports (id, created_by, created_at, file_name, rows, to_add, duplicates, errors, state) values
           ('01900000-0000-7000-8000-0000000000b1', '{staff}', '2026-11-01 00:00+00', 'old preview.csv', '[{{}}]', 1, 0, 0, 'previewed'),
           ('01900000-0000-7000-8000-0000000000b2', '{staff}', '2026-11-22 00:00+00', 'new preview.csv', '[{{}}]', 1, 0, 0, 'previewed'),
           ('01900000-0000-7000-8000-0000000000b3', '{staff}', '2026-09-01 00:00+00', 'old done.csv', '[{{}}]', 1, 0, 0, 'done'),
           ('01900000-0000-7000-8000-0000000000b4', '{staff}', '2026-11-20 00:00+00', 'new done.csv', '[{{}}]', 1, 0, 0, 'done');"
    )))
    .execute(&app.pool)
    .await
    .expect("rows of every age");

    let done = honor_mile::ops::housekeeping(&app.pool, app.clock.now())
        .await
        .expect("housekeeping");
    assert_eq!(
        done,
        honor_mile::ops::Housekept {
            sessions: 1,
            throttle_rows: 1,
            abandoned_imports: 1,
            import_rows_cleared: 1,
        }
    );
    assert_eq!(app.count("select count(*) from sessions where id = 'live'").await, 1);
    assert_eq!(
        app.count(
            "select count(*) from login_throttle where key in ('email:locked@example.org', 'email:recent@example.org')"
        )
        .await,
        2,
        "a running lock and a recent count stay"
    );
    assert_eq!(app.count("select count(*) from hero_imports").await, 3);
    assert_eq!(
        app.count("select count(*) from hero_imports where rows = '[]'").await,
        1
    );

    let again = honor_mile::ops::housekeeping(&app.pool, app.clock.now())
        .await
        .expect("housekeeping");
    assert_eq!(again, honor_mile::ops::Housekept::default(), "nothing left to do");
}
