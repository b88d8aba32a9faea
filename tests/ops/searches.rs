//! The ceiling on searches and the public statement timeout, on the real binary:
//! searches stuck in the database take only their share of connections, the
//! excess is asked politely to come back, and a stuck public statement is
//! cancelled instead of holding its connection.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::support::{Database, Response, Server, connect, create_heroes, exchange, get, request_bytes};

async fn timed_get(addr: SocketAddr, path: String) -> (Response, Duration) {
    let started = Instant::now();
    let answer = tokio::time::timeout(
        Duration::from_secs(20),
        exchange(addr, &request_bytes("GET", &path, None, None, b"")),
    )
    .await;
    match answer {
        Ok(Ok(response)) => (response, started.elapsed()),
        other => panic!("{path}: no answer: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_searches_waits_its_turn_and_leaves_hero_pages_their_connections() {
    let db = Database::fresh("searches");
    let server = Server::start(
        &db.url,
        &[
            ("MAX_CONCURRENT_SEARCHES", "2"),
            ("DB_MAX_CONNECTIONS", "4"),
            ("PUBLIC_STATEMENT_TIMEOUT_MS", "30000"),
            // Searches that read PostgreSQL, as signed-in people's do; a
            // visitor's search from the roll in memory asks it nothing.
            ("ROLL_IN_MEMORY", "false"),
        ],
    );
    let pool = connect(&db.url).await;
    let heroes = create_heroes(&pool, 3).await;
    // Every search stalls in the database: its table of words is locked.
    let mut blocker = pool.begin().await.expect("a transaction");
    sqlx::query("lock table search_words in access exclusive mode")
        .execute(&mut *blocker)
        .await
        .expect("the lock");
    let addr = server.addr;
    let searches: Vec<_> = (0..6)
        .map(|i| tokio::spawn(timed_get(addr, format!("/honor-roll?q=hero+{i}"))))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Meanwhile hero pages and the unfiltered roll are served at once.
    for hero in &heroes {
        let (page, took) = timed_get(addr, format!("/heroes/{hero}")).await;
        assert_eq!(page.status, 200);
        assert!(took < Duration::from_secs(2), "{took:?}");
    }
    let (roll, _) = timed_get(addr, "/honor-roll".into()).await;
    assert_eq!(roll.status, 200);

    // The searches beyond the ceiling wait their turn, then are asked to come back.
    tokio::time::sleep(Duration::from_secs(6)).await;
    blocker.rollback().await.expect("the lock released");
    let mut answered = Vec::new();
    for search in searches {
        answered.push(search.await.expect("the search task"));
    }
    let busy: Vec<&(Response, Duration)> = answered.iter().filter(|(r, _)| r.status == 503).collect();
    let served = answered.iter().filter(|(r, _)| r.status == 200).count();
    assert_eq!((served, busy.len()), (2, 4), "two searched, four were turned away");
    for (response, took) in busy {
        assert_eq!(response.header("retry-after"), Some("2"));
        assert!(response.body.contains("try again in a few seconds"));
        assert!(
            *took >= Duration::from_secs(4),
            "they waited their turn first: {took:?}"
        );
    }
    let (after, _) = timed_get(addr, "/honor-roll?q=hero".into()).await;
    assert_eq!(after.status, 200);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_public_statement_is_cancelled_after_its_timeout() {
    let db = Database::fresh("statement_timeout");
    let server = Server::start(
        &db.url,
        &[("PUBLIC_STATEMENT_TIMEOUT_MS", "1000"), ("ROLL_IN_MEMORY", "false")],
    );
    let pool = connect(&db.url).await;
    create_heroes(&pool, 3).await;
    let mut blocker = pool.begin().await.expect("a transaction");
    sqlx::query("lock table search_words in access exclusive mode")
        .execute(&mut *blocker)
        .await
        .expect("the lock");
    let (stuck, took) = timed_get(server.addr, "/honor-roll?q=hero".into()).await;
    assert_eq!(stuck.status, 503);
    assert!(stuck.header("retry-after").is_some());
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    blocker.rollback().await.expect("the lock released");
    let page = get(server.addr, "/honor-roll?q=hero", None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Hero "));
    pool.close().await;
}
