//! One public page per confirmed hero. Drafts are a 404, exactly like a hero
//! who does not exist; contacts are never read here.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::error::AppError;
use crate::heroes::model::Hero;
use crate::heroes::queries;
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

#[derive(Template)]
#[template(path = "public/hero.html")]
struct HeroPage {
    layout: Layout,
    hero: Hero,
}

pub async fn page(layout: Layout, State(state): State<AppState>, PathId(id): PathId) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id)
        .await?
        .filter(Hero::is_confirmed)
        .ok_or(AppError::NotFound)?;
    render(&HeroPage { layout, hero })
}
