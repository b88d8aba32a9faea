//! Audit actions in words for the people reading the trail: "Signed in", not
//! `sign_in.succeeded`. The codes stay in the table (filters and exports use
//! them); an action without words of its own reads as its code spelled out.

/// The words for the actions people most often look for.
const WORDS: &[(&str, &str)] = &[
    ("sign_in.succeeded", "Signed in"),
    ("sign_in.failed", "Sign-in failed"),
    ("sign_in.locked", "Sign-in locked after too many tries"),
    ("sign_in.password_accepted", "Password accepted, code asked"),
    ("account.invited", "Invited an account"),
    ("account.invitation_accepted", "Accepted an invitation"),
    ("account.password_reset_issued", "Issued a password reset link"),
    ("account.password_reset_used", "Used a password reset link"),
    (
        "account.password_link_asked",
        "Asked for a password link on the sign-in page",
    ),
    ("hero.created", "Added a hero"),
    ("hero.updated", "Edited a hero"),
    ("hero.confirmed", "Confirmed a death"),
    ("hero.unpublished", "Unpublished a hero"),
    ("hero.merged", "Merged a duplicate hero"),
    ("hero.deleted", "Deleted a draft hero"),
    ("hero_import.previewed", "Checked a CSV file of heroes"),
    ("hero_import.run_again", "Ran a hero import again"),
    ("hero_import.done", "Imported heroes from a CSV file"),
    ("hero_import.hero_created", "Added a hero from a CSV file"),
    ("flag.card_printed", "Printed a flag's note card"),
    ("flag.note_corrected", "Corrected a flag's note"),
    ("mile.logged", "Logged a mile"),
    ("mile.corrected", "Corrected a mile"),
    ("mile.voided", "Voided a mile"),
    ("run.scheduled", "Scheduled a run"),
    ("run.rescheduled", "Rescheduled a run"),
    ("run.cancelled", "Cancelled a run"),
];

/// The action in words.
pub fn action_words(code: &str) -> String {
    if let Some((_, words)) = WORDS.iter().find(|(c, _)| *c == code) {
        return (*words).to_string();
    }
    let spelled = code.replace(['.', '_'], " ");
    let mut chars = spelled.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spelled,
    }
}

/// Groups of actions by their code's first word, for the trail's filter.
const GROUPS: &[(&str, &str)] = &[
    ("sign_in.", "Any sign-in"),
    ("account.", "Any account change"),
    ("second_factor.", "Any second factor change"),
    ("grant.", "Any grant step"),
    ("hero.", "Any hero change"),
    ("hero_import.", "Any CSV import"),
    ("mile.", "Any mile"),
    ("run.", "Any run"),
    ("flag.", "Any flag step"),
    ("message.", "Any email"),
];

/// What the trail's action filter offers, as (the code or its start, words):
/// the groups first, then each action that has words of its own.
pub fn filter_choices() -> Vec<(&'static str, &'static str)> {
    GROUPS.iter().chain(WORDS.iter()).copied().collect()
}

#[cfg(test)]
mod tests {
    use super::action_words;

    #[test]
    fn actions_read_as_words() {
        assert_eq!(action_words("sign_in.succeeded"), "Signed in");
        assert_eq!(action_words("flag.recipient_set"), "Flag recipient set");
        assert_eq!(action_words("hero_import.done"), "Imported heroes from a CSV file");
        assert_eq!(action_words(""), "");
    }
}
