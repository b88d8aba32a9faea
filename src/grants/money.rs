//! Grant months: a grant month is the first day of a calendar month in the
//! program's time zone.

use chrono::{Datelike, Months, NaiveDate};

use crate::web::forms::{Arg, Mistake};

/// The first day of the month `date` falls in.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// How far from the current month a grant may be counted.
pub const MONTHS_BACK: u32 = 12;
pub const MONTHS_AHEAD: u32 = 3;

/// A grant month typed as "2026-11" (what a month input sends); blank means this month.
/// Refuses months more than [`MONTHS_BACK`] before or [`MONTHS_AHEAD`] after today's.
pub fn parse_month(value: &str, today: NaiveDate) -> Result<NaiveDate, Mistake> {
    let current = month_of(today);
    let value = value.trim();
    if value.is_empty() {
        return Ok(current);
    }
    let month =
        crate::vocab::dates::parse_date(&format!("{value}-01"), "Month").map_err(|_| Mistake::new("error-month"))?;
    let earliest = current.checked_sub_months(Months::new(MONTHS_BACK)).unwrap_or(current);
    let latest = current.checked_add_months(Months::new(MONTHS_AHEAD)).unwrap_or(current);
    if month < earliest {
        return Err(Mistake::new("error-month-before").with("month", Arg::Month(earliest)));
    }
    if month > latest {
        return Err(Mistake::new("error-month-after").with("month", Arg::Month(latest)));
    }
    Ok(month)
}
