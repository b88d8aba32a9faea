//! Searching by agency, generic words that do not widen a search, and counts
//! that are kept or capped instead of counted on every page.

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, page_text};
use crate::honor_roll::ROLL_HEROES;

fn names_on(html: &str) -> Vec<String> {
    let mut names = crate::honor_roll::names_on(html);
    names.sort();
    names
}

async fn seeded(pool: PgPool) -> TestApp {
    let app = TestApp::new(pool).await;
    app.seed_heroes(&ROLL_HEROES).await;
    app
}

async fn found(app: &TestApp, q: &str) -> Vec<String> {
    names_on(&app.browser().get(&format!("/honor-roll?q={q}")).await.text())
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn an_agency_is_found_by_its_words_in_any_order_and_spelling(pool: PgPool) {
    let app = seeded(pool).await;
    for (q, expected) in [
        ("fountain+police", vec!["Julian Becerra"]),
        ("police+fountain", vec!["Julian Becerra"]),
        ("el+paso+sheriff", vec!["Andrew Peery"]),
        ("huntsvile+police+departmnt", vec!["Garrett Crumby"]),
        ("boston+fire", vec!["Mary-Kate O'Neil"]),
        ("service+de+police+montreal", vec!["André Dubois"]),
        ("MONTR%C3%89AL", vec!["André Dubois"]),
        ("toronto", vec!["Jeffrey Northrup"]),
    ] {
        assert_eq!(found(&app, q).await, expected, "{q}");
    }
    // Every word counts: two agencies hold both words, the others do not.
    assert_eq!(
        found(&app, "police+department").await,
        vec!["Garrett Crumby", "Julian Becerra"]
    );
    assert_eq!(found(&app, "fire+department").await, vec!["Mary-Kate O'Neil"]);
    // A letter swapped or dropped in a short word is still found.
    assert_eq!(found(&app, "julain+becerra").await, vec!["Julian Becerra"]);
    assert_eq!(found(&app, "garett+crumby").await, vec!["Garrett Crumby"]);
    assert_eq!(found(&app, "bostno").await, vec!["Mary-Kate O'Neil"]);
    assert_eq!(found(&app, "andrw+pery").await, vec!["Andrew Peery"]);
    // Two edits from "boston" (a letter dropped and another added), though both
    // lose a letter to the same "oston": not a spelling of it. Its trigram
    // similarity to "boston" (3 of 11) is under pg_trgm's 0.3, so only the
    // one-edit check could let it through.
    assert!(found(&app, "ostony").await.is_empty());
    // A name and an agency together narrow to the one hero.
    assert_eq!(found(&app, "becerra+fountain").await, vec!["Julian Becerra"]);
    assert!(found(&app, "becerra+boston").await.is_empty());
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn generic_words_do_not_widen_a_search(pool: PgPool) {
    let app = TestApp::new(pool).await;
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Officer ' || n, 'Ridgeville Police Department', 'US', 'TX', 'police',
                date '2020-01-01' + n, 'fall', now(), 'test', now(), now()
         from generate_series(1, 60) n",
    )
    .execute(&app.pool)
    .await
    .expect("sixty officers of one department");
    app.seed_heroes(&[
        ("Jane Doe", "Ridgeville Police Department", "US", "TX", "2019-03-03"),
        ("Jon Doerr", "Department of Corrections", "US", "TX", "2018-03-03"),
    ])
    .await;
    assert_eq!(found(&app, "doe+police+department").await, vec!["Jane Doe"]);
    assert_eq!(found(&app, "jane+doe+ridgeville").await, vec!["Jane Doe"]);
    assert_eq!(found(&app, "department+of+corrections").await, vec!["Jon Doerr"]);
    let page = page_text(&app.browser().get("/honor-roll?q=police+department").await.text());
    assert!(page.contains("61 heroes match."), "{page}");
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn counts_beyond_their_cap_say_more_than(pool: PgPool) {
    let app = TestApp::new(pool).await;
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                             confirmed_at, confirmation_source, created_at, updated_at)
         select gen_random_uuid(), 'Hero ' || n, 'Agency ' || (n % 9), 'US', 'TX',
                case when n % 2 = 0 then 'police' else 'fire' end::hero_service,
                date '1990-01-01' + n, 'fall', now(), 'test', now(), now()
         from generate_series(1, 2105) n",
    )
    .execute(&app.pool)
    .await
    .expect("two thousand heroes");
    let all = page_text(&app.browser().get("/honor-roll").await.text());
    assert!(
        all.contains("2,105 heroes."),
        "the whole roll is counted exactly: {all}"
    );
    let police = page_text(&app.browser().get("/honor-roll?service=police").await.text());
    assert!(police.contains("More than 1,000 heroes match"), "{police}");
    let searched = app.browser().get("/honor-roll?q=hero+agency").await.text();
    assert!(page_text(&searched).contains("More than 500 heroes match"));
    assert_eq!(names_on(&searched).len(), 50, "a full first page");
    let few = page_text(&app.browser().get("/honor-roll?q=agency&year=1991").await.text());
    assert!(few.contains("365 heroes match."), "{few}");

    let api: Value = app.browser().get("/api/heroes?service=fire").await.json();
    assert_eq!(
        (api["total"].clone(), api["total_capped"].clone()),
        (1000.into(), true.into())
    );
    let api: Value = app.browser().get("/api/heroes?state=TX&year=1991").await.json();
    assert_eq!(
        (api["total"].clone(), api["total_capped"].clone()),
        (365.into(), false.into())
    );
}

#[sqlx::test(migrator = "honor_mile::MIGRATOR")]
async fn the_roll_total_follows_confirmations_and_deletions(pool: PgPool) {
    let app = seeded(pool).await;
    let total = || async { page_text(&app.browser().get("/honor-roll").await.text()) };
    assert!(total().await.contains("6 heroes."));
    sqlx::query(
        "insert into heroes (id, full_name, agency, country, region, service, end_of_watch, cause,
                             created_at, updated_at)
         values (gen_random_uuid(), 'Draft Hero', 'Agency', 'US', 'TX', 'police', '2020-01-01', 'fall', now(), now())",
    )
    .execute(&app.pool)
    .await
    .expect("a draft");
    assert!(total().await.contains("6 heroes."), "a draft is not counted");
    assert!(found(&app, "draft+hero").await.is_empty(), "nor found");
    sqlx::query("update heroes set confirmed_at = now(), confirmation_source = 'test' where full_name = 'Draft Hero'")
        .execute(&app.pool)
        .await
        .expect("confirmed");
    assert!(total().await.contains("7 heroes."));
    assert_eq!(found(&app, "draft+hero").await, vec!["Draft Hero"]);
    sqlx::query("delete from heroes where full_name = 'Draft Hero'")
        .execute(&app.pool)
        .await
        .expect("deleted");
    assert!(total().await.contains("6 heroes."));
    let kept = app.count("select heroes from roll_totals").await;
    let counted = app
        .count("select count(*) from heroes where confirmed_at is not null")
        .await;
    assert_eq!(kept, counted);
}
