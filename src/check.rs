//! `honor-mile check`: every setting, the addresses, the uploads folder and the
//! database, each problem said in one line, without changing anything (an
//! operator runs it after editing the environment file, before restarting).

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::config::Config;

/// Checks everything, printing what it found fine; the problems, one a line,
/// are the error (the command line prints them and fails).
pub async fn run() -> Result<(), String> {
    let (config, mut problems) = Config::read(|key| std::env::var(key).ok());
    let database_readable = !problems.iter().any(|p| p.contains("DATABASE_URL"));
    problems.extend(addresses(&config));
    problems.extend(uploads(&config));
    if let Some(dir) = &config.static_dir
        && !dir.is_dir()
    {
        problems.push(format!("STATIC_DIR {} is not a folder", dir.display()));
    }
    if let Some(problem) = mail_server(&config).await {
        problems.push(problem);
    }
    if database_readable {
        match database(&config).await {
            Ok(note) => println!("{note}"),
            Err(problem) => problems.push(problem),
        }
    }
    if let Some(read_url) = &config.database_read_url {
        match replica(read_url).await {
            Ok(note) => println!("{note}"),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        println!("Every setting is valid.");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The mail server answers and takes the login, when one is configured.
async fn mail_server(config: &Config) -> Option<String> {
    let mailer = match crate::messages::sender::Mailer::from_config(config) {
        Ok(Some(mailer)) => mailer,
        Ok(None) => {
            println!("No SMTP_URL: messages wait in the admins' Outbox page.");
            return None;
        }
        Err(e) => return Some(format!("SMTP_URL: {e}")),
    };
    match mailer.test_connection().await {
        Ok(()) => None,
        Err(e) => Some(format!("SMTP_URL: the mail server does not answer ({e})")),
    }
}

/// An address that cannot be listened on for any reason but being in use (by
/// the running server, usually).
fn addresses(config: &Config) -> Vec<String> {
    let mut problems = Vec::new();
    let wanted = [
        ("BIND_ADDR", Some(config.bind_addr)),
        ("METRICS_ADDR", config.metrics_addr),
    ];
    for (key, address) in wanted {
        let Some(address) = address else { continue };
        if let Err(e) = TcpListener::bind(address)
            && e.kind() != std::io::ErrorKind::AddrInUse
        {
            problems.push(format!("{key} {address} cannot be listened on ({e})"));
        }
    }
    problems
}

fn uploads(config: &Config) -> Vec<String> {
    if let Some(bucket) = &config.uploads_s3_bucket {
        return match crate::storage::s3_builder(config, bucket).build() {
            Ok(_) => Vec::new(),
            Err(e) => vec![format!("UPLOADS_S3_BUCKET {bucket}: {e}")],
        };
    }
    let dir = &config.uploads_dir;
    let Ok(absolute) = std::path::absolute(dir) else {
        return vec![format!("UPLOADS_DIR {} is not a usable path", dir.display())];
    };
    // The server creates the folder; here only its nearest existing parent must be writable.
    let existing = absolute
        .ancestors()
        .find(|a| a.exists())
        .map(std::path::Path::to_path_buf);
    let Some(existing) = existing else {
        return vec![format!("UPLOADS_DIR {}: no part of it exists", dir.display())];
    };
    if !existing.is_dir() {
        return vec![format!(
            "UPLOADS_DIR {}: {} is not a folder",
            dir.display(),
            existing.display()
        )];
    }
    let probe = existing.join(format!(".honor-mile-check-{}", uuid::Uuid::new_v4().simple()));
    match std::fs::write(&probe, b"") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Vec::new()
        }
        Err(e) => vec![format!(
            "UPLOADS_DIR {}: cannot write in {} ({e})",
            dir.display(),
            existing.display()
        )],
    }
}

/// Connects as the server would; says whether the database exists, may be
/// created, and how its migrations stand.
async fn database(config: &Config) -> Result<String, String> {
    let url = config.database_url_for_display();
    let options: PgConnectOptions = config
        .database_url
        .parse()
        .map_err(|e| format!("DATABASE_URL is not a valid PostgreSQL URL ({url}): {e}"))?;
    let options = options.disable_statement_logging();
    match connect(&options).await {
        Ok(mut connection) => {
            let pending = pending_migrations(&mut connection, &url).await?;
            let _ = connection.close().await;
            Ok(format!("PostgreSQL answers at {url}; {pending}."))
        }
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("3D000") => {
            let mut maintenance = connect(&options.clone().database("postgres"))
                .await
                .map_err(|e| format!("cannot reach PostgreSQL at {url} ({e})"))?;
            let may_create: bool =
                sqlx::query_scalar("select rolcreatedb or rolsuper from pg_roles where rolname = current_user")
                    .fetch_one(&mut maintenance)
                    .await
                    .unwrap_or(false);
            let _ = maintenance.close().await;
            if may_create {
                Ok(format!(
                    "PostgreSQL answers; the database at {url} will be created at start."
                ))
            } else {
                Err(format!(
                    "the database at {url} does not exist and its role may not create it: create it, or give the role the CREATEDB right"
                ))
            }
        }
        Err(e) => Err(format!("cannot reach PostgreSQL at {url} ({e})")),
    }
}

/// The read replica answers and is a standby; says how far behind it is.
async fn replica(read_url: &str) -> Result<String, String> {
    let url = crate::config::url_for_display(read_url);
    let options: PgConnectOptions = read_url
        .parse()
        .map_err(|e| format!("DATABASE_READ_URL is not a valid PostgreSQL URL ({url}): {e}"))?;
    let mut connection = connect(&options.disable_statement_logging()).await.map_err(|e| {
        format!("cannot reach the read replica at {url} ({e}); public pages read from the primary until it answers")
    })?;
    let state: Result<(bool, Option<f64>), sqlx::Error> = sqlx::query_as(
        "select pg_is_in_recovery(), extract(epoch from now() - pg_last_xact_replay_timestamp())::float8",
    )
    .fetch_one(&mut connection)
    .await;
    let _ = connection.close().await;
    match state {
        Ok((true, Some(behind))) => Ok(format!(
            "The read replica answers at {url}; it last replayed a change from the primary {behind:.0} s ago."
        )),
        Ok((true, None)) => Ok(format!(
            "The read replica answers at {url}; it has replayed no change from the primary yet."
        )),
        Ok((false, _)) => Err(format!(
            "DATABASE_READ_URL {url} is not a standby (it was promoted, or never followed the primary): point it at a streaming replica of DATABASE_URL, or unset it"
        )),
        Err(e) => Err(format!(
            "the read replica at {url} answers, but cannot say how it stands ({e})"
        )),
    }
}

async fn connect(options: &PgConnectOptions) -> Result<PgConnection, sqlx::Error> {
    match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect_with(options)).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

/// "N migrations to apply", or a refusal when the database was migrated by a
/// newer Honor Mile than this one.
async fn pending_migrations(connection: &mut PgConnection, url: &str) -> Result<String, String> {
    let unreadable = |e: sqlx::Error| format!("the database at {url} answers, but its migrations cannot be read ({e})");
    let exists: bool = sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
        .fetch_one(&mut *connection)
        .await
        .map_err(unreadable)?;
    let applied: BTreeSet<i64> = if exists {
        sqlx::query_scalar("select version from _sqlx_migrations where success")
            .fetch_all(&mut *connection)
            .await
            .map_err(unreadable)?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    let known: BTreeSet<i64> = crate::MIGRATOR.iter().map(|m| m.version).collect();
    if let Some(unknown) = applied.difference(&known).next() {
        return Err(format!(
            "the database at {url} holds migration {unknown}, unknown to this version of Honor Mile (a newer one migrated it)"
        ));
    }
    Ok(match known.difference(&applied).count() {
        0 => "its migrations are up to date".to_string(),
        1 => "1 migration will be applied at start".to_string(),
        n => format!("{n} migrations will be applied at start"),
    })
}
