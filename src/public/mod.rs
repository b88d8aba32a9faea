//! The public site: what visitors see without an account. Nothing here reads a
//! draft hero, a contact, or any other private field.

pub mod api;
pub mod feeds;
pub mod hero;
pub mod home;
pub mod honor_roll;
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
use crate::web::lang::both;

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
    let pages = [
        ("/", get(home::page)),
        ("/honor-roll", get(honor_roll::honor_roll)),
        ("/heroes/{id}", get(hero::page)),
        ("/heroes/{id}/reflections", post(reflect::submit)),
        ("/heroes/{id}/reflections/received", get(reflect::received)),
        ("/runs", get(runs::page)),
    ];
    let bilingual = pages
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| both(router, path, handler));
    Router::new()
        .merge(api)
        .merge(bilingual)
        .route("/honor-roll.csv", get(honor_roll::export_csv))
        .route("/honor-roll/states", get(honor_roll::by_state))
        .route("/honor-roll/years", get(honor_roll::by_year))
        .route("/heroes/{id}/videos/{number}", get(video::page))
        .route("/sitemap.xml", get(share::sitemap))
        .route("/robots.txt", get(share::robots))
        .route("/feeds/miles.atom", get(feeds::miles))
        .route("/runs.ics", get(runs::calendar))
}
