//! The site's own pages: About, Donate, Contact, Privacy and Accessibility,
//! linked from the foot of every page. Admins write them in Markdown; each
//! page shows a sensible default text until one does. The Markdown is rendered
//! and sanitised on the way out ([`markdown`]), so whatever was typed, no
//! script reaches a visitor.

pub mod edit;
pub mod markdown;
pub mod model;
pub mod public;
pub mod queries;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/about", get(public::about))
        .route("/donate", get(public::donate))
        .route("/contact", get(public::contact))
        .route("/privacy", get(public::privacy))
        .route("/accessibility", get(public::accessibility))
        .route("/admin/pages", get(edit::index))
        .route("/admin/pages/{page}", get(edit::form).post(edit::save))
}
