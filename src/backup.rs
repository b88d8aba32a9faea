//! `honor-mile backup FILE` and `honor-mile restore FILE`, around PostgreSQL's own
//! tools. pg_dump reads the whole database in one snapshot, so a backup taken
//! while staff are logging miles is consistent; restore fills only a database
//! that is empty, so it can never mix a backup into live records.

use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, anyhow, bail};
use url::Url;

use crate::config::Config;
use crate::db;

/// Writes a backup of the configured database to `file` (pg_dump's custom format).
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!(
            "{} already exists; choose a new file name for the backup",
            file.display()
        );
    }
    // Written under a temporary name, so an interrupted backup never looks complete.
    let partial = PathBuf::from(format!("{}.partial", file.display()));
    // Created first, readable by its owner alone: a backup holds families'
    // addresses, password hashes and sign-in secrets. pg_dump keeps the mode.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let target = Target::of(config)?;
    let mut command = Command::new("pg_dump");
    command
        .arg("--format=custom")
        .arg(format!("--file={}", partial.display()))
        .arg(format!("--dbname={}", target.url));
    let output = run(command, "pg_dump", &target);
    let output = match output {
        Ok(output) => output,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    if !output.status.success() {
        let _ = std::fs::remove_file(&partial);
        bail!("pg_dump failed: {}", first_error(&output));
    }
    std::fs::rename(&partial, file).with_context(|| format!("cannot write {}", file.display()))?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Backed up {} to {} ({} KB).",
        config.database_url_for_display(),
        file.display(),
        size.div_ceil(1024)
    );
    Ok(())
}

/// Restores `file` into the configured database, which is created when missing
/// and must be empty.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let pool = db::connect(config).await?;
    let relations = sqlx::query_scalar!(
        r#"select count(*) as "count!" from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
             and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'"#
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    if relations > 0 {
        bail!(
            "the database at {} is not empty ({relations} tables and sequences); restore only into a new database (set DATABASE_URL to a name that does not exist yet)",
            config.database_url_for_display()
        );
    }
    let target = Target::of(config)?;
    let mut command = Command::new("pg_restore");
    command
        .args([
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
        ])
        .arg(format!("--dbname={}", target.url))
        .arg(file);
    let output = run(command, "pg_restore", &target)?;
    if !output.status.success() {
        bail!("pg_restore failed: {}", first_error(&output));
    }
    println!(
        "Restored {} into {}.",
        file.display(),
        config.database_url_for_display()
    );
    Ok(())
}

/// The database URL for PostgreSQL's tools, its password moved to `PGPASSWORD`
/// so that it does not show in the process list.
struct Target {
    url: String,
    password: Option<String>,
}

impl Target {
    fn of(config: &Config) -> anyhow::Result<Target> {
        let mut url = Url::parse(&config.database_url).map_err(|e| anyhow!("DATABASE_URL is not a valid URL ({e})"))?;
        let password = url.password().map(percent_decode);
        if password.is_some() {
            url.set_password(None)
                .map_err(|()| anyhow!("DATABASE_URL cannot carry a password"))?;
        }
        Ok(Target {
            url: url.to_string(),
            password,
        })
    }
}

fn run(mut command: Command, program: &str, target: &Target) -> anyhow::Result<Output> {
    if let Some(password) = &target.password {
        command.env("PGPASSWORD", password);
    }
    command.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow!(
                "{program} is not installed: install PostgreSQL's client programs (on Debian: apt-get install postgresql-client), of the server's version or newer"
            )
        } else {
            anyhow!("cannot run {program} ({e})")
        }
    })
}

/// The first line the tool printed about what went wrong.
fn first_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map_or_else(|| format!("exited with {}", output.status), str::to_string)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
