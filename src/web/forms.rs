//! Form mistakes, kept per field so each message is shown beside its field, and
//! the small forms several areas share.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::lang::Lang;

#[derive(Debug, Default, Clone)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Every message, in field order (for rows of an import, which have no fields on screen).
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.0.values().map(String::as_str)
    }

    /// Each field with its message, for the summary at the top of a form.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(field, message)| (*field, message.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Records the error of a parse step and returns its value when it succeeded.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// Refuses text with control characters (other than tab and line breaks) or beyond `max` characters.
pub fn plain_text(value: &str, label: &str, max: usize, required: bool) -> Result<String, String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(format!("{label} is required."));
    }
    if value.chars().count() > max {
        return Err(format!("{label} must be at most {max} characters."));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!(
            "{label} contains invisible control characters; please retype it."
        ));
    }
    Ok(value.to_string())
}

/// A form that asks only why (cancelling a run, voiding a mile).
#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

impl ReasonForm {
    /// The reason given: required, at most 500 characters of plain text.
    pub fn reason(&self) -> Result<String, String> {
        plain_text(&self.reason, "Reason", 500, true)
    }

    /// What was typed, to show it again beside its mistake.
    pub fn reason_typed(&self) -> &str {
        &self.reason
    }
}

/// Whole messages the shared rules give, with the message that says them in
/// another language.
const WHOLE_MESSAGES: [(&str, &str); 9] = [
    ("Choose what the grant is for.", "error-choose-kind"),
    (
        "Choose police, fire, EMS, corrections, K9 or other.",
        "error-choose-service",
    ),
    (
        "Enter a phone number with at least 7 digits, like (407) 555-0142.",
        "error-phone",
    ),
    (
        "Give a phone number or an email address so we can reach you.",
        "error-phone-or-email",
    ),
    ("Enter an email address like name@example.org.", "error-email"),
    (
        "Items asked for is required for a K9 equipment grant, e.g. a ballistic vest, a heat alarm.",
        "error-items-needed",
    ),
    (
        "Items asked for is only for a K9 equipment grant: clear it, or choose K9 equipment above.",
        "error-items-not-k9",
    ),
    ("Date of the injury cannot be in the future.", "error-future"),
    ("Date of the injury is too far in the past.", "error-too-old"),
];

/// Endings of the messages that name their field first ("Agency is required.").
const ENDINGS: [(&str, &str); 11] = [
    (" is required.", "error-required"),
    (
        " contains invisible control characters; please retype it.",
        "error-control",
    ),
    (" must be on one line.", "error-one-line"),
    (" cannot be negative.", "error-negative"),
    (
        " must be an amount in dollars, like 12,000 or 12000.50.",
        "error-amount",
    ),
    (" cannot have fractions of a cent.", "error-cents"),
    (" must be at most $1,000,000.00; check for a typo.", "error-too-large"),
    (" must be more than zero.", "error-zero"),
    (" must be a date like 2026-11-23.", "error-date"),
    (" cannot be in the future.", "error-future"),
    (" is too far in the past.", "error-too-old"),
];

impl FormErrors {
    /// The same mistakes said in `lang`. The rules speak English; each message
    /// they give is recognised here and said again with the field's label in
    /// `lang` (`labels` maps each field to its label's message). A message not
    /// recognised becomes "check this field", never English on a French page.
    pub fn in_lang(self, lang: Lang, labels: &[(&str, &str)]) -> FormErrors {
        if lang == Lang::En {
            return self;
        }
        let label_of = |field: &str| {
            labels
                .iter()
                .find(|(f, _)| *f == field)
                .map_or_else(|| field.to_string(), |(_, key)| lang.t(key))
        };
        let said = self
            .0
            .into_iter()
            .map(|(field, message)| (field, say_again(lang, &message, &label_of(field))))
            .collect();
        FormErrors(said)
    }
}

fn say_again(lang: Lang, message: &str, label: &str) -> String {
    if let Some((_, key)) = WHOLE_MESSAGES.iter().find(|(english, _)| *english == message) {
        return lang.t(key);
    }
    if let Some((_, key)) = ENDINGS.iter().find(|(ending, _)| message.ends_with(ending)) {
        return lang.t1(key, "label", label);
    }
    if let Some(max) = message
        .split_once(" must be at most ")
        .and_then(|(_, rest)| rest.strip_suffix(" characters."))
    {
        return lang.t2("error-too-long", "label", label, "max", max);
    }
    if message.contains(" must be between ") {
        return lang.t1("error-date-range", "label", label);
    }
    lang.t1("error-check", "label", label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_rules_mistakes_are_said_again_in_french() {
        let mut errors = FormErrors::default();
        errors.add("agency", plain_text("", "Agency", 10, true).err().unwrap_or_default());
        errors.add(
            "place",
            plain_text("x".repeat(11).as_str(), "Place", 10, false)
                .err()
                .unwrap_or_default(),
        );
        errors.add("kind", "Choose what the grant is for.");
        errors.add("other", "Something no rule says.");
        let french = errors.in_lang(Lang::Fr, &[("agency", "label-agency")]);
        assert_eq!(french.get("agency"), Some("Le champ « Organisme » est obligatoire."));
        assert_eq!(
            french.get("place"),
            Some("Le champ « place » compte au plus 10 caractères.")
        );
        assert_eq!(french.get("kind"), Some("Choisissez l’objet de la subvention."));
        assert_eq!(french.get("other"), Some("Vérifiez le champ « other »."));
    }
}
