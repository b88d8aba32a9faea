//! Each request's id (`x-request-id`), returned in the answer and written in
//! its log line. A proxy in front may pass its own id through so one request can
//! be followed across both logs; anything else a client sends there is dropped
//! and a fresh id made, so no one writes what they like into the log.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-request-id";

/// Drops an incoming id unless it is 1 to 64 letters, digits, `-`, `_` or `.`.
pub async fn keep_only_plain(mut request: Request, next: Next) -> Response {
    let plain = request.headers().get(HEADER).is_some_and(|value| {
        let bytes = value.as_bytes();
        (1..=64).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !plain {
        request.headers_mut().remove(HEADER);
    }
    next.run(request).await
}
