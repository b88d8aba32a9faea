//! A search's words, folded and corrected in memory exactly as
//! [`Search::correct`] does in PostgreSQL, so a visitor's search asks the
//! database nothing.
//!
//! Folding is `hm_fold` (`unaccent`, then `lower`) and splitting `hm_words`
//! (runs of letters and digits). Both work character by character, so the
//! instance asks PostgreSQL once, at start, how it folds and classifies each
//! character of the scripts a name is written in (Latin, Greek, Cyrillic and
//! the other alphabets below U+3000, and the presentation forms), and applies
//! that table. Spellings are `pg_trgm`'s: the words sharing the most of their
//! padded three-letter pieces, similarity at least 0.3, the closest three; and
//! for a word not in the list, the words one edit away.

use std::collections::HashMap;

use sqlx::PgPool;

use crate::public::search::{Correction, Search};
use crate::public::spelling::within_one_edit;

/// The characters asked about: up to U+2FFF, then U+FB00 to U+FFEF.
const ASKED: [(i32, i32); 2] = [(1, 0x2FFF), (0xFB00, 0xFFEF)];

/// `pg_trgm.similarity_threshold`'s default, which the `%` operator uses.
const SIMILARITY_THRESHOLD: f64 = 0.3;

/// How PostgreSQL folds and classifies each character asked about.
pub struct Folding {
    /// The characters whose folded form differs, and that form.
    folded: HashMap<char, Box<str>>,
    /// Whether each character below U+10000 is a letter or digit to
    /// PostgreSQL's `[[:alnum:]]`, one bit each.
    alnum: Vec<u64>,
}

impl Folding {
    pub async fn load(pool: &PgPool) -> sqlx::Result<Folding> {
        let rows = sqlx::query!(
            r#"select i as "code!", hm_fold(chr(i)) as "folded!", chr(i) ~ '[[:alnum:]]' as "alnum!"
               from (select generate_series($1::int, $2::int) union all select generate_series($3::int, $4::int)) g(i)"#,
            ASKED[0].0,
            ASKED[0].1,
            ASKED[1].0,
            ASKED[1].1
        )
        .fetch_all(pool)
        .await?;
        let mut folding = Folding {
            folded: HashMap::new(),
            alnum: vec![0; 0x10000 / 64],
        };
        for row in rows {
            let Some(c) = u32::try_from(row.code).ok().and_then(char::from_u32) else {
                continue;
            };
            if row.alnum {
                folding.alnum[c as usize / 64] |= 1 << (c as usize % 64);
            }
            if row.folded.chars().ne([c]) {
                folding.folded.insert(c, row.folded.into_boxed_str());
            }
        }
        Ok(folding)
    }

    fn is_alnum(&self, c: char) -> bool {
        let asked = ASKED
            .iter()
            .any(|&(from, to)| (from..=to).contains(&i32::try_from(u32::from(c)).unwrap_or(i32::MAX)));
        if asked {
            self.alnum
                .get(c as usize / 64)
                .is_some_and(|bits| bits & (1 << (c as usize % 64)) != 0)
        } else {
            c.is_alphanumeric()
        }
    }

    /// `hm_words(hm_fold(text))`.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut folded = String::with_capacity(text.len());
        for c in text.chars() {
            match self.folded.get(&c) {
                Some(form) => folded.push_str(form),
                None => folded.push(c),
            }
        }
        folded
            .split(|c| !self.is_alnum(c))
            .filter(|word| !word.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// A word's `pg_trgm` trigrams: the word padded with two spaces before and
/// one after, every three characters in a row, sorted, each once.
fn trigrams(word: &str) -> Vec<[char; 3]> {
    let padded: Vec<char> = [' ', ' '].into_iter().chain(word.chars()).chain([' ']).collect();
    let mut trigrams: Vec<[char; 3]> = padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    trigrams.sort_unstable();
    trigrams.dedup();
    trigrams
}

/// `pg_trgm`'s similarity, in its precision: shared trigrams over all.
fn similarity(shared: usize, a: usize, b: usize) -> f32 {
    shared as f32 / (a + b - shared) as f32
}

/// Every search word the roll knows (`search_words`), by id, and the indexes
/// its corrections use.
pub struct Dictionary {
    words: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    /// Each word's trigram count, by id.
    sizes: Vec<usize>,
    /// For each trigram, the ids of the words holding it.
    by_trigram: HashMap<[char; 3], Vec<u32>>,
    /// The ids of the words of each length in characters.
    by_length: HashMap<usize, Vec<u32>>,
}

impl Dictionary {
    /// `words` in the order of their ids.
    pub fn new(words: Vec<Box<str>>) -> Dictionary {
        let mut dictionary = Dictionary {
            ids: HashMap::with_capacity(words.len()),
            sizes: Vec::with_capacity(words.len()),
            by_trigram: HashMap::new(),
            by_length: HashMap::new(),
            words: Vec::new(),
        };
        for (id, word) in words.iter().enumerate() {
            let Ok(id) = u32::try_from(id) else {
                break;
            };
            let trigrams = trigrams(word);
            dictionary.sizes.push(trigrams.len());
            for trigram in trigrams {
                dictionary.by_trigram.entry(trigram).or_default().push(id);
            }
            dictionary.by_length.entry(word.chars().count()).or_default().push(id);
            dictionary.ids.insert(word.clone(), id);
        }
        dictionary.words = words;
        dictionary
    }

    pub fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    /// The search for the folded, split `typed` words.
    pub fn correct(&self, typed: Vec<String>) -> Search {
        Search::from_corrections(typed.into_iter().map(|word| {
            if word.chars().count() < 3 {
                return Correction {
                    word,
                    spellings: Vec::new(),
                    near: Vec::new(),
                };
            }
            let near = if self.ids.contains_key(word.as_str()) {
                Vec::new()
            } else {
                self.near(&word)
            };
            Correction {
                spellings: self.spellings(&word),
                near,
                word,
            }
        }))
    }

    /// The three words closest to `word` by trigram similarity, at least the
    /// threshold, closest first and then in byte order.
    fn spellings(&self, word: &str) -> Vec<String> {
        let own = trigrams(word);
        let mut shared: HashMap<u32, usize> = HashMap::new();
        for trigram in &own {
            for &id in self.by_trigram.get(trigram).map_or(&[][..], Vec::as_slice) {
                *shared.entry(id).or_default() += 1;
            }
        }
        let mut close: Vec<(f32, &str)> = shared
            .into_iter()
            .filter_map(|(id, count)| {
                let sml = similarity(count, own.len(), self.sizes.get(id as usize).copied().unwrap_or(0));
                // `%` compares in double precision, `<->` answers in single.
                (f64::from(sml) >= SIMILARITY_THRESHOLD).then(|| ((1.0 - f64::from(sml)) as f32, self.word(id)))
            })
            .collect();
        close.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        close.into_iter().take(3).map(|(_, w)| w.to_string()).collect()
    }

    /// The words one edit from `word`, in byte order.
    fn near(&self, word: &str) -> Vec<String> {
        let length = word.chars().count();
        let mut near: Vec<&str> = (length.saturating_sub(1)..=length + 1)
            .filter_map(|l| self.by_length.get(&l))
            .flatten()
            .map(|&id| self.word(id))
            .filter(|candidate| within_one_edit(candidate, word))
            .collect();
        near.sort_unstable();
        near.into_iter().map(str::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{similarity, trigrams};

    #[test]
    fn trigrams_are_pg_trgms() {
        // show_trgm('word') = {"  w"," wo","ord","rd ","wor"}
        assert_eq!(
            trigrams("word"),
            vec![
                [' ', ' ', 'w'],
                [' ', 'w', 'o'],
                ['o', 'r', 'd'],
                ['r', 'd', ' '],
                ['w', 'o', 'r']
            ]
        );
        // A letter repeated gives a trigram once: "  a"," aa","aa ","aaa".
        assert_eq!(trigrams("aaa").len(), 4);
    }

    #[test]
    fn similarity_is_shared_over_all() {
        // similarity('davis', 'davs') = 0.375 in PostgreSQL: 3 shared of 8.
        let (a, b) = (trigrams("davis"), trigrams("davs"));
        let shared = a.iter().filter(|t| b.contains(t)).count();
        assert_eq!(similarity(shared, a.len(), b.len()), 0.375);
    }
}
