//! The public honor roll, held in memory on each instance, so a visitor's
//! filter, page of the roll or search is answered without asking PostgreSQL
//! anything: the search's words too are folded and corrected here (`words`).
//!
//! The roll is read whole at start. Afterwards PostgreSQL announces every
//! change to a confirmed hero on the `roll_changes` channel (a trigger, once
//! the change commits); each instance reads those heroes again and swaps in a
//! new snapshot. A burst of changes is gathered for a moment and read in one
//! query; a lost listening connection, or a burst too large, reads the whole
//! roll again. A visitor may so see a change some milliseconds late, as from a
//! replica. Signed-in people never read it: they must see what they have just
//! written, so their pages ask PostgreSQL ([`crate::state::AppState::for_viewer`]).
//!
//! A snapshot keeps the heroes in the roll's own order (newest end of watch
//! first, then id descending, as PostgreSQL orders `uuid`), their names'
//! order (byte order, which is the collation of `heroes.sort_name`), and each
//! search word's heroes in the roll's order, so a search walks the heroes of
//! its rarest word, newest first, and stops at its cap as PostgreSQL does (a
//! common word's heroes are also kept as bits, and a search of common words
//! intersects them 64 heroes at a time).

mod master;
mod snapshot;
mod words;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::Instant;
use uuid::Uuid;

use self::master::Master;
pub use self::snapshot::Snapshot;
use self::words::Folding;
use super::roll_filter::RollFilter;
use super::search::{RollRow, Total};

const CHANNEL: &str = "roll_changes";
/// Changes arriving within this moment of the first are read together.
const GATHER: Duration = Duration::from_millis(20);
/// Snapshots are built at most this often: under a stream of writes (staff
/// logging miles at a run) visitors see changes this much later, and the
/// instance sorts the roll four times a second rather than fifty.
const BETWEEN_SNAPSHOTS: Duration = Duration::from_millis(250);
/// A burst of more changed heroes than this reads the whole roll again.
const RELOAD_ABOVE: usize = 2_000;
/// How long to wait before trying PostgreSQL again after a failed read.
const RETRY: Duration = Duration::from_secs(1);

/// The roll on this instance, and the task that keeps it in step.
pub struct LiveRoll {
    snapshot: RwLock<Arc<Snapshot>>,
    folding: Folding,
    /// Announced on the channel by [`LiveRoll::caught_up`], to tell this
    /// instance's own tokens from another's.
    instance: Uuid,
    next_token: AtomicU64,
    /// The newest token whose changes are in the snapshot.
    synced: watch::Receiver<u64>,
    /// Turns to search: see [`LiveRoll::search_turns`].
    search_turns: Arc<Semaphore>,
}

impl LiveRoll {
    /// Listens on the channel, reads the whole roll, and starts following
    /// the changes. Listening starts first, so no change falls between.
    pub async fn start(pool: PgPool) -> anyhow::Result<Arc<LiveRoll>> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let folding = Folding::load(&pool).await?;
        let mut master = Master::load(&pool).await?;
        let (synced_tx, synced) = watch::channel(0);
        let live = Arc::new(LiveRoll {
            snapshot: RwLock::new(Arc::new(master.snapshot())),
            folding,
            instance: Uuid::new_v4(),
            next_token: AtomicU64::new(1),
            synced,
            search_turns: Arc::new(Semaphore::new(
                std::thread::available_parallelism().map_or(1, |cores| (cores.get() / 2).max(1)),
            )),
        });
        let (changes_tx, changes) = mpsc::unbounded_channel();
        tokio::spawn(listen(listener, live.instance, changes_tx));
        tokio::spawn(follow(live.clone(), master, pool, changes, synced_tx));
        Ok(live)
    }

    /// A search here is CPU work with nothing to wait for, so it would never
    /// yield: at most half the cores search (and render the page) at once, and
    /// a flood of searches leaves the others to the pages that read PostgreSQL.
    pub fn search_turns(&self) -> &Arc<Semaphore> {
        &self.search_turns
    }

    /// The roll as it stands now; a page reads one snapshot throughout.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(snapshot) => snapshot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn publish(&self, snapshot: Snapshot) {
        let snapshot = Arc::new(snapshot);
        match self.snapshot.write() {
            Ok(mut slot) => *slot = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }

    /// Waits until this instance holds every change committed before the call:
    /// a token sent through the same channel comes back after them.
    pub async fn caught_up(&self, pool: &PgPool, within: Duration) -> anyhow::Result<()> {
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        sqlx::query!(
            "select pg_notify($1, $2)",
            CHANNEL,
            format!("sync {} {token}", self.instance)
        )
        .execute(pool)
        .await?;
        let mut synced = self.synced.clone();
        tokio::time::timeout(within, synced.wait_for(|done| *done >= token))
            .await
            .map_err(|_| anyhow::anyhow!("the roll in memory did not catch up within {within:?}"))??;
        Ok(())
    }

    /// One page of the roll after the filter's cursor (up to `limit` rows) and
    /// how many heroes match, as [`super::search::page`] reads them from
    /// PostgreSQL, the search's words corrected as [`Search::correct`] does.
    pub fn page(&self, filter: &RollFilter, limit: i64) -> (Vec<RollRow>, Total) {
        let snapshot = self.snapshot();
        let search = filter
            .q
            .as_ref()
            .map(|q| snapshot.dictionary.correct(self.folding.words(q)));
        let limit = usize::try_from(limit).unwrap_or(0);
        snapshot.page(filter, search.as_ref(), limit)
    }
}

/// What the listening connection passes on.
enum Change {
    Hero(Uuid),
    /// One of this instance's [`LiveRoll::caught_up`] tokens.
    Sync(u64),
    /// The connection was lost, and changes with it: read everything again.
    Lost,
}

/// Owns the listening connection, so that waiting for a burst to end never
/// cancels a read from it half-way.
async fn listen(mut listener: PgListener, instance: Uuid, changes: mpsc::UnboundedSender<Change>) {
    let own = format!("sync {instance} ");
    loop {
        let change = match listener.try_recv().await {
            Ok(Some(notification)) => {
                let payload = notification.payload();
                if let Some(token) = payload.strip_prefix(&own) {
                    token.parse().map(Change::Sync).ok()
                } else {
                    payload.parse().map(Change::Hero).ok()
                }
            }
            // sqlx connects again on the next call, listening as before.
            Ok(None) => Some(Change::Lost),
            Err(e) => {
                tracing::warn!(error = %e, "the roll's listening connection failed");
                tokio::time::sleep(RETRY).await;
                Some(Change::Lost)
            }
        };
        if let Some(change) = change
            && changes.send(change).is_err()
        {
            return;
        }
    }
}

/// Reads the announced heroes again and swaps in the new snapshot.
async fn follow(
    live: Arc<LiveRoll>,
    mut master: Master,
    pool: PgPool,
    mut changes: mpsc::UnboundedReceiver<Change>,
    synced: watch::Sender<u64>,
) {
    let mut pending = Pending::default();
    let mut built_at = Instant::now();
    loop {
        if pending.is_empty() {
            let Some(first) = changes.recv().await else {
                return;
            };
            pending.add(first);
            let gathered = tokio::time::sleep_until((Instant::now() + GATHER).max(built_at + BETWEEN_SNAPSHOTS));
            tokio::pin!(gathered);
            loop {
                tokio::select! {
                    () = &mut gathered => break,
                    change = changes.recv() => match change {
                        Some(change) => pending.add(change),
                        None => return,
                    },
                }
            }
        }
        while let Ok(change) = changes.try_recv() {
            pending.add(change);
        }
        if pending.heroes.is_empty() && !pending.reload {
            // Only tokens: every change before them is in the snapshot already.
            if let Some(token) = pending.token {
                synced.send_replace(token);
            }
            pending = Pending::default();
            continue;
        }
        let read = if pending.reload || pending.heroes.len() > RELOAD_ABOVE {
            Master::load(&pool).await.map(|fresh| master = fresh)
        } else {
            master.read_again(&pool, &pending.heroes).await
        };
        if let Err(e) = read {
            tracing::warn!(error = %e, "could not read the roll's changes; trying again");
            tokio::time::sleep(RETRY).await;
            continue;
        }
        // Sorting 100,000 heroes is CPU work: off the threads that answer requests.
        let built = tokio::task::spawn_blocking(move || {
            let mut master = master;
            let snapshot = master.snapshot();
            (master, snapshot)
        })
        .await;
        let Ok((kept, snapshot)) = built else {
            tracing::error!("building the roll's snapshot failed; the roll stops following changes");
            return;
        };
        master = kept;
        live.publish(snapshot);
        built_at = Instant::now();
        if let Some(token) = pending.token {
            synced.send_replace(token);
        }
        pending = Pending::default();
    }
}

#[derive(Default)]
struct Pending {
    heroes: HashSet<Uuid>,
    reload: bool,
    token: Option<u64>,
}

impl Pending {
    fn add(&mut self, change: Change) {
        match change {
            Change::Hero(id) => {
                self.heroes.insert(id);
            }
            Change::Sync(token) => self.token = self.token.max(Some(token)),
            Change::Lost => self.reload = true,
        }
    }

    fn is_empty(&self) -> bool {
        self.heroes.is_empty() && !self.reload && self.token.is_none()
    }
}
