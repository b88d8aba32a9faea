//! Fallen responders: the hero record and its private contacts, the staff pages
//! that add, edit, confirm and find them, photos, and the bulk CSV import.
//! Public reading of the honor roll lives in `public`.

pub mod campaign_model;
pub mod campaign_queries;
pub mod campaigns;
pub mod contact_model;
pub mod contact_queries;
pub mod contacts;
pub mod import;
pub mod import_job_queries;
pub mod import_queries;
pub mod import_run;
pub mod import_worker;
pub mod lifecycle;
pub mod lifecycle_queries;
pub mod model;
pub mod photos;
pub mod queries;
pub mod records;
pub mod regions;
pub mod staff;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/staff/heroes/{id}/photo", post(photos::upload))
        .layer(DefaultBodyLimit::max(photos::MAX_UPLOAD_BYTES + 64 * 1024))
        .merge(
            Router::new()
                .route("/staff/heroes/import", get(import_run::form).post(import::upload))
                .layer(DefaultBodyLimit::max(import::MAX_FILE_BYTES + 64 * 1024)),
        );
    Router::new()
        .route("/staff/heroes", get(staff::list).post(staff::create))
        .route("/staff/heroes/new", get(staff::new_form))
        .route("/staff/heroes/import/template.csv", get(import_run::template_csv))
        .route("/staff/heroes/import/{id}", get(import_run::status))
        .route("/staff/heroes/import/{id}/run", post(import_run::run))
        .route("/staff/heroes/import/{id}/run-again", post(import_run::run_again))
        .route("/staff/heroes/{id}", get(staff::show).post(staff::update))
        .route("/staff/heroes/{id}/edit", get(staff::edit_form))
        .route("/staff/heroes/{id}/confirm", post(staff::confirm))
        .route("/staff/heroes/{id}/photo/delete", post(photos::remove))
        .route("/staff/heroes/{id}/contacts", post(contacts::save))
        .route("/staff/heroes/{id}/contacts/new", get(contacts::new_form))
        .route("/staff/heroes/{id}/contacts/{contact}", post(contacts::save))
        .route("/staff/heroes/{id}/contacts/{contact}/edit", get(contacts::edit_form))
        .route(
            "/staff/heroes/{id}/contacts/{contact}/delete",
            get(contacts::delete_form).post(contacts::delete),
        )
        .route(
            "/staff/heroes/{id}/unpublish",
            get(lifecycle::unpublish_form).post(lifecycle::unpublish),
        )
        .route(
            "/staff/heroes/{id}/delete",
            get(lifecycle::delete_form).post(lifecycle::delete),
        )
        .route(
            "/staff/heroes/{id}/merge",
            get(lifecycle::merge_form).post(lifecycle::merge),
        )
        .route("/staff/heroes/{id}/campaigns", post(campaigns::save))
        .route("/staff/heroes/{id}/campaigns/new", get(campaigns::new_form))
        .route("/staff/heroes/{id}/campaigns/{campaign}", post(campaigns::save))
        .route(
            "/staff/heroes/{id}/campaigns/{campaign}/edit",
            get(campaigns::edit_form),
        )
        .route("/staff/heroes/{id}/campaigns/{campaign}/close", post(campaigns::close))
        .route("/photos/{name}", get(photos::serve))
        .merge(uploads)
}
