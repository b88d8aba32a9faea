//! "Propose a hero or a correction": a visitor names a fallen responder who is
//! missing, or points out a mistake in a record, with a source. Proposals are
//! never public; staff read them in a queue and turn one into a draft hero or
//! an edit of the record in one step.

pub mod model;
pub mod queries;
pub mod queue;
pub mod visitor;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/propose", get(visitor::form).post(visitor::submit))
        .route("/propose/received", get(visitor::received))
        .route("/staff/proposals", get(queue::list))
        .route("/staff/proposals/{id}/draft", post(queue::draft))
        .route("/staff/proposals/{id}/edit", post(queue::edit))
        .route("/staff/proposals/{id}/dismiss", post(queue::dismiss))
}
