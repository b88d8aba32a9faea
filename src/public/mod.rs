//! The public site: what visitors see without an account. Nothing here reads a
//! draft hero, a contact, or any other private field.

pub mod api;
pub mod feeds;
pub mod hero;
pub mod home;
pub mod honor_roll;
pub mod region_map;
pub mod roll_filter;
pub mod runs;
pub mod search;
pub mod spelling;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::page))
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
