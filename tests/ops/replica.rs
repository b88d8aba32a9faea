//! A read replica (`DATABASE_READ_URL`): a private primary cluster and a
//! streaming replica of it made with `pg_basebackup`; visitors' pages come from
//! the replica, signed-in pages from the primary, and visitors' pages from the
//! primary again while the replica is down.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::support::{BIN, Cluster, Server, connect, create_heroes, create_user, get, hero_name, sign_in};

/// Asks `path` until its answer is `status` and contains `text`, for at most `within`.
async fn eventually(server: &Server, path: &str, cookie: Option<&str>, status: u16, text: &str, within: Duration) {
    let started = Instant::now();
    loop {
        let response = get(server.addr, path, cookie).await;
        if response.status == status && response.body.contains(text) {
            return;
        }
        assert!(
            started.elapsed() < within,
            "{path} still answers {} without {text:?} after {within:?}:\n{}",
            response.status,
            server.output()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `honor-mile check` with these two databases.
fn check(database_url: &str, read_url: &str) -> Output {
    Command::new(BIN)
        .arg("check")
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", database_url)
        .env("DATABASE_READ_URL", read_url)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("UPLOADS_DIR", std::env::temp_dir())
        .output()
        .expect("run honor-mile check")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_read_from_the_replica_and_from_the_primary_while_it_is_down() {
    let primary = Cluster::start();
    let replica = Cluster::replica_of(&primary);
    // The database is created on the primary and reaches the replica by
    // streaming, before the server starts, as on a server in service.
    let admin = connect(&primary.url("postgres")).await;
    sqlx::query("create database honor_mile")
        .execute(&admin)
        .await
        .expect("create the database");
    admin.close().await;
    let started = Instant::now();
    let standby = loop {
        if let Ok(pool) = sqlx::PgPool::connect(&replica.url("honor_mile")).await {
            break pool;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the database never reached the replica"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // `honor-mile check` accepts the replica, and refuses a server that is not a standby.
    let checked = check(&primary.url("honor_mile"), &replica.url("honor_mile"));
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    assert!(String::from_utf8_lossy(&checked.stdout).contains("The read replica answers at"));
    let checked = check(&primary.url("honor_mile"), &primary.url("honor_mile"));
    assert!(!checked.status.success());
    assert!(String::from_utf8_lossy(&checked.stderr).contains("is not a standby"));

    let server = Server::start(
        &primary.url("honor_mile"),
        &[
            ("DATABASE_READ_URL", replica.url("honor_mile").as_str()),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            // The honor roll from the replica too; the roll in memory follows
            // the primary (`live_roll.rs` shows it on two instances).
            ("ROLL_IN_MEMORY", "false"),
        ],
    );
    assert!(
        server.output().contains("public pages read from the replica"),
        "the server says where public pages read from:\n{}",
        server.output()
    );
    let pool = connect(&primary.url("honor_mile")).await;
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let cookie = sign_in(server.addr, "sam@example.org").await;

    // A hero confirmed on the primary appears on the honor roll once replicated.
    let first = create_heroes(&pool, 1).await[0];
    let first_name = hero_name(&pool, first).await;
    eventually(&server, "/honor-roll", None, 200, &first_name, Duration::from_secs(20)).await;

    // With the replica's replay paused, a hero confirmed now is on the primary only.
    sqlx::query("select pg_wal_replay_pause()")
        .execute(&standby)
        .await
        .expect("pause replay on the replica");
    let started = Instant::now();
    loop {
        let state: String = sqlx::query_scalar("select pg_get_wal_replay_pause_state()")
            .fetch_one(&standby)
            .await
            .expect("the replay's state");
        if state == "paused" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "replay never paused");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = create_heroes(&pool, 1).await[0];
    let second_name = hero_name(&pool, second).await;
    let on_replica: i64 = sqlx::query_scalar("select count(*) from heroes where id = $1")
        .bind(second)
        .fetch_one(&standby)
        .await
        .expect("count on the replica");
    assert_eq!(on_replica, 0, "the paused replica does not have the second hero yet");
    let page = format!("/heroes/{second}");
    // Visitors read from the replica: not there yet.
    assert_eq!(
        get(server.addr, &page, None).await.status,
        404,
        "a visitor reads the replica"
    );
    let roll = get(server.addr, "/honor-roll", None).await;
    assert_eq!(roll.status, 200);
    assert!(roll.body.contains(&first_name) && !roll.body.contains(&second_name));
    // Signed-in people read from the primary: they see what was just written.
    let signed_in = get(server.addr, &page, Some(&cookie)).await;
    assert_eq!(signed_in.status, 200, "a signed-in page reads the primary");
    assert!(signed_in.body.contains(&second_name));
    let roll = get(server.addr, "/honor-roll", Some(&cookie)).await;
    assert!(
        roll.body.contains(&second_name),
        "the signed-in honor roll reads the primary"
    );

    // Replay resumed: visitors see the hero once replicated.
    sqlx::query("select pg_wal_replay_resume()")
        .execute(&standby)
        .await
        .expect("resume replay");
    eventually(&server, &page, None, 200, &second_name, Duration::from_secs(20)).await;
    eventually(&server, "/honor-roll", None, 200, &second_name, Duration::from_secs(20)).await;
    standby.close().await;

    // The replica goes down: visitors' pages come from the primary within seconds.
    replica.stop();
    let third = create_heroes(&pool, 1).await[0];
    let third_name = hero_name(&pool, third).await;
    eventually(&server, "/honor-roll", None, 200, &third_name, Duration::from_secs(15)).await;
    eventually(
        &server,
        &format!("/heroes/{third}"),
        None,
        200,
        &third_name,
        Duration::from_secs(5),
    )
    .await;
    assert!(
        server
            .output()
            .contains("the read replica does not answer; public pages read from the primary"),
        "the fallback is logged:\n{}",
        server.output()
    );

    // Back up, it is used again.
    replica.resume();
    let started = Instant::now();
    while !server.output().contains("the read replica answers again") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the replica was not taken back:\n{}",
            server.output()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eventually(&server, "/honor-roll", None, 200, &third_name, Duration::from_secs(5)).await;
    pool.close().await;
}
