//! Connecting to PostgreSQL: the database is created when missing and migrated
//! (sqlx holds an advisory lock while migrating, so instances starting together
//! take turns). Failures become one line that says what was tried and what to do.

use std::time::{Duration, Instant};

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "cannot reach PostgreSQL at {url} ({cause}); start PostgreSQL (scripts/ensure-postgres does) or set DATABASE_URL"
    )]
    Unreachable {
        url: String,
        cause: String,
        /// Nothing answered, or PostgreSQL is still starting: worth trying again
        /// (unlike a refused password).
        transient: bool,
    },
    #[error(
        "the database at {url} does not exist and could not be created ({cause}); create it, or give the DATABASE_URL role the CREATEDB right"
    )]
    CannotCreate { url: String, cause: String },
    #[error("DATABASE_URL is not a valid PostgreSQL URL ({url}): {cause}")]
    BadUrl { url: String, cause: String },
    #[error("migrating the database at {url} failed: {cause}")]
    Migration { url: String, cause: String },
}

/// Creates the database if needed, connects and runs the embedded migrations.
pub async fn connect_and_migrate(config: &Config) -> Result<PgPool, DbError> {
    migrate(config, connect(config).await?).await
}

/// Like [`connect_and_migrate`], but while PostgreSQL does not answer (a server
/// booting with it) tries again after growing delays, saying so in the log, for
/// at most `DB_STARTUP_WAIT_SECONDS`.
pub async fn wait_connect_and_migrate(config: &Config) -> Result<PgPool, DbError> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(250);
    loop {
        let remaining = config.db_startup_wait.saturating_sub(started.elapsed());
        match connect(config).await {
            Err(DbError::Unreachable {
                transient: true, cause, ..
            }) if !remaining.is_zero() => {
                let pause = delay.min(remaining);
                tracing::warn!(
                    url = %config.database_url_for_display(),
                    %cause,
                    retry_in_ms = pause.as_millis() as u64,
                    "PostgreSQL does not answer yet; waiting"
                );
                tokio::time::sleep(pause).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Ok(pool) => {
                if started.elapsed() > Duration::from_secs(1) {
                    tracing::info!(waited_s = started.elapsed().as_secs(), "PostgreSQL answers");
                }
                return migrate(config, pool).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn migrate(config: &Config, pool: PgPool) -> Result<PgPool, DbError> {
    crate::MIGRATOR.run(&pool).await.map_err(|e| DbError::Migration {
        url: config.database_url_for_display(),
        cause: e.to_string(),
    })?;
    Ok(pool)
}

pub async fn connect(config: &Config) -> Result<PgPool, DbError> {
    let url = config.database_url_for_display();
    let options: PgConnectOptions = config.database_url.parse().map_err(|e: sqlx::Error| DbError::BadUrl {
        url: url.clone(),
        cause: e.to_string(),
    })?;
    let unreachable = |e: sqlx::Error| DbError::Unreachable {
        url: url.clone(),
        cause: short_cause(&e),
        transient: is_transient(&e),
    };
    let exists = Postgres::database_exists(&config.database_url)
        .await
        .map_err(unreachable)?;
    if !exists {
        // Another instance may create it between our check and our create.
        if let Err(e) = Postgres::create_database(&config.database_url).await
            && !Postgres::database_exists(&config.database_url).await.unwrap_or(false)
        {
            return Err(DbError::CannotCreate {
                url: url.clone(),
                cause: short_cause(&e),
            });
        }
    }
    PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(config.db_acquire_timeout)
        .connect_with(options)
        .await
        .map_err(unreachable)
}

/// Connection refused or timed out, or PostgreSQL starting up or shutting down
/// (SQLSTATE class 57P: cannot connect now, admin shutdown).
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| code.starts_with("57P")),
        _ => false,
    }
}

fn short_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// The pool public pages read through: its own connections to the primary,
/// where every statement is cancelled after `PUBLIC_STATEMENT_TIMEOUT_MS`, so a
/// slow query cannot hold a connection for long. Connects when first used.
pub fn connect_reader(config: &Config) -> Result<PgPool, DbError> {
    let options: PgConnectOptions = config.database_url.parse().map_err(|e: sqlx::Error| DbError::BadUrl {
        url: config.database_url_for_display(),
        cause: e.to_string(),
    })?;
    let timeout = config.public_statement_timeout.as_millis().to_string();
    Ok(PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(config.db_acquire_timeout)
        .connect_lazy_with(options.options([("statement_timeout", timeout.as_str())])))
}
