//! The import worker every instance runs. Pressing Import only queues the
//! import; a worker claims it under a lease (`IMPORT_LEASE_SECONDS`), renews
//! the lease every third of it while it works, and inserts the rows marked to
//! add in one transaction that also marks the import done and writes its audit
//! lines (one per created hero, then one for the import), as the person who
//! pressed Import. A server killed mid-import commits nothing: its lease runs
//! out and any instance claims the import again and runs it from the start. Rows can never land twice: the heroes' identity index
//! skips any hero already recorded, and the done mark only commits for the
//! attempt that still holds the lease. After [`MAX_ATTEMPTS`] the import ends
//! failed, and staff may run it again.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::import::{RowStatus, StagedRow};
use super::import_job_queries::{self as jobs, Claimed};
use super::import_queries;
use super::model::HeroInput;
use crate::audit::{self, Event};
use crate::clock::Clock;
use crate::config::Config;

/// Claims of one import before it is marked failed.
pub const MAX_ATTEMPTS: i32 = 3;
/// Rows inserted per statement; the progress is reported after each.
const BATCH: usize = 500;
/// A round that found nothing waits this long before looking again.
const IDLE: Duration = Duration::from_secs(2);

/// What the page says of an import whose servers kept stopping (its number is [`MAX_ATTEMPTS`]).
pub const INTERRUPTED: &str = "The import was interrupted 3 times (its server stopped each time) and nothing was \
                               imported. Run it again, or tell an administrator if it keeps stopping.";
/// What the page says of an import that stopped on an error on its last attempt.
pub const STOPPED: &str =
    "The import stopped on an error and nothing was imported. Run it again, or tell an administrator.";

/// How one claimed attempt ended.
enum Outcome {
    Done(i32),
    /// Another worker took the import over; this attempt committed nothing.
    Overtaken,
    /// The server is stopping: the attempt is dropped, committing nothing,
    /// and the import handed back without counting it.
    Stopping,
}

#[derive(Clone)]
pub struct ImportWorker {
    pool: PgPool,
    clock: Arc<dyn Clock>,
    lease: Duration,
    time_zone: Tz,
    /// True once the server stops ([`Running::stop`]).
    stopping: watch::Receiver<bool>,
}

/// The worker [`ImportWorker::spawn`] started.
pub struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops the worker as its server stops (SIGTERM, a deploy): an import it
    /// was running is handed back at once, uncounted, for the next instance.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(Duration::from_secs(10), self.task).await.is_err() {
            tracing::warn!("the import worker did not stop within 10 seconds");
        }
    }
}

impl ImportWorker {
    pub fn new(pool: PgPool, clock: Arc<dyn Clock>, config: &Config) -> ImportWorker {
        ImportWorker {
            pool,
            clock,
            lease: config.import_lease,
            time_zone: config.time_zone,
            stopping: watch::channel(false).1,
        }
    }

    /// Returns once the server stops; never for a worker that was not spawned.
    async fn stopped(&self) {
        let mut stopping = self.stopping.clone();
        if stopping.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    fn lease_until(&self) -> DateTime<Utc> {
        self.clock.now() + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::seconds(30))
    }

    /// One round: marks failed the imports out of attempts, then claims one
    /// import and runs it to its end. True when it claimed one.
    pub async fn run_due(&self) -> sqlx::Result<bool> {
        let now = self.clock.now();
        for id in jobs::fail_exhausted(&self.pool, now, MAX_ATTEMPTS, INTERRUPTED).await? {
            tracing::warn!(import = %id, "a hero import was interrupted too often and is marked failed");
        }
        let Some(job) = jobs::claim(&self.pool, now, self.lease_until(), MAX_ATTEMPTS).await? else {
            return Ok(false);
        };
        tracing::info!(import = %job.id, attempt = job.attempt, "hero import claimed");
        let mut work = Box::pin(self.import(&job));
        // Dropping the work when the lease is lost drops its transaction: it commits nothing.
        let outcome = tokio::select! {
            biased;
            outcome = &mut work => Some(outcome),
            () = self.keep_lease(&job) => None,
            () = self.stopped() => Some(Ok(Outcome::Stopping)),
        };
        match outcome {
            Some(Ok(Outcome::Done(imported))) => {
                tracing::info!(import = %job.id, imported, "hero import done");
            }
            Some(Ok(Outcome::Overtaken)) | None => {
                tracing::warn!(import = %job.id, attempt = job.attempt, "hero import taken over by another worker");
            }
            Some(Ok(Outcome::Stopping)) => {
                // Its transaction ends with it, before the import is handed back.
                drop(work);
                jobs::hand_back(&self.pool, job.id, job.attempt).await?;
                tracing::info!(import = %job.id, "hero import handed back as the server stops");
            }
            Some(Err(e)) => {
                tracing::error!(error = ?e, import = %job.id, attempt = job.attempt, "hero import failed");
                let give_up = (job.attempt >= MAX_ATTEMPTS).then_some(STOPPED);
                jobs::release(&self.pool, job.id, job.attempt, give_up, self.clock.now()).await?;
            }
        }
        Ok(true)
    }

    /// Renews the lease every third of it; returns once this attempt lost it.
    async fn keep_lease(&self, job: &Claimed) {
        let every = (self.lease / 3).max(Duration::from_millis(500));
        loop {
            tokio::time::sleep(every).await;
            match jobs::renew(&self.pool, job.id, job.attempt, self.lease_until()).await {
                Ok(true) => {}
                Ok(false) => return,
                // The database away for a moment: the next beat tries again,
                // and the lease covers the gap.
                Err(e) => tracing::warn!(error = %e, import = %job.id, "could not renew a hero import's lease"),
            }
        }
    }

    /// Inserts every row marked to add in one transaction, which also marks
    /// the import done and writes its audit lines: one per created hero, and
    /// one for the import.
    async fn import(&self, job: &Claimed) -> anyhow::Result<Outcome> {
        let rows: Vec<StagedRow> = serde_json::from_value(job.rows.clone())?;
        let now = self.clock.now();
        let today = now.with_timezone(&self.time_zone).date_naive();
        let staged: Vec<(HeroInput, Option<String>)> = rows
            .iter()
            .filter(|r| r.status == RowStatus::Add)
            .filter_map(|r| {
                let source = Some(r.form.get("confirmation_source").trim().to_string()).filter(|s| !s.is_empty());
                HeroInput::parse(&r.form.hero_form(), today)
                    .ok()
                    .map(|input| (input, source))
            })
            .collect();
        drop(rows);
        let mut tx = self.pool.begin().await?;
        let mut imported = 0i32;
        for (done, batch) in staged.chunks(BATCH).enumerate() {
            let created = import_queries::insert_batch(&mut tx, batch, job.started_by, now).await?;
            imported += i32::try_from(created.len()).unwrap_or(i32::MAX);
            // One row per created hero, written with the batch in one statement.
            let events: Vec<Event> = created
                .iter()
                .map(|hero| {
                    Event::unattended(
                        "hero_import.hero_created",
                        "hero",
                        Some(hero.id.to_string()),
                        format!("{} added {} from a CSV file", job.started_by_email, hero.full_name),
                    )
                    .by(Some(job.started_by))
                    .with(json!({ "import_id": job.id }))
                })
                .collect();
            audit::record_many(&mut *tx, &events, now).await?;
            let processed = i32::try_from((done + 1) * BATCH)
                .unwrap_or(i32::MAX)
                .min(i32::try_from(staged.len()).unwrap_or(i32::MAX));
            // Progress goes through the pool, outside the transaction, so the page sees it.
            jobs::set_processed(&self.pool, job.id, job.attempt, processed).await?;
        }
        let finished = self.clock.now();
        if !jobs::finish_done(&mut *tx, job.id, job.attempt, imported, finished).await? {
            return Ok(Outcome::Overtaken);
        }
        let event = Event::unattended(
            "hero_import.done",
            "hero_import",
            Some(job.id.to_string()),
            format!("{} imported {imported} heroes from a CSV file", job.started_by_email),
        )
        .by(Some(job.started_by))
        .with(json!({ "imported": imported, "attempt": job.attempt }));
        audit::record(&mut *tx, event, finished).await?;
        tx.commit().await?;
        Ok(Outcome::Done(imported))
    }

    /// Runs rounds until the server stops; a round that ran an import looks
    /// again at once.
    pub fn spawn(mut self) -> Running {
        let (stop, stopping) = watch::channel(false);
        self.stopping = stopping;
        let task = tokio::spawn(async move {
            while !*self.stopping.borrow() {
                match self.run_due().await {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "the hero import queue could not be read"),
                }
                tokio::select! {
                    () = tokio::time::sleep(IDLE) => {}
                    () = self.stopped() => {}
                }
            }
        });
        Running { stop, task }
    }
}
