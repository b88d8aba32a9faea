//! The demo data: `honor-mile demo` on a fresh database loads a consistent
//! program (gapless numbers, a flag per mile at every step, counted grants
//! numbered without gaps), marks the database so pages say "Demo data", and
//! refuses a database that already holds real records.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use honor_mile::clock::SystemClock;
use honor_mile::demo::{self, DemoError};
use honor_mile::state::AppState;
use sqlx::PgPool;

use crate::helpers::{Role, TestApp, page_text, test_config};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

async fn load(pool: &PgPool) -> Result<demo::Loaded, DemoError> {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).single().expect("time");
    demo::load(pool, today(), now).await
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_demo_loads_a_consistent_program_into_an_empty_database(pool: PgPool) {
    let loaded = load(&pool).await.expect("demo loads");
    assert_eq!((loaded.heroes, loaded.miles), (320, 230));
    let app = TestApp::new(pool.clone()).await;
    let checks: &[(&str, i64)] = &[
        ("select count(*) from heroes where confirmed_at is not null", 310),
        ("select count(distinct (country, region)) from heroes", 53),
        ("select count(distinct service) from heroes", 6),
        // Nobody served longer than the years since they turned 18.
        ("select count(*) from heroes where years_of_service > age - 18", 0),
        ("select count(*) from heroes where years_of_service is not null", 288),
        ("select count(distinct extract(year from end_of_watch)) from heroes", 34),
        // Numbers 1..230, no gaps, and the counter stands at the last one.
        (
            "select count(distinct number) from miles where number between 1 and 230",
            230,
        ),
        ("select last_value from mile_counters where name = 'mile'", 230),
        ("select count(*) from miles where voided_at is not null", 1),
        (
            "select count(*) from (select k9_number, row_number() over (order by k9_number) as n from miles
                                   where k9_number is not null) k where k9_number <> n",
            0,
        ),
        (
            "select (select last_value from mile_counters where name = 'k9') - (select max(k9_number) from miles)",
            0,
        ),
        ("select count(*) from flags", 230),
        ("select count(distinct step) from flags", 7),
        (
            "select count(*) from flags f where not exists (select 1 from flag_history h where h.flag_id = f.id)",
            0,
        ),
        (
            "select count(*) from runs where status = 'scheduled' and run_date >= '2026-11-23'",
            5,
        ),
        ("select count(*) from runs where status = 'cancelled'", 1),
        (
            "select count(distinct grant_month) from grant_applications where recipient_number is not null",
            14,
        ),
        (
            "select count(*) from (select recipient_number, row_number() over (order by recipient_number) as n
                                   from grant_applications where recipient_number is not null) g
             where recipient_number <> n",
            0,
        ),
        (
            "select (select last_number from grant_recipient_counter)
                  - (select count(*) from grant_applications where recipient_number is not null)",
            0,
        ),
        ("select count(distinct status) from grant_applications", 5),
        (
            "select count(*) from campaigns where opens_on <= '2026-11-23' and closes_on >= '2026-11-23'",
            1,
        ),
        ("select count(*) from demo_data", 1),
        // Every runner may still run: only the young one has a birth year, and is under 16.
        (
            "select count(*) from runners where active and (birth_year is null or birth_year + 16 >= 2026)",
            4,
        ),
        (
            "select count(*) from users where active or password_hash is not null or role = 'admin'",
            0,
        ),
    ];
    for (sql, expected) in checks {
        assert_eq!(
            app.count(sqlx::AssertSqlSafe(format!("select ({sql})::bigint"))).await,
            *expected,
            "{sql}"
        );
    }
    // The public pages show it, and an admin can still be set up.
    let visitor = app.browser();
    let home = page_text(&visitor.get("/").await.text());
    assert!(home.contains("229 miles run"), "{home}");
    let campaign_hero: uuid::Uuid = sqlx::query_scalar("select hero_id from campaigns where closes_on >= '2026-11-23'")
        .fetch_one(&pool)
        .await
        .expect("campaign");
    let hero_page = visitor.get(&format!("/heroes/{campaign_hero}")).await.text();
    assert!(hero_page.contains("Help the family home for the holidays"));
    assert!(
        honor_mile::accounts::tokens::first_admin_link(&pool, Utc::now())
            .await
            .expect("setup link")
            .is_some()
    );
    assert!(matches!(load(&pool).await, Err(DemoError::AlreadyLoaded)));
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn pages_say_demo_data_when_the_database_holds_it(pool: PgPool) {
    load(&pool).await.expect("demo loads");
    let mut state = AppState::new(pool.clone(), test_config(&[]), Arc::new(SystemClock)).expect("state");
    state.demo = demo::is_loaded(&pool).await.expect("flag");
    let server = axum_test::TestServer::new(honor_mile::router(state));
    for page in ["/", "/honor-roll", "/runs", "/login"] {
        let text = page_text(&server.get(page).await.text());
        assert!(
            text.contains("Demo data. Every hero, run, grant and campaign here is invented"),
            "{page}"
        );
    }
    let plain = TestApp::new(pool).await.browser().get("/").await.text();
    assert!(
        !plain.contains("demo-notice"),
        "only when the server found the mark at start"
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_demo_refuses_a_database_with_a_real_hero(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    app.seed_heroes(&[("Ann Real", "Springfield Police Department", "US", "IL", "2020-01-05")])
        .await;
    match load(&pool).await {
        Err(e @ DemoError::NotEmpty(_)) => {
            let line = e.to_string();
            assert!(
                line.contains("already holds 1 heroes") && line.contains("empty database"),
                "{line}"
            );
            assert!(!line.contains('\n'), "one line");
        }
        other => panic!("refused, not {other:?}"),
    }
    assert_eq!(app.count("select count(*) from heroes").await, 1, "nothing added");
    assert_eq!(app.count("select count(*) from users").await, 0);
    assert_eq!(app.count("select count(*) from demo_data").await, 0);
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_demo_loads_next_to_the_first_admin_account(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    load(&pool).await.expect("accounts are not program records");
    let page = admin.get("/admin/grants").await;
    assert_eq!(page.status_code(), 200);
}
