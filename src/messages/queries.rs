//! The outbox's SQL: queue in the caller's transaction, claim under a lease with
//! `FOR UPDATE SKIP LOCKED` (so instances never take the same message), then
//! mark each sent, to be tried again later, or failed.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{Claimed, NewMessage, OutboxRow, OutboxState};

pub async fn insert(db: impl PgExecutor<'_>, m: &NewMessage, now: DateTime<Utc>) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into outbox (id, kind, to_address, subject, body_text, body_html, next_try_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $7)",
        id,
        m.kind,
        m.to,
        m.subject,
        m.text,
        m.html,
        now
    )
    .execute(db)
    .await?;
    Ok(id)
}

/// Takes up to `limit` messages that are due and held by nobody, holding them
/// until `lease_until`; each claim counts as a try.
pub async fn claim(
    db: impl PgExecutor<'_>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    sqlx::query_as!(
        Claimed,
        "update outbox set lease_until = $2, tries = tries + 1
         where id in (select id from outbox
                      where state = 'waiting' and next_try_at <= $1 and (lease_until is null or lease_until < $1)
                      order by next_try_at, id
                      limit $3
                      for update skip locked)
         returning id, to_address, subject, body_text, body_html, tries",
        now,
        lease_until,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn mark_sent(db: impl PgExecutor<'_>, id: Uuid, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "update outbox set state = 'sent', sent_at = $2, lease_until = null, last_error = null
         where id = $1 and state = 'waiting'",
        id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A try that did not work: again at `next_try_at`, or failed for good when that is none.
pub async fn mark_unsent(
    db: impl PgExecutor<'_>,
    id: Uuid,
    error: &str,
    next_try_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    let error: String = error.chars().take(2000).collect();
    sqlx::query!(
        "update outbox set lease_until = null, last_error = $2,
                state = case when $3::timestamptz is null then 'failed'::outbox_state else state end,
                next_try_at = coalesce($3, next_try_at)
         where id = $1 and state = 'waiting'",
        id,
        error,
        next_try_at
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A failed message back to waiting, due now, with its tries counted afresh.
/// False when it was not failed.
pub async fn retry(db: impl PgExecutor<'_>, id: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update outbox set state = 'waiting', tries = 0, next_try_at = $2, lease_until = null
         where id = $1 and state = 'failed'",
        id,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest messages first.
pub async fn newest(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as!(
        OutboxRow,
        r#"select id, kind, to_address, subject, body_text, state as "state: OutboxState", tries, next_try_at,
                  last_error, created_at, sent_at
           from outbox order by created_at desc, id desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// Messages waiting to be sent, and messages failed for good: the metrics' gauges.
pub async fn depth(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    let row = sqlx::query!(
        r#"select count(*) filter (where state = 'waiting') as "waiting!",
                  count(*) filter (where state = 'failed') as "failed!"
           from outbox"#
    )
    .fetch_one(db)
    .await?;
    Ok((row.waiting, row.failed))
}
