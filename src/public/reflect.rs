//! A visitor's reflection on a hero's page: checked, limited per address,
//! guarded by a honeypot, and stored pending until staff approve it, so nothing
//! a visitor types is shown before someone has read it.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::hero::{ReflectionAnswer, show};
use crate::accounts::throttle::{self, Limit, Reservation, address_key, locked_until};
use crate::error::AppError;
use crate::reflections::model::ReflectionForm;
use crate::reflections::queries;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{Layout, PathId, render};

/// Reflections one address may send within the throttle window (15 minutes).
pub const REFLECTION_LIMIT: i32 = 3;

fn limit(ip: &str) -> [Limit; 1] {
    [Limit {
        key: format!("reflection:{}", address_key(ip)),
        limit: REFLECTION_LIMIT,
    }]
}

/// `POST /heroes/{id}/reflections`.
pub async fn submit(
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
    ClientIp(ip): ClientIp,
    Form(form): Form<ReflectionForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let limit = limit(&ip);
    let lang = layout.lang;
    let refuse = |form, why: &str, status| ReflectionAnswer {
        form,
        errors: FormErrors::default(),
        refusal: Some(lang.t(why)),
        status,
    };
    if locked_until(&state.pool, &limit[0].key, now).await?.is_some() {
        return show(
            layout,
            &state,
            id,
            refuse(form, "reflect-too-many", StatusCode::TOO_MANY_REQUESTS),
        )
        .await;
    }
    if !form.website.trim().is_empty() {
        // Only a robot fills the hidden field; it counts toward the limit too.
        throttle::reserve(&state.pool, &limit, now).await?;
        return show(
            layout,
            &state,
            id,
            refuse(form, "reflect-automated", StatusCode::UNPROCESSABLE_ENTITY),
        )
        .await;
    }
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let answer = ReflectionAnswer {
                form,
                errors: errors.said_in(lang),
                refusal: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            return show(layout, &state, id, answer).await;
        }
    };
    if let Reservation::Refused = throttle::reserve(&state.pool, &limit, now).await? {
        return show(
            layout,
            &state,
            id,
            refuse(form, "reflect-too-many", StatusCode::TOO_MANY_REQUESTS),
        )
        .await;
    }
    queries::insert(&state.pool, id, &input, now)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("{}/reflections/received", layout.hero_link(id))).into_response())
}

#[derive(Template)]
#[template(path = "public/reflection_received.html")]
struct ReceivedPage {
    layout: Layout,
    hero_id: uuid::Uuid,
}

/// `GET /heroes/{id}/reflections/received`: the thanks, the same for everyone.
pub async fn received(layout: Layout, PathId(id): PathId) -> Result<Response, AppError> {
    render(&ReceivedPage { layout, hero_id: id })
}
