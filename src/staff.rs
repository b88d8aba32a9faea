//! The staff desk: the page staff land on after signing in.

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff", get(dashboard))
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    layout: Layout,
}

async fn dashboard(Staff(_): Staff, layout: Layout) -> Result<Response, AppError> {
    render(&DashboardPage { layout })
}
