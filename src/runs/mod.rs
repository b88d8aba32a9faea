//! Runs and numbered miles: runners, scheduled runs, the mile logged for each
//! hero from a phone at the track (and the notice to the family who asked for
//! it), its corrections and voiding, and the backlog of confirmed heroes still
//! waiting for their mile.

pub mod family_notice;
pub mod ledger;
pub mod ledger_queries;
pub mod mile_queries;
pub mod mile_record;
pub mod miles;
pub mod model;
pub mod queries;
pub mod reschedule;
pub mod runners;
pub mod schedule;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/runners", get(runners::list).post(runners::save))
        .route("/staff/runners/{id}", get(ledger::runner).post(runners::save))
        .route("/staff/runs", get(schedule::list).post(schedule::create))
        .route("/staff/runs/new", get(schedule::new_form))
        .route("/staff/runs/{id}", get(schedule::show).post(reschedule::save))
        .route("/staff/runs/{id}/edit", get(reschedule::edit_form))
        .route("/staff/runs/{id}/cancel", post(schedule::cancel))
        .route("/staff/backlog", get(schedule::backlog))
        .route("/staff/miles", get(ledger::list).post(miles::save))
        .route("/staff/miles/new", get(miles::new_form))
        .route("/staff/miles/{id}", get(mile_record::show).post(mile_record::correct))
        .route("/staff/miles/{id}/edit", get(mile_record::edit_form))
        .route("/staff/miles/{id}/void", post(mile_record::void))
}
