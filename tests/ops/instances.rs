//! Two servers on one database: everything they share lives in PostgreSQL.

use crate::support::{
    Database, PASSWORD, Server, connect, create_heroes, create_runner, create_user, get, mile_form, post_form, sign_in,
    sign_in_attempt,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_lockouts_and_numbers_and_migrate_once() {
    // Both start at once against a database that does not exist yet: they race to
    // create and migrate it.
    let db = Database::fresh("instances");
    let a = Server::spawn(&db.url, &[]);
    let b = Server::spawn(&db.url, &[]);
    let (a, b) = (a.ready(), b.ready());

    let pool = connect(&db.url).await;
    let (applied, succeeded): (i64, bool) =
        sqlx::query_as("select count(*), coalesce(bool_and(success), false) from _sqlx_migrations")
            .fetch_one(&pool)
            .await
            .expect("the migrations table");
    assert_eq!(
        applied,
        honor_mile::MIGRATOR.iter().count() as i64,
        "each migration once"
    );
    assert!(succeeded);

    // A session made on one works on the other, and signing out on one ends it on both.
    create_user(&pool, "sam@example.org", "Sam Staff", "staff").await;
    let cookie = sign_in(a.addr, "sam@example.org").await;
    let desk = get(b.addr, "/staff", Some(&cookie)).await;
    assert_eq!(desk.status, 200, "the session from A works on B");
    assert!(desk.body.contains("Sam Staff"));
    assert_eq!(post_form(b.addr, "/logout", Some(&cookie), &[]).await.status, 303);
    let after = get(a.addr, "/staff", Some(&cookie)).await;
    assert_eq!(after.status, 303, "signed out on B is signed out on A");
    assert!(after.location().starts_with("/login"));

    // Ten failures split between the two lock the account on both.
    create_user(&pool, "lee@example.org", "Lee Staff", "staff").await;
    for attempt in 0..10 {
        let server = if attempt % 2 == 0 { &a } else { &b };
        let wrong = sign_in_attempt(server.addr, "lee@example.org", "not the password at all").await;
        assert_eq!(wrong.status, 422, "attempt {attempt}");
    }
    for server in [&a, &b] {
        let locked = sign_in_attempt(server.addr, "lee@example.org", PASSWORD).await;
        assert_eq!(locked.status, 429, "the right password is refused while locked");
        assert!(locked.session_cookie().is_none());
    }

    // Miles logged on either get the program's next number.
    let runner = create_runner(&pool, "Zechariah").await;
    let heroes = create_heroes(&pool, 4).await;
    let cookie = sign_in(b.addr, "sam@example.org").await;
    for (i, hero) in heroes.iter().enumerate() {
        let server = if i % 2 == 0 { &a } else { &b };
        let saved = post_form(server.addr, "/staff/miles", Some(&cookie), &mile_form(*hero, runner)).await;
        assert!(
            saved.saved_mile().is_some(),
            "mile {i}: {} {}",
            saved.status,
            saved.body
        );
    }
    assert_eq!(crate::support::mile_numbers(&pool).await, vec![1, 2, 3, 4]);
    pool.close().await;
}
