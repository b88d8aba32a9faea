//! Whether two words are one edit apart: a letter dropped, added, changed, or
//! two neighbours swapped. Trigram similarity misses a swap in a short word
//! ("daivs" shares two of six trigrams with "davis"), so a typed word that is
//! not in the table of words also matches the words one edit away from it. The
//! database finds those candidates through an index (`hm_deletes`); this tells
//! the true ones from the few two edits away that the index also returns.

/// Whether `a` and `b` are the same word or one edit apart.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let same = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() < long.len() {
        // One letter added to the shorter word, where the two first differ.
        return short[same..] == long[same + 1..];
    }
    let same_after = |at: usize| short[at..] == long[at..];
    same == short.len()
        || same_after(same + 1)
        || (same + 1 < short.len()
            && short[same] == long[same + 1]
            && short[same + 1] == long[same]
            && same_after(same + 2))
}

#[cfg(test)]
mod tests {
    use super::within_one_edit;

    #[test]
    fn one_edit_of_every_kind_is_near() {
        for (typed, word) in [
            ("davis", "davis"),
            ("davs", "davis"),
            ("avis", "davis"),
            ("davi", "davis"),
            ("daviss", "davis"),
            ("ddavis", "davis"),
            ("davos", "davis"),
            ("xavis", "davis"),
            ("davix", "davis"),
            ("daivs", "davis"),
            ("advis", "davis"),
            ("davsi", "davis"),
            ("montral", "montreal"),
            ("jakcson", "jackson"),
            ("иавн", "иван"),
            ("ивн", "иван"),
            ("ивна", "иван"),
        ] {
            assert!(within_one_edit(typed, word), "{typed} / {word}");
            assert!(within_one_edit(word, typed), "{word} / {typed}");
        }
    }

    #[test]
    fn two_edits_are_not_near() {
        for (typed, word) in [
            ("dvas", "davis"),
            ("avi", "davis"),
            ("davisxx", "davis"),
            ("sivad", "davis"),
            ("dbvjs", "davis"),
            ("daisv", "davis"),
            ("vadis", "davis"),
            ("", "ab"),
            ("иавна", "иван"),
        ] {
            assert!(!within_one_edit(typed, word), "{typed} / {word}");
            assert!(!within_one_edit(word, typed), "{word} / {typed}");
        }
        assert!(within_one_edit("", "a"));
    }
}
