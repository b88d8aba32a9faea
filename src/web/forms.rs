//! Form mistakes, kept per field so each message is shown beside its field, and
//! the small forms several areas share. A shared rule's mistake carries its
//! message key and values, not a sentence, so each page says it in its own
//! language; staff pages, which stay in English, may also add plain English.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;

use super::lang::Lang;

/// Every message a [`Mistake`] can carry (the unit test below keeps each in
/// both languages; `locales/<lang>/forms.ftl`).
pub const MISTAKE_KEYS: &[&str] = &[
    "error-required",
    "error-too-long",
    "error-control",
    "error-one-line",
    "error-negative",
    "error-amount",
    "error-cents",
    "error-too-large",
    "error-zero",
    "error-date",
    "error-date-range",
    "error-future",
    "error-too-old",
    "error-month",
    "error-month-before",
    "error-month-after",
    "error-choose-kind",
    "error-choose-service",
    "error-phone",
    "error-phone-or-email",
    "error-email",
    "error-email-optional",
    "error-items-needed",
    "error-items-not-k9",
    "error-choose-country",
    "error-country",
    "error-choose-region",
    "error-not-region-us",
    "error-not-region-ca",
    "error-not-region",
    "filter-q-long",
    "filter-q-control",
    "filter-year",
    "filter-status",
    "filter-sort",
    "filter-after",
];

/// What names a field in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// A message key (`label-<field>`), said in the page's language.
    Key(&'static str),
    /// English words, for staff pages, which stay in English.
    Words(String),
}

impl From<&str> for Label {
    fn from(words: &str) -> Label {
        Label::Words(words.to_string())
    }
}

impl From<String> for Label {
    fn from(words: String) -> Label {
        Label::Words(words)
    }
}

/// A value put into a mistake's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Said as it is, in every language (a number, a code someone sent).
    Text(String),
    Label(Label),
    /// A day, written the language's way.
    Date(NaiveDate),
    /// A month and its year, written the language's way.
    Month(NaiveDate),
}

impl Arg {
    pub fn text(value: impl fmt::Display) -> Arg {
        Arg::Text(value.to_string())
    }

    fn say(&self, lang: Lang) -> String {
        match self {
            Arg::Text(text) => text.clone(),
            Arg::Label(Label::Key(key)) => lang.t(key),
            Arg::Label(Label::Words(words)) => words.clone(),
            Arg::Date(date) => lang.date(date),
            Arg::Month(month) => lang.month_year(month),
        }
    }
}

/// A mistake in what someone typed: its message and the message's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mistake {
    key: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Mistake {
    /// The mistake said by `key`, one of [`MISTAKE_KEYS`].
    pub fn new(key: &'static str) -> Mistake {
        debug_assert!(MISTAKE_KEYS.contains(&key), "{key} is not in MISTAKE_KEYS");
        Mistake { key, args: Vec::new() }
    }

    /// The mistake said by `key` about the field `label`.
    pub fn of(key: &'static str, label: impl Into<Label>) -> Mistake {
        Mistake::new(key).with("label", Arg::Label(label.into()))
    }

    pub fn with(mut self, name: &'static str, value: Arg) -> Mistake {
        self.args.push((name, value));
        self
    }

    /// The mistake as a page in `lang` says it.
    pub fn say(&self, lang: Lang) -> String {
        let args: Vec<_> = self.args.iter().map(|(name, value)| (*name, value.say(lang))).collect();
        lang.with(self.key, &args)
    }
}

/// In English, as the staff pages and the API say it.
impl fmt::Display for Mistake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.say(Lang::En))
    }
}

/// So staff code that speaks English can use `?` into `Result<_, String>`.
impl From<Mistake> for String {
    fn from(mistake: Mistake) -> String {
        mistake.to_string()
    }
}

/// One field's message: a mistake, said in the page's language, or English
/// words a staff page gave (shown as typed).
#[derive(Clone, Debug)]
pub enum Message {
    Mistake(Mistake),
    English(String),
}

impl From<Mistake> for Message {
    fn from(mistake: Mistake) -> Message {
        Message::Mistake(mistake)
    }
}

impl From<String> for Message {
    fn from(words: String) -> Message {
        Message::English(words)
    }
}

impl From<&str> for Message {
    fn from(words: &str) -> Message {
        Message::English(words.to_string())
    }
}

impl Message {
    fn say(&self, lang: Lang) -> String {
        match self {
            Message::Mistake(mistake) => mistake.say(lang),
            Message::English(words) => words.clone(),
        }
    }
}

/// The mistakes of one form, by field, and the language the page says them in.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    lang: Lang,
    messages: BTreeMap<&'static str, Message>,
}

impl FormErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<Message>) {
        self.messages.entry(field).or_insert_with(|| message.into());
    }

    /// The same mistakes, said in `lang` (English unless told).
    pub fn said_in(mut self, lang: Lang) -> FormErrors {
        self.lang = lang;
        self
    }

    pub fn get(&self, field: &str) -> Option<String> {
        self.messages.get(field).map(|m| m.say(self.lang))
    }

    /// Every message, in field order (for rows of an import, which have no fields on screen).
    pub fn messages(&self) -> impl Iterator<Item = String> + '_ {
        self.messages.values().map(|m| m.say(self.lang))
    }

    /// Each field with its message, for the summary at the top of a form.
    pub fn all(&self) -> impl Iterator<Item = (&str, String)> + '_ {
        self.messages.iter().map(|(field, m)| (*field, m.say(self.lang)))
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Records the error of a parse step and returns its value when it succeeded.
    pub fn check<T, E: Into<Message>>(&mut self, field: &'static str, result: Result<T, E>) -> Option<T> {
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
pub fn plain_text(value: &str, label: impl Into<Label>, max: usize, required: bool) -> Result<String, Mistake> {
    let value = value.trim();
    let label = label.into();
    if required && value.is_empty() {
        return Err(Mistake::of("error-required", label));
    }
    if value.chars().count() > max {
        return Err(Mistake::of("error-too-long", label).with("max", Arg::text(max)));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Mistake::of("error-control", label));
    }
    Ok(value.to_string())
}

/// [`plain_text`] on one line.
pub fn one_line(value: &str, label: impl Into<Label>, max: usize, required: bool) -> Result<String, Mistake> {
    let label = label.into();
    let text = plain_text(value, label.clone(), max, required)?;
    if text.contains(['\n', '\r', '\t']) {
        return Err(Mistake::of("error-one-line", label));
    }
    Ok(text)
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
        Ok(plain_text(&self.reason, "Reason", 500, true)?)
    }

    /// What was typed, to show it again beside its mistake.
    pub fn reason_typed(&self) -> &str {
        &self.reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistake_reads_as_before_in_english_and_in_french_on_a_french_page() {
        let mut errors = FormErrors::default();
        errors.add(
            "agency",
            plain_text("", Label::Key("label-agency"), 10, true)
                .err()
                .unwrap_or_else(|| Mistake::new("error-required")),
        );
        errors.add(
            "place",
            plain_text("x".repeat(11).as_str(), Label::Key("label-place"), 10, false)
                .err()
                .unwrap_or_else(|| Mistake::new("error-required")),
        );
        errors.add("kind", Mistake::new("error-choose-kind"));
        errors.add("other", "Something only staff pages say.");
        assert_eq!(errors.get("agency").as_deref(), Some("Agency is required."));
        assert_eq!(
            errors.get("place").as_deref(),
            Some("Where you are must be at most 10 characters.")
        );
        let french = errors.said_in(Lang::Fr);
        assert_eq!(
            french.get("agency").as_deref(),
            Some("Le champ « Organisme » est obligatoire.")
        );
        assert_eq!(
            french.get("place").as_deref(),
            Some("Le champ « D’où vous écrivez » compte au plus 10 caractères.")
        );
        assert_eq!(
            french.get("kind").as_deref(),
            Some("Choisissez l’objet de la subvention.")
        );
        assert_eq!(french.get("other").as_deref(), Some("Something only staff pages say."));
    }

    #[test]
    fn staff_words_and_dates_read_in_english() {
        let mistake = plain_text("", "Reason", 500, true).err();
        assert_eq!(mistake.map(String::from).as_deref(), Some("Reason is required."));
        let range = crate::vocab::dates::parse_date("1700-01-01", "Date")
            .err()
            .map(String::from);
        assert_eq!(
            range.as_deref(),
            Some("Date must be between 1 January 1791 and 31 December 2100.")
        );
    }

    #[test]
    fn every_key_a_mistake_can_carry_exists_in_both_languages() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        for key in MISTAKE_KEYS {
            let mut mistake = Mistake::new(key);
            for name in ["label", "max", "code", "year", "earliest", "latest", "month"] {
                mistake = mistake.with(name, Arg::Date(day));
            }
            // A message missing a value, or missing in a language, comes back as
            // its key or (French falling back to English) as the English text.
            let english = mistake.say(Lang::En);
            let french = mistake.say(Lang::Fr);
            assert_ne!(english, *key, "{key} has no English text, or lacks a value");
            assert_ne!(french, english, "{key} has no French text, or lacks a value");
            assert!(
                !english.contains('{') && !french.contains('{'),
                "{key}: {english} / {french}"
            );
        }
    }
}
