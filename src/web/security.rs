//! Security headers on every response, and `no-store` on anything a signed-in
//! person sees so that a shared or back-buttoned browser never shows it again.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;
use crate::web::cookie::is_session_cookie;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Paths whose pages are private whoever asks (sign-in pages, one-time links).
const PRIVATE_PREFIXES: [&str; 5] = ["/staff", "/admin", "/account", "/login", "/setup"];

pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Static files are the same for everyone and keep their own caching.
    let path = request.uri().path();
    let private = !path.starts_with("/static/")
        && (PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p)) || has_session_cookie(&request));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A page that embeds a chosen player sets its own policy; every other page gets this one.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.config.public_url.scheme() == "https" {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn has_session_cookie(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(is_session_cookie)
}
