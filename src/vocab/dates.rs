//! Calendar dates typed into a form or carried in a link: one parser, one
//! message and one window for the whole program. chrono reads years from about
//! -262,000 to +262,000 and PostgreSQL refuses dates before 4713 BC, so a date
//! outside a sane window is refused here, as the visitor's mistake, before
//! either of them sees it.

use chrono::{Datelike, NaiveDate};

use crate::web::forms::{Arg, Label, Mistake};

/// The earliest date anything in the program can be about: the first
/// line-of-duty deaths on the memorial rolls are from the 1790s.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1791, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// The latest date anyone can mean: far enough ahead for any plan, near
/// enough to catch a typed year such as 20266.
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// A date written as `2026-11-23` (what a date input sends), within
/// [`EARLIEST`]..=[`LATEST`]. `label` names the field in the message.
pub fn parse_date(value: &str, label: impl Into<Label>) -> Result<NaiveDate, Mistake> {
    let value = value.trim();
    let label = label.into();
    if value.is_empty() {
        return Err(Mistake::of("error-required", label));
    }
    // Four-digit years only: chrono would also take "+200000-01-01" or "-4714-11-24".
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let date = shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| Mistake::of("error-date", label.clone()))?;
    if !(EARLIEST..=LATEST).contains(&date) {
        return Err(Mistake::of("error-date-range", label)
            .with("earliest", Arg::Date(EARLIEST))
            .with("latest", Arg::Date(LATEST)));
    }
    Ok(date)
}

/// How long from `from` to `to`, as people say it: "33 years, 9 months",
/// "2 months", "12 days" (days only under a month).
pub fn span_in_words(from: NaiveDate, to: NaiveDate) -> String {
    let plural = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let mut months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    if months < 1 {
        return plural((to - from).num_days().max(0), "day");
    }
    match (months / 12, months % 12) {
        (0, m) => plural(m, "month"),
        (y, 0) => plural(y, "year"),
        (y, m) => format!("{}, {}", plural(y, "year"), plural(m, "month")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_four_digit_years_in_the_window_are_dates() {
        assert_eq!(
            parse_date(" 2026-11-23 ", "Date"),
            Ok(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or(EARLIEST))
        );
        for bad in [
            "-4714-11-24",
            "+200000-01-01",
            "2026-02-30",
            "2026-1-5",
            "20266-01-01",
            "1790-12-31",
            "2101-01-01",
            "２０２６-11-23",
            "",
        ] {
            assert!(parse_date(bad, "Date").is_err(), "{bad}");
        }
        let said = |typed: &str| parse_date(typed, "End of watch").map_err(String::from);
        assert_eq!(said(""), Err("End of watch is required.".into()));
        assert_eq!(
            said("2026-13-01"),
            Err("End of watch must be a date like 2026-11-23.".into())
        );
    }

    #[test]
    fn a_long_wait_reads_in_years_and_months() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(EARLIEST);
        assert_eq!(span_in_words(day(1993, 2, 14), day(2026, 11, 23)), "33 years, 9 months");
        assert_eq!(span_in_words(day(2025, 11, 23), day(2026, 11, 23)), "1 year");
        assert_eq!(span_in_words(day(2026, 9, 24), day(2026, 11, 23)), "1 month");
        assert_eq!(span_in_words(day(2026, 11, 11), day(2026, 11, 23)), "12 days");
        assert_eq!(span_in_words(day(2026, 11, 23), day(2026, 11, 23)), "0 days");
    }
}
