//! The public site: what visitors see without an account. Nothing here reads a
//! draft hero, a contact, or any other private field.

pub mod api;
pub mod feeds;
pub mod hero;
pub mod honor_roll;
pub mod roll_filter;
pub mod runs;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};

use crate::error::AppError;
use crate::grants;
use crate::runs::model::with_commas;
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
        .route("/runs", get(runs::page))
        .route("/api/heroes", get(api::heroes))
        .route("/api/heroes/{id}", get(api::hero))
        .route("/api/miles", get(api::miles))
        .route("/api/openapi.json", get(api::openapi))
        .route("/feeds/miles.atom", get(feeds::miles))
        .route("/runs.ics", get(runs::calendar))
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    layout: Layout,
    miles: String,
    honored: String,
    waiting: String,
    flags_delivered: String,
    grants_this_year: String,
    grants_in_all: String,
}

async fn home(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let miles = crate::runs::queries::count_miles(&state.pool).await?;
    let waiting = crate::runs::queries::backlog_count(&state.pool).await?;
    let flags_delivered = crate::flags::queries::count_delivered(&state.pool).await?;
    let honored = sqlx::query_scalar!(
        r#"select count(distinct m.hero_id) as "count!" from miles m join heroes h on h.id = m.hero_id
           where m.voided_at is null and h.confirmed_at is not null"#
    )
    .fetch_one(&state.pool)
    .await?;
    let year = state.today().year();
    let first_of = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
    let this_year = grants::totals::given_between(&state.pool, first_of(year), first_of(year + 1)).await?;
    let in_all = grants::totals::given_between(&state.pool, first_of(1900), first_of(3000)).await?;
    render(&HomePage {
        layout,
        miles: with_commas(miles),
        honored: with_commas(honored),
        waiting: with_commas(waiting),
        flags_delivered: with_commas(flags_delivered),
        grants_this_year: grants::money::dollars(this_year),
        grants_in_all: grants::money::dollars(in_all),
    })
}
