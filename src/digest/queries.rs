//! The SQL of the digest's days: claim one, find the one before, count what it sent.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;

/// Claims `day` for this round; false when it was claimed already. Inside the
/// round's transaction, a second claim of the same day waits for the first to
/// commit or roll back.
pub async fn claim(db: impl PgExecutor<'_>, day: NaiveDate, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "insert into digest_days (day, claimed_at) values ($1, $2) on conflict (day) do nothing",
        day,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When the last digest before `day` was made, if ever.
pub async fn claimed_before(db: impl PgExecutor<'_>, day: NaiveDate) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"select max(claimed_at) as "at: DateTime<Utc>" from digest_days where day < $1"#,
        day
    )
    .fetch_one(db)
    .await
}

/// Notes how many digests the day's round queued.
pub async fn record_sent(db: impl PgExecutor<'_>, day: NaiveDate, sent: usize) -> sqlx::Result<()> {
    let sent = i32::try_from(sent).unwrap_or(i32::MAX);
    sqlx::query!("update digest_days set sent = $2 where day = $1", day, sent)
        .execute(db)
        .await?;
    Ok(())
}
