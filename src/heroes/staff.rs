//! Staff pages for hero records: find, add, edit, confirm. A save that matches an
//! existing record exactly is refused with a link to it; a likely duplicate is
//! shown as a warning that staff must acknowledge before saving.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::campaign_model::Campaign;
use super::campaign_queries;
use super::contact_model::Contact;
use super::contact_queries;
use super::model::{Cause, Hero, HeroForm, HeroInput, Service};
use super::queries::{self, LikelyDuplicate, SaveError, StaffRow};
use super::regions::Country;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::runs::ledger_queries::HeroRuns;
use crate::state::AppState;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId, render, render_status};

#[derive(Deserialize, Default)]
pub struct FindQuery {
    #[serde(default)]
    q: String,
    drafts: Option<String>,
}

#[derive(Template)]
#[template(path = "heroes/list.html")]
struct ListPage {
    layout: Layout,
    query: FindQuery,
    rows: Vec<StaffRow>,
}

pub async fn list(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<FindQuery>,
) -> Result<Response, AppError> {
    let q = Some(query.q.trim()).filter(|q| !q.is_empty() && q.chars().count() <= 200);
    let rows = queries::staff_find(&state.pool, q, query.drafts.is_some(), 100).await?;
    render(&ListPage { layout, query, rows })
}

#[derive(Template)]
#[template(path = "heroes/form.html")]
struct FormPage {
    layout: Layout,
    /// `None` for a new record.
    hero_id: Option<Uuid>,
    form: HeroForm,
    errors: FormErrors,
    duplicate_of: Option<Uuid>,
    likely: Vec<LikelyDuplicate>,
    max_date: String,
}

impl FormPage {
    fn services(&self) -> [Service; 6] {
        Service::ALL
    }
    fn causes(&self) -> [Cause; 13] {
        Cause::ALL
    }
    fn countries(&self) -> [Country; 2] {
        Country::ALL
    }
}

pub async fn new_form(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&FormPage {
        layout,
        hero_id: None,
        form: HeroForm {
            region: "US-".into(),
            service: "police".into(),
            ..HeroForm::default()
        },
        errors: FormErrors::default(),
        duplicate_of: None,
        likely: Vec::new(),
        max_date: state.today().to_string(),
    })
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    render(&FormPage {
        layout,
        hero_id: Some(id),
        form: HeroForm::from_hero(&hero),
        errors: FormErrors::default(),
        duplicate_of: None,
        likely: Vec::new(),
        max_date: state.today().to_string(),
    })
}

pub async fn create(act: Acting<Staff>, Form(form): Form<HeroForm>) -> Result<Response, AppError> {
    save(act, None, form).await
}

pub async fn update(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<HeroForm>) -> Result<Response, AppError> {
    save(act, Some(id), form).await
}

async fn save(act: Acting<Staff>, hero_id: Option<Uuid>, form: HeroForm) -> Result<Response, AppError> {
    let state = &act.state;
    let now = act.now;
    let before = match hero_id {
        Some(id) => Some(queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let mut page = FormPage {
        layout: act.layout(),
        hero_id,
        form,
        errors: FormErrors::default(),
        duplicate_of: None,
        likely: Vec::new(),
        max_date: state.today().to_string(),
    };
    let input = match HeroInput::parse(&page.form, state.today()) {
        Ok(input) => input,
        Err(errors) => {
            page.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if page.form.not_a_duplicate.is_none() {
        page.likely = queries::likely_duplicates(&state.pool, &input, hero_id).await?;
        if !page.likely.is_empty() {
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    }
    let mut tx = state.pool.begin().await?;
    let saved = match hero_id {
        Some(id) => queries::update(&mut tx, id, &input, act.me.id, now).await.map(|()| id),
        None => queries::insert(&mut tx, &input, act.me.id, now).await,
    };
    let id = match saved {
        Ok(id) => id,
        Err(SaveError::Duplicate(existing)) => {
            page.duplicate_of = Some(existing);
            page.errors.add(
                "full_name",
                "This hero is already recorded (same name, agency and end of watch).",
            );
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
        Err(SaveError::Db(e)) => return Err(e.into()),
    };
    let (action, verb) = if before.is_some() {
        ("hero.updated", "updated")
    } else {
        ("hero.created", "added")
    };
    let changes = before.as_ref().map(|b| changed_fields(b, &input));
    let change = Change {
        action,
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!("{} {verb} {} ({})", act.me.email, input.full_name, input.agency),
        details: json!({ "changed": changes }),
    };
    act.commit(
        tx,
        change,
        format!("Saved {}.", input.full_name),
        &format!("/staff/heroes/{id}"),
    )
    .await
}

/// The names of the fields an edit changed, for the audit trail.
fn changed_fields(before: &Hero, after: &HeroInput) -> Vec<&'static str> {
    let checks = [
        ("full_name", before.full_name != after.full_name),
        ("rank_title", before.rank_title != after.rank_title),
        ("agency", before.agency != after.agency),
        ("agency_city", before.agency_city != after.agency_city),
        (
            "region",
            before.region != after.region.code || before.country != after.region.country.code(),
        ),
        ("service", before.service != after.service),
        ("end_of_watch", before.end_of_watch != after.end_of_watch),
        ("cause", before.cause != after.cause),
        ("age", before.age != after.age),
        ("years_of_service", before.years_of_service != after.years_of_service),
        ("badge_number", before.badge_number != after.badge_number),
        ("military_veteran", before.military_veteran != after.military_veteran),
        ("narrative", before.narrative != after.narrative),
        ("biography", before.biography != after.biography),
        ("memorial_links", before.memorial_links != after.memorial_links),
        ("k9_breed", before.k9_breed != after.k9_breed),
        ("k9_handler", before.k9_handler != after.k9_handler),
    ];
    checks
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(name, _)| name)
        .collect()
}

#[derive(Template)]
#[template(path = "heroes/show.html")]
struct ShowPage {
    layout: Layout,
    hero: Hero,
    contacts: Vec<Contact>,
    campaigns: Vec<Campaign>,
    today: NaiveDate,
    confirm_error: Option<String>,
    source: String,
    runs: HeroRuns,
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let contacts = contact_queries::for_hero(&state.pool, id).await?;
    render(&ShowPage {
        layout,
        hero,
        contacts,
        campaigns: campaign_queries::for_hero(&state.pool, id).await?,
        today: state.today(),
        confirm_error: None,
        source: String::new(),
        runs: HeroRuns::load(&state.pool, id).await?,
    })
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    source: String,
}

pub async fn confirm(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let state = &act.state;
    let now = act.now;
    let hero = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let source = match plain_text(&form.source, "Source", 500, true) {
        Ok(source) => source,
        Err(message) => {
            let contacts = contact_queries::for_hero(&state.pool, id).await?;
            let page = ShowPage {
                layout: act.layout(),
                hero,
                contacts,
                campaigns: campaign_queries::for_hero(&state.pool, id).await?,
                today: state.today(),
                confirm_error: Some(message.to_string()),
                source: form.source,
                runs: HeroRuns::load(&state.pool, id).await?,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = state.pool.begin().await?;
    let to = format!("/staff/heroes/{id}");
    if !queries::confirm(&mut *tx, id, &source, act.me.id, now).await? {
        return act.refused("This hero was already confirmed.", &to).await;
    }
    let change = Change {
        action: "hero.confirmed",
        entity_type: "hero",
        entity_id: id.to_string(),
        summary: format!("{} confirmed the death of {}", act.me.email, hero.full_name),
        details: json!({ "source": source }),
    };
    act.commit(
        tx,
        change,
        format!("{} is confirmed and now on the honor roll.", hero.full_name),
        &to,
    )
    .await
}
