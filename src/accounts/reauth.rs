//! Typing one's password again before an act that matters (approving money,
//! changing one's own password): a session left open on a shared computer is
//! not enough. Wrong passwords count with the account's sign-in failures, so
//! guessing from a stolen session locks the account like guessing at sign-in
//! does, and each is in the audit trail.

use super::session::SessionUser;
use super::{queries, throttle};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;

/// What the password is typed for: the words shown and the trail's entry.
pub struct Purpose {
    /// Shown when nothing was typed.
    pub empty: &'static str,
    /// Shown while the account is locked by failures.
    pub locked: &'static str,
    /// Shown when the password is wrong.
    pub wrong: &'static str,
    /// The audit action of a wrong password.
    pub action: &'static str,
    /// What the person tried to do, for the trail ("approve a grant").
    pub doing: &'static str,
}

/// Checks the typed password; returns why it is refused, if it is.
pub async fn password_again(
    state: &AppState,
    me: &SessionUser,
    typed: &str,
    ip: &str,
    purpose: &Purpose,
) -> Result<Option<&'static str>, AppError> {
    if typed.is_empty() {
        return Ok(Some(purpose.empty));
    }
    let user = queries::find_by_id(&state.pool, me.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let now = state.now();
    let key = throttle::account_key(&user.email);
    if throttle::locked_until(&state.pool, &key, now).await?.is_some() {
        return Ok(Some(purpose.locked));
    }
    if state.hasher.verify(typed, user.password_hash.as_deref()).await? {
        return Ok(None);
    }
    let mut tx = state.pool.begin().await?;
    throttle::record_failure(&mut *tx, &key, throttle::ACCOUNT_LIMIT, now).await?;
    let event = Event {
        actor_id: Some(me.id),
        action: purpose.action,
        entity_type: "account",
        entity_id: Some(me.id.to_string()),
        summary: format!("{} typed a wrong password to {}", me.email, purpose.doing),
        details: serde_json::json!({}),
        client_ip: Some(ip),
    };
    audit::record(&mut *tx, event, now).await?;
    tx.commit().await?;
    Ok(Some(purpose.wrong))
}
