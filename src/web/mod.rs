//! Shared page plumbing: rendering templates, the layout data every page carries,
//! flash messages, form errors, the client address, the security headers and
//! the pages for refused requests.

pub mod assets;
pub mod cache;
pub mod chart;
pub mod client;
pub mod cookie;
pub mod export;
pub mod forms;
pub mod gzip;
pub mod lang;
pub mod layout;
pub mod rate_limit;
pub mod refusals;
pub mod request_id;
pub mod security;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use tower_sessions::Session;

pub use self::layout::{Flash, FlashKind, Layout, Viewer};
use crate::error::AppError;
use crate::state::AppState;

/// Renders a page with status 200.
pub fn render<T: Template>(page: &T) -> Result<Response, AppError> {
    render_status(StatusCode::OK, page)
}

/// Renders a page with the given status (422 for a form returned with its mistakes).
pub fn render_status<T: Template>(status: StatusCode, page: &T) -> Result<Response, AppError> {
    Ok((status, Html(page.render()?)).into_response())
}

const FLASH_KEY: &str = "flash";

/// Queues a message for the next page this browser opens (after a POST's redirect).
pub async fn flash(session: &Session, kind: FlashKind, text: impl Into<String>) -> Result<(), AppError> {
    let mut queued: Vec<Flash> = session.get(FLASH_KEY).await?.unwrap_or_default();
    queued.push(Flash {
        kind,
        text: text.into(),
    });
    session.insert(FLASH_KEY, queued).await?;
    Ok(())
}

/// Takes the messages waiting for this session, to show them on this page.
pub async fn take_flashes(session: &Session) -> Result<Vec<Flash>, AppError> {
    Ok(session.remove::<Vec<Flash>>(FLASH_KEY).await?.unwrap_or_default())
}

impl FromRequestParts<AppState> for Layout {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Accounts describes the signed-in person on each request; visitors have none.
        let user = parts.extensions.get::<Viewer>().cloned();
        let flashes = match parts.extensions.get::<Session>() {
            // Only a browser that already has a session can have messages waiting.
            Some(session) if user.is_some() || session.id().is_some() => take_flashes(session).await?,
            _ => Vec::new(),
        };
        // A French address was routed as its English one, the language kept aside.
        let lang = parts.extensions.get::<lang::Lang>().copied().unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), ToString::to_string);
        Ok(Layout {
            user,
            flashes,
            demo: state.demo,
            lang,
            here,
        })
    }
}

/// The record ids in the path; an id that cannot be one is a missing page, not a 400.
pub struct PathIds(pub Vec<uuid::Uuid>);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .iter()
            .map(|(_, value)| value.parse().map_err(|_| AppError::NotFound))
            .collect::<Result<Vec<_>, _>>()
            .map(PathIds)
    }
}

/// The one record id in the path.
pub struct PathId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let PathIds(ids) = PathIds::from_request_parts(parts, state).await?;
        ids.first().copied().map(PathId).ok_or(AppError::NotFound)
    }
}
