//! Shared page plumbing: rendering templates, the layout data every page carries,
//! flash messages, form errors, the client address, the security headers and
//! the pages for refused requests.

pub mod assets;
pub mod cache;
pub mod chart;
pub mod client;
pub mod export;
pub mod forms;
pub mod rate_limit;
pub mod refusals;
pub mod request_id;
pub mod security;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::accounts::session::{CurrentUser, SessionUser};
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

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

impl Flash {
    pub fn is_error(&self) -> bool {
        self.kind == FlashKind::Error
    }
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

/// What the layout needs: who is looking (for the navigation) and the messages
/// waiting for them. Taking it as an extractor also consumes the flash messages.
pub struct Layout {
    pub user: Option<SessionUser>,
    pub flashes: Vec<Flash>,
    /// Demo data: every page carries a notice.
    pub demo: bool,
}

impl Layout {
    /// For pages rendered outside a session (error pages).
    pub fn plain() -> Self {
        Layout {
            user: None,
            flashes: Vec::new(),
            demo: false,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(SessionUser::is_admin)
    }

    /// Forms for actions that need a recent second factor show a code field.
    pub fn needs_code(&self) -> bool {
        self.user.as_ref().is_some_and(SessionUser::needs_code)
    }
}

impl FromRequestParts<AppState> for Layout {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?.0;
        let flashes = match parts.extensions.get::<Session>() {
            // Only a browser that already has a session can have messages waiting.
            Some(session) if user.is_some() || session.id().is_some() => {
                session.remove::<Vec<Flash>>(FLASH_KEY).await?.unwrap_or_default()
            }
            _ => Vec::new(),
        };
        Ok(Layout {
            user,
            flashes,
            demo: state.demo,
        })
    }
}

/// The error page template, shared by every error status.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub layout: Layout,
    pub title: &'a str,
    pub message: &'a str,
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
