//! The public form: a missing hero, or (from a hero's page) a correction. It is
//! guarded like the grant application: a honeypot field and a per-address limit
//! reserved atomically before anything is saved.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::model::ProposalForm;
use super::queries;
use crate::accounts::throttle::{self, Limit, Reservation, address_key, locked_until};
use crate::error::AppError;
use crate::heroes::model::Service;
use crate::heroes::regions::Country;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

/// Proposals one address may send within the throttle window (15 minutes).
pub const PROPOSAL_LIMIT: i32 = 5;

fn limit(ip: &str) -> [Limit; 1] {
    [Limit {
        key: format!("proposal:{}", address_key(ip)),
        limit: PROPOSAL_LIMIT,
    }]
}

#[derive(Template)]
#[template(path = "proposals/form.html")]
struct ProposePage {
    layout: Layout,
    /// The hero being corrected, by name.
    hero_name: Option<String>,
    form: ProposalForm,
    errors: FormErrors,
    refusal: Option<String>,
    max_date: String,
}

impl ProposePage {
    fn countries(&self) -> [Country; 2] {
        Country::ALL
    }

    fn services(&self) -> [Service; 6] {
        Service::ALL
    }
}

#[derive(Deserialize)]
pub struct ProposeQuery {
    #[serde(default)]
    hero: String,
}

/// The hero a correction is about, when the id names a confirmed one.
async fn corrected(state: &AppState, hero_id: &str) -> Result<Option<(Uuid, String)>, AppError> {
    let Ok(id) = hero_id.trim().parse::<Uuid>() else {
        return Ok(None);
    };
    Ok(queries::is_public_hero(&state.read, id).await?.map(|name| (id, name)))
}

/// `GET /propose` (`?hero=` for a correction).
pub async fn form(
    layout: Layout,
    State(state): State<AppState>,
    Query(q): Query<ProposeQuery>,
) -> Result<Response, AppError> {
    let hero = corrected(&state, &q.hero).await?;
    render(&ProposePage {
        layout,
        form: ProposalForm {
            hero_id: hero.as_ref().map(|(id, _)| id.to_string()).unwrap_or_default(),
            ..ProposalForm::default()
        },
        hero_name: hero.map(|(_, name)| name),
        errors: FormErrors::default(),
        refusal: None,
        max_date: state.today().to_string(),
    })
}

/// `POST /propose`.
pub async fn submit(
    layout: Layout,
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let limit = limit(&ip);
    let hero = corrected(&state, &form.hero_id).await?;
    let mut page = ProposePage {
        layout,
        hero_name: hero.as_ref().map(|(_, name)| name.clone()),
        form,
        errors: FormErrors::default(),
        refusal: None,
        max_date: state.today().to_string(),
    };
    let lang = page.layout.lang;
    if locked_until(&state.pool, &limit[0].key, now).await?.is_some() {
        page.refusal = Some(lang.t("propose-too-many"));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    if !page.form.website.trim().is_empty() {
        throttle::reserve(&state.pool, &limit, now).await?;
        page.refusal = Some(lang.t("propose-automated"));
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let input = match page.form.parse(hero.map(|(id, _)| id), state.today()) {
        Ok(input) => input,
        Err(errors) => {
            page.errors = errors.said_in(lang);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if let Reservation::Refused = throttle::reserve(&state.pool, &limit, now).await? {
        page.refusal = Some(lang.t("propose-too-many"));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    queries::insert(&state.pool, &input, now).await?;
    Ok(Redirect::to(&lang.link("/propose/received")).into_response())
}

#[derive(Template)]
#[template(path = "proposals/received.html")]
struct ReceivedPage {
    layout: Layout,
}

pub async fn received(layout: Layout) -> Result<Response, AppError> {
    render(&ReceivedPage { layout })
}
