//! CSV downloads are streamed from the database: a large honor roll arrives
//! whole (not as the page cache's empty 500), and only a few run at once.

use axum::body::Body;
use axum::http::Request;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::helpers::{TestApp, test_config};

/// `count` confirmed heroes, inserted in one statement.
async fn many_heroes(app: &TestApp, count: i32) {
    sqlx::query(
        "insert into heroes (id, full_name, agency, agency_city, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Hero Number ' || g, 'Springfield Police Department', 'Springfield', 'US', 'IL',
                'police', date '1950-01-01' + g, 'gunfire', now(), 'test', now(), now()
         from generate_series(1, $1) g",
    )
    .bind(count)
    .execute(&app.pool)
    .await
    .expect("heroes");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn twenty_thousand_heroes_download_whole_past_the_page_cache(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("PUBLIC_CACHE_SECONDS", "2")])).await;
    many_heroes(&app, 20_000).await;
    let response = app.browser().get("/honor-roll.csv").await;
    assert_eq!(response.status_code(), 200);
    let body = response.text();
    assert!(
        body.len() > 2 * 1024 * 1024,
        "larger than the cache takes: {}",
        body.len()
    );
    assert_eq!(body.lines().count(), 20_001, "a header and every hero");
    assert!(body.starts_with("full_name,rank_title,agency"));
    assert!(body.contains("Hero Number 20000,"));
    assert!(
        response.maybe_header("etag").is_none(),
        "not served from the page cache"
    );
}

async fn open_download(app: &TestApp, path: &str) -> axum::response::Response {
    let request = Request::get(path).body(Body::empty()).expect("request");
    app.router.clone().oneshot(request).await.expect("an answer")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn only_a_few_downloads_run_at_once_and_the_rest_are_told_when_to_return(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("MAX_CONCURRENT_EXPORTS", "2")])).await;
    many_heroes(&app, 20_000).await;
    // Two downloads whose readers read nothing yet.
    let first = open_download(&app, "/honor-roll.csv").await;
    let second = open_download(&app, "/honor-roll.csv?service=police").await;
    assert_eq!((first.status().as_u16(), second.status().as_u16()), (200, 200));

    let third = open_download(&app, "/honor-roll.csv").await;
    assert_eq!(third.status(), 503);
    assert_eq!(
        third.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("30")
    );
    let text = axum::body::to_bytes(third.into_body(), 1 << 20).await.expect("page");
    assert!(String::from_utf8_lossy(&text).contains("Too many downloads"));

    // The readers go away: their slots come back.
    drop((first, second));
    let mut again = open_download(&app, "/honor-roll.csv").await;
    for _ in 0..50 {
        if again.status() == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        again = open_download(&app, "/honor-roll.csv").await;
    }
    assert_eq!(again.status(), 200);
    let body = axum::body::to_bytes(again.into_body(), 64 << 20)
        .await
        .expect("the whole file");
    assert_eq!(String::from_utf8_lossy(&body).lines().count(), 20_001);
}
