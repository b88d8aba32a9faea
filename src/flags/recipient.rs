//! Choosing who receives a flag: one of the hero's private contacts, or a new
//! person entered here (then also saved as a contact). The name and address are
//! copied onto the flag, so the slip shows where it was sent even if the contact
//! changes later. Private: staff pages and the packing slip only. The SQL that
//! writes a recipient lives here, next to its only caller (as in `heroes::contacts`).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::model::Step;
use super::moves::{Ctx, refuse};
use super::page::StepForm;
use super::queries::{self, Flag};
use crate::accounts::session::Staff;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::heroes::contacts::{self, Contact, ContactKind};
use crate::runs::model::with_commas;
use crate::state::AppState;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, flash, render, render_status};

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
    let contacts = contacts::for_hero(&state.pool, flag.hero_id).await?;
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

/// The recipient may change until the flag is sent, and again once it comes back.
pub fn can_choose_recipient(step: Step) -> bool {
    !matches!(step, Step::Shipped | Step::HandedOver | Step::Delivered)
}

pub async fn save(ctx: Ctx, PathId(id): PathId, Form(form): Form<RecipientForm>) -> Result<Response, AppError> {
    let flag = queries::find(&ctx.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let sent = "The flag has been sent: its recipient can no longer change.";
    let today = ctx.state.today();
    if !can_choose_recipient(flag.step) {
        return refuse(ctx, flag, sent.into(), StepForm::starting(today)).await;
    }
    let contacts = contacts::for_hero(&ctx.state.pool, flag.hero_id).await?;
    let (recipient, new_contact) = match parse(&form, &contacts) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = RecipientPage {
                layout: ctx.layout,
                flag,
                contacts,
                form,
                errors,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = ctx.state.now();
    let mut tx = ctx.state.pool.begin().await?;
    if let Some(relationship) = &new_contact {
        insert_contact(&mut tx, flag.hero_id, &recipient, relationship, ctx.me.id, now).await?;
    }
    if !set_recipient(&mut tx, flag.id, &recipient, ctx.me.id, now).await? {
        tx.rollback().await?;
        let current = queries::find(&ctx.state.pool, flag.id)
            .await?
            .ok_or(AppError::NotFound)?;
        return refuse(ctx, current, sent.into(), StepForm::starting(today)).await;
    }
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(ctx.me.id),
            action: "flag.recipient_set",
            entity_type: "flag",
            entity_id: Some(flag.id.to_string()),
            summary: format!(
                "{} chose the recipient ({}) of the flag for {}",
                ctx.me.email,
                recipient.kind.code(),
                flag.hero_name
            ),
            details: json!({ "contact_id": recipient.contact_id, "kind": recipient.kind.code(), "new_contact": new_contact.is_some() }),
            client_ip: Some(&ctx.ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &ctx.session,
        FlashKind::Success,
        format!("The flag will go to {}.", recipient.name),
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/flags/{}", flag.id)).into_response())
}

/// The recipient, copied onto the flag; refused (`false`) once the flag has been sent.
pub struct Recipient {
    pub contact_id: Uuid,
    pub kind: ContactKind,
    pub name: String,
    pub address: String,
}

pub async fn set_recipient(
    conn: &mut PgConnection,
    id: Uuid,
    recipient: &Recipient,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update flags set recipient_contact_id = $2, recipient_kind = $3, recipient_name = $4, recipient_address = $5,
                updated_at = $6, updated_by = $7
         where id = $1 and step in ('waiting_for_note', 'note_written', 'ready', 'returned')",
        id,
        recipient.contact_id,
        recipient.kind as ContactKind,
        recipient.name,
        recipient.address,
        now,
        actor
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Saves a recipient entered new as one of the hero's private contacts.
pub async fn insert_contact(
    conn: &mut PgConnection,
    hero_id: Uuid,
    recipient: &Recipient,
    relationship: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into hero_contacts (id, hero_id, kind, name, relationship, postal_address,
                                    created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8)",
        recipient.contact_id,
        hero_id,
        recipient.kind as ContactKind,
        recipient.name,
        relationship,
        recipient.address,
        now,
        actor
    )
    .execute(conn)
    .await?;
    Ok(())
}
