//! The spellings one edit away from a typed word: a letter dropped, added,
//! changed, or two neighbours swapped. Trigram similarity misses a swap in a
//! short word ("daivs" shares two of six trigrams with "davis"), so a word
//! that is not in the table of words is also looked up under each of these.

/// Letters and digits, as the words of the honor roll are folded.
const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

pub fn one_edit_away(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let spelled = |chars: &[char]| chars.iter().collect::<String>();
    let mut out = Vec::with_capacity(chars.len() * 74 + 36);
    for i in 0..chars.len() {
        let mut dropped = chars.clone();
        dropped.remove(i);
        out.push(spelled(&dropped));
        if i + 1 < chars.len() {
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            out.push(spelled(&swapped));
        }
        for letter in ALPHABET.chars().filter(|&c| c != chars[i]) {
            let mut changed = chars.clone();
            changed[i] = letter;
            out.push(spelled(&changed));
        }
    }
    for i in 0..=chars.len() {
        for letter in ALPHABET.chars() {
            let mut added = chars.clone();
            added.insert(i, letter);
            out.push(spelled(&added));
        }
    }
    out.sort();
    out.dedup();
    out
}
