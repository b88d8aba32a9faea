//! A short-lived memory cache of public pages for visitors, for the moment a news
//! story sends thousands of readers to the same few pages. Only anonymous GET
//! requests of public paths are served from it, so nothing a signed-in person
//! sees is ever cached. A request is anonymous unless its session cookie names a
//! live session: a made-up cookie does not skip the cache.
//!
//! A page is fresh for `fresh` (2 seconds by default). After that the next
//! reader still gets it while one background request renders it again, so
//! readers never queue behind the database; a page older than three times
//! `fresh` is not served at all. Concurrent misses of one page are rendered once.
//! Each page is kept both plain and gzip-compressed (compressed once, when it is
//! rendered), so a hit is never compressed again. A body larger than
//! `MAX_BODY` is passed through as it streams and not kept. Responses carry an
//! ETag, and a matching If-None-Match gets a 304.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use flate2::Compression;
use flate2::write::GzEncoder;
use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::gzip::{MIN_GZIP, accepts_gzip, compressible};

/// Paths whose pages are the same for every visitor (and the home page, the
/// public grant totals and the site's own pages, matched exactly).
const PUBLIC_PREFIXES: [&str; 5] = ["/honor-roll", "/heroes/", "/runs", "/api/", "/feeds/"];
const PUBLIC_PAGES: [&str; 2] = ["/", "/grants"];
const SITE_PAGES: [&str; 5] = ["/about", "/donate", "/contact", "/privacy", "/accessibility"];
/// Bodies larger than this are served as they stream, never kept.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Whether a request's Cookie header values name a live session (looked up
/// where sessions are kept; this module knows no accounts).
pub type LiveSession = Arc<dyn Fn(Vec<String>) -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

struct Cached {
    status: StatusCode,
    headers: HeaderMap,
    plain: Bytes,
    gzip: Option<Bytes>,
    etag: Option<String>,
    rendered: Instant,
    refreshing: AtomicBool,
}

/// What the cache's own bookkeeping and a header's map entry cost, roughly,
/// beyond the bytes they hold.
const ENTRY_OVERHEAD: usize = 512;
const HEADER_OVERHEAD: usize = 64;

impl Cached {
    /// The memory an entry holds: its bodies (kept at their exact size), its
    /// headers and key, and the bookkeeping around them.
    fn held(&self, key: &str) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + HEADER_OVERHEAD)
            .sum();
        ENTRY_OVERHEAD + key.len() + headers + self.plain.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }
}

/// A response that may not be kept: an error page, one setting a cookie, or a
/// body too large. The first waiter takes it; others render their own.
type Passed = Arc<Mutex<Option<Response>>>;

#[derive(Clone)]
pub struct PageCache {
    entries: Option<Cache<String, Arc<Cached>>>,
    fresh: Duration,
    live_session: LiveSession,
}

impl PageCache {
    /// Pages are fresh for `fresh`; zero turns caching off.
    pub fn new(fresh: Duration, live_session: LiveSession) -> PageCache {
        let entries = (!fresh.is_zero()).then(|| {
            Cache::builder()
                .time_to_live(fresh * 3)
                // Bounded by bytes held, not by count: 12 MiB of pages at most
                // (some 1,200 hero pages, plain and compressed; the memory
                // allocator holds about half as much again around them). A
                // surge reads a few pages over and over; the roll's pages are
                // quick uncached.
                .weigher(|key: &String, value: &Arc<Cached>| u32::try_from(value.held(key)).unwrap_or(u32::MAX))
                .max_capacity(12 * 1024 * 1024)
                .build()
        });
        PageCache {
            entries,
            fresh,
            live_session,
        }
    }
}

fn public_get(request: &Request) -> bool {
    // A French page is public exactly when its English one is.
    let (_, path) = super::lang::Lang::of_path(request.uri().path());
    request.method() == Method::GET
        // Downloads stream from the database and may be large: never held here.
        && !path.ends_with(".csv")
        && (PUBLIC_PAGES.contains(&path)
            || SITE_PAGES.contains(&path)
            || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)))
}

fn cookies(request: &Request) -> Vec<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect()
}

fn gzip(body: &Bytes) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::default());
    encoder.write_all(body).ok()?;
    // Shrunk to its length: the cache weighs what it holds by length.
    encoder.finish().ok().map(|gzip| Bytes::from(gzip.into_boxed_slice()))
}

/// The body read whole, or, past `MAX_BODY`, what was read followed by the rest.
enum Read {
    Whole(Bytes),
    TooLarge(Body),
    Failed,
}

async fn read(mut body: Body) -> Read {
    let mut buffer = BytesMut::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Read::Whole(buffer.freeze()),
            Some(Err(_)) => return Read::Failed,
            Some(Ok(frame)) => {
                let Ok(data) = frame.into_data() else { continue };
                if buffer.len() + data.len() > MAX_BODY {
                    buffer.extend_from_slice(&data);
                    return Read::TooLarge(Body::new(Resumed {
                        head: Some(buffer.freeze()),
                        rest: body,
                    }));
                }
                buffer.extend_from_slice(&data);
            }
        }
    }
}

/// A body whose first bytes were already read.
struct Resumed {
    head: Option<Bytes>,
    rest: Body,
}

impl HttpBody for Resumed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(head))));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }
}

/// Renders the page; the result is kept only when it is a 200 without cookies
/// and of a size worth keeping.
async fn render(next: Next, request: Request) -> Result<Arc<Cached>, Passed> {
    let response = next.run(request).await;
    let keep = response.status() == StatusCode::OK && !response.headers().contains_key(header::SET_COOKIE);
    let (mut parts, body) = response.into_parts();
    let passed = |response: Response| Err(Arc::new(Mutex::new(Some(response))));
    let body = match read(body).await {
        Read::Whole(body) => body,
        Read::TooLarge(body) => return passed(Response::from_parts(parts, body)),
        Read::Failed => return passed(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    };
    if !keep {
        return passed(Response::from_parts(parts, Body::from(body)));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts
            .headers
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=5"));
    }
    // A copy at its exact size: the rendered body's buffer may be larger than
    // the page, and the cache weighs what it holds by length.
    let body = Bytes::copy_from_slice(&body);
    let digest = Sha256::digest(&body);
    let gzip = (body.len() >= MIN_GZIP && compressible(parts.status, &parts.headers))
        .then(|| gzip(&body))
        .flatten();
    Ok(Arc::new(Cached {
        status: parts.status,
        headers: parts.headers,
        etag: Some(hex::encode(&digest[..12])),
        plain: body,
        gzip,
        rendered: Instant::now(),
        refreshing: AtomicBool::new(false),
    }))
}

fn answer(cached: &Cached, request_headers: &HeaderMap) -> Response {
    let gzip = cached.gzip.as_ref().filter(|_| accepts_gzip(request_headers));
    // Each representation has its own validator.
    let etag = cached.etag.as_ref().and_then(|tag| {
        let tag = if gzip.is_some() {
            format!("\"{tag}-gz\"")
        } else {
            format!("\"{tag}\"")
        };
        HeaderValue::from_str(&tag).ok()
    });
    let mut response = match (&etag, request_headers.get(header::IF_NONE_MATCH)) {
        (Some(etag), Some(wanted)) if etag == wanted => StatusCode::NOT_MODIFIED.into_response(),
        _ => {
            let mut response = Response::new(Body::from(gzip.unwrap_or(&cached.plain).clone()));
            *response.status_mut() = cached.status;
            *response.headers_mut() = cached.headers.clone();
            if gzip.is_some() {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(etag) = etag {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// A copy of a GET request (no body), for rendering the page again.
fn copy_of(uri: &Uri, headers: &HeaderMap) -> Request {
    let mut request = Request::new(Body::empty());
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers.clone();
    request
}

/// Put in a response's extensions by a change that takes something off the
/// public side (a hero unpublished or merged away): every kept page is dropped,
/// so no reader is served the old page, even for the few seconds it stays fresh.
#[derive(Clone, Copy, Debug)]
pub struct ForgetPublicPages;

impl ForgetPublicPages {
    /// The response of such a change, marked.
    pub fn mark(mut response: Response) -> Response {
        response.extensions_mut().insert(ForgetPublicPages);
        response
    }
}

pub async fn serve(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(entries) = cache.entries.clone().filter(|_| public_get(&request)) else {
        let response = next.run(request).await;
        if let Some(entries) = &cache.entries
            && response.extensions().get::<ForgetPublicPages>().is_some()
        {
            entries.invalidate_all();
        }
        return response;
    };
    let cookies = cookies(&request);
    if !cookies.is_empty() && (cache.live_session)(cookies).await {
        return next.run(request).await;
    }
    let key = request.uri().to_string();
    let headers = request.headers().clone();
    if let Some(hit) = entries.get(&key).await {
        metrics::counter!("page_cache_hits_total").increment(1);
        if hit.rendered.elapsed() > cache.fresh && !hit.refreshing.swap(true, Ordering::AcqRel) {
            let again = copy_of(request.uri(), &headers);
            tokio::spawn(async move {
                if let Ok(fresh) = render(next, again).await {
                    entries.insert(key, fresh).await;
                }
            });
        }
        return answer(&hit, &headers);
    }
    metrics::counter!("page_cache_misses_total").increment(1);
    let again = copy_of(request.uri(), &headers);
    match entries.try_get_with(key, render(next.clone(), request)).await {
        Ok(cached) => answer(&cached, &headers),
        Err(passed) => {
            let taken = passed.lock().ok().and_then(|mut response| response.take());
            match taken {
                Some(response) => response,
                // Another reader's uncacheable answer was handed to them: render ours.
                None => next.run(again).await,
            }
        }
    }
}
