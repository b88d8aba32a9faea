//! A hero's private contacts: family and agency people, with phone, email and
//! postal address, and the form staff fill in for one. Private: read only by
//! staff pages, the flag's packing slip and the family's notice that the mile
//! was run (sent only to a family contact who agreed); no public query joins them.

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::accounts::model::Email;
use crate::web::forms::{FormErrors, plain_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type, serde::Deserialize)]
#[sqlx(type_name = "contact_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Family,
    Agency,
    Handler,
    Intermediary,
    Other,
}

impl ContactKind {
    pub const ALL: [ContactKind; 5] = [
        ContactKind::Family,
        ContactKind::Agency,
        ContactKind::Handler,
        ContactKind::Intermediary,
        ContactKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ContactKind::Family => "family",
            ContactKind::Agency => "agency",
            ContactKind::Handler => "handler",
            ContactKind::Intermediary => "intermediary",
            ContactKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactKind::Family => "Family",
            ContactKind::Agency => "Agency",
            ContactKind::Handler => "K9 handler",
            ContactKind::Intermediary => "Intermediary (delivers in person)",
            ContactKind::Other => "Other",
        }
    }

    pub fn parse(value: &str) -> Result<ContactKind, String> {
        ContactKind::ALL
            .into_iter()
            .find(|k| k.code() == value.trim())
            .ok_or_else(|| "Choose who this contact is.".into())
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Contact {
    pub id: Uuid,
    pub hero_id: Uuid,
    pub kind: ContactKind,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: String,
    pub postal_address: String,
    pub notes: String,
    /// The day a family contact agreed to be emailed when the mile is run;
    /// none when they have not (or withdrew).
    pub email_consent_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    pub kind: String,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: String,
    pub postal_address: String,
    pub notes: String,
    /// The box "agrees to be emailed when the mile is run", when ticked.
    pub email_consent: Option<String>,
}

/// A contact as parsed from its form, ready to store.
pub struct ContactInput {
    pub kind: ContactKind,
    pub name: String,
    pub relationship: String,
    pub phone: String,
    pub email: String,
    pub postal_address: String,
    pub notes: String,
    /// Today, when they agree to be emailed when the mile is run (a family
    /// contact with an address); an earlier day of agreement stands when a
    /// contact who had agreed is saved again with the same address.
    pub email_consent: Option<NaiveDate>,
}

fn parse_phone(value: &str) -> Result<String, String> {
    let phone = plain_text(value, "Phone", 40, false)?;
    let plausible = phone.chars().all(|c| c.is_ascii_digit() || " +-().x".contains(c))
        && (phone.is_empty() || phone.chars().filter(char::is_ascii_digit).count() >= 7);
    if plausible {
        Ok(phone)
    } else {
        Err("Enter a phone number with at least 7 digits, like (407) 555-0142.".into())
    }
}

impl ContactForm {
    pub fn from_contact(contact: Contact) -> ContactForm {
        ContactForm {
            kind: contact.kind.code().into(),
            name: contact.name,
            relationship: contact.relationship,
            phone: contact.phone,
            email: contact.email,
            postal_address: contact.postal_address,
            notes: contact.notes,
            email_consent: contact.email_consent_on.map(|_| "on".into()),
        }
    }
}

/// Parses a posted contact once, on `today`; the mistakes go beside their fields.
pub fn parse(form: &ContactForm, today: NaiveDate) -> Result<ContactInput, FormErrors> {
    let mut e = FormErrors::default();
    let kind = e.check("kind", ContactKind::parse(&form.kind));
    let name = e.check("name", plain_text(&form.name, "Name", 200, true));
    let relationship = e.check(
        "relationship",
        plain_text(&form.relationship, "Relationship", 100, false),
    );
    let phone = e.check("phone", parse_phone(&form.phone));
    let email = if form.email.trim().is_empty() {
        Some(String::new())
    } else {
        e.check("email", Email::parse(&form.email).map(|m| m.as_str().to_string()))
    };
    let postal_address = e.check(
        "postal_address",
        plain_text(&form.postal_address, "Postal address", 1000, false),
    );
    let notes = e.check("notes", plain_text(&form.notes, "Notes", 2000, false));
    let email_consent = form.email_consent.is_some();
    if email_consent {
        if kind.is_some_and(|k| k != ContactKind::Family) {
            e.add(
                "email_consent",
                "Only family contacts are emailed when the mile is run: choose Family, or untick this box.",
            );
        } else if form.email.trim().is_empty() {
            e.add(
                "email_consent",
                "Add their email address above to email them when the mile is run, or untick this box.",
            );
        }
    }
    match (kind, name, relationship, phone, email, postal_address, notes) {
        (Some(kind), Some(name), Some(relationship), Some(phone), Some(email), Some(postal_address), Some(notes))
            if e.is_empty() =>
        {
            Ok(ContactInput {
                kind,
                name,
                relationship,
                phone,
                email,
                postal_address,
                notes,
                email_consent: email_consent.then_some(today),
            })
        }
        _ => Err(e),
    }
}
