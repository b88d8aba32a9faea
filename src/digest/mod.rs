//! The daily staff digest: from `DIGEST_HOUR` in the program's time zone, one
//! short email to every account that has not turned it off, telling what is new
//! (grant applications since the last digest) and what needs doing or is coming
//! (flags waiting more than 14 days, the coming week's anniversaries and runs).
//!
//! Every instance runs [`spawn`]'s loop, which calls [`round`] each minute. A
//! round past the hour claims the day with an insert into `digest_days` that
//! does nothing when the day is there already, and queues the digests in that
//! same transaction: whoever inserts first sends, the others find the day taken
//! (the second insert waits for the first to commit), so each person gets one
//! digest a day however many instances run. A round that fails before its
//! commit leaves the day unclaimed, and the next round tries again.

pub mod queries;
pub mod sections;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use sqlx::PgPool;

use crate::accounts::queries::digest_readers;
use crate::clock::Clock;
use crate::config::Config;
use crate::error::AppError;
use crate::messages::letters::StaffDigest;

/// How often each instance looks whether the day's digest is due.
const EVERY: Duration = Duration::from_secs(60);

/// What one round did.
#[derive(Debug, PartialEq, Eq)]
pub enum Round {
    /// The hour has not come yet today.
    NotYet,
    /// Today's digest was claimed already, by this instance or another.
    Taken,
    /// This round claimed the day and queued this many digests.
    Claimed { queued: usize },
}

/// One round at `now`: when the day's hour has come and nobody has claimed the
/// day, claims it and queues each reader's digest in the same transaction.
pub async fn round(pool: &PgPool, config: &Config, now: DateTime<Utc>) -> Result<Round, AppError> {
    let local = now.with_timezone(&config.time_zone);
    if local.hour() < config.digest_hour {
        return Ok(Round::NotYet);
    }
    let today = local.date_naive();
    let mut tx = pool.begin().await?;
    if !queries::claim(&mut *tx, today, now).await? {
        return Ok(Round::Taken);
    }
    // New since the last digest; the very first counts the last day.
    let since = queries::claimed_before(&mut *tx, today)
        .await?
        .unwrap_or(now - chrono::Duration::days(1));
    let base = config.base_url();
    let found = sections::gather(&mut tx, &base, config.time_zone, today, since, now).await?;
    // A day with nothing to tell sends nothing, not a "nothing new" email: one
    // every morning would teach people to stop opening them, and the desk says
    // the same to anyone who looks. The day is claimed all the same, so the
    // next digest tells what came after this moment, once.
    let mut queued = 0;
    if !found.is_empty() {
        for reader in digest_readers(&mut *tx).await? {
            let digest = StaffDigest {
                to: reader.email,
                name: reader.display_name,
                day: today.format("%A %-d %B %Y").to_string(),
                account_link: format!("{base}/account/password#digest"),
                sections: found.clone(),
            };
            crate::messages::queue(&mut tx, &digest, now).await?;
            queued += 1;
        }
    }
    queries::record_sent(&mut *tx, today, queued).await?;
    tx.commit().await?;
    Ok(Round::Claimed { queued })
}

/// Runs a round each minute for as long as the server runs, the first a minute
/// after the start: a server restarted again and again does not add rounds, and
/// a short-lived one (an operations test) sends nothing.
pub fn spawn(pool: PgPool, config: Arc<Config>, clock: Arc<dyn Clock>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match round(&pool, &config, clock.now()).await {
                Ok(Round::Claimed { queued }) => tracing::info!(queued, "the staff digest was queued"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the staff digest could not be made"),
            }
        }
    });
}
