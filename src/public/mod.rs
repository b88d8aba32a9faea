//! The public site: what visitors see without an account.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
}

async fn home(layout: Layout) -> Result<Response, AppError> {
    render(&HomePage { layout })
}
