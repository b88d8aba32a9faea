//! The demo: `honor-mile demo` loads a small, realistic, invented data set into
//! an empty database so a newcomer sees every page with something on it: 320
//! heroes across states, provinces, services and years (ten still drafts), four
//! runners, 230 numbered miles over two years (one voided) with their completed
//! runs, upcoming runs, a flag at every step of its way, grants counted and paid
//! across fourteen months with applications waiting, and family campaigns.
//!
//! It refuses a database that already holds records of the program (heroes,
//! runners, runs, miles, grant applications or campaigns): demo data must never
//! mix with real records. Accounts do not count, so an admin who has just set
//! up a fresh install may load it; the demo adds three inactive accounts without
//! passwords that its records name. It marks the database (`demo_data`), and
//! every page then carries a "Demo data" notice. Ids and dates are derived from
//! fixed numbers and the day it is loaded, so the pages are the same each time.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;

const DEMO_SQL: &str = include_str!("demo.sql");

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "this database already holds {0}; the demo loads only into an empty database (set DATABASE_URL to a new one)"
    )]
    NotEmpty(String),
    #[error("this database already holds the demo data")]
    AlreadyLoaded,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What the demo loaded, as counted afterwards.
#[derive(Debug)]
pub struct Loaded {
    pub heroes: i64,
    pub miles: i64,
    pub grants: i64,
}

/// True when the database holds the demo data.
pub async fn is_loaded(pool: &PgPool) -> sqlx::Result<bool> {
    sqlx::query_scalar!(r#"select exists(select 1 from demo_data) as "loaded!""#)
        .fetch_one(pool)
        .await
}

/// Loads the demo in one transaction, or refuses with the records found.
pub async fn load(pool: &PgPool, today: NaiveDate, now: DateTime<Utc>) -> Result<Loaded, DemoError> {
    let mut tx = pool.begin().await?;
    // Two loads started together: the second waits, then finds the first's records.
    sqlx::query!("select pg_advisory_xact_lock(hashtext('honor_mile_demo'))")
        .execute(&mut *tx)
        .await?;
    if sqlx::query_scalar!(r#"select exists(select 1 from demo_data) as "loaded!""#)
        .fetch_one(&mut *tx)
        .await?
    {
        return Err(DemoError::AlreadyLoaded);
    }
    let found = sqlx::query!(
        r#"select (select count(*) from heroes) as "heroes!", (select count(*) from runners) as "runners!",
                  (select count(*) from runs) as "runs!", (select count(*) from miles) as "miles!",
                  (select count(*) from grant_applications) as "grants!",
                  (select count(*) from campaigns) as "campaigns!""#
    )
    .fetch_one(&mut *tx)
    .await?;
    let held: Vec<String> = [
        (found.heroes, "heroes"),
        (found.runners, "runners"),
        (found.runs, "runs"),
        (found.miles, "miles"),
        (found.grants, "grant applications"),
        (found.campaigns, "campaigns"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, what)| format!("{count} {what}"))
    .collect();
    if !held.is_empty() {
        return Err(DemoError::NotEmpty(held.join(", ")));
    }
    sqlx::query!(
        r#"select set_config('honor_mile.demo_today', $1, true) as "today!",
                  set_config('honor_mile.demo_now', $2, true) as "now!""#,
        today.to_string(),
        now.to_rfc3339()
    )
    .fetch_one(&mut *tx)
    .await?;
    // A section at a time (each starts with a comment after a blank line), so no
    // one statement is slow enough for sqlx to log the whole script.
    for section in DEMO_SQL.split("\n\n-- ") {
        // The sections are our own constant script, never input.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("-- {section}")))
            .execute(&mut *tx)
            .await?;
    }
    let loaded = sqlx::query_as!(
        Loaded,
        r#"select (select count(*) from heroes) as "heroes!", (select count(*) from miles) as "miles!",
                  (select count(*) from grant_applications) as "grants!""#
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(loaded)
}
