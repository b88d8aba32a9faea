//! The application form, as typed, parsed once into an `ApplicationInput` that the
//! queries can trust. The public form and the staff form share it.

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::GrantKind;
use crate::accounts::model::Email;
use crate::heroes::model::Service;
use crate::vocab::money::Cents;
use crate::web::forms::{FormErrors, Label, Mistake, one_line, plain_text};

/// What the application form posts; every field as typed, so the form can be re-shown.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationForm {
    pub kind: String,
    pub recipient_name: String,
    pub rank_title: String,
    pub service: String,
    pub agency: String,
    pub agency_place: String,
    pub injury_date: String,
    pub circumstances: String,
    pub amount_requested: String,
    pub nominator_name: String,
    pub nominator_relationship: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub consent_to_name: Option<String>,
    pub items_requested: String,
    /// The honeypot: hidden from people, so only a robot fills it in.
    pub website: String,
}

/// An application that passed every rule.
#[derive(Clone, Debug)]
pub struct ApplicationInput {
    pub kind: GrantKind,
    pub recipient_name: String,
    pub rank_title: String,
    pub service: Service,
    pub agency: String,
    pub agency_place: String,
    pub injury_date: Option<NaiveDate>,
    pub circumstances: String,
    pub amount_requested: Cents,
    pub nominator_name: String,
    pub nominator_relationship: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub consent_to_name: bool,
    /// Only for a K9 equipment grant (empty otherwise).
    pub items_requested: String,
}

/// The longest list of items the database accepts.
pub const ITEMS_MAX: usize = 1000;

/// The items a K9 equipment grant asks for: required for that kind, and refused
/// for the others rather than silently dropped (without JavaScript the field is
/// on every form, so someone may fill it in and then choose another kind).
fn items_requested(value: &str, kind: Option<GrantKind>) -> Result<String, Mistake> {
    let items = plain_text(value, Label::Key("label-items_requested"), ITEMS_MAX, false)?;
    match kind {
        Some(GrantKind::K9Equipment) if items.is_empty() => Err(Mistake::new("error-items-needed")),
        Some(GrantKind::K9Equipment) | None => Ok(items),
        Some(_) if items.is_empty() => Ok(items),
        Some(_) => Err(Mistake::new("error-items-not-k9")),
    }
}

fn injury_date(value: &str, kind: Option<GrantKind>, today: NaiveDate) -> Result<Option<NaiveDate>, Mistake> {
    let label = Label::Key("label-injury_date");
    let value = value.trim();
    if value.is_empty() {
        return match kind {
            Some(GrantKind::Injury) => Err(Mistake::of("error-required", label)),
            _ => Ok(None),
        };
    }
    let date = crate::vocab::dates::parse_date(value, label.clone())?;
    if date > today {
        return Err(Mistake::of("error-future", label));
    }
    if date < NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(Mistake::of("error-too-old", label));
    }
    Ok(Some(date))
}

pub fn parse_phone(value: &str) -> Result<String, Mistake> {
    let phone = one_line(value, Label::Key("label-contact_phone"), 40, false)?;
    let plausible = phone.chars().all(|c| c.is_ascii_digit() || " +-().x".contains(c))
        && (phone.is_empty() || phone.chars().filter(char::is_ascii_digit).count() >= 7);
    if plausible {
        Ok(phone)
    } else {
        Err(Mistake::new("error-phone"))
    }
}

impl ApplicationInput {
    pub fn parse(form: &ApplicationForm, today: NaiveDate) -> Result<ApplicationInput, FormErrors> {
        let mut e = FormErrors::default();
        let kind = e.check("kind", GrantKind::parse(&form.kind));
        let recipient_name = e.check(
            "recipient_name",
            one_line(&form.recipient_name, Label::Key("label-recipient_name"), 200, true),
        );
        let rank_title = e.check(
            "rank_title",
            one_line(&form.rank_title, Label::Key("label-rank_title"), 100, false),
        );
        let service = e.check("service", Service::parse(&form.service));
        let agency = e.check("agency", one_line(&form.agency, Label::Key("label-agency"), 200, true));
        let agency_place = e.check(
            "agency_place",
            one_line(&form.agency_place, Label::Key("label-agency_place"), 200, false),
        );
        let injury_date = e.check("injury_date", injury_date(&form.injury_date, kind, today));
        let circumstances = e.check(
            "circumstances",
            plain_text(&form.circumstances, Label::Key("label-circumstances"), 5000, true),
        );
        let items_requested = e.check("items_requested", items_requested(&form.items_requested, kind));
        let amount_requested = e.check(
            "amount_requested",
            Cents::parse(&form.amount_requested, Label::Key("label-amount_requested")),
        );
        let nominator_name = e.check(
            "nominator_name",
            one_line(&form.nominator_name, Label::Key("field-your-name"), 200, true),
        );
        let nominator_relationship = e.check(
            "nominator_relationship",
            one_line(
                &form.nominator_relationship,
                Label::Key("label-nominator_relationship"),
                100,
                false,
            ),
        );
        let contact_phone = e.check("contact_phone", parse_phone(&form.contact_phone));
        let contact_email = if form.contact_email.trim().is_empty() {
            Some(String::new())
        } else {
            e.check(
                "contact_email",
                Email::parse(&form.contact_email).map(|m| m.as_str().to_string()),
            )
        };
        if form.contact_phone.trim().is_empty() && form.contact_email.trim().is_empty() {
            e.add("contact_phone", Mistake::new("error-phone-or-email"));
        }
        match (
            kind,
            recipient_name,
            rank_title,
            service,
            agency,
            agency_place,
            injury_date,
            circumstances,
            amount_requested,
            nominator_name,
            nominator_relationship,
            contact_phone,
            contact_email,
            items_requested,
        ) {
            (
                Some(kind),
                Some(recipient_name),
                Some(rank_title),
                Some(service),
                Some(agency),
                Some(agency_place),
                Some(injury_date),
                Some(circumstances),
                Some(amount_requested),
                Some(nominator_name),
                Some(nominator_relationship),
                Some(contact_phone),
                Some(contact_email),
                Some(items_requested),
            ) if e.is_empty() => Ok(ApplicationInput {
                kind,
                recipient_name,
                rank_title,
                service,
                agency,
                agency_place,
                injury_date,
                circumstances,
                amount_requested,
                nominator_name,
                nominator_relationship,
                contact_phone,
                contact_email,
                consent_to_name: form.consent_to_name.is_some(),
                items_requested,
            }),
            _ => Err(e),
        }
    }
}
