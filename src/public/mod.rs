//! The public site: what visitors see without an account. Nothing here reads a
//! draft hero, a contact, or any other private field.

pub mod hero;
pub mod honor_roll;
pub mod roll_filter;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/honor-roll", get(honor_roll::honor_roll))
        .route("/honor-roll.csv", get(honor_roll::export_csv))
        .route("/honor-roll/states", get(honor_roll::by_state))
        .route("/honor-roll/years", get(honor_roll::by_year))
        .route("/heroes/{id}", get(hero::page))
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
}

async fn home(layout: Layout) -> Result<Response, AppError> {
    render(&HomePage { layout })
}
