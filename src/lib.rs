//! Honor Mile: the system a memorial-run nonprofit runs on. For every first
//! responder killed in the line of duty a runner runs one numbered mile; the
//! flag carried goes to the family with a handwritten note; injured responders
//! receive monthly grants.
//!
//! A tour of the crate, by what the program does:
//! - [`accounts`]: staff and admin accounts, sign-in, sessions, roles, one-time links.
//! - [`audit`]: the trail of who changed what, and the admin page that reads it.
//! - [`heroes`]: fallen responders, their private contacts, photos, CSV import
//!   (run by a worker on every instance, resumed when its server stops).
//! - [`runs`]: runners, scheduled runs, numbered miles, the backlog.
//! - [`grants`]: grant applications, staff review, admin decisions, payments, monthly and yearly totals.
//! - [`flags`]: each mile's flag and handwritten note, on their way to the family.
//! - [`messages`]: email to people through a durable outbox, and its admin page.
//! - [`digest`]: the daily staff digest, sent once a day whatever the number of instances.
//! - [`public`]: the pages visitors see without an account.
//! - [`proposals`]: the public's proposed heroes and corrections, and the staff queue that acts on them.
//! - [`reflections`]: visitors' messages on hero pages and the staff queue that approves them.
//! - [`site_pages`]: About, Donate, Contact, Privacy and Accessibility, written by admins in Markdown.
//! - [`staff`]: the staff desk.
//! - [`ops`]: health checks.
//! - [`metrics`]: Prometheus metrics on an address of their own.
//! - [`server`]: the HTTP server: slow clients cut off, graceful shutdown.
//! - [`backup`]: `honor-mile backup` and `restore`, around pg_dump and pg_restore.
//! - [`check`]: `honor-mile check`, every setting and the database, one line per problem.
//! - [`demo`]: the invented demo data set (`honor-mile demo`).
//! - [`vocab`]: shared words: money, number formatting.
//! - [`web`]: page rendering, layout, flash messages, security headers.
//! - [`vocab`]: words several areas share: dates as typed, images as uploaded.
//! - [`config`], [`db`], [`clock`], [`state`], [`error`], [`cli`]: the plumbing.

pub mod accounts;
pub mod audit;
pub mod backup;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod digest;
pub mod error;
pub mod flags;
pub mod grants;
pub mod heroes;
pub mod messages;
pub mod metrics;
pub mod ops;
pub mod proposals;
pub mod public;
pub mod reflections;
pub mod runs;
pub mod server;
pub mod site_pages;
pub mod staff;
pub mod state;
pub mod storage;
pub mod vocab;
pub mod web;

use std::sync::Arc;

use crate::accounts::store::PgSessionStore;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::get;
use sqlx::migrate::Migrator;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

use crate::accounts::session::authenticate;
use crate::error::{AppError, ErrorPage, error_page, error_page_saying};
use crate::state::AppState;
use crate::web::cache::PageCache;
use crate::web::cookie::session_cookie_name;
use crate::web::rate_limit::RateLimit;
use crate::web::{Layout, render_status};

pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Largest request body accepted at all (a CSV import); anything bigger is refused
/// before it is read.
pub const BODY_LIMIT: usize = 21 * 1024 * 1024;
/// Largest form body; upload routes set their own limits.
pub const FORM_LIMIT: usize = 256 * 1024;

/// The whole application. Tests call this with their own pool, settings and clock.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let idle = time::Duration::try_from(config.session_idle).unwrap_or(time::Duration::minutes(30));
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name(session_cookie_name(config.cookie_secure))
        .with_secure(config.cookie_secure)
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let pages = Router::new()
        .merge(public::routes())
        .merge(accounts::routes())
        .merge(staff::routes())
        .merge(audit::routes::routes())
        .merge(heroes::routes())
        .merge(runs::routes())
        .merge(grants::routes())
        .merge(flags::routes())
        .merge(messages::routes())
        .merge(reflections::routes())
        .merge(proposals::routes())
        .merge(site_pages::routes())
        .fallback(not_found)
        // Forms are small; the upload routes raise this for themselves.
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(from_fn_with_state(state.clone(), authenticate))
        .layer(sessions)
        .layer(from_fn(web::refusals::unsaved_session));

    let static_files = Router::new().route("/static/{*path}", get(web::assets::serve));

    // Refuses cross-site form posts by Sec-Fetch-Site and Origin; no tokens in forms.
    let csrf = CsrfLayer::new();
    let csrf = csrf
        .clone()
        .add_trusted_origin(origin_of(&config.public_url))
        .unwrap_or(csrf);
    let csrf = csrf.with_rejection_response(|_| error_page(StatusCode::FORBIDDEN, "error-page-cross-site"));

    // Each `.layer` wraps the ones before it, so this reads innermost first: the
    // checks that refuse a request before any handler runs, the timeout, the pages
    // that explain a refusal, then compression, headers, panics, logging and the
    // request id on the outside.
    let routed = pages
        .merge(static_files)
        .merge(ops::routes())
        .route_layer(from_fn(metrics::tag_route))
        .with_state(state.clone());
    // A French address (`/fr/...`) is routed as its English one, before routing.
    let routed = tower::ServiceExt::map_request(routed, web::lang::route_by_language);
    Router::new()
        .fallback_service(routed)
        .layer(from_fn_with_state(
            PageCache::new(config.public_cache, live_session(state.pool.clone())),
            web::cache::serve,
        ))
        // Outside the cache: the bare home page follows the browser's language.
        .layer(from_fn(web::lang::negotiate))
        .layer(from_fn_with_state(
            RateLimit::new(config.rate_limit_per_minute, config.trusted_proxy_hops),
            web::rate_limit::limit,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(csrf)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(from_fn(web::refusals::explain))
        // Each uncached page is compressed as it is answered: on a 20 KB honor
        // roll page the fastest level takes about half the default's time, for
        // a body about a tenth larger. A page answered whole is compressed by
        // its thread's own compressor; the layer takes the bodies that stream.
        .layer(from_fn(web::gzip::whole_bodies))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(from_fn_with_state(state.clone(), web::security::headers))
        .layer(CatchPanicLayer::custom(|_| {
            error_page_saying(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-page-internal",
                &web::lang::Lang::of_request().t("error-page-panic-text"),
            )
        }))
        // Every page made without a `Layout` (the error pages) speaks the language of the address.
        .layer(from_fn(web::lang::speak))
        .layer(from_fn(metrics::track))
        // One line per answered request, in the span that carries its id.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn(web::request_id::keep_only_plain))
        .layer(SetSensitiveHeadersLayer::new([header::COOKIE, header::AUTHORIZATION]))
}

/// The page cache's question, answered where sessions are kept.
fn live_session(pool: sqlx::PgPool) -> web::cache::LiveSession {
    Arc::new(move |cookies: Vec<String>| {
        let pool = pool.clone();
        Box::pin(async move { accounts::store::holds_live_session(&pool, &cookies).await })
            as std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
    })
}

/// The 404 page, with the viewer's navigation.
async fn not_found(layout: Layout) -> Result<Response, AppError> {
    let title = layout.lang.t("error-page-not-found-title");
    let message = layout.lang.t("error-page-not-found-text");
    render_status(
        StatusCode::NOT_FOUND,
        &ErrorPage {
            layout,
            title: &title,
            message: &message,
        },
    )
}

fn origin_of(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// One span per request, carrying the request id; one-time link tokens are cut
/// from the logged path.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id, method = %request.method(), path = %loggable_path(request.uri().path()))
}

fn loggable_path(path: &str) -> String {
    for prefix in ["/setup/", "/account/welcome/", "/grants/status/", "/fr/grants/status/"] {
        if path.starts_with(prefix) {
            return format!("{prefix}…");
        }
    }
    path.to_string()
}
