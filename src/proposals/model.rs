//! A proposal as the visitor's form posts it, as checked, and as staff read it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::heroes::model::Service;
use crate::heroes::regions::{Country, Region};
use crate::vocab::dates::parse_date;
use crate::web::forms::{FormErrors, Label, Mistake, plain_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "proposal_status", rename_all = "snake_case")]
pub enum ProposalStatus {
    Open,
    Drafted,
    Editing,
    Dismissed,
}

/// What the form posts, as typed. `hero_id` is set when the visitor came from
/// a hero's page to correct it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    pub hero_id: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub end_of_watch: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub proposer_name: String,
    #[serde(default)]
    pub proposer_email: String,
    /// The honeypot: hidden from people, filled in by robots.
    #[serde(default)]
    pub website: String,
}

/// The fallen responder a new-hero proposal names.
pub struct Named {
    pub full_name: String,
    pub agency: String,
    pub region: Region,
    pub service: Service,
    pub end_of_watch: NaiveDate,
}

/// A proposal that passed its checks: a correction to `hero`, or a new hero.
pub struct NewProposal {
    pub hero: Option<Uuid>,
    pub named: Option<Named>,
    pub details: String,
    pub source: String,
    pub proposer_name: String,
    pub proposer_email: String,
}

/// "US-FL" as a region of its country.
pub fn region_of(value: &str) -> Result<Region, Mistake> {
    let (country, code) = value
        .split_once('-')
        .ok_or_else(|| Mistake::new("error-choose-region"))?;
    Region::parse(Country::parse(country)?, code)
}

impl ProposalForm {
    /// `hero` is the hero being corrected, already checked to be public.
    pub fn parse(&self, hero: Option<Uuid>, today: NaiveDate) -> Result<NewProposal, FormErrors> {
        let mut errors = FormErrors::default();
        let named = match hero {
            Some(_) => None,
            None => {
                let full_name = errors.check(
                    "full_name",
                    plain_text(&self.full_name, Label::Key("label-full_name"), 200, true),
                );
                let agency = errors.check(
                    "agency",
                    plain_text(&self.agency, Label::Key("label-their_agency"), 200, true),
                );
                let region = errors.check("region", region_of(&self.region));
                let service = errors.check("service", Service::parse(&self.service));
                let end_of_watch = errors.check(
                    "end_of_watch",
                    parse_date(&self.end_of_watch, Label::Key("label-end_of_watch")).and_then(|d| {
                        if d > today {
                            Err(Mistake::of("error-future", Label::Key("label-end_of_watch")))
                        } else {
                            Ok(d)
                        }
                    }),
                );
                match (full_name, agency, region, service, end_of_watch) {
                    (Some(full_name), Some(agency), Some(region), Some(service), Some(end_of_watch)) => Some(Named {
                        full_name,
                        agency,
                        region,
                        service,
                        end_of_watch,
                    }),
                    _ => None,
                }
            }
        };
        let details = errors.check(
            "details",
            plain_text(&self.details, Label::Key("label-details"), 4000, true),
        );
        let source = errors.check(
            "source",
            plain_text(&self.source, Label::Key("label-source"), 500, true),
        );
        let proposer_name = errors.check(
            "proposer_name",
            plain_text(&self.proposer_name, Label::Key("field-your-name"), 120, true),
        );
        let proposer_email = errors.check("proposer_email", email(&self.proposer_email));
        match (details, source, proposer_name, proposer_email) {
            (Some(details), Some(source), Some(proposer_name), Some(proposer_email)) if errors.is_empty() => {
                Ok(NewProposal {
                    hero,
                    named,
                    details,
                    source,
                    proposer_name,
                    proposer_email,
                })
            }
            _ => Err(errors),
        }
    }
}

/// An optional email address: empty, or one with a name, an @ and a domain.
fn email(value: &str) -> Result<String, Mistake> {
    let value = plain_text(value, Label::Key("label-proposer_email"), 200, false)?;
    let shaped = value.is_empty()
        || value.split_once('@').is_some_and(|(name, domain)| {
            !name.is_empty() && domain.contains('.') && !value.contains(char::is_whitespace)
        });
    if shaped {
        Ok(value)
    } else {
        Err(Mistake::new("error-email-optional"))
    }
}

/// A proposal in the staff queue.
pub struct Proposal {
    pub id: Uuid,
    pub hero_id: Option<Uuid>,
    /// The corrected hero's name.
    pub hero_name: Option<String>,
    pub full_name: String,
    pub agency: String,
    pub region: String,
    pub service: Option<Service>,
    pub end_of_watch: Option<NaiveDate>,
    pub details: String,
    pub source: String,
    pub proposer_name: String,
    pub proposer_email: String,
    pub submitted_at: DateTime<Utc>,
}
