//! Every hero the roll holds, as the task that follows the changes keeps them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

use super::snapshot::{Packed, Snapshot};
use super::words::Dictionary;
use crate::heroes::model::{Cause, Service};
use crate::public::search::RollRow;

/// What the roll's filters look at, kept together so a filter scans little memory.
#[derive(Clone, Copy, Debug)]
pub(super) struct Key {
    pub(super) end_of_watch: NaiveDate,
    pub(super) service: Service,
    pub(super) country: [u8; 2],
    pub(super) region: [u8; 2],
    pub(super) honored: bool,
}

/// A confirmed hero's public roll fields.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) id: Uuid,
    pub(super) key: Key,
    /// The full name, rank, agency, city and folded name, one after another
    /// (one allocation instead of five).
    text: Box<str>,
    ends: [u32; 5],
    cause: Cause,
    age: Option<i16>,
    years_of_service: Option<i16>,
    /// The hero's search words, as ids of [`Master::words`], sorted.
    pub(super) words: Box<[u32]>,
}

impl Entry {
    fn field(&self, n: usize) -> &str {
        let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        self.text.get(start..self.ends[n] as usize).unwrap_or_default()
    }

    pub(super) fn sort_name(&self) -> &str {
        self.field(4)
    }

    pub(super) fn row(&self, score: f32, matches: i64) -> RollRow {
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
pub(super) fn code(text: &str) -> [u8; 2] {
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
pub(super) struct Master {
    heroes: HashMap<Uuid, Arc<Entry>>,
    /// Every word learned, by id: as `search_words`, words are only added, those
    /// of the table when the roll was read and each confirmed hero's since.
    ids: HashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    /// The last snapshot's dictionary, kept while no word is added.
    dictionary: Option<Arc<Dictionary>>,
    /// The last snapshot's name order, word lists and bits, kept while no hero
    /// comes or goes or changes end of watch, name or words: a mile logged
    /// (a hero honored) then costs a new snapshot only its keys.
    shape: Option<Shape>,
}

#[derive(Clone)]
struct Shape {
    by_name: Arc<[u32]>,
    postings: Arc<[Vec<u32>]>,
    bitmaps: Arc<[Option<Box<[u64]>>]>,
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
    pub(super) async fn load(pool: &PgPool) -> sqlx::Result<Master> {
        let mut master = Master {
            heroes: HashMap::new(),
            ids: HashMap::new(),
            words: Vec::new(),
            dictionary: None,
            shape: None,
        };
        let words = sqlx::query_scalar!("select word from search_words order by word collate \"C\"")
            .fetch_all(pool)
            .await?;
        for word in words {
            master.learn(word);
        }
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
    pub(super) async fn read_again(&mut self, pool: &PgPool, ids: &HashSet<Uuid>) -> sqlx::Result<()> {
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
        let kept: HashSet<Uuid> = records.iter().map(|r| r.id).collect();
        for id in ids.iter().filter(|id| !kept.contains(id)) {
            if self.heroes.remove(id).is_some() {
                self.shape = None;
            }
        }
        for record in records {
            self.keep(record);
        }
        Ok(())
    }

    fn keep(&mut self, r: RollRecord) {
        let mut words: Vec<u32> = r.search_words.into_iter().map(|word| self.learn(word)).collect();
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
        let moved = self.heroes.get(&r.id).is_none_or(|old| {
            old.key.end_of_watch != entry.key.end_of_watch
                || old.sort_name() != entry.sort_name()
                || old.words != entry.words
        });
        if moved {
            self.shape = None;
        }
        self.heroes.insert(r.id, Arc::new(entry));
    }

    /// The word's id, learning it when it is new.
    fn learn(&mut self, word: String) -> u32 {
        if let Some(&id) = self.ids.get(word.as_str()) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        let word = word.into_boxed_str();
        self.ids.insert(word.clone(), id);
        self.words.push(word);
        self.dictionary = None;
        id
    }

    pub(super) fn snapshot(&mut self) -> Snapshot {
        let mut heroes: Vec<Arc<Entry>> = self.heroes.values().cloned().collect();
        heroes.sort_unstable_by_key(|e| std::cmp::Reverse(roll_order(e)));
        let shape = match &self.shape {
            Some(shape) => shape.clone(),
            None => self.shape.insert(Master::shape(&heroes, self.words.len())).clone(),
        };
        Snapshot {
            keys: heroes.iter().map(|e| Packed::of(&e.key)).collect(),
            name_keys: shape
                .by_name
                .iter()
                .map(|&p| Packed::of(&heroes[p as usize].key))
                .collect(),
            heroes,
            by_name: shape.by_name,
            postings: shape.postings,
            bitmaps: shape.bitmaps,
            dictionary: self
                .dictionary
                .get_or_insert_with(|| Arc::new(Dictionary::new(self.words.clone())))
                .clone(),
        }
    }

    /// The heroes' order by name and each word's heroes, for `heroes` in the roll's order.
    fn shape(heroes: &[Arc<Entry>], words: usize) -> Shape {
        let mut by_name: Vec<u32> = (0..heroes.len()).filter_map(|p| u32::try_from(p).ok()).collect();
        by_name.sort_unstable_by(|&a, &b| {
            let (a, b) = (&heroes[a as usize], &heroes[b as usize]);
            (a.sort_name(), a.id).cmp(&(b.sort_name(), b.id))
        });
        let mut sizes = vec![0usize; words];
        for entry in heroes {
            for &word in &entry.words {
                if let Some(size) = sizes.get_mut(word as usize) {
                    *size += 1;
                }
            }
        }
        let mut postings: Vec<Vec<u32>> = sizes.into_iter().map(Vec::with_capacity).collect();
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
        // A common word's heroes also as one bit per hero: no bigger than its
        // list once one hero in 64 holds it, and two common words' heroes are
        // then intersected 64 at a time.
        let chunks = heroes.len().div_ceil(64);
        let bitmaps: Vec<Option<Box<[u64]>>> = postings
            .iter()
            .map(|list| {
                (!list.is_empty() && list.len() * 64 >= heroes.len()).then(|| {
                    let mut map = vec![0u64; chunks];
                    for &p in list {
                        if let Some(bits) = map.get_mut(p as usize / 64) {
                            *bits |= 1 << (p % 64);
                        }
                    }
                    map.into_boxed_slice()
                })
            })
            .collect();
        Shape {
            by_name: by_name.into(),
            postings: postings.into(),
            bitmaps: bitmaps.into(),
        }
    }
}

pub(super) fn roll_order(entry: &Entry) -> (NaiveDate, Uuid) {
    (entry.key.end_of_watch, entry.id)
}
