//! A short-lived memory cache of public pages for visitors, for the moment a news
//! story sends thousands of readers to the same few pages. Only anonymous GET
//! requests (no session cookie) of public paths are served from it, so nothing a
//! signed-in person sees is ever cached.
//!
//! A page is fresh for `fresh` (2 seconds by default). After that the next
//! reader still gets it while one background request renders it again, so
//! readers never queue behind the database; a page older than three times
//! `fresh` is not served at all. Concurrent misses of one page are rendered once.
//! Responses carry an ETag, and a matching If-None-Match gets a 304.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use moka::future::Cache;
use sha2::{Digest, Sha256};

use crate::web::cookie::is_session_cookie;

/// Paths whose pages are the same for every visitor (and the home page and the
/// public grant totals, matched exactly).
const PUBLIC_PREFIXES: [&str; 5] = ["/honor-roll", "/heroes/", "/runs", "/api/", "/feeds/"];
const PUBLIC_PAGES: [&str; 2] = ["/", "/grants"];
const MAX_BODY: usize = 2 * 1024 * 1024;

struct Cached {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    etag: Option<HeaderValue>,
    rendered: Instant,
    refreshing: AtomicBool,
}

#[derive(Clone)]
pub struct PageCache {
    entries: Option<Cache<String, Arc<Cached>>>,
    fresh: Duration,
}

impl PageCache {
    /// Pages are fresh for `fresh`; zero turns caching off.
    pub fn new(fresh: Duration) -> PageCache {
        let entries = (!fresh.is_zero()).then(|| {
            Cache::builder()
                .time_to_live(fresh * 3)
                // Bounded by bytes held, not by count: 32 MiB of pages at most.
                .weigher(|key: &String, value: &Arc<Cached>| {
                    u32::try_from(key.len() + value.body.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(32 * 1024 * 1024)
                .build()
        });
        PageCache { entries, fresh }
    }
}

fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        // Downloads stream from the database and may be large: never held here.
        && !path.ends_with(".csv")
        && (PUBLIC_PAGES.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)))
        && !request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(is_session_cookie)
}

/// Renders the page; the result is cacheable only when it is a 200 without cookies.
async fn render(next: Next, request: Request) -> Result<Arc<Cached>, Arc<Cached>> {
    let response = next.run(request).await;
    let keep = response.status() == StatusCode::OK && !response.headers().contains_key(header::SET_COOKIE);
    let (mut parts, body) = response.into_parts();
    let body = to_bytes(body, MAX_BODY).await;
    let (status, body) = match body {
        Ok(body) => (parts.status, body),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, Bytes::new()),
    };
    let etag = keep.then(|| {
        let digest = Sha256::digest(&body);
        HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12]))).ok()
    });
    let etag = etag.flatten();
    if let Some(etag) = &etag {
        parts.headers.insert(header::ETAG, etag.clone());
        if !parts.headers.contains_key(header::CACHE_CONTROL) {
            parts
                .headers
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=5"));
        }
    }
    let cached = Arc::new(Cached {
        status,
        headers: parts.headers,
        body,
        etag,
        rendered: Instant::now(),
        refreshing: AtomicBool::new(false),
    });
    if keep && status == StatusCode::OK {
        Ok(cached)
    } else {
        Err(cached)
    }
}

fn answer(cached: &Cached, if_none_match: Option<&HeaderValue>) -> Response {
    if cached.etag.is_some() && cached.etag.as_ref() == if_none_match {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Some(etag) = &cached.etag {
            response.headers_mut().insert(header::ETAG, etag.clone());
        }
        return response;
    }
    let mut response = Response::new(Body::from(cached.body.clone()));
    *response.status_mut() = cached.status;
    *response.headers_mut() = cached.headers.clone();
    response
}

/// A copy of a GET request (no body), for rendering the page again in the background.
fn copy_of(uri: &Uri, headers: &HeaderMap) -> Request {
    let mut request = Request::new(Body::empty());
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers.clone();
    request
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(entries) = cache.entries.clone().filter(|_| cacheable(&request)) else {
        return next.run(request).await;
    };
    let key = request.uri().to_string();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(hit) = entries.get(&key).await {
        metrics::counter!("page_cache_hits_total").increment(1);
        if hit.rendered.elapsed() > cache.fresh && !hit.refreshing.swap(true, Ordering::AcqRel) {
            let again = copy_of(request.uri(), request.headers());
            tokio::spawn(async move {
                if let Ok(fresh) = render(next, again).await {
                    entries.insert(key, fresh).await;
                }
            });
        }
        return answer(&hit, if_none_match.as_ref());
    }
    metrics::counter!("page_cache_misses_total").increment(1);
    match entries.try_get_with(key, render(next, request)).await {
        Ok(cached) => answer(&cached, if_none_match.as_ref()),
        Err(uncacheable) => answer(&uncacheable, None),
    }
}
