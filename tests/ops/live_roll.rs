//! The honor roll in memory on two instances: a change made through either,
//! or straight in the database, reaches both visitors' rolls.

use std::time::{Duration, Instant};

use crate::support::{
    Database, Server, connect, create_heroes, create_runner, create_user, get, hero_name, mile_form, post_form, sign_in,
};

/// Waits until a visitor's `path` on `server` does (or does not) show `text`.
async fn shown(server: &Server, path: &str, text: &str, wanted: bool) {
    let started = Instant::now();
    loop {
        let page = get(server.addr, path, None).await;
        assert_eq!(page.status, 200, "{path}");
        if page.body.contains(text) == wanted {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} on {}: {text:?} shown is still {}:\n{}",
            server.addr,
            !wanted,
            server.output()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_reaches_the_roll_in_memory_of_both() {
    let db = Database::fresh("live_roll");
    let env = [("RATE_LIMIT_PER_MINUTE", "0"), ("PUBLIC_CACHE_SECONDS", "0")];
    let (a, b) = (Server::spawn(&db.url, &env), Server::spawn(&db.url, &env));
    let (a, b) = (a.ready(), b.ready());
    let pool = connect(&db.url).await;

    // Confirmed in the database (an import does so): found on both.
    let hero = create_heroes(&pool, 1).await[0];
    let name = hero_name(&pool, hero).await;
    let search = format!("/honor-roll?q={}", name.replace(' ', "+"));
    // The link to the hero's page (the search box shows the name typed).
    let link = format!("href=\"/heroes/{hero}\"");
    for server in [&a, &b] {
        shown(server, &search, &link, true).await;
        shown(server, "/honor-roll?status=honored", &link, false).await;
    }

    // A mile logged through A: the hero is honored on both.
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let cookie = sign_in(a.addr, "sam@example.org").await;
    let runner = create_runner(&pool, "Zechariah").await;
    let saved = post_form(a.addr, "/staff/miles", Some(&cookie), &mile_form(hero, runner)).await;
    assert!(saved.saved_mile().is_some(), "{} {}", saved.status, saved.body);
    for server in [&a, &b] {
        shown(server, "/honor-roll?status=honored", &link, true).await;
        shown(server, "/honor-roll?status=waiting", &link, false).await;
    }

    // Back to a draft: gone from both.
    sqlx::query("update heroes set confirmed_at = null, confirmation_source = null where id = $1")
        .bind(hero)
        .execute(&pool)
        .await
        .expect("back to a draft");
    for server in [&a, &b] {
        shown(server, &search, &link, false).await;
    }
    pool.close().await;
}
