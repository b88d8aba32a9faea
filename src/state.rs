//! What every handler can reach: the pool, the settings, the clock, the hasher.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use tokio::sync::Semaphore;

use crate::accounts::password::Hasher;
use crate::clock::Clock;
use crate::config::Config;
use crate::public::live_roll::LiveRoll;
use crate::storage::Storage;
use crate::web::export::Exports;

#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    /// Public pages read through this pool: its statements time out
    /// (`PUBLIC_STATEMENT_TIMEOUT_MS`), and it may lead to a read replica
    /// (`DATABASE_READ_URL`). The same pool as `pool` unless the server sets
    /// its own; the primary for signed-in people ([`AppState::for_viewer`]).
    pub read: PgPool,
    /// The honor roll in memory, for visitors' roll pages and searches
    /// (`ROLL_IN_MEMORY`); never for signed-in people ([`AppState::for_viewer`]).
    pub live: Option<Arc<LiveRoll>>,
    /// Permits for searches running at once (`MAX_CONCURRENT_SEARCHES`).
    pub searches: Arc<Semaphore>,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub hasher: Hasher,
    pub storage: Storage,
    /// The slots for CSV downloads.
    pub exports: Exports,
    /// The database holds the demo data (`honor-mile demo`): pages say so.
    pub demo: bool,
}

impl AppState {
    pub fn new(pool: PgPool, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        let hasher = Hasher::new(config.max_concurrent_hashes);
        let storage = Storage::from_config(&config)?;
        let exports = Exports::new(config.max_concurrent_exports, config.export_stall);
        Ok(AppState {
            read: pool.clone(),
            live: None,
            searches: Arc::new(Semaphore::new(config.max_concurrent_searches)),
            pool,
            config: Arc::new(config),
            clock,
            hasher,
            storage,
            exports,
            demo: false,
        })
    }

    /// The state a public page reads with: signed-in people read from the
    /// primary, since they must see what they have just written and a replica
    /// or the roll in memory may not have it yet; visitors through `read` and
    /// the roll in memory.
    pub fn for_viewer(mut self, signed_in: bool) -> Self {
        if signed_in {
            self.read = self.pool.clone();
            self.live = None;
        }
        self
    }

    /// The turns a search waits for: the roll in memory's when it answers
    /// (bounding CPU), otherwise the database's (bounding connections).
    pub fn search_turns(&self) -> &Arc<Semaphore> {
        self.live.as_ref().map_or(&self.searches, |live| live.search_turns())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date in the program's own time zone.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.config.time_zone).date_naive()
    }
}
