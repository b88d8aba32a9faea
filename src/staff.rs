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
    anniversaries: Vec<Anniversary>,
    today: chrono::NaiveDate,
}

/// A confirmed hero whose end of watch falls in the coming 14 days, so the
/// program can reach out to the family.
pub struct Anniversary {
    pub id: uuid::Uuid,
    pub full_name: String,
    pub agency: String,
    pub end_of_watch: chrono::NaiveDate,
}

impl Anniversary {
    /// How many years it will be on the day.
    pub fn years(&self, today: &chrono::NaiveDate) -> i32 {
        use chrono::Datelike;
        let this_year = today.year() - self.end_of_watch.year();
        let passed = (self.end_of_watch.month(), self.end_of_watch.day()) < (today.month(), today.day());
        if passed { this_year + 1 } else { this_year }
    }
}

async fn anniversaries(pool: &sqlx::PgPool, today: chrono::NaiveDate) -> sqlx::Result<Vec<Anniversary>> {
    // The next 14 calendar days as "MM-DD", so the year's end wraps naturally.
    let days: Vec<String> = (0..14)
        .filter_map(|n| today.checked_add_days(chrono::Days::new(n)))
        .map(|d| d.format("%m-%d").to_string())
        .collect();
    sqlx::query_as!(
        Anniversary,
        "select id, full_name, agency, end_of_watch from heroes
         where confirmed_at is not null and end_of_watch < $2 and to_char(end_of_watch, 'MM-DD') = any($1)
         order by array_position($1, to_char(end_of_watch, 'MM-DD')), full_name
         limit 50",
        &days,
        today
    )
    .fetch_all(pool)
    .await
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
        anniversaries: anniversaries(&state.pool, today).await?,
        today,
    })
}
