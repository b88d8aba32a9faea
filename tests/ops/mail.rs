//! The outbox on the real binary with a real SMTP server on loopback: two
//! instances share one outbox and send each message once; a server killed in
//! the middle of a batch loses nothing (another sends what it held, at least
//! once); a mail server down for a minute gets everything when it is back.

use std::time::{Duration, Instant};

use sqlx::PgPool;
use uuid::Uuid;

use crate::smtp_sink::SmtpSink;
use crate::support::{Database, Server, connect, get};

const FROM: &str = "Honor Mile <office@honor-mile.example>";

/// Queues `n` messages as the program's changes do (a row each in the outbox).
async fn queue(pool: &PgPool, n: usize) {
    for i in 0..n {
        sqlx::query(
            "insert into outbox (id, kind, to_address, subject, body_text, body_html, next_try_at, created_at)
             values ($1, 'security notice', $2, 'Your Honor Mile account changed', 'Hello', '<p>Hello</p>', now(), now())",
        )
        .bind(Uuid::now_v7())
        .bind(format!("person{i}@example.org"))
        .execute(pool)
        .await
        .expect("a queued message");
    }
}

async fn count(pool: &PgPool, state: &str) -> i64 {
    sqlx::query_scalar("select count(*) from outbox where state::text = $1")
        .bind(state)
        .fetch_one(pool)
        .await
        .expect("a count")
}

/// Waits until every message is marked sent, at most `limit`.
async fn all_sent(pool: &PgPool, n: i64, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if count(pool, "sent").await == n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

fn mail_env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("SMTP_URL", url.to_string()),
        ("MAIL_FROM", FROM.to_string()),
        ("MAIL_RETRY_SECONDS", "1".to_string()),
        ("MAIL_LEASE_SECONDS", "3".to_string()),
    ]
}

fn start(db: &Database, env: &[(&'static str, String)]) -> Server {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(&db.url, &env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_one_outbox_each_message_once() {
    let db = Database::create("mail_two").await;
    let sink = SmtpSink::start().await;
    let pool = connect(&db.url).await;
    let env = mail_env(&sink.url());
    let (a, b) = (start(&db, &env), start(&db, &env));
    queue(&pool, 200).await;
    assert!(all_sent(&pool, 200, Duration::from_secs(90)).await, "{}", a.output());
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 200, "every message arrived");
    let twice: Vec<_> = ids.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(sink.received().len(), 200);
    drop((a, b));
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_in_the_middle_of_a_batch_loses_no_message() {
    let db = Database::create("mail_kill").await;
    let sink = SmtpSink::start().await;
    sink.slow(Duration::from_millis(15));
    let pool = connect(&db.url).await;
    let env = mail_env(&sink.url());
    let mut first = start(&db, &env);
    queue(&pool, 200).await;
    let before = sink.wait_for(40, Duration::from_secs(60)).await.len();
    assert!(before >= 40, "the first server was sending: {}", first.output());
    first.kill();
    let sent_then = count(&pool, "sent").await;
    assert!(sent_then < 200, "killed in the middle, with {sent_then} sent");

    let second = start(&db, &env);
    assert!(
        all_sent(&pool, 200, Duration::from_secs(120)).await,
        "{}",
        second.output()
    );
    let ids = sink.message_ids();
    assert_eq!(ids.len(), 200, "every message arrived at least once");
    assert_eq!(count(&pool, "waiting").await + count(&pool, "failed").await, 0);
    drop(second);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_down_for_a_minute_gets_everything_when_it_is_back() {
    let db = Database::create("mail_down").await;
    let addr = SmtpSink::unused_addr();
    let pool = connect(&db.url).await;
    let server = start(&db, &mail_env(&format!("smtp://{addr}")));
    queue(&pool, 20).await;

    let down_until = Instant::now() + Duration::from_secs(60);
    while Instant::now() < down_until {
        // Pages keep working while nothing can be sent.
        let page = get(server.addr, "/healthz", None).await;
        assert_eq!(page.status, 200);
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    assert_eq!(count(&pool, "waiting").await, 20, "nothing lost, nothing given up");
    let errors: i64 = sqlx::query_scalar("select count(*) from outbox where last_error is not null and tries > 1")
        .fetch_one(&pool)
        .await
        .expect("a count");
    assert_eq!(errors, 20, "each was tried again and says why it waits");

    let sink = SmtpSink::start_on(addr).await;
    assert!(
        all_sent(&pool, 20, Duration::from_secs(90)).await,
        "{}",
        server.output()
    );
    assert_eq!(sink.message_ids().len(), 20);
    drop(server);
    pool.close().await;
}
