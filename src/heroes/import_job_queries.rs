//! The SQL of the import as background work: pressing Import queues it, a worker
//! claims it under a lease (`FOR UPDATE SKIP LOCKED`, so two instances never take
//! the same import) and renews the lease while it works. Every write after the
//! claim names the attempt it belongs to, so a worker whose lease ran out and
//! was taken over can change nothing any more.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

/// An import a worker has claimed, with the person who pressed Import.
pub struct Claimed {
    pub id: Uuid,
    pub rows: serde_json::Value,
    /// This claim's number (1 for the first); the token of its writes.
    pub attempt: i32,
    pub started_by: Uuid,
    pub started_by_email: String,
}

/// Queues a previewed import for the workers, once however often the button
/// is pressed; false when it was started already.
pub async fn queue(db: impl PgExecutor<'_>, id: Uuid, by: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hero_imports set state = 'running', started_by = $2, started_at = $3, attempts = 0,
                lease_until = null, processed = 0
         where id = $1 and state = 'previewed'",
        id,
        by,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a failed import back in the queue, its attempts counted afresh, as
/// started by `by`; false when it is not failed or its rows are no longer kept.
pub async fn run_again(db: impl PgExecutor<'_>, id: Uuid, by: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hero_imports set state = 'running', started_by = $2, started_at = $3, attempts = 0,
                lease_until = null, processed = 0, imported = 0, failure = null, finished_at = null
         where id = $1 and state = 'failed' and rows <> '[]'::jsonb",
        id,
        by,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Takes the oldest running import that nobody holds (never claimed, or its
/// lease ran out) and has attempts left, holding it until `lease_until`; each
/// claim counts as an attempt, and the run starts again from nothing.
pub async fn claim(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    max_attempts: i32,
) -> sqlx::Result<Option<Claimed>> {
    sqlx::query_as!(
        Claimed,
        r#"update hero_imports i set lease_until = $2, attempts = i.attempts + 1, processed = 0
           from users u
           where i.id = (select id from hero_imports
                         where state = 'running' and (lease_until is null or lease_until < $1) and attempts < $3
                         order by started_at nulls first, id
                         limit 1
                         for update skip locked)
             and u.id = coalesce(i.started_by, i.created_by)
           returning i.id, i.rows, i.attempts as attempt, u.id as started_by, u.email as started_by_email"#,
        now,
        lease_until,
        max_attempts
    )
    .fetch_optional(db)
    .await
}

/// The heartbeat: holds the import until `lease_until`; false when this
/// attempt no longer holds it (another worker took it over).
pub async fn renew(db: impl PgExecutor<'_>, id: Uuid, attempt: i32, lease_until: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hero_imports set lease_until = $3 where id = $1 and attempts = $2 and state = 'running'",
        id,
        attempt,
        lease_until
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_processed(db: impl PgExecutor<'_>, id: Uuid, attempt: i32, processed: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "update hero_imports set processed = $3 where id = $1 and attempts = $2 and state = 'running'",
        id,
        attempt,
        processed
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the import done, in the transaction that inserted its heroes, so both
/// land together; false when this attempt no longer holds it, and the caller
/// then rolls its transaction back.
pub async fn finish_done(
    db: impl PgExecutor<'_>,
    id: Uuid,
    attempt: i32,
    imported: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update hero_imports set state = 'done', imported = $3, processed = to_add, finished_at = $4,
                lease_until = null
         where id = $1 and attempts = $2 and state = 'running'",
        id,
        attempt,
        imported,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An attempt that stopped on an error: free for the next claim, or failed
/// with `failure` when `give_up`.
pub async fn release(
    db: impl PgExecutor<'_>,
    id: Uuid,
    attempt: i32,
    give_up: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update hero_imports set lease_until = null, processed = 0,
                state = case when $3::text is null then state else 'failed'::import_state end,
                failure = $3, finished_at = case when $3::text is null then null else $4::timestamptz end
         where id = $1 and attempts = $2 and state = 'running'",
        id,
        attempt,
        give_up,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An attempt its server stopped on purpose (SIGTERM, a deploy) before it
/// committed: free for the next claim at once, and not counted.
pub async fn hand_back(db: impl PgExecutor<'_>, id: Uuid, attempt: i32) -> sqlx::Result<()> {
    sqlx::query!(
        "update hero_imports set lease_until = null, processed = 0, attempts = attempts - 1
         where id = $1 and attempts = $2 and state = 'running'",
        id,
        attempt
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks failed every running import that nobody holds and that has no
/// attempts left (its last server stopped while running it); their ids.
pub async fn fail_exhausted(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    max_attempts: i32,
    failure: &str,
) -> sqlx::Result<Vec<Uuid>> {
    sqlx::query_scalar!(
        "update hero_imports set state = 'failed', failure = $3, finished_at = $1, lease_until = null, processed = 0
         where state = 'running' and (lease_until is null or lease_until < $1) and attempts >= $2
         returning id",
        now,
        max_attempts,
        failure
    )
    .fetch_all(db)
    .await
}

/// Imports waiting for a worker or running, and imports failed for good: the
/// metrics' gauges of the job queue.
pub async fn depth(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    let row = sqlx::query!(
        r#"select count(*) filter (where state = 'running') as "running!",
                  count(*) filter (where state = 'failed') as "failed!"
           from hero_imports"#
    )
    .fetch_one(db)
    .await?;
    Ok((row.running, row.failed))
}
