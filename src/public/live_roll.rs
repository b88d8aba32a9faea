//! The public honor roll, held in memory on each instance, so a visitor's
//! filter, page of the roll or search is answered without reading rows from
//! PostgreSQL (a search still corrects its words there: one short query).
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
//! its rarest word, newest first, and stops at its cap as PostgreSQL does.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use futures_util::TryStreamExt;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

use super::roll_filter::{Cursor, RollFilter, Sort};
use super::search::{COUNT_CAP, RollRow, SEARCH_CAP, Search, Total};
use crate::heroes::model::{Cause, Service};

const CHANNEL: &str = "roll_changes";
/// Changes arriving within this moment of the first are read together.
const GATHER: Duration = Duration::from_millis(20);
/// A burst of more changed heroes than this reads the whole roll again.
const RELOAD_ABOVE: usize = 2_000;
/// How long to wait before trying PostgreSQL again after a failed read.
const RETRY: Duration = Duration::from_secs(1);

/// The roll on this instance, and the task that keeps it in step.
pub struct LiveRoll {
    snapshot: RwLock<Arc<Snapshot>>,
    /// Announced on the channel by [`LiveRoll::caught_up`], to tell this
    /// instance's own tokens from another's.
    instance: Uuid,
    next_token: AtomicU64,
    /// The newest token whose changes are in the snapshot.
    synced: watch::Receiver<u64>,
}

impl LiveRoll {
    /// Listens on the channel, reads the whole roll, and starts following
    /// the changes. Listening starts first, so no change falls between.
    pub async fn start(pool: PgPool) -> anyhow::Result<Arc<LiveRoll>> {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let master = Master::load(&pool).await?;
        let (synced_tx, synced) = watch::channel(0);
        let live = Arc::new(LiveRoll {
            snapshot: RwLock::new(Arc::new(master.snapshot())),
            instance: Uuid::new_v4(),
            next_token: AtomicU64::new(1),
            synced,
        });
        let (changes_tx, changes) = mpsc::unbounded_channel();
        tokio::spawn(listen(listener, live.instance, changes_tx));
        tokio::spawn(follow(live.clone(), master, pool, changes, synced_tx));
        Ok(live)
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
    /// PostgreSQL. A search's words are corrected through `read` first.
    pub async fn page(&self, read: &PgPool, filter: &RollFilter, limit: i64) -> sqlx::Result<(Vec<RollRow>, Total)> {
        let search = match &filter.q {
            Some(q) => {
                let mut conn = read.acquire().await?;
                Some(Search::correct(&mut conn, q).await?)
            }
            None => None,
        };
        let limit = usize::try_from(limit).unwrap_or(0);
        Ok(self.snapshot().page(filter, search.as_ref(), limit))
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
    loop {
        if pending.is_empty() {
            let Some(first) = changes.recv().await else {
                return;
            };
            pending.add(first);
            let gathered = tokio::time::sleep(GATHER);
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

/// What the roll's filters look at, kept together so a filter scans little memory.
#[derive(Clone, Copy, Debug)]
struct Key {
    end_of_watch: NaiveDate,
    service: Service,
    country: [u8; 2],
    region: [u8; 2],
    honored: bool,
}

/// A confirmed hero's public roll fields.
#[derive(Debug)]
struct Entry {
    id: Uuid,
    key: Key,
    /// The full name, rank, agency, city and folded name, one after another
    /// (one allocation instead of five).
    text: Box<str>,
    ends: [u32; 5],
    cause: Cause,
    age: Option<i16>,
    years_of_service: Option<i16>,
    /// The hero's search words, as ids of [`Master::words`], sorted.
    words: Box<[u32]>,
}

impl Entry {
    fn field(&self, n: usize) -> &str {
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        self.text.get(start..self.ends[n] as usize).unwrap_or_default()
    }

    fn sort_name(&self) -> &str {
        self.field(4)
    }

    fn has_any(&self, words: &[u32]) -> bool {
        words.iter().any(|w| self.words.binary_search(w).is_ok())
    }

    fn row(&self, score: f32, matches: i64) -> RollRow {
        RollRow {
            id: self.id,
            full_name: self.field(0).to_string(),
            rank_title: self.field(1).to_string(),
            agency: self.field(2).to_string(),
            agency_city: self.field(3).to_string(),
            country: code_text(self.key.country),
            region: code_text(self.key.region),
            service: self.key.service,
            end_of_watch: self.key.end_of_watch,
            cause: self.cause,
            age: self.age,
            years_of_service: self.years_of_service,
            sort_name: self.sort_name().to_string(),
            score,
            matches,
        }
    }
}

/// A two-letter code (the database checks country and region are two letters).
fn code(text: &str) -> [u8; 2] {
    let bytes = text.as_bytes();
    [
        bytes.first().copied().unwrap_or(b' '),
        bytes.get(1).copied().unwrap_or(b' '),
    ]
}

fn code_text(code: [u8; 2]) -> String {
    String::from_utf8_lossy(&code).trim_end().to_string()
}

/// Every hero the roll holds, by id, and the words they are found by. Only
/// the task that follows the changes holds it; pages read snapshots of it.
struct Master {
    heroes: HashMap<Uuid, Arc<Entry>>,
    words: HashMap<Box<str>, u32>,
}

struct RollRecord {
    id: Uuid,
    full_name: String,
    rank_title: String,
    agency: String,
    agency_city: String,
    country: String,
    region: String,
    service: Service,
    end_of_watch: NaiveDate,
    cause: Cause,
    age: Option<i16>,
    years_of_service: Option<i16>,
    sort_name: String,
    honored: bool,
    search_words: Vec<String>,
}

impl Master {
    async fn load(pool: &PgPool) -> sqlx::Result<Master> {
        let mut master = Master {
            heroes: HashMap::new(),
            words: HashMap::new(),
        };
        let mut rows = sqlx::query_as!(
            RollRecord,
            r#"select id, full_name, rank_title, agency, agency_city, country, region,
                      service as "service: Service", end_of_watch, cause as "cause: Cause", age,
                      years_of_service, sort_name as "sort_name!", honored,
                      coalesce(search_words, '{}') as "search_words!"
               from heroes where confirmed_at is not null"#
        )
        .fetch(pool);
        while let Some(record) = rows.try_next().await? {
            master.keep(record);
        }
        Ok(master)
    }

    /// Reads `ids` again: a hero no longer confirmed (or gone) leaves the roll.
    async fn read_again(&mut self, pool: &PgPool, ids: &HashSet<Uuid>) -> sqlx::Result<()> {
        let ids: Vec<Uuid> = ids.iter().copied().collect();
        let records = sqlx::query_as!(
            RollRecord,
            r#"select id, full_name, rank_title, agency, agency_city, country, region,
                      service as "service: Service", end_of_watch, cause as "cause: Cause", age,
                      years_of_service, sort_name as "sort_name!", honored,
                      coalesce(search_words, '{}') as "search_words!"
               from heroes where confirmed_at is not null and id = any($1)"#,
            &ids
        )
        .fetch_all(pool)
        .await?;
        for id in &ids {
            self.heroes.remove(id);
        }
        for record in records {
            self.keep(record);
        }
        Ok(())
    }

    fn keep(&mut self, r: RollRecord) {
        let mut words: Vec<u32> = r
            .search_words
            .into_iter()
            .map(|word| {
                let next = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
                *self.words.entry(word.into_boxed_str()).or_insert(next)
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        let mut text = String::new();
        let mut ends = [0u32; 5];
        for (n, field) in [&r.full_name, &r.rank_title, &r.agency, &r.agency_city, &r.sort_name]
            .into_iter()
            .enumerate()
        {
            text.push_str(field);
            ends[n] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        }
        let entry = Entry {
            id: r.id,
            key: Key {
                end_of_watch: r.end_of_watch,
                service: r.service,
                country: code(&r.country),
                region: code(&r.region),
                honored: r.honored,
            },
            text: text.into_boxed_str(),
            ends,
            cause: r.cause,
            age: r.age,
            years_of_service: r.years_of_service,
            words: words.into_boxed_slice(),
        };
        self.heroes.insert(r.id, Arc::new(entry));
    }

    fn snapshot(&self) -> Snapshot {
        let mut heroes: Vec<Arc<Entry>> = self.heroes.values().cloned().collect();
        heroes.sort_unstable_by_key(|e| std::cmp::Reverse(roll_order(e)));
        let mut by_name: Vec<u32> = (0..heroes.len()).filter_map(|p| u32::try_from(p).ok()).collect();
        by_name.sort_unstable_by(|&a, &b| {
            let (a, b) = (&heroes[a as usize], &heroes[b as usize]);
            (a.sort_name(), a.id).cmp(&(b.sort_name(), b.id))
        });
        let mut postings = vec![Vec::new(); self.words.len()];
        for (position, entry) in heroes.iter().enumerate() {
            let Ok(position) = u32::try_from(position) else {
                break;
            };
            for &word in &entry.words {
                if let Some(list) = postings.get_mut(word as usize) {
                    list.push(position);
                }
            }
        }
        Snapshot {
            keys: heroes.iter().map(|e| e.key).collect(),
            heroes,
            by_name,
            postings,
            words: self.words.clone(),
        }
    }
}

fn roll_order(entry: &Entry) -> (NaiveDate, Uuid) {
    (entry.key.end_of_watch, entry.id)
}

/// The roll at one moment, ready to be read by many pages at once.
pub struct Snapshot {
    /// Newest end of watch first, then id descending.
    heroes: Vec<Arc<Entry>>,
    /// `heroes`' keys in the same order.
    keys: Vec<Key>,
    /// Positions in `heroes`, by folded name and then id.
    by_name: Vec<u32>,
    /// For each word id, the positions of the heroes holding it, ascending.
    postings: Vec<Vec<u32>>,
    words: HashMap<Box<str>, u32>,
}

impl Snapshot {
    /// See [`LiveRoll::page`].
    pub fn page(&self, filter: &RollFilter, search: Option<&Search>, limit: usize) -> (Vec<RollRow>, Total) {
        match search {
            Some(search) => self.search_page(filter, search, limit),
            None => (self.rows(filter, limit), self.count(filter)),
        }
    }

    /// The positions within the filter's year, if it has one.
    fn years(&self, filter: &RollFilter) -> Range<usize> {
        let Some(year) = filter.year else {
            return 0..self.keys.len();
        };
        let start = self.keys.partition_point(|k| k.end_of_watch.year() > year);
        let end = self.keys.partition_point(|k| k.end_of_watch.year() >= year);
        start..end
    }

    fn passes(&self, key: &Key, filter: &RollFilter) -> bool {
        filter.service.is_none_or(|s| key.service == s)
            && filter.country.is_none_or(|c| key.country == code(c.code()))
            && filter.region.is_none_or(|r| key.region == code(r.code))
            && filter.honored.is_none_or(|h| key.honored == h)
            && filter.year.is_none_or(|y| key.end_of_watch.year() == y)
    }

    fn rows(&self, filter: &RollFilter, limit: usize) -> Vec<RollRow> {
        let years = self.years(filter);
        let row = |p: usize| self.heroes[p].row(0.0, 0);
        match (&filter.sort, &filter.after) {
            (Sort::Name, after) => {
                let start = match after {
                    Some(Cursor::Name(name, id)) => self.by_name.partition_point(|&p| {
                        let e = &self.heroes[p as usize];
                        (e.sort_name(), e.id) <= (name.as_str(), *id)
                    }),
                    _ => 0,
                };
                self.by_name[start..]
                    .iter()
                    .map(|&p| p as usize)
                    .filter(|&p| self.passes(&self.keys[p], filter))
                    .take(limit)
                    .map(row)
                    .collect()
            }
            (_, after) => {
                let start = match after {
                    Some(Cursor::EndOfWatch(date, id)) => {
                        self.heroes.partition_point(|e| roll_order(e) >= (*date, *id))
                    }
                    _ => 0,
                };
                (start.max(years.start)..years.end)
                    .filter(|&p| self.passes(&self.keys[p], filter))
                    .take(limit)
                    .map(row)
                    .collect()
            }
        }
    }

    fn count(&self, filter: &RollFilter) -> Total {
        if !filter.is_filtered() {
            return Total::Exact(self.heroes.len() as i64);
        }
        let cap = COUNT_CAP as usize;
        let counted = self
            .years(filter)
            .filter(|&p| self.passes(&self.keys[p], filter))
            .take(cap + 1)
            .count();
        Total::capped(counted as i64, COUNT_CAP)
    }

    /// The word ids each condition accepts: one of a long word's spellings, or,
    /// when only short words were typed, each of them. `None` when a condition
    /// can match no hero.
    fn conditions(&self, search: &Search) -> Option<Vec<Vec<u32>>> {
        let id = |word: &String| self.words.get(word.as_str()).copied();
        let conditions: Vec<Vec<u32>> = if search.required().is_empty() {
            search.typed().iter().map(|w| id(w).into_iter().collect()).collect()
        } else {
            search
                .required()
                .iter()
                .map(|spellings| spellings.iter().filter_map(id).collect())
                .collect()
        };
        if conditions.is_empty() || conditions.iter().any(Vec::is_empty) {
            return None;
        }
        Some(conditions)
    }

    fn search_page(&self, filter: &RollFilter, search: &Search, limit: usize) -> (Vec<RollRow>, Total) {
        let cap = (SEARCH_CAP as usize).max(limit) + 1;
        let matches = match self.conditions(search) {
            Some(conditions) => self.matches(filter, &conditions, cap),
            None => Vec::new(),
        };
        let typed: Vec<u32> = search
            .typed()
            .iter()
            .filter_map(|w| self.words.get(w.as_str()).copied())
            .collect();
        let count = matches.len() as i64;
        let mut scored: Vec<(f32, &Entry)> = matches
            .iter()
            .map(|&p| {
                let entry = &*self.heroes[p as usize];
                let score = typed.iter().filter(|w| entry.words.binary_search(w).is_ok()).count();
                (score as f32, entry)
            })
            .collect();
        // `matches` is in the roll's order already.
        match filter.sort {
            Sort::BestMatch => scored.sort_by(|a, b| b.0.total_cmp(&a.0)),
            Sort::EndOfWatch => {}
            Sort::Name => scored.sort_by(|a, b| (a.1.sort_name(), a.1.id).cmp(&(b.1.sort_name(), b.1.id))),
        }
        let rows = scored
            .into_iter()
            .filter(|(score, entry)| filter.after.as_ref().is_none_or(|after| is_after(after, *score, entry)))
            .take(limit)
            .map(|(score, entry)| entry.row(score, count))
            .collect();
        (rows, Total::capped(count, SEARCH_CAP))
    }

    /// Up to `cap` heroes meeting every condition and the filter, in the roll's
    /// order: the heroes of the condition with the fewest are walked, newest
    /// first, and the others checked on each.
    fn matches(&self, filter: &RollFilter, conditions: &[Vec<u32>], cap: usize) -> Vec<u32> {
        let size = |condition: &Vec<u32>| -> usize {
            condition
                .iter()
                .map(|&w| self.postings.get(w as usize).map_or(0, Vec::len))
                .sum()
        };
        let Some((walked, rest)) = conditions
            .iter()
            .enumerate()
            .min_by_key(|(_, c)| size(c))
            .map(|(n, c)| (c, conditions.iter().enumerate().filter(move |(m, _)| *m != n)))
        else {
            return Vec::new();
        };
        let rest: Vec<&Vec<u32>> = rest.map(|(_, c)| c).collect();
        let years = self.years(filter);
        let lists: Vec<&[u32]> = walked
            .iter()
            .filter_map(|&w| self.postings.get(w as usize))
            .map(|list| {
                let from = list.partition_point(|&p| (p as usize) < years.start);
                &list[from..]
            })
            .collect();
        let mut found = Vec::new();
        for p in merged(&lists) {
            let position = p as usize;
            if position >= years.end || found.len() == cap {
                break;
            }
            let entry = &self.heroes[position];
            if self.passes(&self.keys[position], filter) && rest.iter().all(|c| entry.has_any(c)) {
                found.push(p);
            }
        }
        found
    }
}

/// Whether a row comes after the cursor in the cursor's order.
fn is_after(cursor: &Cursor, score: f32, entry: &Entry) -> bool {
    match cursor {
        Cursor::BestMatch(after, date, id) => score < *after || (score == *after && roll_order(entry) < (*date, *id)),
        Cursor::EndOfWatch(date, id) => roll_order(entry) < (*date, *id),
        Cursor::Name(name, id) => (entry.sort_name(), entry.id) > (name.as_str(), *id),
    }
}

/// The union of ascending lists, ascending, each value once.
fn merged<'a>(lists: &'a [&'a [u32]]) -> impl Iterator<Item = u32> + 'a {
    let mut at = vec![0usize; lists.len()];
    let mut last = None;
    std::iter::from_fn(move || {
        loop {
            let (n, value) = lists
                .iter()
                .enumerate()
                .filter_map(|(n, list)| list.get(at[n]).map(|v| (n, *v)))
                .min_by_key(|(_, v)| *v)?;
            at[n] += 1;
            if last != Some(value) {
                last = Some(value);
                return Some(value);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::merged;

    #[test]
    fn lists_merge_in_order_and_once() {
        let a: &[u32] = &[1, 4, 9];
        let b: &[u32] = &[2, 4, 10];
        let c: &[u32] = &[];
        let lists = [a, b, c];
        assert_eq!(merged(&lists).collect::<Vec<_>>(), vec![1, 2, 4, 9, 10]);
    }
}
