//! A family campaign: a short fundraising campaign for one hero's family, run on
//! an outside donation page (https only), with its goal, the amount raised so
//! far and the days it is open (both included; two weeks unless staff say
//! otherwise). Parsed once from the staff form into these types.

use chrono::{DateTime, Days, NaiveDate, Utc};
use uuid::Uuid;

use crate::vocab::money::{Cents, MAX_CENTS, dollars};
use crate::web::forms::{FormErrors, plain_text};

/// How many days a campaign runs when staff give no closing day, both the
/// opening and the closing day included.
pub const DEFAULT_DAYS: u64 = 14;

/// The closing day of a campaign that opens on `opens` and runs the default length.
fn default_close(opens: NaiveDate) -> Option<NaiveDate> {
    opens.checked_add_days(Days::new(DEFAULT_DAYS - 1))
}

/// An outside donation page: https, a host, no user name or password in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DonationUrl(String);

impl DonationUrl {
    pub fn parse(value: &str) -> Result<DonationUrl, String> {
        let text = value.trim();
        if text.is_empty() {
            return Err("The donation page's address is required.".into());
        }
        if text.chars().count() > 500 {
            return Err("The address must be at most 500 characters.".into());
        }
        let example = "Enter the donation page's full address, starting with https://";
        let url = url::Url::parse(text).map_err(|_| example.to_string())?;
        if url.scheme() != "https" {
            return Err("The donation page must be a secure address starting with https://".into());
        }
        if url.host_str().is_none_or(|h| !h.contains('.')) || !url.username().is_empty() || url.password().is_some() {
            return Err(example.into());
        }
        let url = url.to_string();
        if url.len() > 500 {
            return Err("The address must be at most 500 characters.".into());
        }
        Ok(DonationUrl(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An amount that may be zero (nothing raised yet), in cents.
fn parse_raised(value: &str) -> Result<i64, String> {
    let digits: String = value
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    if digits.contains('0') && digits.chars().all(|c| c == '0' || c == '.') && digits.matches('.').count() <= 1 {
        return Ok(0);
    }
    Ok(Cents::parse(value, "Amount raised")?.get())
}

/// Campaigns are for today's families: a year outside this range is a typing mistake.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn campaign_date(value: &str, label: &str) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    let date = crate::vocab::dates::parse_date(value, label)?;
    if !YEARS.contains(&date.year()) {
        return Err(format!(
            "{label} must be in a year from {} to {}.",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(date)
}

/// The staff form as posted, kept as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    pub title: String,
    pub family_line: String,
    pub donation_url: String,
    pub goal: String,
    pub raised: String,
    pub opens_on: String,
    pub closes_on: String,
}

pub struct NewCampaign {
    pub title: String,
    pub family_line: String,
    pub donation_url: DonationUrl,
    pub goal_cents: i64,
    pub raised_cents: i64,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
}

impl CampaignForm {
    /// A new campaign's form: open today, for two weeks.
    pub fn starting(today: NaiveDate) -> CampaignForm {
        CampaignForm {
            raised: "0".into(),
            opens_on: today.to_string(),
            closes_on: default_close(today).unwrap_or(today).to_string(),
            ..CampaignForm::default()
        }
    }

    pub fn of(campaign: &Campaign) -> CampaignForm {
        CampaignForm {
            title: campaign.title.clone(),
            family_line: campaign.family_line.clone(),
            donation_url: campaign.donation_url.clone(),
            goal: Cents::from_db(campaign.goal_cents).plain(),
            raised: if campaign.raised_cents == 0 {
                "0".into()
            } else {
                Cents::from_db(campaign.raised_cents).plain()
            },
            opens_on: campaign.opens_on.to_string(),
            closes_on: campaign.closes_on.to_string(),
        }
    }

    pub fn parse(&self) -> Result<NewCampaign, FormErrors> {
        let mut e = FormErrors::default();
        let title = e.check("title", plain_text(&self.title, "Title", 120, true));
        let family_line = e.check(
            "family_line",
            plain_text(&self.family_line, "Who it is for", 200, false),
        );
        let donation_url = e.check("donation_url", DonationUrl::parse(&self.donation_url));
        let goal = e.check("goal", Cents::parse(&self.goal, "Goal").map(Cents::get));
        let raised = e.check("raised", parse_raised(&self.raised));
        let opens_on = e.check("opens_on", campaign_date(&self.opens_on, "Opens on"));
        let closes_on = if self.closes_on.trim().is_empty() {
            opens_on.and_then(default_close)
        } else {
            e.check("closes_on", campaign_date(&self.closes_on, "Closes on"))
        };
        if let (Some(opens), Some(closes)) = (opens_on, closes_on)
            && closes <= opens
        {
            e.add("closes_on", "The campaign must close after the day it opens.");
        }
        if raised.is_some_and(|r| r > MAX_CENTS) {
            e.add(
                "raised",
                "Amount raised must be at most $1,000,000.00; check for a typo.",
            );
        }
        match (title, family_line, donation_url, goal, raised, opens_on, closes_on) {
            (
                Some(title),
                Some(family_line),
                Some(donation_url),
                Some(goal_cents),
                Some(raised_cents),
                Some(opens_on),
                Some(closes_on),
            ) if e.is_empty() => Ok(NewCampaign {
                title,
                family_line,
                donation_url,
                goal_cents,
                raised_cents,
                opens_on,
                closes_on,
            }),
            _ => Err(e),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Campaign {
    pub id: Uuid,
    pub hero_id: Uuid,
    pub title: String,
    pub family_line: String,
    pub donation_url: String,
    pub goal_cents: i64,
    pub raised_cents: i64,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Campaign {
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.closed_at.is_none() && self.opens_on <= today && today <= self.closes_on
    }

    pub fn goal(&self) -> String {
        dollars(self.goal_cents)
    }

    pub fn raised(&self) -> String {
        dollars(self.raised_cents)
    }

    /// Share of the goal raised, 0 to 100 (the bar stops at full).
    pub fn percent(&self) -> i64 {
        if self.goal_cents <= 0 {
            0
        } else {
            (self.raised_cents.saturating_mul(100) / self.goal_cents).clamp(0, 100)
        }
    }

    /// The outside site's name, so visitors know where the link goes.
    pub fn site(&self) -> String {
        url::Url::parse(&self.donation_url)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_string()))
            .unwrap_or_default()
    }

    /// "Open", "Opens on …", "Closed".
    pub fn state(&self, today: NaiveDate) -> String {
        if self.closed_at.is_some() {
            "Closed early".into()
        } else if today < self.opens_on {
            format!("Opens on {}", self.opens_on.format("%-d %B %Y"))
        } else if today > self.closes_on {
            "Closed".into()
        } else {
            format!("Open until {}", self.closes_on.format("%-d %B %Y"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_https_addresses_are_donation_pages() {
        assert!(DonationUrl::parse("https://www.gofundme.com/f/family-of-officer").is_ok());
        for bad in [
            "",
            "http://example.org/give",
            "javascript:alert(1)",
            "https://user:pw@example.org/",
            "https://localhost/",
            "example.org",
        ] {
            assert!(DonationUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nothing_raised_yet_is_zero_and_negative_is_refused() {
        assert_eq!(parse_raised("0"), Ok(0));
        assert_eq!(parse_raised("$0.00"), Ok(0));
        assert_eq!(parse_raised("1,250.50"), Ok(125_050));
        assert!(parse_raised("-5").is_err());
        assert!(parse_raised("lots").is_err());
        assert!(parse_raised("").is_err());
    }
}
