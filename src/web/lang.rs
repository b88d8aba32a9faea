//! The visitor's language on the public pages: English at the usual addresses,
//! French under `/fr/...`, so the language is part of the URL (a link can be
//! shared, and the page cache, which keys by URL, stays right). The words come
//! from the Fluent message files `locales/<lang>/*.ftl` (every file of the
//! language's folder; `forms.ftl` holds the forms' labels and mistakes), built
//! into the binary; numbers, money and dates are written here the way each language
//! writes them ("1,234.56" and "$1,234.56" against "1 234,56" and "1 234,56 $").
//! Staff pages stay in English.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use chrono::{Datelike, NaiveDate};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No invisible bidi marks around the values put into messages: every
        // text here runs left to right, and tests read the words as written.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The messages without values already looked up, English then French (see [`Lang::t`]).
static KNOWN: LazyLock<[RwLock<HashMap<String, String>>; 2]> = LazyLock::new(Default::default);

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");

/// The prefix of every French address.
pub const FRENCH_PREFIX: &str = "/fr";

/// A no-break space: French puts one between groups of digits and before the dollar sign.
const NBSP: char = '\u{a0}';

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Fr,
}

impl Lang {
    /// The code for `lang` and `hreflang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language a stored code names: French for `fr`, English otherwise.
    pub fn of_code(code: &str) -> Lang {
        if code == Lang::Fr.code() { Lang::Fr } else { Lang::En }
    }

    pub fn is_french(self) -> bool {
        self == Lang::Fr
    }

    /// The place of this language in tables kept per language.
    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Fr => 1,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    /// The language an address is written in, and the address as it reads in English.
    pub fn of_path(path: &str) -> (Lang, &str) {
        match path.strip_prefix(FRENCH_PREFIX) {
            Some("") => (Lang::Fr, "/"),
            Some(rest) if rest.starts_with('/') => (Lang::Fr, rest),
            _ => (Lang::En, path),
        }
    }

    /// An English address (path and query) as it reads in this language.
    pub fn link(self, english: &str) -> String {
        match self {
            Lang::En => english.to_string(),
            Lang::Fr if english == "/" => FRENCH_PREFIX.to_string(),
            Lang::Fr if english.starts_with("/?") => format!("{FRENCH_PREFIX}{}", &english[1..]),
            Lang::Fr => format!("{FRENCH_PREFIX}{english}"),
        }
    }

    /// The message `key`; a key missing from the files shows as itself (the
    /// unit test below keeps every key in both files). Each message is looked
    /// up once per language and then read from memory: a page of the honor
    /// roll asks for the same few words fifty times, and a Fluent lookup
    /// negotiates the language and formats the message each time (an eighth
    /// of a roll page's instructions). Only keys the files hold are kept, so
    /// the memory cannot grow past the message files.
    pub fn t(self, key: &str) -> String {
        let known = &KNOWN[self.index()];
        if let Some(text) = known.read().ok().and_then(|texts| texts.get(key).cloned()) {
            return text;
        }
        match LOCALES.try_lookup(self.id(), key) {
            Some(text) => {
                if let Ok(mut texts) = known.write() {
                    texts.insert(key.to_string(), text.clone());
                }
                text
            }
            None => key.to_string(),
        }
    }

    /// The message `key` with its values.
    pub fn with(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args = args
            .iter()
            .map(|(name, value)| (std::borrow::Cow::Borrowed(*name), value.clone().into()))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with one value.
    pub fn t1(self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.with(key, &[(name, value.to_string())])
    }

    /// The message `key` with `$count` as a number, so the message can choose
    /// its words by it ("1 second", "2 seconds"), and `$shown`, the count as
    /// the language writes it ("1,294" or "1 294").
    pub fn counted(self, key: &str, count: impl Borrow<i64>) -> String {
        let count = *count.borrow();
        let args = HashMap::from([
            (std::borrow::Cow::Borrowed("count"), FluentValue::from(count)),
            (
                std::borrow::Cow::Borrowed("shown"),
                FluentValue::from(self.number(count)),
            ),
        ]);
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with two values.
    pub fn t2(
        self,
        key: &str,
        name: &'static str,
        value: impl std::fmt::Display,
        other: &'static str,
        other_value: impl std::fmt::Display,
    ) -> String {
        self.with(key, &[(name, value.to_string()), (other, other_value.to_string())])
    }

    /// A whole number with its thousands grouped: 1,294 or 1 294.
    pub fn number(self, n: impl Borrow<i64>) -> String {
        let n = *n.borrow();
        let separator = match self {
            Lang::En => ',',
            Lang::Fr => NBSP,
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    /// An amount of money from cents: $1,234.56 or 1 234,56 $.
    pub fn money(self, cents: impl Borrow<i64>) -> String {
        let cents = *cents.borrow();
        let sign = if cents < 0 { "-" } else { "" };
        let whole = self.number(i64::try_from(cents.unsigned_abs() / 100).unwrap_or(i64::MAX));
        let rest = cents.unsigned_abs() % 100;
        match self {
            Lang::En => format!("{sign}${whole}.{rest:02}"),
            Lang::Fr => format!("{sign}{whole},{rest:02}{NBSP}$"),
        }
    }

    /// A date in words: 5 March 2026, or 5 mars 2026 (1er mars 2026 on the first).
    pub fn date(self, date: impl Borrow<NaiveDate>) -> String {
        let date = *date.borrow();
        match self {
            Lang::En => date.format("%-d %B %Y").to_string(),
            Lang::Fr => format!("{} {} {}", french_day(date.day()), self.month_name(date), date.year()),
        }
    }

    /// A date with its weekday: Thursday 5 March 2026, or jeudi 5 mars 2026.
    pub fn day_and_date(self, date: impl Borrow<NaiveDate>) -> String {
        let date = *date.borrow();
        match self {
            Lang::En => date.format("%A %-d %B %Y").to_string(),
            Lang::Fr => {
                let weekday = FRENCH_WEEKDAYS[date.weekday().num_days_from_monday() as usize];
                format!("{weekday} {}", self.date(date))
            }
        }
    }

    /// A month and its year: March 2026, or mars 2026.
    pub fn month_year(self, date: impl Borrow<NaiveDate>) -> String {
        let date = *date.borrow();
        match self {
            Lang::En => date.format("%B %Y").to_string(),
            Lang::Fr => format!("{} {}", self.month_name(date), date.year()),
        }
    }

    /// A month's short name for a chart's axis: Mar, or mars.
    pub fn short_month(self, date: NaiveDate) -> String {
        match self {
            Lang::En => date.format("%b").to_string(),
            Lang::Fr => FRENCH_SHORT_MONTHS[date.month0() as usize].to_string(),
        }
    }

    fn month_name(self, date: NaiveDate) -> String {
        match self {
            Lang::En => date.format("%B").to_string(),
            Lang::Fr => FRENCH_MONTHS[date.month0() as usize].to_string(),
        }
    }

    /// The language a browser asks for first among ours (`Accept-Language`),
    /// or none when it names neither.
    pub fn preferred(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (position, entry) in accept_language.split(',').enumerate() {
            let mut parts = entry.split(';').map(str::trim);
            let tag = parts.next().unwrap_or_default().to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok());
            let Some(quality) = quality.filter(|q| *q > 0.0) else {
                continue;
            };
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = match primary {
                "en" => Lang::En,
                "fr" => Lang::Fr,
                _ => continue,
            };
            // The higher quality wins; between equals, the one named first.
            if best.is_none_or(|(q, p, _)| quality > q || (quality == q && position < p)) {
                best = Some((quality, position, lang));
            }
        }
        best.map(|(_, _, lang)| lang)
    }
}

/// The public pages that exist in French too, by their English path.
pub fn bilingual(path: &str) -> bool {
    const EXACT: [&str; 15] = [
        "/",
        "/honor-roll",
        "/honor-roll/states",
        "/honor-roll/years",
        "/about",
        "/donate",
        "/contact",
        "/privacy",
        "/accessibility",
        "/runs",
        "/grants",
        "/grants/apply",
        "/grants/apply/received",
        "/propose",
        "/propose/received",
    ];
    EXACT.contains(&path)
        || path.starts_with("/grants/status/")
        || path.strip_prefix("/heroes/").is_some_and(|rest| {
            !rest.is_empty()
                && (!rest.contains('/')
                    || rest.ends_with("/reflections")
                    || rest.ends_with("/reflections/received")
                    || rest.split('/').nth(1) == Some("videos"))
        })
}

tokio::task_local! {
    /// The language of the address being answered, set by [`speak`].
    static SPOKEN: Lang;
}

impl Lang {
    /// The language of the address being answered, for what is made without a
    /// `Layout` (the error pages); English outside a request.
    pub fn of_request() -> Lang {
        SPOKEN.try_with(|lang| *lang).unwrap_or_default()
    }
}

/// Middleware: answers the request in the language of its address, so an
/// error page under `/fr` is in French, whichever layer refused the request.
pub async fn speak(request: Request, next: Next) -> Response {
    let (lang, _) = Lang::of_path(request.uri().path());
    SPOKEN.scope(lang, next.run(request)).await
}

/// Before routing: a French address of a bilingual page is routed as its
/// English one, with [`Lang::Fr`] in the request's extensions for the page to
/// read. So each page has one route and one handler, and the route table
/// lists each once; everything outside the router (the page cache, the logs)
/// still sees the French address.
pub fn route_by_language(mut request: Request) -> Request {
    let (lang, english) = Lang::of_path(request.uri().path());
    if lang == Lang::Fr && !bilingual(english) {
        // No French page here: the "not found" page still speaks French.
        request.extensions_mut().insert(Lang::Fr);
    } else if lang == Lang::Fr {
        let address = match request.uri().query() {
            Some(query) => format!("{english}?{query}"),
            None => english.to_string(),
        };
        if let Ok(uri) = address.parse() {
            *request.uri_mut() = uri;
            request.extensions_mut().insert(Lang::Fr);
        }
    }
    request
}

/// Middleware: the bare home page (`/`, no query) follows the browser's
/// language, sending a browser that prefers French to `/fr`. Every other
/// address names its language, so only this answer varies by the header, and
/// it says so (`Vary`); the English switcher links to `/?lang=en`, which never
/// redirects. It runs outside the page cache, which keys by URL alone.
pub async fn negotiate(request: Request, next: Next) -> Response {
    let bare_home = matches!(*request.method(), Method::GET | Method::HEAD)
        && request.uri().path() == "/"
        && request.uri().query().is_none();
    if !bare_home {
        return next.run(request).await;
    }
    let wanted = request
        .headers()
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Lang::preferred);
    let mut response = if wanted == Some(Lang::Fr) {
        Redirect::to(FRENCH_PREFIX).into_response()
    } else {
        next.run(request).await
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-language"));
    response
}

fn french_day(day: u32) -> String {
    if day == 1 { "1er".into() } else { day.to_string() }
}

const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const FRENCH_SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
];

const FRENCH_WEEKDAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every message of every `.ftl` file in the language's folder, as the
    /// loader reads them; a message in two files fails (the loader would
    /// refuse it).
    fn message_ids(lang: &str) -> BTreeSet<String> {
        let folder = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|e| e == "ftl"));
        files.sort();
        assert!(files.len() >= 2, "{folder} holds its .ftl files");
        let mut ids = BTreeSet::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let resource = match fluent_syntax::parser::parse(text.as_str()) {
                Ok(resource) => resource,
                Err((_, errors)) => panic!("{} does not parse: {errors:?}", path.display()),
            };
            for entry in &resource.body {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    let id = m.id.name.to_string();
                    assert!(ids.insert(id.clone()), "{id} is in two files of {folder}");
                }
            }
        }
        ids
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let english = message_ids("en");
        let french = message_ids("fr");
        assert!(english.len() > 100, "the English file was read");
        let only_english: Vec<_> = english.difference(&french).collect();
        let only_french: Vec<_> = french.difference(&english).collect();
        assert!(only_english.is_empty(), "missing in French: {only_english:?}");
        assert!(only_french.is_empty(), "missing in English: {only_french:?}");
        // Every value any message takes, so each can be put together.
        let values: Vec<(&'static str, String)> = [
            "number",
            "nth",
            "runner",
            "date",
            "place",
            "to",
            "goal",
            "percent",
            "site",
            "name",
            "first",
            "last",
            "months",
            "miles",
            "count",
            "low",
            "high",
            "year",
            "minimum",
            "reference",
            "label",
            "max",
            "earliest",
            "latest",
            "code",
            "month",
            "shown",
        ]
        .into_iter()
        .map(|name| (name, "1".to_string()))
        .collect();
        for id in &english {
            assert_ne!(Lang::Fr.with(id, &values), *id, "{id} has no French text");
            assert_ne!(Lang::En.with(id, &values), *id, "{id} has no English text");
        }
    }

    #[test]
    fn one_second_and_one_mile_are_said_in_the_singular() {
        let wait = |lang: Lang, seconds| lang.counted("error-page-too-many-text", seconds);
        assert!(wait(Lang::En, 1).contains("wait 1 second and"), "{}", wait(Lang::En, 1));
        assert!(wait(Lang::En, 2).contains("wait 2 seconds and"));
        assert!(wait(Lang::En, 60).contains("wait 60 seconds and"));
        assert!(
            wait(Lang::Fr, 1).contains("Attendez 1 seconde,"),
            "{}",
            wait(Lang::Fr, 1)
        );
        assert!(wait(Lang::Fr, 30).contains("Attendez 30 secondes,"));
        let miles = |lang: Lang, miles| lang.counted("home-bar-miles", miles);
        assert_eq!(miles(Lang::En, 1), "1 mile");
        assert_eq!(miles(Lang::En, 0), "0 miles");
        assert_eq!(miles(Lang::En, 1294), "1,294 miles");
        assert_eq!(miles(Lang::Fr, 1), "1 mille");
        assert_eq!(miles(Lang::Fr, 1294), "1\u{a0}294 milles");
    }

    #[test]
    fn a_message_read_again_from_memory_keeps_its_language() {
        for _ in 0..2 {
            assert_eq!(Lang::En.t("roll-eow"), "End of watch");
            assert_eq!(Lang::Fr.t("roll-eow"), "Fin de service le");
        }
        // A key the files do not hold shows as itself and is not kept.
        assert_eq!(Lang::Fr.t("no-such-message"), "no-such-message");
        let kept = KNOWN[Lang::Fr.index()]
            .read()
            .map(|texts| texts.contains_key("no-such-message"));
        assert_eq!(kept.ok(), Some(false));
    }

    #[test]
    fn money_and_numbers_are_written_each_language_s_way() {
        assert_eq!(Lang::En.money(123_456), "$1,234.56");
        assert_eq!(Lang::Fr.money(123_456), "1\u{a0}234,56\u{a0}$");
        assert_eq!(Lang::Fr.money(100_000_000), "1\u{a0}000\u{a0}000,00\u{a0}$");
        assert_eq!(Lang::Fr.money(5), "0,05\u{a0}$");
        assert_eq!(Lang::En.number(1294), "1,294");
        assert_eq!(Lang::Fr.number(1294), "1\u{a0}294");
        assert_eq!(Lang::Fr.number(999), "999");
    }

    #[test]
    fn dates_are_written_each_language_s_way() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(Lang::En.date(day(2026, 3, 5)), "5 March 2026");
        assert_eq!(Lang::Fr.date(day(2026, 3, 5)), "5 mars 2026");
        assert_eq!(Lang::Fr.date(day(2026, 8, 1)), "1er août 2026");
        assert_eq!(Lang::Fr.day_and_date(day(2026, 12, 3)), "jeudi 3 décembre 2026");
        assert_eq!(Lang::Fr.month_year(day(2026, 2, 1)), "février 2026");
    }

    #[test]
    fn addresses_carry_the_language() {
        assert_eq!(Lang::of_path("/fr"), (Lang::Fr, "/"));
        assert_eq!(Lang::of_path("/fr/heroes/x"), (Lang::Fr, "/heroes/x"));
        assert_eq!(Lang::of_path("/fresh"), (Lang::En, "/fresh"));
        assert_eq!(Lang::of_path("/runs"), (Lang::En, "/runs"));
        assert_eq!(Lang::Fr.link("/"), "/fr");
        assert_eq!(Lang::Fr.link("/?lang=en"), "/fr?lang=en");
        assert_eq!(Lang::Fr.link("/honor-roll?q=a"), "/fr/honor-roll?q=a");
        assert_eq!(Lang::En.link("/runs"), "/runs");
    }

    #[test]
    fn the_browser_s_first_choice_among_ours_wins() {
        assert_eq!(Lang::preferred("fr-CA,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(Lang::preferred("en-US,en;q=0.9,fr;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::preferred("de, fr;q=0.5, en;q=0.7"), Some(Lang::En));
        assert_eq!(Lang::preferred("fr;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::preferred("de"), None);
        assert_eq!(Lang::preferred(""), None);
    }
}
