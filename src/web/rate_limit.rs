//! A per-client rate limit on the reads that cost the most: the JSON API, the
//! honor roll's searches and pages, and the CSV exports. Past it a client gets
//! 429 with `Retry-After`. Counted per address (as `web::client` finds it) in
//! each instance's memory with the governor crate's GCRA: a flood from one
//! client lands on whichever instance it reaches, so each instance guarding
//! itself is what matters; the lockouts that must hold across instances live
//! in PostgreSQL instead.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::client::{client_address, peer};
use super::lang::Lang;
use crate::error::error_page_saying;

/// Every this many limited requests, clients idle long enough to be full again
/// are forgotten, so the table of addresses stays small.
const SWEEP_EVERY: u64 = 4096;

#[derive(Clone)]
pub struct RateLimit {
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    hops: usize,
    seen: Arc<AtomicU64>,
}

impl RateLimit {
    /// `per_minute` requests a minute from one client, all of them at once if it
    /// has been quiet; 0 turns the limit off.
    pub fn new(per_minute: u32, hops: usize) -> RateLimit {
        RateLimit {
            limiter: NonZeroU32::new(per_minute).map(|n| Arc::new(RateLimiter::keyed(Quota::per_minute(n)))),
            hops,
            seen: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// Whether a path is one of the limited reads.
pub fn is_limited(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/honor-roll")
        || path.starts_with("/fr/honor-roll")
        || path == "/admin/grants/export.csv"
}

/// Middleware: refuses a client over its rate on the limited paths. A request
/// without any address (the tests' in-process router) has no client to count.
pub async fn limit(State(limit): State<RateLimit>, request: Request, next: Next) -> Response {
    let Some(limiter) = &limit.limiter else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !is_limited(path) {
        return next.run(request).await;
    }
    let api = path.starts_with("/api/");
    let Some(client) = client_address(request.headers(), peer(request.extensions()), limit.hops) else {
        return next.run(request).await;
    };
    if limit.seen.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        limiter.retain_recent();
    }
    match limiter.check_key(&client) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whole seconds, rounded up: a client that waits this long gets in.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            too_many(api, seconds.max(1))
        }
    }
}

fn too_many(api: bool, seconds: u64) -> Response {
    let lang = if api { Lang::En } else { Lang::of_request() };
    let message = lang.counted("error-page-too-many-text", i64::try_from(seconds).unwrap_or(i64::MAX));
    let mut response = if api {
        (
            StatusCode::TOO_MANY_REQUESTS,
            Json(serde_json::json!({ "error": message })),
        )
            .into_response()
    } else {
        error_page_saying(StatusCode::TOO_MANY_REQUESTS, "error-page-too-many", &message)
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}
