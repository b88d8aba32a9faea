//! The staff pages for a hero's private contacts: add, edit, remove. Private
//! data: staff only, never on a public page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

use super::contact_model::{self as model, ContactForm, ContactKind};
use super::contact_queries as queries;
use super::lifecycle::ConfirmPage;
use super::model::Hero;
use super::queries as heroes;
use super::records::OfHero;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

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
    fn new(layout: Layout, hero: Hero, contact_id: Option<Uuid>, form: ContactForm) -> ContactPage {
        ContactPage {
            layout,
            hero_id: hero.id,
            hero_name: hero.full_name,
            contact_id,
            form,
            errors: FormErrors::default(),
        }
    }

    fn kinds(&self) -> [ContactKind; 5] {
        ContactKind::ALL
    }
}

pub async fn new_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    path: OfHero,
) -> Result<Response, AppError> {
    let hero = heroes::find(&state.pool, path.hero).await?.ok_or(AppError::NotFound)?;
    let form = ContactForm {
        kind: "family".into(),
        ..ContactForm::default()
    };
    render(&ContactPage::new(layout, hero, None, form))
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    path: OfHero,
) -> Result<Response, AppError> {
    let contact_id = path.record()?;
    let hero = heroes::find(&state.pool, path.hero).await?.ok_or(AppError::NotFound)?;
    let contact = queries::find(&state.pool, hero.id, contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = ContactForm::from_contact(contact);
    render(&ContactPage::new(layout, hero, Some(contact_id), form))
}

pub async fn save(act: Acting<Staff>, path: OfHero, Form(form): Form<ContactForm>) -> Result<Response, AppError> {
    let hero = heroes::find(&act.state.pool, path.hero)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match model::parse(&form, act.state.today()) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = ContactPage::new(act.layout(), hero, path.record, form);
            page.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = act.state.pool.begin().await?;
    let (id, action, before, after) = match path.record {
        Some(id) => {
            let saved = queries::update(&mut tx, id, hero.id, &input, act.me.id, act.now)
                .await?
                .ok_or(AppError::NotFound)?;
            (
                saved.id,
                "hero.contact_updated",
                saved.consent_before,
                saved.consent_after,
            )
        }
        None => (
            queries::insert(&mut tx, Uuid::now_v7(), hero.id, &input, act.me.id, act.now).await?,
            "hero.contact_added",
            None,
            input.email_consent,
        ),
    };
    // The agreement to be emailed is the family's word: the trail keeps when it
    // was given and withdrawn, and by whom.
    let consent = match (before, after) {
        (None, Some(_)) => Some("given"),
        (Some(_), None) => Some("withdrawn"),
        (Some(old), Some(new)) if old != new => Some("given again for a new address"),
        _ => None,
    };
    let summary = format!(
        "{} saved a {} contact for {}{}",
        act.me.email,
        input.kind.code(),
        hero.full_name,
        consent
            .map(|c| format!("; agreement to be emailed when the mile is run {c}"))
            .unwrap_or_default()
    );
    let change = Change {
        action,
        entity_type: "hero",
        entity_id: hero.id.to_string(),
        summary,
        details: json!({ "contact_id": id, "email_consent": consent, "email_consent_on": after }),
    };
    let to = format!("/staff/heroes/{}#contacts", hero.id);
    act.commit(tx, change, format!("Contact {} saved.", input.name), &to)
        .await
}

/// Removing a contact is asked for on a page of its own: a family's only
/// address is not lost to a stray tap.
pub async fn delete_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    path: OfHero,
) -> Result<Response, AppError> {
    let contact_id = path.record()?;
    let hero = heroes::find(&state.pool, path.hero).await?.ok_or(AppError::NotFound)?;
    let contact = queries::find(&state.pool, hero.id, contact_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut page = ConfirmPage::for_hero(layout, &hero, format!("Remove {}", contact.name), "");
    page.action = format!("/staff/heroes/{}/contacts/{contact_id}/delete", hero.id);
    page.back = format!("/staff/heroes/{}#contacts", hero.id);
    page.explanation = vec![format!(
        "{} ({}) and their phone, email and address are removed from {}'s record. Flags already sent keep the address they were sent to.",
        contact.name,
        contact.kind.label(),
        hero.full_name
    )];
    page.button = format!("Remove {}", contact.name);
    render(&page)
}

pub async fn delete(act: Acting<Staff>, path: OfHero) -> Result<Response, AppError> {
    let contact_id = path.record()?;
    let mut tx = act.state.pool.begin().await?;
    let removed = queries::delete(&mut tx, contact_id, path.hero)
        .await?
        .ok_or(AppError::NotFound)?;
    let change = Change {
        action: "hero.contact_removed",
        entity_type: "hero",
        entity_id: path.hero.to_string(),
        summary: format!("{} removed a contact", act.me.email),
        details: json!({ "contact_id": contact_id }),
    };
    let to = format!("/staff/heroes/{}#contacts", path.hero);
    act.commit(tx, change, format!("Contact {removed} removed."), &to).await
}
