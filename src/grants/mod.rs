//! Grants to first responders injured on duty (and K9 equipment, family support).
//! A visitor or staff member enters an application; staff review it, add notes and
//! shortlist it; an admin approves an amount for a month or declines with a reason
//! (above a set amount a second admin must confirm before it counts); the grant is
//! then paid. Admins watch the month against its minimum and the year against its
//! target. The public sees only totals, and a name only with consent.

pub mod apply;
pub mod dashboard;
pub mod decisions;
pub mod export;
pub mod follow;
pub mod form;
pub mod model;
pub mod money;
pub mod notices;
pub mod payments;
pub mod queries;
pub mod review;
pub mod rules;
pub mod settings;
pub mod settings_confirm;
pub mod staff;
pub mod totals;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/grants", get(apply::totals))
        .route("/grants/apply", get(apply::form).post(apply::submit))
        .route("/grants/apply/received", get(apply::received))
        .route("/grants/status/{secret}", get(follow::status))
        .route("/staff/grants", get(staff::queue).post(staff::create))
        .route("/staff/grants/new", get(staff::new_form))
        .route("/staff/grants/{id}", get(review::show))
        .route("/staff/grants/{id}/notes", post(review::add_note))
        .route("/staff/grants/{id}/shortlist", post(review::shortlist))
        .route("/admin/grants", get(dashboard::dashboard))
        .route("/admin/grants/settings", get(settings::form).post(settings::save))
        .route("/admin/grants/settings/confirm", post(settings_confirm::confirm))
        .route("/admin/grants/settings/withdraw", post(settings_confirm::withdraw))
        .route("/admin/grants/export.csv", get(export::export_csv))
        .route("/admin/grants/{id}/approve", post(decisions::approve))
        .route("/admin/grants/{id}/confirm", post(decisions::confirm))
        .route("/admin/grants/{id}/decline", post(decisions::decline))
        .route("/admin/grants/{id}/payment", post(payments::record_payment))
}
