//! The command line: `serve` (the default), `migrate`, `create-admin`, which
//! prints a one-time link for choosing the first admin's password, `backup` /
//! `restore`, `demo`, which loads the invented demo data into an empty database,
//! and `check`, which checks every setting and the database. Settings come from
//! the environment and from a `.env` file in the working folder.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::state::AppState;
use crate::{accounts, backup, check, db, demo, metrics, router, server};

#[derive(Parser)]
#[command(
    name = "honor-mile",
    about = "Honor Mile: miles, flags and grants for fallen and injured first responders"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Create the database if needed and apply migrations, then exit.
    Migrate,
    /// Print a one-time link with which the first admin chooses a password.
    CreateAdmin,
    /// Write a consistent backup of the database to FILE (pg_dump's custom format).
    Backup { file: PathBuf },
    /// Restore a backup made by `backup` into DATABASE_URL, which must be a new or empty database.
    Restore { file: PathBuf },
    /// Load the invented demo data into an empty database, then exit.
    Demo,
    /// Check every setting and the database connection, one line per problem; change nothing.
    Check,
}

/// Runs the command line; every failure is printed as one line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before any other thread starts: changing the environment is only sound then.
    if let Err(e) = read_dot_env() {
        return fail(e);
    }
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(run(cli.command.unwrap_or(Command::Serve))),
        Err(e) => fail(format!("cannot start the runtime ({e})")),
    }
}

/// `.env` in the working folder, when there is one; the environment wins over it.
fn read_dot_env() -> Result<(), String> {
    match dotenvy::from_path(".env") {
        Ok(()) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        // Only the name: the rest of the line may be a password.
        Err(dotenvy::Error::LineParse(line, _)) => Err(format!(
            ".env: the line setting {} cannot be read (an unclosed quote?)",
            line.split('=').next().unwrap_or_default().trim()
        )),
        Err(e) => Err(format!(".env: {}", e.to_string().replace('\n', " "))),
    }
}

async fn run(command: Command) -> ExitCode {
    if let Command::Check = command {
        return match check::run().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(problems) => fail(problems),
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return fail(e),
    };
    init_logging(&config);
    let result = match command {
        Command::Serve => serve(config).await,
        Command::Migrate => db::connect_and_migrate(&config)
            .await
            .map(|_| println!("Database is up to date."))
            .map_err(Into::into),
        Command::CreateAdmin => create_admin(config).await,
        Command::Backup { file } => backup::backup(&config, &file).await,
        Command::Restore { file } => backup::restore(&config, &file).await,
        Command::Demo => load_demo(config).await,
        Command::Check => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

/// Prints each line of the failure (one per problem) and gives up.
fn fail(e: impl std::fmt::Display) -> ExitCode {
    for line in e.to_string().lines() {
        eprintln!("honor-mile: {line}");
    }
    ExitCode::FAILURE
}

fn init_logging(config: &Config) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if config.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    // At boot PostgreSQL may start after us: wait for it rather than exit.
    let pool = db::wait_connect_and_migrate(&config).await?;
    let read = db::connect_reader(&config).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    if let Some(token) = accounts::tokens::first_admin_link(&pool, clock.now()).await? {
        print_setup_link(&config, &token);
    }
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {} ({e}); set BIND_ADDR to a free address",
            config.bind_addr
        )
    })?;
    let address = listener.local_addr().unwrap_or(config.bind_addr);
    if let Some(metrics_addr) = config.metrics_addr {
        serve_metrics(metrics_addr, pool.clone(), config.request_timeout).await?;
    }
    tracing::info!(%address, public_url = %config.public_url, "Honor Mile is serving");
    // Expired sessions are refused on read and old failure counts ignored; this
    // keeps the tables small and typed data no longer than needed.
    let housekeeping_pool = pool.clone();
    let housekeeping_clock = clock.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            match crate::ops::housekeeping(&housekeeping_pool, housekeeping_clock.now()).await {
                Ok(done) => tracing::debug!(?done, "housekeeping"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
    match crate::messages::sender::Mailer::from_config(&config)? {
        Some(mailer) => crate::messages::sender::spawn(pool.clone(), mailer, clock.clone()),
        None => tracing::info!("no SMTP_URL: messages wait in the outbox, for admins to pass on"),
    }
    // Every instance looks each minute; the day's claim in the database makes one digest a day.
    crate::digest::spawn(pool.clone(), Arc::new(config.clone()), clock.clone());
    // Every instance takes imports from the queue, and resumes those whose server stopped.
    let imports = crate::heroes::import_worker::ImportWorker::new(pool.clone(), clock.clone(), &config).spawn();
    // Every request in flight ends within the request timeout (408 at worst); the
    // margin lets its answer reach the client.
    let header_timeout = config.request_timeout;
    let grace = config.request_timeout + std::time::Duration::from_secs(5);
    // Read whole before the first request, from the primary: a replica cannot listen.
    let live = if config.roll_in_memory {
        Some(crate::public::live_roll::LiveRoll::start(pool.clone()).await?)
    } else {
        None
    };
    let mut state = AppState::new(pool.clone(), config, clock)?;
    state.read = read;
    state.live = live;
    state.demo = demo::is_loaded(&pool).await?;
    let app = router(state);
    server::serve(listener, app, header_timeout, grace, shutdown_signal()).await;
    // An import under way is handed back for another instance, not left to its lease.
    imports.stop().await;
    tracing::info!("stopped after finishing the requests in flight");
    Ok(())
}

/// Starts the metrics listener; failing to bind stops the start, as for `BIND_ADDR`.
async fn serve_metrics(address: SocketAddr, pool: sqlx::PgPool, header_timeout: Duration) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {address} ({e}); set METRICS_ADDR to a free address, or leave it unset")
    })?;
    let handle = metrics::install()?;
    let bound = listener.local_addr().unwrap_or(address);
    tracing::info!(address = %bound, "metrics at /metrics");
    tokio::spawn(metrics::serve(listener, handle, pool, header_timeout));
    Ok(())
}

async fn create_admin(config: Config) -> anyhow::Result<()> {
    let pool = db::connect_and_migrate(&config).await?;
    match accounts::tokens::first_admin_link(&pool, SystemClock.now()).await? {
        Some(token) => print_setup_link(&config, &token),
        None => println!(
            "An admin already exists. Ask them to invite you, or to reset your password from Admin > Accounts."
        ),
    }
    Ok(())
}

async fn load_demo(config: Config) -> anyhow::Result<()> {
    let pool = db::connect_and_migrate(&config).await?;
    let now = SystemClock.now();
    let today = now.with_timezone(&config.time_zone).date_naive();
    match demo::load(&pool, today, now).await {
        Ok(loaded) => println!(
            "Demo data loaded: {} heroes, {} miles, {} grant applications. Every page now says \"Demo data\".",
            loaded.heroes, loaded.miles, loaded.grants
        ),
        // Loading twice is harmless: `scripts/serve demo` then simply serves it.
        Err(demo::DemoError::AlreadyLoaded) => println!("The demo data is already loaded."),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn print_setup_link(config: &Config, token: &str) {
    println!();
    println!("No admin account exists yet. Open this one-time link to create the first admin");
    println!("(valid 24 hours, works once; `honor-mile create-admin` prints a new one):");
    println!();
    println!("    {}/setup/{token}", config.base_url());
    println!();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
