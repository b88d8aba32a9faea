//! The session store: tower-sessions records kept in PostgreSQL, so every instance
//! sees the same sessions. (The released sqlx store turns on sqlx's `time`
//! feature, which changes the Rust type of every timestamp in our compile-checked
//! queries; this store is the few lines of the trait that we need.)

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

#[derive(Clone, Debug)]
pub struct PgSessionStore {
    pool: PgPool,
}

impl PgSessionStore {
    pub fn new(pool: PgPool) -> Self {
        PgSessionStore { pool }
    }
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// A database error, marked when it is the database being unreachable so that
/// the visitor gets the "back in a moment" page rather than an error.
fn db_error(e: sqlx::Error) -> session_store::Error {
    if crate::error::is_unavailable(&e) {
        session_store::Error::Backend(format!("{}: {e}", crate::error::DB_UNAVAILABLE))
    } else {
        backend(e)
    }
}

/// How long a session save keeps asking for a connection when the pool is busy.
/// The save runs after the handler has answered, often after a committed write
/// (a mile saved, a grant approved): a full pool for a few seconds must not turn
/// that answer into "back in a moment", which would tell the phone the mile was
/// not saved. A database that is really gone still fails the save.
const SAVE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(15);

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn to_time(t: DateTime<Utc>) -> session_store::Result<time::OffsetDateTime> {
    let nanos = t
        .timestamp_nanos_opt()
        .ok_or_else(|| backend("session expiry out of range"))?;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(nanos)).map_err(backend)
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A colliding id (128 random bits, so in theory only) gets a new one.
        loop {
            let inserted = sqlx::query!(
                "insert into sessions (id, data, expiry_date) values ($1, $2, $3) on conflict (id) do nothing",
                record.id.to_string(),
                data,
                to_chrono(record.expiry_date)
            )
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_value(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let expiry = to_chrono(record.expiry_date);
        let id = record.id.to_string();
        let deadline = tokio::time::Instant::now() + SAVE_PATIENCE;
        loop {
            let saved = sqlx::query!(
                "insert into sessions (id, data, expiry_date) values ($1, $2, $3)
                 on conflict (id) do update set data = excluded.data, expiry_date = excluded.expiry_date",
                id,
                data,
                expiry
            )
            .execute(&self.pool)
            .await;
            match saved {
                Ok(_) => return Ok(()),
                Err(sqlx::Error::PoolTimedOut) if tokio::time::Instant::now() < deadline => continue,
                Err(e) => return Err(db_error(e)),
            }
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query!(
            r#"select data, expiry_date as "expiry_date: DateTime<Utc>" from sessions
               where id = $1 and expiry_date > now()"#,
            id.to_string()
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_value(row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?,
            expiry_date: to_time(row.expiry_date)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("delete from sessions where id = $1", id.to_string())
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

/// Whether these Cookie header values hold the session cookie of a session that
/// exists and has not expired. A cookie that names no session (made up, or
/// left from a signed-out session) is no session; when the database cannot
/// answer, the request is treated as signed in, so it is never served a
/// visitor's copy by mistake.
pub async fn holds_live_session(pool: &PgPool, cookie_headers: &[String]) -> bool {
    let ids: Vec<String> = cookie_headers
        .iter()
        .flat_map(|header| header.split(';'))
        .filter(|pair| crate::web::cookie::is_session_cookie(pair))
        .filter_map(|pair| pair.split_once('=').map(|(_, value)| value.trim()))
        .filter_map(|value| value.parse::<Id>().ok())
        .map(|id| id.to_string())
        .collect();
    if ids.is_empty() {
        return false;
    }
    sqlx::query_scalar!(
        r#"select exists (select 1 from sessions where id = any($1) and expiry_date > now()) as "live!""#,
        &ids
    )
    .fetch_one(pool)
    .await
    .unwrap_or(true)
}
