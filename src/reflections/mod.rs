//! Reflections: the short messages visitors leave on a hero's page, and the
//! staff queue that approves them before anyone sees them. The visitor's form
//! lives with the hero page (`public::reflect`); this area holds the rows and
//! the moderation.

pub mod model;
pub mod moderation;
pub mod queries;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/reflections", get(moderation::queue))
        .route("/staff/reflections/{id}/approve", post(moderation::approve))
        .route("/staff/reflections/{id}/decline", post(moderation::decline))
        .route("/staff/reflections/{id}/hide", post(moderation::hide))
}
