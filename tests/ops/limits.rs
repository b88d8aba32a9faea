//! Limits under parallel requests, against the real binary: fifty wrong
//! passwords at once check at most the limit, on one instance or two, and the
//! right password is then refused while the lock runs; forty grant applications
//! at once from one address save at most five; a flood of API requests from one
//! client gets 429 with `Retry-After`.

use futures::future::join_all;
use sqlx::PgPool;

use crate::support::{Database, PASSWORD, Server, create_user, form_body, request_bytes, send, sign_in_attempt};

const EMAIL: &str = "lee@example.org";
const WRONG: &str = "not the password at all";

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.expect("a count")
}

/// Fifty wrong passwords for one account, all at once, spread over `servers`.
async fn fifty_wrong_at_once(servers: &[&Server]) {
    let attempts = (0..50).map(|i| sign_in_attempt(servers[i % servers.len()].addr, EMAIL, WRONG));
    for (i, response) in join_all(attempts).await.into_iter().enumerate() {
        assert!(
            matches!(response.status, 422 | 429),
            "attempt {i}: {} {}",
            response.status,
            response.body
        );
    }
}

/// What the trail says was checked (a wrong password) and refused unchecked.
async fn checked_and_refused(pool: &PgPool) -> (i64, i64) {
    (
        count(pool, "select count(*) from audit_log where action = 'sign_in.failed'").await,
        count(pool, "select count(*) from audit_log where action = 'sign_in.locked'").await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_wrong_passwords_check_at_most_the_limit() {
    let db = Database::create("lockout").await;
    let server = Server::start(&db.url, &[]);
    let pool = db.pool().await;
    create_user(&pool, EMAIL, "Lee Staff", "staff").await;

    fifty_wrong_at_once(&[&server]).await;
    assert_eq!(
        checked_and_refused(&pool).await,
        (10, 40),
        "ten checked, the rest refused unchecked"
    );
    let locked = sign_in_attempt(server.addr, EMAIL, PASSWORD).await;
    assert_eq!(locked.status, 429, "the right password is refused while locked");
    assert!(locked.session_cookie().is_none());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_wrong_passwords_on_two_instances_check_at_most_the_limit() {
    let db = Database::create("lockout_two").await;
    let a = Server::start(&db.url, &[]);
    let b = Server::start(&db.url, &[]);
    let pool = db.pool().await;
    create_user(&pool, EMAIL, "Lee Staff", "staff").await;

    fifty_wrong_at_once(&[&a, &b]).await;
    assert_eq!(checked_and_refused(&pool).await, (10, 40));
    for server in [&a, &b] {
        let locked = sign_in_attempt(server.addr, EMAIL, PASSWORD).await;
        assert_eq!(locked.status, 429, "the right password is refused while locked");
        assert!(locked.session_cookie().is_none());
    }
    pool.close().await;
}

fn application(i: usize) -> Vec<(&'static str, String)> {
    [
        ("kind", "injury"),
        ("rank_title", "Officer"),
        ("service", "police"),
        ("agency", "Orlando Police Department"),
        ("agency_place", "Orlando, FL"),
        ("injury_date", "2026-10-04"),
        ("circumstances", "Struck by a car while directing traffic."),
        ("amount_requested", "5000"),
        ("nominator_name", "Pat Partner"),
        ("nominator_relationship", "Partner on patrol"),
        ("contact_phone", "(407) 555-0142"),
        ("contact_email", "pat@example.org"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .chain([("recipient_name", format!("Person {i}"))])
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_parallel_grant_applications_from_one_address_save_at_most_five() {
    let db = Database::create("apply_limit").await;
    let a = Server::start(&db.url, &[]);
    let b = Server::start(&db.url, &[]);
    let sends = (0..40).map(|i| {
        let server = if i % 2 == 0 { &a } else { &b };
        let body = form_body(&application(i));
        let bytes = request_bytes(
            "POST",
            "/grants/apply",
            None,
            Some("application/x-www-form-urlencoded"),
            &body,
        );
        async move { send(server.addr, &bytes).await }
    });
    let statuses: Vec<u16> = join_all(sends).await.into_iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 35, "{statuses:?}");
    let pool = db.pool().await;
    assert_eq!(count(&pool, "select count(*) from grant_applications").await, 5);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_api_requests_from_one_client_gets_429_with_retry_after() {
    let db = Database::create("rate_limit").await;
    let server = Server::start(&db.url, &[("RATE_LIMIT_PER_MINUTE", "20")]);
    let bytes = request_bytes("GET", "/api/heroes", None, None, b"");
    let flood = (0..60).map(|_| send(server.addr, &bytes));
    let responses = join_all(flood).await;
    let served = responses.iter().filter(|r| r.status == 200).count();
    let refused: Vec<_> = responses.iter().filter(|r| r.status == 429).collect();
    // Twenty at once, then one every three seconds.
    assert!((20..=22).contains(&served), "served {served}");
    assert_eq!(served + refused.len(), 60, "every answer a 200 or a 429");
    for response in refused {
        let wait: u64 = response
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .expect("Retry-After in seconds");
        assert!((1..=3).contains(&wait), "wait {wait}");
        assert!(response.body.contains("Too many requests"), "{}", response.body);
    }
    // Pages that are not searches, the API or exports are served meanwhile.
    let home = send(server.addr, &request_bytes("GET", "/", None, None, b"")).await;
    assert_eq!(home.status, 200);
}
