//! Connecting to PostgreSQL: the database is created when missing and migrated
//! (sqlx holds an advisory lock while migrating, so instances starting together
//! take turns). Failures become one line that says what was tried and what to do.

use std::time::{Duration, Instant};

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres};

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

/// The pool public pages read through: its own connections, where every
/// statement is cancelled after `PUBLIC_STATEMENT_TIMEOUT_MS`, so a slow query
/// cannot hold a connection for long. They go to the primary, or with
/// `DATABASE_READ_URL` to that streaming replica while it answers (see
/// [`follow_replica`]). Connects when first used.
pub async fn connect_reader(config: &Config) -> Result<PgPool, DbError> {
    let primary = reader_options(config, &config.database_url)?;
    let pool = PgPoolOptions::new()
        .max_connections(config.db_max_connections)
        .acquire_timeout(config.db_acquire_timeout);
    let Some(read_url) = &config.database_read_url else {
        return Ok(pool.connect_lazy_with(primary));
    };
    let replica = reader_options(config, read_url)?;
    let answers = replica_answers(&replica).await;
    let shown = crate::config::url_for_display(read_url);
    match &answers {
        Ok(()) => tracing::info!(replica = %shown, "public pages read from the replica"),
        Err(cause) => {
            tracing::warn!(replica = %shown, %cause, "the read replica does not answer; public pages read from the primary")
        }
    }
    let start = if answers.is_ok() {
        replica.clone()
    } else {
        primary.clone()
    };
    // Connections opened on the primary while the replica was away are retired
    // soon after it is back.
    let pool = pool.max_lifetime(REPLICA_RETIRE).connect_lazy_with(start);
    tokio::spawn(follow_replica(pool.clone(), primary, replica, shown, answers.is_ok()));
    Ok(pool)
}

/// How often the replica is asked whether it answers.
const REPLICA_PROBE: Duration = Duration::from_secs(1);
/// The longest a reader connection lives when a replica is configured.
const REPLICA_RETIRE: Duration = Duration::from_secs(30);

/// Points the reader pool's new connections at the replica while it answers and
/// at the primary while it does not. Connections to a replica that went away
/// fail the pool's check before use and are opened again where the pool now
/// points, so visitors see at most a second or so of errors.
async fn follow_replica(
    pool: PgPool,
    primary: PgConnectOptions,
    replica: PgConnectOptions,
    shown: String,
    mut on_replica: bool,
) {
    while !pool.is_closed() {
        tokio::time::sleep(REPLICA_PROBE).await;
        let answers = replica_answers(&replica).await;
        if answers.is_ok() == on_replica {
            continue;
        }
        on_replica = answers.is_ok();
        match answers {
            Ok(()) => {
                pool.set_connect_options(replica.clone());
                tracing::info!(replica = %shown, "the read replica answers again; public pages read from it");
            }
            Err(cause) => {
                pool.set_connect_options(primary.clone());
                tracing::warn!(replica = %shown, %cause, "the read replica does not answer; public pages read from the primary");
            }
        }
    }
}

/// Connects to the replica within a second and asks whether it is a standby:
/// a server promoted since, or never a replica, would serve pages that no
/// longer follow the primary.
async fn replica_answers(options: &PgConnectOptions) -> Result<(), String> {
    let probe = async {
        let mut connection = PgConnection::connect_with(options).await?;
        let standby: bool = sqlx::query_scalar("select pg_is_in_recovery()")
            .fetch_one(&mut connection)
            .await?;
        connection.close().await?;
        Ok::<bool, sqlx::Error>(standby)
    };
    match tokio::time::timeout(REPLICA_PROBE, probe).await {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err("it is not a standby of the primary".to_string()),
        Ok(Err(e)) => Err(short_cause(&e)),
        Err(_) => Err(format!("no answer within {} ms", REPLICA_PROBE.as_millis())),
    }
}

fn reader_options(config: &Config, url: &str) -> Result<PgConnectOptions, DbError> {
    let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| DbError::BadUrl {
        url: crate::config::url_for_display(url),
        cause: e.to_string(),
    })?;
    let timeout = config.public_statement_timeout.as_millis().to_string();
    Ok(options.options([("statement_timeout", timeout.as_str())]))
}
