//! The roll at one moment, and the pages read from it.

use std::ops::Range;
use std::sync::Arc;

use chrono::Datelike;

use super::master::{Entry, Key, code, roll_order};
use super::words::Dictionary;
use crate::heroes::model::Service;
use crate::public::roll_filter::{Cursor, RollFilter, Sort};
use crate::public::search::{COUNT_CAP, RollRow, SEARCH_CAP, Search, Total};

/// The roll at one moment, ready to be read by many pages at once.
pub struct Snapshot {
    /// Newest end of watch first, then id descending.
    pub(super) heroes: Vec<Arc<Entry>>,
    /// `heroes`' keys in the same order.
    pub(super) keys: Vec<Packed>,
    /// Positions in `heroes`, by folded name and then id.
    pub(super) by_name: Arc<[u32]>,
    /// Their keys in the same order, so a filter sorted by name scans memory
    /// in a row rather than jumping about.
    pub(super) name_keys: Vec<Packed>,
    /// For each word id, the positions of the heroes holding it, ascending.
    pub(super) postings: Arc<[Vec<u32>]>,
    /// For each common word id (held by one hero in 64 or more), the same
    /// positions as bits: bit `p % 64` of word `p / 64`.
    pub(super) bitmaps: Arc<[Option<Box<[u64]>>]>,
    pub(super) dictionary: Arc<Dictionary>,
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
        let year = year_bits(year);
        let start = self.keys.partition_point(|k| k.year() > year);
        let end = self.keys.partition_point(|k| k.year() >= year);
        start..end
    }

    fn rows(&self, filter: &RollFilter, limit: usize) -> Vec<RollRow> {
        let years = self.years(filter);
        let want = Want::of(filter);
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
                (start..self.by_name.len())
                    .filter(|&n| want.admits_at(&self.name_keys, n))
                    .take(limit)
                    .map(|n| row(self.by_name[n] as usize))
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
                    .filter(|&p| want.admits_at(&self.keys, p))
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
        let want = Want::of(filter);
        let counted = self
            .years(filter)
            .filter(|&p| want.admits_at(&self.keys, p))
            .take(cap + 1)
            .count();
        Total::capped(counted as i64, COUNT_CAP)
    }

    /// The word ids each condition accepts: one of a long word's spellings, or,
    /// when only short words were typed, each of them. `None` when a condition
    /// can match no hero.
    fn conditions(&self, search: &Search) -> Option<Vec<Vec<u32>>> {
        let id = |word: &String| self.dictionary.id(word);
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
        let count = matches.len() as i64;
        // Each match's score is how many typed words it holds, read off the
        // words' lists (in the roll's order, as the matches are) rather than
        // from each hero's own words: no jump to each matched hero.
        let typed: Vec<&[u32]> = search
            .typed()
            .iter()
            .map(|w| {
                self.dictionary
                    .id(w)
                    .and_then(|w| self.postings.get(w as usize))
                    .map_or(&[][..], |l| &l[..])
            })
            .collect();
        let mut read = vec![0; typed.len()];
        let mut scored: Vec<(f32, u32)> = matches
            .iter()
            .map(|&p| {
                let mut held = 0usize;
                for (list, at) in typed.iter().zip(read.iter_mut()) {
                    *at = first_from(list, *at, p);
                    held += usize::from(list.get(*at) == Some(&p));
                }
                (held as f32, p)
            })
            .collect();
        let entry = |p: u32| &*self.heroes[p as usize];
        // `matches` is in the roll's order already.
        match filter.sort {
            Sort::BestMatch => scored.sort_by(|a, b| b.0.total_cmp(&a.0)),
            Sort::EndOfWatch => {}
            Sort::Name => scored.sort_by(|a, b| {
                let (a, b) = (entry(a.1), entry(b.1));
                (a.sort_name(), a.id).cmp(&(b.sort_name(), b.id))
            }),
        }
        let rows = scored
            .into_iter()
            .filter(|&(score, p)| {
                filter
                    .after
                    .as_ref()
                    .is_none_or(|after| is_after(after, score, entry(p)))
            })
            .take(limit)
            .map(|(score, p)| entry(p).row(score, count))
            .collect();
        (rows, Total::capped(count, SEARCH_CAP))
    }

    /// Up to `cap` heroes meeting every condition and the filter, in the roll's
    /// order: the heroes of the condition with the fewest are walked, newest
    /// first, and the others checked on each.
    fn matches(&self, filter: &RollFilter, conditions: &[Vec<u32>], cap: usize) -> Vec<u32> {
        let years = self.years(filter);
        let want = Want::of(filter);
        if let Some(found) = self.matches_by_bits(&want, &years, conditions, cap) {
            return found;
        }
        // Each condition's lists of positions, from the filter's first year on.
        let lists = |condition: &Vec<u32>| -> Vec<&[u32]> {
            condition
                .iter()
                .filter_map(|&w| self.postings.get(w as usize))
                .map(|list| &list[list.partition_point(|&p| (p as usize) < years.start)..])
                .collect()
        };
        let mut conditions: Vec<Vec<&[u32]>> = conditions.iter().map(lists).collect();
        conditions.sort_by_key(|lists| lists.iter().map(|l| l.len()).sum::<usize>());
        let Some((walked, rest)) = conditions.split_first() else {
            return Vec::new();
        };
        // How far each list of the other conditions has been read.
        let mut read: Vec<Vec<usize>> = rest.iter().map(|lists| vec![0; lists.len()]).collect();
        let mut found = Vec::new();
        for p in merged(walked) {
            let position = p as usize;
            if position >= years.end || found.len() == cap {
                break;
            }
            let held = rest
                .iter()
                .zip(read.iter_mut())
                .all(|(lists, read)| holds_any(lists, read, p));
            if held && want.admits_at(&self.keys, position) {
                found.push(p);
            }
        }
        found
    }

    /// [`Snapshot::matches`] when every word of every condition is common:
    /// 64 heroes at a time, each condition's words' bits together, then the
    /// conditions' bits in common. `None` when a word has no bits.
    fn matches_by_bits(
        &self,
        want: &Want,
        years: &Range<usize>,
        conditions: &[Vec<u32>],
        cap: usize,
    ) -> Option<Vec<u32>> {
        let maps = conditions
            .iter()
            .map(|condition| {
                condition
                    .iter()
                    .map(|&w| self.bitmaps.get(w as usize)?.as_deref())
                    .collect::<Option<Vec<&[u64]>>>()
            })
            .collect::<Option<Vec<_>>>()?;
        let mut found = Vec::new();
        // The chunks holding the filter's year; a hero of another year in
        // the first or last fails the filter's own check of the year.
        for chunk in years.start / 64..years.end.div_ceil(64) {
            let mut bits = u64::MAX;
            for condition in &maps {
                bits &= condition
                    .iter()
                    .fold(0, |any, map| any | map.get(chunk).copied().unwrap_or(0));
            }
            let start = chunk * 64;
            while bits != 0 {
                let position = start + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if want.admits_at(&self.keys, position) {
                    found.push(u32::try_from(position).ok()?);
                    if found.len() == cap {
                        return Some(found);
                    }
                }
            }
        }
        Some(found)
    }
}

/// A hero's filter fields in one word (year, region, country, service,
/// honored), so a filter tests each hero with one mask and one comparison.
#[derive(Clone, Copy, Debug)]
pub(super) struct Packed(u64);

const REGION: u32 = 16;
const COUNTRY: u32 = 32;
const SERVICE: u32 = 48;
const HONORED: u32 = 56;

impl Packed {
    pub(super) fn of(key: &Key) -> Packed {
        Packed(
            year_bits(key.end_of_watch.year())
                | code_bits(key.region) << REGION
                | code_bits(key.country) << COUNTRY
                | service_bits(key.service) << SERVICE
                | u64::from(key.honored) << HONORED,
        )
    }

    fn year(self) -> u64 {
        self.0 & 0xFFFF
    }
}

/// A year in 16 bits, in the same order (an end of watch is never more than
/// 32,000 years from year 0; the database checks its range).
fn year_bits(year: i32) -> u64 {
    u64::try_from((i64::from(year) + 0x8000).clamp(0, 0xFFFF)).unwrap_or(0)
}

fn code_bits(code: [u8; 2]) -> u64 {
    u64::from(u16::from_be_bytes(code))
}

fn service_bits(service: Service) -> u64 {
    u64::from(service as u8)
}

/// The bits a filter asks about, and what they must be.
struct Want {
    mask: u64,
    value: u64,
}

impl Want {
    fn of(filter: &RollFilter) -> Want {
        let mut want = Want { mask: 0, value: 0 };
        let mut ask = |value: Option<u64>, width: u64, shift: u32| {
            if let Some(value) = value {
                want.mask |= width << shift;
                want.value |= value << shift;
            }
        };
        ask(filter.year.map(year_bits), 0xFFFF, 0);
        ask(filter.region.map(|r| code_bits(code(r.code))), 0xFFFF, REGION);
        ask(filter.country.map(|c| code_bits(code(c.code()))), 0xFFFF, COUNTRY);
        ask(filter.service.map(service_bits), 0xFF, SERVICE);
        ask(filter.honored.map(u64::from), 1, HONORED);
        want
    }

    fn admits(&self, key: Packed) -> bool {
        key.0 & self.mask == self.value
    }

    /// Whether the hero at `position` of `keys` passes; without a filter, its
    /// keys are not read at all (a jump in memory each, in a search's walk).
    fn admits_at(&self, keys: &[Packed], position: usize) -> bool {
        self.mask == 0 || self.admits(keys[position])
    }
}

/// Whether one of the ascending `lists` holds `p`, reading each on from where
/// `read` says (positions are asked in ascending order).
fn holds_any(lists: &[&[u32]], read: &mut [usize], p: u32) -> bool {
    let mut held = false;
    for (list, at) in lists.iter().zip(read.iter_mut()) {
        *at = first_from(list, *at, p);
        held |= list.get(*at) == Some(&p);
    }
    held
}

/// The first index from `from` on whose value is not below `p`: steps that
/// double, then a binary search, so skipping far costs little.
fn first_from(list: &[u32], from: usize, p: u32) -> usize {
    let mut step = 1;
    let mut end = from;
    while end < list.len() && list[end] < p {
        end = from + step;
        step *= 2;
    }
    let end = end.min(list.len());
    from + list[from..end].partition_point(|&x| x < p)
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
    use super::{Packed, Want, first_from, merged, year_bits};
    use crate::heroes::model::Service;
    use crate::public::live_roll::master::Key;
    use crate::public::roll_filter::{RollFilter, RollQuery};

    #[test]
    fn packed_years_keep_their_order() {
        let years = [-40_000, -1, 0, 1, 1791, 1999, 2000, 2026, 40_000];
        for pair in years.windows(2) {
            assert!(year_bits(pair[0]) <= year_bits(pair[1]), "{pair:?}");
        }
        assert!(year_bits(1999) < year_bits(2000));
    }

    #[test]
    fn a_filter_admits_exactly_the_heroes_it_asks_for() {
        let key = |year: i32, service: Service, country: &[u8; 2], region: &[u8; 2], honored: bool| {
            Packed::of(&Key {
                end_of_watch: chrono::NaiveDate::from_ymd_opt(year, 6, 1).unwrap_or_default(),
                service,
                country: *country,
                region: *region,
                honored,
            })
        };
        let hero = key(2019, Service::Fire, b"US", b"TX", true);
        let filter = |query: &str| {
            let mut typed = RollQuery::default();
            for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
                let field = match name.as_ref() {
                    "service" => &mut typed.service,
                    "country" => &mut typed.country,
                    "state" => &mut typed.state,
                    "year" => &mut typed.year,
                    _ => &mut typed.status,
                };
                *field = value.into_owned();
            }
            RollFilter::parse(&typed, 2026).expect("a filter that makes sense")
        };
        for (query, admitted) in [
            ("", true),
            ("service=fire", true),
            ("service=police", false),
            ("country=US", true),
            ("country=CA", false),
            ("country=US&state=TX", true),
            ("country=US&state=OK", false),
            ("year=2019", true),
            ("year=2018", false),
            ("status=honored", true),
            ("status=waiting", false),
            ("service=fire&country=US&state=TX&year=2019&status=honored", true),
            ("service=fire&country=US&state=TX&year=2019&status=waiting", false),
        ] {
            assert_eq!(Want::of(&filter(query)).admits(hero), admitted, "{query}");
        }
        assert!(!Want::of(&filter("status=honored")).admits(key(2019, Service::Fire, b"US", b"TX", false)));
    }

    #[test]
    fn reading_on_finds_the_first_value_not_below() {
        let list: &[u32] = &[2, 4, 4, 9, 15, 20, 31];
        for from in 0..list.len() {
            for p in 0..35 {
                let expected = from + list[from..].iter().take_while(|&&x| x < p).count();
                assert_eq!(first_from(list, from, p), expected, "from {from}, p {p}");
            }
        }
        assert_eq!(first_from(&[], 0, 3), 0);
    }

    #[test]
    fn lists_merge_in_order_and_once() {
        let a: &[u32] = &[1, 4, 9];
        let b: &[u32] = &[2, 4, 10];
        let c: &[u32] = &[];
        let lists = [a, b, c];
        assert_eq!(merged(&lists).collect::<Vec<_>>(), vec![1, 2, 4, 9, 10]);
    }
}
