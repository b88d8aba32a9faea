//! Requests refused before any handler ran (a body too large, a form that cannot
//! be read, the wrong content type, a request too slow) get the error page with a
//! plain reason instead of the framework's one line of text; a session that cannot
//! be saved because PostgreSQL is gone gets the "back in a moment" page.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{error_page, unavailable_page};

/// Middleware: turns the bare text refusals of axum and tower-http into pages.
pub async fn explain(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let key = match response.status() {
        StatusCode::BAD_REQUEST => "error-page-bad-request",
        StatusCode::REQUEST_TIMEOUT => "error-page-timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "error-page-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error-page-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "error-page-unreadable-form",
        _ => return response,
    };
    if !is_bare(&response) {
        return response;
    }
    let mut page = error_page(response.status(), key);
    // Keep what the refusing layer said besides its text (such as `Allow`).
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && name != header::CONTENT_ENCODING {
            page.headers_mut().entry(name).or_insert_with(|| value.clone());
        }
    }
    page
}

/// Framework refusals are plain text or empty; the program's own pages and the
/// API's JSON errors are left as they are.
fn is_bare(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.starts_with("text/plain")))
}

/// Middleware around the session layer: tower-sessions answers an empty 500 when
/// it cannot save a session, and the sessions live in PostgreSQL, so that is the
/// database being unreachable.
pub async fn unsaved_session(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR && !response.headers().contains_key(header::CONTENT_TYPE)
    {
        // Logged, so that a fault of another kind answering an empty 500 is not hidden.
        tracing::error!("a session could not be saved (or an empty 500 came from within); answered 503");
        unavailable_page()
    } else {
        response
    }
}
