//! Amounts and months as people type them: parsed exactly, refused with a reason.

use chrono::NaiveDate;
use honor_mile::grants::money::parse_month;
use honor_mile::vocab::money::{Cents, dollars};

#[test]
fn amounts_people_type_are_read_exactly() {
    for (typed, cents) in [
        ("12,000", 1_200_000),
        ("12000.50", 1_200_050),
        ("$12,000.00", 1_200_000),
        (" $ 999,999.8 ", 99_999_980),
        ("1,234,567", -1),
        ("0.01", 1),
        (".5", 50),
        ("1000000", 100_000_000),
    ] {
        match Cents::parse(typed, "Amount") {
            Ok(amount) => assert_eq!(amount.get(), cents, "{typed}"),
            Err(message) => assert_eq!(cents, -1, "{typed}: {message}"),
        }
    }
}

#[test]
fn bad_amounts_are_refused_with_a_reason() {
    for (typed, reason) in [
        ("", "required"),
        ("-5", "negative"),
        ("$-5", "negative"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("12.345", "fractions of a cent"),
        ("1000000.01", "at most $1,000,000.00"),
        ("99999999999999999999", "at most"),
        ("12,00", "like 12,000"),
        ("twelve", "like 12,000"),
        ("1e5", "like 12,000"),
        ("$", "like 12,000"),
    ] {
        let message = Cents::parse(typed, "Amount").expect_err(typed).to_string();
        assert!(message.contains(reason), "{typed}: {message}");
    }
}

#[test]
fn amounts_show_as_dollars() {
    assert_eq!(Cents::from_db(1_200_000).to_string(), "$12,000.00");
    assert_eq!(dollars(5), "$0.05");
    assert_eq!(dollars(123_456_789), "$1,234,567.89");
    assert_eq!(Cents::from_db(1_200_050).plain(), "12000.50");
}

#[test]
fn months_are_kept_near_today() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let month = |y, m| NaiveDate::from_ymd_opt(y, m, 1).expect("date");
    assert_eq!(parse_month("", today), Ok(month(2026, 11)));
    assert_eq!(parse_month("2025-11", today), Ok(month(2025, 11)));
    assert_eq!(parse_month("2027-02", today), Ok(month(2027, 2)));
    assert!(parse_month("2025-10", today).is_err());
    assert!(parse_month("2027-03", today).is_err());
    assert!(parse_month("2026-13", today).is_err());
    assert!(parse_month("November", today).is_err());
}
