//! Printable pages, opened from the browser and printed with its own Print
//! command (the print stylesheet drops the navigation): the note card, laid out
//! to be copied by hand, and the packing slip with the recipient's address.
//! Both are staff pages; so is the scan of the card. Cards and address labels
//! for every flag at once: `batch.rs`.

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::queries::{self, Flag};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::{ordinal, with_commas};
use crate::web::{Layout, PathId, render};

#[derive(Template)]
#[template(path = "flags/card.html")]
struct CardPage {
    layout: Layout,
    flag: Flag,
}

#[derive(Template)]
#[template(path = "flags/slip.html")]
struct SlipPage {
    layout: Layout,
    flag: Flag,
}

/// "Mile 1,294" with the K9 count when there is one.
pub fn mile_label(number: i32, k9_number: Option<i32>) -> String {
    let k9 = k9_number
        .map(|n| format!(" (the {} K9)", ordinal(n.into())))
        .unwrap_or_default();
    format!("Mile {}{k9}", with_commas(number.into()))
}

fn mile_words(flag: &Flag) -> String {
    mile_label(flag.mile_number, flag.k9_number)
}

impl CardPage {
    fn mile(&self) -> String {
        mile_words(&self.flag)
    }
}

impl SlipPage {
    fn mile(&self) -> String {
        mile_words(&self.flag)
    }
}

pub async fn card(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    render(&CardPage { layout, flag })
}

pub async fn slip(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    render(&SlipPage { layout, flag })
}

/// The scan of the card (never cached, like every `/staff` response); a PDF is
/// downloaded rather than opened inside the site.
pub async fn scan(Staff(_): Staff, State(state): State<AppState>, PathId(id): PathId) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let key = flag.note_scan_key.ok_or(AppError::NotFound)?;
    let bytes = state.storage.get(&key).await?.ok_or(AppError::NotFound)?;
    let pdf = key.ends_with(".pdf");
    let mut response = Body::from(bytes).into_response();
    let headers = response.headers_mut();
    let kind = if pdf { "application/pdf" } else { "image/jpeg" };
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if pdf {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"note-card.pdf\""),
        );
    }
    Ok(response)
}
