//! Sign-in throttling, counted in PostgreSQL so every instance shares the counts.
//!
//! An attempt is reserved before the slow check (argon2, a code) in one atomic
//! statement per key, so parallel attempts never check more than a key's limit,
//! on one instance or several; a reservation is given back when the attempt was
//! right. A lock that is still running is never touched by a new attempt. Keys:
//! - one account from one address: 10 in 15 minutes, so a stranger's guesses
//!   lock the stranger's address out of the account, not its owner;
//! - one account from every address: 100, the ceiling for guesses spread
//!   over many addresses;
//! - one address over every account: 50 (an office shares one);
//! - the passwords and codes typed again in an account's signed-in sessions: 10,
//!   apart from sign-in's counts, so failures elsewhere never block its owner.
//!
//! Each lock of a key lasts twice as long as the one before it (15 minutes, 30,
//! an hour, up to 16 hours) until the key has been quiet for a day.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgExecutor, PgPool};

pub const ACCOUNT_LIMIT: i32 = 10;
pub const ACCOUNT_CEILING: i32 = 100;
pub const ADDRESS_LIMIT: i32 = 50;
pub const WINDOW: Duration = Duration::minutes(15);
/// The first lock of a key; each further one doubles, at most six times.
pub const LOCK: Duration = Duration::minutes(15);

/// One key and how many attempts it allows within the window.
#[derive(Clone, Debug)]
pub struct Limit {
    pub key: String,
    pub limit: i32,
}

fn email_part(email: &str) -> String {
    email.trim().to_lowercase().chars().take(260).collect()
}

/// The key of one account from every address (the ceiling).
pub fn account_key(email: &str) -> String {
    format!("email:{}", email_part(email))
}

/// The key of one account from one address.
pub fn account_address_key(email: &str, ip: &str) -> String {
    format!("{}|ip:{}", account_key(email), ip.chars().take(100).collect::<String>())
}

pub fn address_key(ip: &str) -> String {
    format!("ip:{}", ip.chars().take(100).collect::<String>())
}

/// The key of the passwords and codes typed again in the account's sessions.
pub fn signed_in_key(email: &str) -> String {
    format!("signed-in:{}", email_part(email))
}

/// What an attempt to sign in (password or code) counts against, narrowest first.
pub fn sign_in_limits(email: &str, ip: &str) -> [Limit; 3] {
    [
        Limit {
            key: account_address_key(email, ip),
            limit: ACCOUNT_LIMIT,
        },
        Limit {
            key: account_key(email),
            limit: ACCOUNT_CEILING,
        },
        Limit {
            key: address_key(ip),
            limit: ADDRESS_LIMIT,
        },
    ]
}

/// What a password or code typed again in a signed-in session counts against.
pub fn signed_in_limit(email: &str) -> [Limit; 1] {
    [Limit {
        key: signed_in_key(email),
        limit: ACCOUNT_LIMIT,
    }]
}

/// The outcome of [`reserve`].
#[derive(Debug)]
pub enum Reservation {
    /// A key is locked: nothing was counted and nothing may be checked.
    Refused,
    /// The attempt is counted on every key and may be checked.
    Reserved(Reserved),
}

#[derive(Debug)]
pub struct Reserved {
    /// For each key, whether this attempt reached its limit and locked it.
    locked_now: Vec<bool>,
}

impl Reserved {
    /// Whether this attempt locked any key: the next one will be refused.
    pub fn locked(&self) -> bool {
        self.locked_now.iter().any(|l| *l)
    }

    /// Whether this attempt paused sign-in to the account itself (a key naming
    /// it; the limits list those first), not just its sender's address.
    pub fn locked_account(&self) -> bool {
        self.locked_now.iter().take(2).any(|l| *l)
    }
}

/// Counts one attempt on every key, in one transaction, before the attempt is
/// checked; refused (and nothing counted) when any key is locked. The attempt
/// that reaches a key's limit locks it, so no later one is checked.
pub async fn reserve(pool: &PgPool, limits: &[Limit], now: DateTime<Utc>) -> sqlx::Result<Reservation> {
    let mut tx = pool.begin().await?;
    let mut locked_now = Vec::with_capacity(limits.len());
    for limit in limits {
        // The row lock taken by the upsert orders parallel attempts; its `where`
        // leaves a running lock as it is, and then no row comes back. A count
        // goes on within its window; after the window or an ended lock it
        // starts again (the number of locks stays, for the next one's length).
        let counted = sqlx::query_scalar!(
            r#"insert into login_throttle as t (key, failures, window_started_at, locked_until, lockouts)
               values ($1, 1, $2::timestamptz,
                       case when $4::int <= 1 then $2::timestamptz + make_interval(secs => $5::float8) end,
                       case when $4::int <= 1 then 1 else 0 end)
               on conflict (key) do update set
                 failures = case when t.window_started_at > $3::timestamptz and t.locked_until is null
                                 then t.failures + 1 else 1 end,
                 window_started_at = case when t.window_started_at > $3::timestamptz and t.locked_until is null
                                          then t.window_started_at else $2::timestamptz end,
                 locked_until = case when (case when t.window_started_at > $3::timestamptz and t.locked_until is null
                                                then t.failures + 1 else 1 end) >= $4::int
                                     then $2::timestamptz
                                          + make_interval(secs => $5::float8 * (1 << least(t.lockouts, 6))) end,
                 lockouts = t.lockouts
                            + case when (case when t.window_started_at > $3::timestamptz and t.locked_until is null
                                              then t.failures + 1 else 1 end) >= $4::int then 1 else 0 end
               where t.locked_until is null or t.locked_until <= $2::timestamptz
               returning locked_until is not null as "locked_now!""#,
            limit.key,
            now,
            now - WINDOW,
            limit.limit,
            LOCK.as_seconds_f64()
        )
        .fetch_optional(&mut *tx)
        .await?;
        match counted {
            Some(locked) => locked_now.push(locked),
            None => {
                tx.rollback().await?;
                return Ok(Reservation::Refused);
            }
        }
    }
    tx.commit().await?;
    Ok(Reservation::Reserved(Reserved { locked_now }))
}

/// Takes back a reservation whose attempt was right: it was no failure. A lock
/// this very attempt set is lifted with it; any other lock stays.
pub async fn give_back(pool: &PgPool, limits: &[Limit], reserved: &Reserved) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for (limit, locked_now) in limits.iter().zip(&reserved.locked_now) {
        sqlx::query!(
            "update login_throttle set failures = failures - 1,
               locked_until = case when $2 then null else locked_until end,
               lockouts = case when $2 then greatest(lockouts - 1, 0) else lockouts end
             where key = $1 and failures > 0",
            limit.key,
            *locked_now
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
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

/// Forgets one key's count, after the account signed in from that address.
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query!("delete from login_throttle where key = $1", key)
        .execute(db)
        .await?;
    Ok(())
}

/// Lifts every count and lock of an account (a reset link was used).
pub async fn clear_account(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<()> {
    let account = account_key(email);
    sqlx::query!(
        "delete from login_throttle
         where key = $1 or key = $2 or left(key, length($1) + 4) = $1 || '|ip:'",
        account,
        signed_in_key(email)
    )
    .execute(db)
    .await?;
    Ok(())
}
