//! Connecting to PostgreSQL: the database is created when missing and migrated
//! (sqlx holds an advisory lock while migrating, so instances starting together
//! take turns). Failures become one line that says what was tried and what to do.

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "cannot reach PostgreSQL at {url} ({cause}); start PostgreSQL (scripts/ensure-postgres does) or set DATABASE_URL"
    )]
    Unreachable { url: String, cause: String },
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
    let pool = connect(config).await?;
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

fn short_cause(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}
