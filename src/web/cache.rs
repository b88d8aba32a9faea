//! A short-lived memory cache of public pages for visitors, for the moment a news
//! story sends thousands of readers to the same few pages. Only anonymous GET
//! requests (no session cookie) of public paths are served from it, so nothing a
//! signed-in person sees is ever cached; entries live a couple of seconds, so an
//! edit shows within that time on every instance. Responses carry an ETag, and a
//! matching If-None-Match gets a 304.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::accounts::session::SESSION_COOKIE;

/// Paths whose pages are the same for every visitor.
const PUBLIC_PREFIXES: [&str; 6] = ["/honor-roll", "/heroes/", "/runs", "/api/", "/grants/totals", "/feeds/"];
const MAX_BODY: usize = 2 * 1024 * 1024;

#[derive(Clone)]
struct Cached {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    etag: HeaderValue,
}

#[derive(Clone)]
pub struct PageCache {
    entries: Option<moka::sync::Cache<String, Arc<Cached>>>,
}

impl PageCache {
    /// A cache whose entries live `ttl`; zero turns caching off.
    pub fn new(ttl: Duration) -> PageCache {
        let entries = (!ttl.is_zero()).then(|| {
            moka::sync::Cache::builder()
                .time_to_live(ttl)
                // Bounded by bytes held, not by count: 32 MiB of pages at most.
                .weigher(|key: &String, value: &Arc<Cached>| {
                    u32::try_from(key.len() + value.body.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(32 * 1024 * 1024)
                .build()
        });
        PageCache { entries }
    }
}

fn cacheable(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && (path == "/" || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)))
        && !request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.contains(SESSION_COOKIE))
}

fn answer(cached: &Cached, if_none_match: Option<&HeaderValue>) -> Response {
    if if_none_match == Some(&cached.etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::ETAG, cached.etag.clone());
        return response;
    }
    let mut response = Response::new(Body::from(cached.body.clone()));
    *response.status_mut() = cached.status;
    *response.headers_mut() = cached.headers.clone();
    response
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(entries) = cache.entries.as_ref().filter(|_| cacheable(&request)) else {
        return next.run(request).await;
    };
    let key = request.uri().to_string();
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    if let Some(hit) = entries.get(&key) {
        return answer(&hit, if_none_match.as_ref());
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let digest = Sha256::digest(&body);
    let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
    parts.headers.insert(header::ETAG, etag.clone());
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=5"));
    }
    let cached = Arc::new(Cached {
        status: parts.status,
        headers: parts.headers,
        body,
        etag,
    });
    entries.insert(key, cached.clone());
    answer(&cached, if_none_match.as_ref())
}
