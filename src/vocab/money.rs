//! Money: exact integer cents, parsed once from what people type ("12,000",
//! "12000.50", "$12,000.00") and shown as dollars. Grants and campaigns both
//! count in it.

use std::fmt;

use crate::web::forms::{Label, Mistake};

/// The largest amount anyone may type: one million dollars. Anything above is a typo.
pub const MAX_CENTS: i64 = 100_000_000;

/// A positive amount of money in cents, at most [`MAX_CENTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(i64);

impl Cents {
    pub fn parse(value: &str, label: impl Into<Label>) -> Result<Cents, Mistake> {
        let label = label.into();
        let mistake = |key| Mistake::of(key, label.clone());
        let text: String = value.trim().chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(mistake("error-required"));
        }
        if text.starts_with('-') || text.starts_with("$-") || text.starts_with('(') {
            return Err(mistake("error-negative"));
        }
        let digits = text.strip_prefix('$').unwrap_or(&text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty() {
            return Err(mistake("error-amount"));
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) || !valid_grouping(whole) {
            return Err(mistake("error-amount"));
        }
        if fraction.len() > 2 {
            return Err(mistake("error-cents"));
        }
        let whole: String = whole.chars().filter(|c| *c != ',').collect();
        // More than 12 digits of dollars is far past the limit; refuse before it could overflow.
        if whole.trim_start_matches('0').len() > 12 {
            return Err(mistake("error-too-large"));
        }
        let dollars: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| mistake("error-amount"))?
        };
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| mistake("error-amount"))?;
        let total = dollars * 100 + cents;
        if total == 0 {
            return Err(mistake("error-zero"));
        }
        if total > MAX_CENTS {
            return Err(mistake("error-too-large"));
        }
        Ok(Cents(total))
    }

    /// An amount read back from the database, which only holds positive amounts
    /// within the limit (its CHECK constraints say so).
    pub fn from_db(cents: i64) -> Cents {
        Cents(cents)
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// As typed in a form: "12000.50", or "12000" for whole dollars.
    pub fn plain(self) -> String {
        match self.0 % 100 {
            0 => (self.0 / 100).to_string(),
            cents => format!("{}.{cents:02}", self.0 / 100),
        }
    }
}

/// Digits, optionally grouped by commas in threes ("12,000", "1,234,567").
fn valid_grouping(whole: &str) -> bool {
    if !whole.contains(',') {
        return whole.chars().all(|c| c.is_ascii_digit());
    }
    let mut groups = whole.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.chars().all(|c| c.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
}

/// Dollars with thousands separators: "$12,000.00".
/// An amount typed the French way ("1 234,56 $", "1234,5") made ready for
/// [`Cents::parse`]: spaces and the dollar sign go, and a comma followed by one
/// or two digits is the decimal point. Anything else is left for the parser to
/// refuse.
pub fn from_french(typed: &str) -> String {
    let text: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '$').collect();
    match text.rsplit_once(',') {
        Some((whole, fraction))
            if !whole.contains([',', '.'])
                && (1..=2).contains(&fraction.len())
                && fraction.chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{whole}.{fraction}")
        }
        _ => text,
    }
}

pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&dollars(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistaken_amount_reads_as_before_in_english() {
        let said = |typed: &str| Cents::parse(typed, "Goal").map_err(String::from);
        assert_eq!(said("").err().as_deref(), Some("Goal is required."));
        assert_eq!(said("-5").err().as_deref(), Some("Goal cannot be negative."));
        assert_eq!(
            said("12,00").err().as_deref(),
            Some("Goal must be an amount in dollars, like 12,000 or 12000.50.")
        );
        assert_eq!(
            said("1.005").err().as_deref(),
            Some("Goal cannot have fractions of a cent.")
        );
        assert_eq!(
            said("1000000.01").err().as_deref(),
            Some("Goal must be at most $1,000,000.00; check for a typo.")
        );
        assert_eq!(said("0.00").err().as_deref(), Some("Goal must be more than zero."));
    }

    #[test]
    fn amounts_typed_the_french_way_are_understood() {
        let parsed = |typed: &str| Cents::parse(&from_french(typed), "Montant").map(Cents::get);
        assert_eq!(parsed("1 234,56 $"), Ok(123_456));
        assert_eq!(parsed("1\u{a0}234,5"), Ok(123_450));
        assert_eq!(parsed("5000"), Ok(500_000));
        assert_eq!(parsed("5000.25"), Ok(500_025));
        assert!(parsed("12,3,4").is_err());
    }
}
