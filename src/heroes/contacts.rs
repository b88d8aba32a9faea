//! A hero's private contacts: family and agency people, with phone, email and
//! postal address. Kept in their own table, read only by staff pages; no public
//! query joins it.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgExecutor;
use tower_sessions::Session;
use uuid::Uuid;

use super::queries as heroes;
use crate::accounts::model::Email;
use crate::accounts::session::Staff;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, PathIds, flash, render, render_status};

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
}

pub async fn for_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as!(
        Contact,
        r#"select id, hero_id, kind as "kind: ContactKind", name, relationship, phone, email, postal_address, notes
           from hero_contacts where hero_id = $1 order by kind, name"#,
        hero_id
    )
    .fetch_all(db)
    .await
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
}

struct ContactInput {
    kind: ContactKind,
    name: String,
    relationship: String,
    phone: String,
    email: String,
    postal_address: String,
    notes: String,
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

fn parse(form: &ContactForm) -> Result<ContactInput, FormErrors> {
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
    match (kind, name, relationship, phone, email, postal_address, notes) {
        (Some(kind), Some(name), Some(relationship), Some(phone), Some(email), Some(postal_address), Some(notes)) => {
            Ok(ContactInput {
                kind,
                name,
                relationship,
                phone,
                email,
                postal_address,
                notes,
            })
        }
        _ => Err(e),
    }
}

#[derive(Template)]
#[template(path = "heroes/contact_form.html")]
struct ContactPage {
    layout: Layout,
    hero_id: Uuid,
    hero_name: String,
    contact_id: Option<Uuid>,
    form: ContactForm,
    errors: FormErrors,
}

impl ContactPage {
    fn kinds(&self) -> [ContactKind; 5] {
        ContactKind::ALL
    }
}

pub async fn new_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(hero_id): PathId,
) -> Result<Response, AppError> {
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    render(&ContactPage {
        layout,
        hero_id,
        hero_name: hero.full_name,
        contact_id: None,
        form: ContactForm {
            kind: "family".into(),
            ..ContactForm::default()
        },
        errors: FormErrors::default(),
    })
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathIds(ids): PathIds,
) -> Result<Response, AppError> {
    let [hero_id, contact_id] = ids[..] else {
        return Err(AppError::NotFound);
    };
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    let contact = for_hero(&state.pool, hero_id)
        .await?
        .into_iter()
        .find(|c| c.id == contact_id)
        .ok_or(AppError::NotFound)?;
    render(&ContactPage {
        layout,
        hero_id,
        hero_name: hero.full_name,
        contact_id: Some(contact_id),
        form: ContactForm {
            kind: contact.kind.code().into(),
            name: contact.name,
            relationship: contact.relationship,
            phone: contact.phone,
            email: contact.email,
            postal_address: contact.postal_address,
            notes: contact.notes,
        },
        errors: FormErrors::default(),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn save(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathIds(ids): PathIds,
    Form(form): Form<ContactForm>,
) -> Result<Response, AppError> {
    let (hero_id, contact_id) = match ids.as_slice() {
        [hero] => (*hero, None),
        [hero, contact] => (*hero, Some(*contact)),
        _ => return Err(AppError::NotFound),
    };
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    let input = match parse(&form) {
        Ok(input) => input,
        Err(errors) => {
            let page = ContactPage {
                layout,
                hero_id,
                hero_name: hero.full_name,
                contact_id,
                form,
                errors,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let id = write(&mut tx, hero_id, contact_id, &input, me.id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let action = if contact_id.is_some() {
        "hero.contact_updated"
    } else {
        "hero.contact_added"
    };
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action,
            entity_type: "hero",
            entity_id: Some(hero_id.to_string()),
            summary: format!(
                "{} saved a {} contact for {}",
                me.email,
                input.kind.code(),
                hero.full_name
            ),
            details: json!({ "contact_id": id }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, format!("Contact {} saved.", input.name)).await?;
    Ok(Redirect::to(&format!("/staff/heroes/{hero_id}#contacts")).into_response())
}

async fn write(
    tx: &mut sqlx::PgConnection,
    hero_id: Uuid,
    contact_id: Option<Uuid>,
    input: &ContactInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    match contact_id {
        None => {
            sqlx::query_scalar!(
                "insert into hero_contacts (id, hero_id, kind, name, relationship, phone, email, postal_address, notes,
                                        created_at, created_by, updated_at, updated_by)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) returning id",
                Uuid::now_v7(),
                hero_id,
                input.kind as ContactKind,
                input.name,
                input.relationship,
                input.phone,
                input.email,
                input.postal_address,
                input.notes,
                now,
                actor
            )
            .fetch_optional(&mut *tx)
            .await
        }
        Some(id) => {
            sqlx::query_scalar!(
                "update hero_contacts set kind = $3, name = $4, relationship = $5, phone = $6, email = $7,
                    postal_address = $8, notes = $9, updated_at = $10, updated_by = $11
             where id = $1 and hero_id = $2 returning id",
                id,
                hero_id,
                input.kind as ContactKind,
                input.name,
                input.relationship,
                input.phone,
                input.email,
                input.postal_address,
                input.notes,
                now,
                actor
            )
            .fetch_optional(&mut *tx)
            .await
        }
    }
}

pub async fn delete(
    Staff(me): Staff,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathIds(ids): PathIds,
) -> Result<Response, AppError> {
    let [hero_id, contact_id] = ids[..] else {
        return Err(AppError::NotFound);
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let removed = sqlx::query_scalar!(
        "delete from hero_contacts where id = $1 and hero_id = $2 returning name",
        contact_id,
        hero_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "hero.contact_removed",
            entity_type: "hero",
            entity_id: Some(hero_id.to_string()),
            summary: format!("{} removed a contact", me.email),
            details: json!({ "contact_id": contact_id }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, format!("Contact {removed} removed.")).await?;
    Ok(Redirect::to(&format!("/staff/heroes/{hero_id}#contacts")).into_response())
}
