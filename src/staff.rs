//! The staff desk: the page staff land on after signing in, with what needs doing.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::runs::queries::{self as runs, BacklogHero, Run};
use crate::state::AppState;
use crate::web::{Layout, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff", get(dashboard))
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    upcoming: Vec<Run>,
    backlog: Vec<BacklogHero>,
    backlog_total: i64,
    flags_overdue: i64,
    today: chrono::NaiveDate,
}

impl DashboardPage {
    fn waited(&self, hero: &BacklogHero) -> i64 {
        (self.today - hero.end_of_watch).num_days()
    }
}

async fn dashboard(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    render(&DashboardPage {
        layout,
        upcoming: runs::runs_around(&state.pool, today, true, 7).await?,
        backlog: runs::backlog(&state.pool, 10).await?,
        backlog_total: runs::backlog_count(&state.pool).await?,
        flags_overdue: crate::flags::board::count_overdue(&state.pool, today).await?,
        today,
    })
}
