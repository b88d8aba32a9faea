//! The static files (stylesheet, vendored htmx, images), embedded in the binary
//! so that the one file deploys alone. Pages link each under a name carrying its
//! content hash (`/static/css/site.1a2b3c4d5e6f.css`) that browsers keep for a
//! year without asking again: a changed file gets a new name. The plain name
//! answers too, revalidated on every use. With `STATIC_DIR` set, that folder's
//! copies are served instead, read on each request and never kept, so the
//! stylesheet can be edited without rebuilding.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::LazyLock;

use axum::extract::{self, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

#[derive(rust_embed::Embed)]
#[folder = "static/"]
struct Embedded;

/// A year: the longest lifetime browsers honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The embedded files by plain and by hashed name, worked out once from the
/// digests rust-embed computed at build time.
struct Catalog {
    hashed_of: HashMap<String, String>,
    plain_of: HashMap<String, String>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let mut catalog = Catalog {
        hashed_of: HashMap::new(),
        plain_of: HashMap::new(),
    };
    for name in Embedded::iter() {
        if let Some(file) = Embedded::get(&name) {
            let hashed = hashed_name(&name, &file.metadata.sha256_hash());
            catalog.plain_of.insert(hashed.clone(), name.to_string());
            catalog.hashed_of.insert(name.to_string(), hashed);
        }
    }
    catalog
});

/// `css/site.css` becomes `css/site.1a2b3c4d5e6f.css`: 48 bits of the content's
/// SHA-256, plenty to tell a handful of versions apart.
fn hashed_name(name: &str, digest: &[u8; 32]) -> String {
    let short = hex::encode(&digest[..6]);
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && !stem.ends_with('/') && !extension.contains('/') => {
            format!("{stem}.{short}.{extension}")
        }
        _ => format!("{name}.{short}"),
    }
}

/// The address pages use for a static file: `url("css/site.css")` in a template.
/// A name that is not embedded keeps its plain address (and answers 404).
pub fn url(name: &str) -> String {
    match CATALOG.hashed_of.get(name) {
        Some(hashed) => format!("/static/{hashed}"),
        None => format!("/static/{name}"),
    }
}

/// `GET /static/{*path}`: a hashed name for a year, a plain name revalidated.
pub async fn serve(
    State(state): State<AppState>,
    extract::Path(path): extract::Path<String>,
    request_headers: HeaderMap,
) -> Response {
    let (name, cache) = match CATALOG.plain_of.get(&path) {
        Some(plain) => (plain.as_str(), IMMUTABLE),
        None => (path.as_str(), "no-cache"),
    };
    if let Some(dir) = &state.config.static_dir {
        return from_folder(dir, name).await;
    }
    let Some(file) = Embedded::get(name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // A browser holding the compressed copy names its tag (`web::gzip`).
    let compressed = super::gzip::compressed_tag(&etag);
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(str::trim)
                .any(|tag| tag == etag || Some(tag) == compressed.as_deref())
        });
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    let body: Cow<'static, [u8]> = file.data;
    (headers, body).into_response()
}

/// The development override: the file as it is on disk now.
async fn from_folder(dir: &Path, name: &str) -> Response {
    // Only plain names below the folder: no `..`, no absolute paths.
    let relative = Path::new(name);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match tokio::fs::read(dir.join(relative)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(name)),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, extension)| extension) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_their_folder_and_extension() {
        let digest = [0xab; 32];
        assert_eq!(hashed_name("css/site.css", &digest), "css/site.abababababab.css");
        assert_eq!(
            hashed_name("vendor/htmx.min.js", &digest),
            "vendor/htmx.min.abababababab.js"
        );
        assert_eq!(hashed_name("LICENSE", &digest), "LICENSE.abababababab");
        assert_eq!(hashed_name("img/.hidden", &digest), "img/.hidden.abababababab");
    }

    #[test]
    fn every_embedded_file_has_a_hashed_address() {
        let site = url("css/site.css");
        assert!(site.starts_with("/static/css/site.") && site.ends_with(".css") && site != "/static/css/site.css");
        assert_eq!(url("no/such.css"), "/static/no/such.css");
    }
}
