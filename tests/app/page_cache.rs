//! The page cache: compressed once and kept beside the plain page, large bodies
//! passed through whole, and a made-up session cookie served the visitors' copy.
//! Without the cache: whole pages and streamed downloads compressed as answered.

use std::io::Read;

use axum_test::TestResponse;
use sqlx::PgPool;

use crate::helpers::{TestApp, test_config};

async fn cached_app(pool: PgPool) -> TestApp {
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "60")])).await;
    app.seed_heroes(&[("Julian Becerra", "Fountain PD", "US", "CO", "2023-02-11")])
        .await;
    app
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    text
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_cached_page_is_kept_compressed_beside_the_plain_one(pool: PgPool) {
    let app = cached_app(pool).await;
    let plain = app.browser().get("/honor-roll").await;
    assert!(plain.maybe_header("content-encoding").is_none());
    assert!(plain.text().contains("Julian Becerra"));
    for _ in 0..2 {
        let zipped = app
            .browser()
            .get("/honor-roll")
            .add_header("accept-encoding", "gzip, deflate, br")
            .await;
        assert_eq!(zipped.status_code(), 200);
        assert_eq!(zipped.header("content-encoding"), "gzip");
        assert_eq!(zipped.header("vary"), "accept-encoding");
        assert_eq!(gunzip(zipped.as_bytes()), plain.text(), "the same page, compressed");
        assert_ne!(
            zipped.header("etag"),
            plain.header("etag"),
            "each has its own validator"
        );
        let not_modified = app
            .browser()
            .get("/honor-roll")
            .add_header("accept-encoding", "gzip")
            .add_header("if-none-match", zipped.header("etag"))
            .await;
        assert_eq!(not_modified.status_code(), 304);
    }
    let refused = app
        .browser()
        .get("/honor-roll")
        .add_header("accept-encoding", "gzip;q=0, identity")
        .await;
    assert!(refused.maybe_header("content-encoding").is_none());
    assert_eq!(refused.text(), plain.text());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_made_up_session_cookie_gets_the_visitors_copy(pool: PgPool) {
    let app = cached_app(pool).await;
    assert!(app.browser().get("/honor-roll").await.text().contains("Julian Becerra"));
    app.seed_heroes(&[("Andrew Peery", "El Paso County SO", "US", "CO", "2022-04-14")])
        .await;
    for cookie in [
        "honor_mile_session=made-up",
        "honor_mile_session=AAAAAAAAAAAAAAAAAAAAAA",
        "other=1; honor_mile_session=AAAAAAAAAAAAAAAAAAAAAA; __Host-honor_mile_session=x",
    ] {
        let page = app.browser().get("/honor-roll").add_header("cookie", cookie).await;
        assert_eq!(page.status_code(), 200, "{cookie}");
        assert!(!page.text().contains("Andrew Peery"), "{cookie}: served from memory");
    }
    let (staff, _) = app.signed_in(crate::helpers::Role::Staff).await;
    assert!(staff.get("/honor-roll").await.text().contains("Andrew Peery"));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_body_too_large_to_keep_is_passed_through_whole(pool: PgPool) {
    let app = cached_app(pool).await;
    sqlx::query(
        "insert into heroes (id, full_name, agency, agency_city, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Hero ' || n, 'Agency ' || n || ' ' || repeat('x', 150), repeat('y', 90),
                'US', 'TX', 'police', date '1990-01-01' + n, 'fall', now(), 'test', now(), now()
         from generate_series(1, 9000) n",
    )
    .execute(&app.pool)
    .await
    .expect("nine thousand heroes");
    for _ in 0..2 {
        let export = app.browser().get("/honor-roll.csv").await;
        assert_eq!(export.status_code(), 200);
        let body = export.as_bytes();
        assert!(body.len() > honor_mile::web::cache::MAX_BODY, "{} bytes", body.len());
        let rows = csv::Reader::from_reader(&body[..]).records().count();
        assert_eq!(rows, 9001);
    }
}

/// `path` asked for plain and with `accept`: the second comes gzip-compressed, and is the first.
async fn both_copies(app: &TestApp, path: &str, accept: &str) -> (TestResponse, TestResponse) {
    let plain = app.browser().get(path).await;
    let zipped = app.browser().get(path).add_header("accept-encoding", accept).await;
    assert_eq!(zipped.header("content-encoding"), "gzip", "{path}");
    assert_eq!(
        gunzip(zipped.as_bytes()),
        plain.text(),
        "{path}: the same page, compressed"
    );
    (plain, zipped)
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn without_the_cache_whole_pages_and_downloads_are_compressed_as_answered(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "0")])).await;
    app.seed_heroes(&[("Julian Becerra", "Fountain PD", "US", "CO", "2023-02-11")])
        .await;
    for path in ["/honor-roll", "/honor-roll?q=becera", "/api/heroes", "/no-such-page"] {
        let (plain, zipped) = both_copies(&app, path, "gzip, br").await;
        assert!(plain.maybe_header("content-encoding").is_none(), "{path}");
        assert_eq!(zipped.status_code(), plain.status_code(), "{path}");
        assert!(
            zipped
                .header("vary")
                .to_str()
                .is_ok_and(|v| v.contains("accept-encoding")),
            "{path}"
        );
        let refused = app
            .browser()
            .get(path)
            .add_header("accept-encoding", "gzip;q=0, identity")
            .await;
        assert!(refused.maybe_header("content-encoding").is_none(), "{path}");
    }
    let page = gunzip(
        app.browser()
            .get("/honor-roll")
            .add_header("accept-encoding", "gzip")
            .await
            .as_bytes(),
    );
    assert!(page.contains("Julian Becerra"));

    // A file keeps a validator for each copy, and either is answered 304.
    let (plain, zipped) = both_copies(&app, "/static/css/site.css", "gzip").await;
    let (plain_tag, zipped_tag) = (plain.header("etag"), zipped.header("etag"));
    assert_eq!(
        zipped_tag.to_str().ok(),
        plain_tag
            .to_str()
            .ok()
            .map(|t| format!("{}-gz\"", t.trim_end_matches('"')))
            .as_deref()
    );
    for tag in [plain_tag, zipped_tag] {
        let again = app
            .browser()
            .get("/static/css/site.css")
            .add_header("accept-encoding", "gzip")
            .add_header("if-none-match", tag)
            .await;
        assert_eq!(again.status_code(), 304);
    }

    // A download streams, and is compressed as it streams.
    let (plain, _) = both_copies(&app, "/honor-roll.csv", "gzip").await;
    assert!(plain.text().contains("Julian Becerra"));
}
