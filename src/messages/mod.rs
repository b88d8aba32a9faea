//! Messages to people: every email is written to the `outbox` table in the
//! transaction of the change that causes it ([`queue`]), so no change goes
//! without its message and no message leaves for a change that rolled back.
//! Each instance's [`sender`] sends them when a mail server is configured;
//! without one they wait in the outbox, where admins read them ([`outbox_page`]).

pub mod forgot;
pub mod letters;
pub mod model;
pub mod outbox_page;
pub mod queries;
pub mod sender;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;
use crate::state::AppState;
use letters::Letter;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login/forgot", get(forgot::form).post(forgot::submit))
        .route("/admin/outbox", get(outbox_page::list))
        .route("/admin/outbox/{id}/retry", post(outbox_page::retry))
}

/// Writes `letter` to the outbox in the caller's transaction.
pub async fn queue<L: Letter>(tx: &mut PgConnection, letter: &L, now: DateTime<Utc>) -> Result<Uuid, AppError> {
    let message = letter
        .written()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a {} message: {e}", L::KIND)))?;
    Ok(queries::insert(&mut *tx, &message, now).await?)
}

/// Tells an account's owner, in the change's transaction, that `what` happened
/// to their sign-in (a [`letters::SecurityNotice`]).
pub async fn notify_owner(
    tx: &mut PgConnection,
    email: &str,
    name: &str,
    what: &'static str,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let notice = letters::SecurityNotice {
        to: email.to_string(),
        name: name.to_string(),
        what,
    };
    queue(tx, &notice, now).await
}
