//! Sign-in throttling, counted in PostgreSQL so every instance shares the counts:
//! 10 failures on one account within 15 minutes lock it for 15 minutes; one
//! address gets more room (an office shares one), then is locked the same way.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;

pub const ACCOUNT_LIMIT: i32 = 10;
pub const ADDRESS_LIMIT: i32 = 50;
pub const WINDOW: Duration = Duration::minutes(15);
pub const LOCK: Duration = Duration::minutes(15);

pub fn account_key(email: &str) -> String {
    format!(
        "email:{}",
        email.trim().to_lowercase().chars().take(260).collect::<String>()
    )
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// The time the key's lock ends, if it is locked now.
pub async fn locked_until(
    db: impl PgExecutor<'_>,
    key: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let until = sqlx::query_scalar!(
        r#"select locked_until as "locked_until!: DateTime<Utc>" from login_throttle
           where key = $1 and locked_until > $2"#,
        key,
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(until)
}

/// Counts one failure; locks the key when it reaches `limit` within the window.
/// A window that has passed, or a lock that has ended, starts the count again.
pub async fn record_failure(db: impl PgExecutor<'_>, key: &str, limit: i32, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        r#"insert into login_throttle as t (key, failures, window_started_at, locked_until)
           values ($1, 1, $2, case when 1 >= $4::int then $5::timestamptz end)
           on conflict (key) do update set
             failures = case when t.window_started_at <= $3 or t.locked_until is not null then 1
                             else t.failures + 1 end,
             window_started_at = case when t.window_started_at <= $3 or t.locked_until is not null then $2
                                      else t.window_started_at end,
             locked_until = case when t.window_started_at > $3 and t.locked_until is null
                                      and t.failures + 1 >= $4::int then $5::timestamptz end"#,
        key,
        now,
        now - WINDOW,
        limit,
        now + LOCK
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Clears an account's failures after a successful sign-in.
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query!("delete from login_throttle where key = $1", key)
        .execute(db)
        .await?;
    Ok(())
}
