//! The public site: what visitors see without an account. Nothing here reads a
//! draft hero, a contact, or any other private field.

pub mod api;
pub mod feeds;
pub mod hero;
pub mod home;
pub mod honor_roll;
pub mod live_roll;
pub mod reflect;
pub mod region_map;
pub mod roll_filter;
pub mod runs;
pub mod search;
pub mod share;
pub mod spelling;
pub mod video;

use axum::Router;
use axum::http::Method;
use axum::routing::{get, post};
use tower_http::cors::{Any, CorsLayer};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    // The read-only API answers any site's GETs, so an agency's own page can
    // show its heroes; no cookie or credential is ever sent along.
    let api = Router::new()
        .route("/api/heroes", get(api::heroes))
        .route("/api/heroes/{id}", get(api::hero))
        .route("/api/miles", get(api::miles))
        .route("/api/openapi.json", get(api::openapi))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::HEAD]),
        );
    Router::new()
        .merge(api)
        .route("/", get(home::page))
        .route("/honor-roll", get(honor_roll::honor_roll))
        .route("/honor-roll.csv", get(honor_roll::export_csv))
        .route("/honor-roll/states", get(honor_roll::by_state))
        .route("/honor-roll/years", get(honor_roll::by_year))
        .route("/heroes/{id}", get(hero::page))
        .route("/heroes/{id}/videos/{number}", get(video::page))
        .route("/heroes/{id}/reflections", post(reflect::submit))
        .route("/heroes/{id}/reflections/received", get(reflect::received))
        .route("/sitemap.xml", get(share::sitemap))
        .route("/robots.txt", get(share::robots))
        .route("/runs", get(runs::page))
        .route("/feeds/miles.atom", get(feeds::miles))
        .route("/runs.ics", get(runs::calendar))
}
