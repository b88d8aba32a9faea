//! Money: exact integer cents, parsed once from what people type ("12,000",
//! "12000.50", "$12,000.00") and shown as dollars. Grants and campaigns both
//! count in it.

use std::fmt;

/// The largest amount anyone may type: one million dollars. Anything above is a typo.
pub const MAX_CENTS: i64 = 100_000_000;

/// A positive amount of money in cents, at most [`MAX_CENTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cents(i64);

impl Cents {
    pub fn parse(value: &str, label: &str) -> Result<Cents, String> {
        let text: String = value.trim().chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(format!("{label} is required."));
        }
        if text.starts_with('-') || text.starts_with("$-") || text.starts_with('(') {
            return Err(format!("{label} cannot be negative."));
        }
        let digits = text.strip_prefix('$').unwrap_or(&text);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let example = format!("{label} must be an amount in dollars, like 12,000 or 12000.50.");
        if whole.is_empty() && fraction.is_empty() {
            return Err(example);
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) || !valid_grouping(whole) {
            return Err(example);
        }
        if fraction.len() > 2 {
            return Err(format!("{label} cannot have fractions of a cent."));
        }
        let whole: String = whole.chars().filter(|c| *c != ',').collect();
        // More than 12 digits of dollars is far past the limit; refuse before it could overflow.
        if whole.trim_start_matches('0').len() > 12 {
            return Err(too_large(label));
        }
        let dollars: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| example.clone())?
        };
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| example)?;
        let total = dollars * 100 + cents;
        if total == 0 {
            return Err(format!("{label} must be more than zero."));
        }
        if total > MAX_CENTS {
            return Err(too_large(label));
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

fn too_large(label: &str) -> String {
    format!("{label} must be at most $1,000,000.00; check for a typo.")
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
    fn amounts_typed_the_french_way_are_understood() {
        let parsed = |typed: &str| Cents::parse(&from_french(typed), "Montant").map(Cents::get);
        assert_eq!(parsed("1 234,56 $"), Ok(123_456));
        assert_eq!(parsed("1\u{a0}234,5"), Ok(123_450));
        assert_eq!(parsed("5000"), Ok(500_000));
        assert_eq!(parsed("5000.25"), Ok(500_025));
        assert!(parsed("12,3,4").is_err());
    }
}
