//! Compressing pages that are answered whole. Almost every page is rendered
//! into one buffer before it is sent, so it is compressed here at once, by a
//! compressor each thread keeps: one made for every response (as a streaming
//! compression layer does) first allocates and clears a few hundred kilobytes
//! of tables, which on a 20 KB honor roll page cost about as much as the
//! compressing itself. Bodies that stream (the CSV downloads) are left to the
//! compression layer outside this one.

use std::cell::RefCell;

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// Smaller bodies are not worth compressing (tower-http's own threshold).
pub const MIN_GZIP: usize = 32;
/// Larger bodies are left to stream.
const MOST_WHOLE: u64 = 2 * 1024 * 1024;

/// A gzip member's fixed header: deflate, no name or time, from an unknown system.
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

thread_local! {
    /// Raw deflate at the fastest level, reset for each body.
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

/// Compresses a whole response when the client accepts gzip and the body is
/// one buffer of a size worth it.
pub async fn whole_bodies(request: Request, next: Next) -> Response {
    let wanted = accepts_gzip(request.headers());
    let response = next.run(request).await;
    let size = response.body().size_hint().exact();
    let worth_it = size.is_some_and(|size| (MIN_GZIP as u64..=MOST_WHOLE).contains(&size));
    if !wanted || !worth_it || !compressible(response.status(), response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(plain) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(compressed) = fast(&plain) else {
        return Response::from_parts(parts, Body::from(plain));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    let varies = parts
        .headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding") || name.trim() == "*");
    if !varies {
        parts
            .headers
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    // The compressed copy is another representation: a strong validator of its own.
    let tag = parts.headers.get(header::ETAG).and_then(|v| v.to_str().ok());
    if let Some(tag) = tag
        .and_then(compressed_tag)
        .and_then(|t| HeaderValue::from_str(&t).ok())
    {
        parts.headers.insert(header::ETAG, tag);
    }
    Response::from_parts(parts, Body::from(compressed))
}

/// The strong entity tag of a body's compressed copy: `"abc"` becomes
/// `"abc-gz"`, as the page cache names its own. A weak tag may stand for both.
pub fn compressed_tag(tag: &str) -> Option<String> {
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    Some(format!("\"{inner}-gz\""))
}

/// `body` as one gzip member at the fastest level, by this thread's compressor.
pub fn fast(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(HEADER.len() + body.len() / 3 + 64);
    out.extend_from_slice(&HEADER);
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            let read = usize::try_from(deflate.total_in()).ok()?;
            let rest = body.get(read..)?;
            // Room for progress on every turn: the loop ends.
            if out.capacity() - out.len() < 1024 {
                out.reserve(rest.len() / 2 + 1024);
            }
            match deflate.compress_vec(rest, &mut out, FlushCompress::Finish).ok()? {
                Status::StreamEnd => return Some(()),
                Status::Ok | Status::BufError => {}
            }
        }
    })?;
    let mut crc = Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // The length modulo 2^32, as the format has it.
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    Some(out)
}

/// Whether the client's Accept-Encoding takes gzip: named with a weight above
/// zero, or not named and `*` (any coding) taken. A gzip named refused
/// (`gzip;q=0`, `q=0.0`, ...) stays refused whatever `*` says.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for coding in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = coding.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let weight = parts
            .filter_map(|p| p.split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
            .map_or(Some(1.0), |(_, value)| value.trim().parse::<f32>().ok());
        // An unreadable weight takes nothing.
        let taken = weight.is_some_and(|w| w > 0.0);
        if name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip") {
            gzip = Some(gzip.unwrap_or(false) || taken);
        } else if name == "*" {
            any = Some(any.unwrap_or(false) || taken);
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// Not already encoded, not a part of a file, and not an image (already compressed).
pub fn compressible(status: StatusCode, headers: &HeaderMap) -> bool {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    status != StatusCode::PARTIAL_CONTENT
        && !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::CONTENT_RANGE)
        && !kind.starts_with("image/")
        && !kind.starts_with("text/event-stream")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn gunzip(compressed: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(compressed)
            .read_to_end(&mut plain)
            .expect("a valid gzip member");
        plain
    }

    #[test]
    fn gzip_is_taken_only_when_the_client_weighs_it_above_zero() {
        let takes = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).expect("a header"));
            accepts_gzip(&headers)
        };
        for yes in [
            "gzip",
            "gzip, deflate, br",
            "br;q=1.0, gzip;q=0.8",
            "*",
            "identity, *;q=0.5",
            "GZIP;Q=0.001",
        ] {
            assert!(takes(yes), "{yes}");
        }
        for no in [
            "identity",
            "br",
            "gzip;q=0",
            "gzip;q=0.0",
            "gzip; q=0.000",
            "gzip;q=0, *",
            "*;q=0",
            "gzip;q=nonsense",
        ] {
            assert!(!takes(no), "{no}");
        }
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn a_compressed_copy_has_its_own_strong_tag() {
        assert_eq!(compressed_tag("\"abc\"").as_deref(), Some("\"abc-gz\""));
        assert_eq!(compressed_tag("W/\"abc\""), None, "a weak tag may stand for both");
    }

    #[test]
    fn what_is_compressed_comes_back_whole_however_often_a_thread_compresses() {
        let page: Vec<u8> = (0..40_000u32)
            .flat_map(|i| format!("<li>Hero {i} of the roll</li>").into_bytes())
            .collect();
        // Random bytes do not shrink: the output must grow past its first guess.
        let mut noise = Vec::with_capacity(100_000);
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            noise.push(x.to_le_bytes()[0]);
        }
        for body in [&page[..], b"", b"short", &noise[..], &page[..100]] {
            let compressed = fast(body).expect("compressed");
            assert_eq!(gunzip(&compressed), body);
        }
        assert!(fast(&page).expect("compressed").len() < page.len() / 4);
    }
}
