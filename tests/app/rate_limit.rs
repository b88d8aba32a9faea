//! The per-client rate limit on the JSON API, the honor roll's searches and the
//! exports: past it, 429 with `Retry-After`, for that client only.

use axum_test::TestResponse;
use sqlx::PgPool;

use crate::helpers::{TestApp, test_config};

const CLIENT: &str = "198.51.100.7";

fn retry_after(response: &TestResponse) -> u64 {
    response
        .maybe_header("retry-after")
        .and_then(|v| v.to_str().ok().and_then(|v| v.parse().ok()))
        .expect("a Retry-After in seconds")
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_client_over_its_rate_is_told_when_to_come_back(pool: PgPool) {
    let config = test_config(&[("TRUSTED_PROXY_HOPS", "1"), ("RATE_LIMIT_PER_MINUTE", "5")]);
    let app = TestApp::with_config(pool, config).await;
    let browser = app.browser();
    let get = |path: &str, ip: &str| browser.get(path).add_header("x-forwarded-for", ip.to_string());
    for i in 0..5 {
        assert_eq!(get("/api/heroes", CLIENT).await.status_code(), 200, "request {i}");
    }
    let refused = get("/api/heroes?limit=100", CLIENT).await;
    assert_eq!(refused.status_code(), 429);
    // Five a minute: the next one is free within twelve seconds.
    assert!(
        (1..=12).contains(&retry_after(&refused)),
        "{:?}",
        refused.maybe_header("retry-after")
    );
    let error: serde_json::Value = refused.json();
    assert!(error["error"].as_str().is_some_and(|e| e.contains("Too many requests")));

    for path in ["/honor-roll?q=smith", "/honor-roll.csv", "/api/miles"] {
        let page = get(path, CLIENT).await;
        assert_eq!(page.status_code(), 429, "{path}");
        assert!(retry_after(&page) >= 1, "{path}");
    }
    assert!(get("/honor-roll", CLIENT).await.text().contains("Too many requests"));
    assert_eq!(
        get("/", CLIENT).await.status_code(),
        200,
        "the home page is not limited"
    );
    assert_eq!(
        get("/api/heroes", "203.0.113.5").await.status_code(),
        200,
        "another client is served"
    );
}

/// The tests' in-process router has no connection address: without a client to
/// count, nothing is limited (a real server always has one; `tests/ops/limits.rs`).
#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn a_request_without_an_address_is_not_counted(pool: PgPool) {
    let app = TestApp::with_config(pool, test_config(&[("RATE_LIMIT_PER_MINUTE", "2")])).await;
    let browser = app.browser();
    for i in 0..5 {
        assert_eq!(browser.get("/api/heroes").await.status_code(), 200, "request {i}");
    }
}
