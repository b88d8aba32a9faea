//! Choosing who receives a flag: one of the hero's private contacts, or a new
//! person entered here (then also saved as a contact). The name and address are
//! copied onto the flag, so the slip shows where it was sent even if the contact
//! changes later. Private: staff pages and the packing slip only.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::page::{StepForm, refuse};
use super::queries::{self, Flag, Recipient};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::heroes::contact_model::{Contact, ContactInput, ContactKind};
use crate::heroes::contact_queries;
use crate::state::AppState;
use crate::vocab::numbers::with_commas;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId, render, render_status};

/// `contact` is a contact's id, or `new` with the fields of a new recipient.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecipientForm {
    pub contact: String,
    pub kind: String,
    pub name: String,
    pub relationship: String,
    pub postal_address: String,
}

#[derive(Template)]
#[template(path = "flags/recipient.html")]
struct RecipientPage {
    layout: Layout,
    flag: Flag,
    contacts: Vec<Contact>,
    form: RecipientForm,
    errors: FormErrors,
}

impl RecipientPage {
    fn kinds(&self) -> [ContactKind; 5] {
        ContactKind::ALL
    }

    fn number(&self) -> String {
        with_commas(self.flag.mile_number.into())
    }
}

pub async fn form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let contacts = contact_queries::for_hero(&state.pool, flag.hero_id).await?;
    // The current recipient, else the family (the usual choice), else a new person.
    let preferred = flag
        .recipient_contact_id
        .filter(|id| contacts.iter().any(|c| c.id == *id))
        .or_else(|| contacts.iter().find(|c| c.kind == ContactKind::Family).map(|c| c.id))
        .or_else(|| contacts.first().map(|c| c.id));
    let form = RecipientForm {
        contact: preferred.map_or_else(|| "new".to_string(), |id| id.to_string()),
        kind: ContactKind::Family.code().into(),
        ..RecipientForm::default()
    };
    render(&RecipientPage {
        layout,
        flag,
        contacts,
        form,
        errors: FormErrors::default(),
    })
}

/// The recipient chosen or entered; `Some(relationship)` when it is a new contact.
fn parse(form: &RecipientForm, contacts: &[Contact]) -> Result<(Recipient, Option<String>), FormErrors> {
    let mut e = FormErrors::default();
    if form.contact != "new" {
        let chosen = form
            .contact
            .parse::<Uuid>()
            .ok()
            .and_then(|id| contacts.iter().find(|c| c.id == id));
        return match chosen {
            Some(c) => Ok((
                Recipient {
                    contact_id: c.id,
                    kind: c.kind,
                    name: c.name.clone(),
                    address: c.postal_address.clone(),
                },
                None,
            )),
            None => {
                e.add(
                    "contact",
                    "Choose one of the contacts listed, or enter a new recipient.",
                );
                Err(e)
            }
        };
    }
    let kind = e.check("kind", ContactKind::parse(&form.kind));
    let name = e.check("name", plain_text(&form.name, "Name", 200, true));
    let relationship = e.check(
        "relationship",
        plain_text(&form.relationship, "Relationship", 100, false),
    );
    let address = e.check(
        "postal_address",
        plain_text(&form.postal_address, "Postal address", 1000, false),
    );
    match (kind, name, relationship, address) {
        (Some(kind), Some(name), Some(relationship), Some(address)) => Ok((
            Recipient {
                contact_id: Uuid::now_v7(),
                kind,
                name,
                address,
            },
            Some(relationship),
        )),
        _ => Err(e),
    }
}

pub async fn save(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<RecipientForm>,
) -> Result<Response, AppError> {
    let flag = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let sent = "The flag has been sent: its recipient can no longer change.";
    let today = act.state.today();
    if !flag.step.can_choose_recipient() {
        return refuse(&act.state, act.layout(), flag, sent.into(), StepForm::starting(today)).await;
    }
    let contacts = contact_queries::for_hero(&act.state.pool, flag.hero_id).await?;
    let (recipient, new_contact) = match parse(&form, &contacts) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = RecipientPage {
                layout: act.layout(),
                flag,
                contacts,
                form,
                errors,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    if let Some(relationship) = &new_contact {
        let contact = ContactInput {
            kind: recipient.kind,
            name: recipient.name.clone(),
            relationship: relationship.clone(),
            phone: String::new(),
            email: String::new(),
            postal_address: recipient.address.clone(),
            notes: String::new(),
            email_consent: None,
        };
        contact_queries::insert(&mut tx, recipient.contact_id, flag.hero_id, &contact, act.me.id, now).await?;
    }
    if !queries::set_recipient(&mut tx, flag.id, &recipient, act.me.id, now).await? {
        tx.rollback().await?;
        let current = queries::find(&act.state.pool, flag.id)
            .await?
            .ok_or(AppError::NotFound)?;
        return refuse(
            &act.state,
            act.layout(),
            current,
            sent.into(),
            StepForm::starting(today),
        )
        .await;
    }
    let change = Change {
        action: "flag.recipient_set",
        entity_type: "flag",
        entity_id: flag.id.to_string(),
        summary: format!(
            "{} chose the recipient ({}) of the flag for {}",
            act.me.email,
            recipient.kind.code(),
            flag.hero_name
        ),
        details: json!({ "contact_id": recipient.contact_id, "kind": recipient.kind.code(), "new_contact": new_contact.is_some() }),
    };
    let message = format!("The flag will go to {}.", recipient.name);
    act.commit(tx, change, message, &format!("/staff/flags/{}", flag.id))
        .await
}
