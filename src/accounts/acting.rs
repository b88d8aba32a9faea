//! The person acting in a write, with what every write needs from the request:
//! the state, the session, the client address, the person and the page layout.
//! It is built from [`Staff`] or [`Admin`], so the role a handler requires stays
//! in its signature (`Acting<Staff>`, `Acting<Admin>`), and it carries the closing
//! steps every write shares: the audit event with actor and address filled in,
//! the success message with its 303, and the recent-second-factor check.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, Postgres, Transaction};
use tower_sessions::Session;

use super::second_factor::{self, Attempt};
use super::session::{Admin, SessionUser, Staff, mark_factor_proven};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{Flash, FlashKind, Layout, flash, take_flashes};

/// A role extractor an acting person can be built from.
pub trait RoleGuard: FromRequestParts<AppState, Rejection = AppError> {
    fn person(self) -> SessionUser;
}

impl RoleGuard for Staff {
    fn person(self) -> SessionUser {
        self.0
    }
}

impl RoleGuard for Admin {
    fn person(self) -> SessionUser {
        self.0
    }
}

/// A signed-in person doing something, in the role `R` requires.
pub struct Acting<R> {
    pub state: AppState,
    pub session: Session,
    pub ip: String,
    pub me: SessionUser,
    /// The request's moment, for the rows it writes and their audit events.
    pub now: DateTime<Utc>,
    /// The messages that were waiting, taken for the page this request shows.
    flashes: Vec<Flash>,
    role: PhantomData<R>,
}

impl<R: RoleGuard + Send> FromRequestParts<AppState> for Acting<R> {
    type Rejection = AppError;

    /// The role comes first, so a visitor is sent to sign in (and staff refused
    /// an admin's page) before anything else is read.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let me = R::from_request_parts(parts, state).await?.person();
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| AppError::Internal(anyhow::anyhow!("{why}")))?;
        let flashes = take_flashes(&session).await?;
        Ok(Acting {
            state: state.clone(),
            session,
            ip,
            me,
            now: state.now(),
            flashes,
            role: PhantomData,
        })
    }
}

/// What a change did, for the audit trail; who and from where come from [`Acting`].
pub struct Change<'a> {
    /// A dotted verb, e.g. `hero.created`.
    pub action: &'a str,
    pub entity_type: &'a str,
    /// Empty for a thing there is only one of (the grant settings, an export):
    /// the trail then records no id.
    pub entity_id: String,
    pub summary: String,
    pub details: Value,
}

impl<R> Acting<R> {
    /// The layout of a page shown in answer (a form with its mistakes, a refusal).
    pub fn layout(&self) -> Layout {
        Layout {
            user: Some(self.me.viewer()),
            flashes: self.flashes.clone(),
            demo: self.state.demo,
            ..Layout::plain()
        }
    }

    /// The audit event of a change this person made.
    pub fn event<'a>(&'a self, change: Change<'a>) -> Event<'a> {
        Event {
            actor_id: Some(self.me.id),
            action: change.action,
            entity_type: change.entity_type,
            entity_id: Some(change.entity_id).filter(|id| !id.is_empty()),
            summary: change.summary,
            details: change.details,
            client_ip: Some(&self.ip),
        }
    }

    /// Writes the change's audit event, in the change's own transaction.
    pub async fn record(&self, db: impl PgExecutor<'_>, change: Change<'_>) -> Result<(), AppError> {
        audit::record(db, self.event(change), self.now).await?;
        Ok(())
    }

    /// Closes a write: its audit event in its transaction, the commit, then the
    /// success message and the 303 to `to`.
    pub async fn commit(
        &self,
        mut tx: Transaction<'_, Postgres>,
        change: Change<'_>,
        message: impl Into<String>,
        to: &str,
    ) -> Result<Response, AppError> {
        self.record(&mut *tx, change).await?;
        tx.commit().await?;
        self.done(message, to).await
    }

    /// The answer to a write that worked: a message for the next page, and a 303 to it.
    pub async fn done(&self, message: impl Into<String>, to: &str) -> Result<Response, AppError> {
        flash(&self.session, FlashKind::Success, message).await?;
        Ok(Redirect::to(to).into_response())
    }

    /// The answer to a write that found nothing to do: a message saying why, and a 303.
    pub async fn refused(&self, message: impl Into<String>, to: &str) -> Result<Response, AppError> {
        flash(&self.session, FlashKind::Error, message).await?;
        Ok(Redirect::to(to).into_response())
    }

    /// For actions that need a recent second factor (approving money, changing
    /// accounts): `Ok(None)` when this session proved it within
    /// [`RECENT_FACTOR`](super::session::RECENT_FACTOR) or `typed` proves it now,
    /// after which the session and this person count it as recent; otherwise the
    /// message for the form's code field. An account without a second factor
    /// (staff who have not enrolled) has nothing to prove.
    pub async fn recent_or_code(&mut self, typed: &str, purpose: &str) -> Result<Option<&'static str>, AppError> {
        if !self.me.needs_code() {
            return Ok(None);
        }
        let attempt = Attempt {
            user_id: self.me.id,
            email: &self.me.email,
            ip: &self.ip,
            purpose,
            signed_in: true,
        };
        if let Some(why) = second_factor::prove(&self.state, attempt, typed).await? {
            return Ok(Some(why));
        }
        mark_factor_proven(&self.session, self.state.now()).await?;
        self.me.factor_recent = true;
        Ok(None)
    }

    /// [`recent_or_code`](Acting::recent_or_code) for a form whose only mistake can
    /// be the code: its message under `field`, or no mistakes.
    pub async fn code_errors(
        &mut self,
        typed: &str,
        purpose: &str,
        field: &'static str,
    ) -> Result<FormErrors, AppError> {
        let mut errors = FormErrors::default();
        if let Some(why) = self.recent_or_code(typed, purpose).await? {
            errors.add(field, why);
        }
        Ok(errors)
    }
}
