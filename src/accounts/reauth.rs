//! Typing one's password again before an act that matters (approving money,
//! changing one's own password): a session left open on a shared computer is
//! not enough. The attempt is reserved with the throttle before the password is
//! checked, on the account's signed-in count: guessing from a stolen session
//! locks the account (its sign-in too) like guessing at sign-in does, while a
//! stranger's wrong sign-ins never block the owner's session. Each wrong
//! password is in the audit trail.

use serde_json::json;

use super::acting::{Acting, Change};
use super::queries;
use super::throttle::{self, Reservation};
use crate::error::AppError;

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

impl<R> Acting<R> {
    /// Checks the password this person typed again; returns why it is refused, if it is.
    pub async fn password_again(&self, typed: &str, purpose: &Purpose) -> Result<Option<&'static str>, AppError> {
        if typed.is_empty() {
            return Ok(Some(purpose.empty));
        }
        let state = &self.state;
        let user = queries::find_by_id(&state.pool, self.me.id)
            .await?
            .ok_or(AppError::Forbidden)?;
        let now = state.now();
        let limit = throttle::signed_in_limit(&user.email);
        let reserved = match throttle::reserve(&state.pool, &limit, now).await? {
            Reservation::Reserved(reserved) => reserved,
            Reservation::Refused => return Ok(Some(purpose.locked)),
        };
        if state.hasher.verify(typed, user.password_hash.as_deref()).await? {
            throttle::give_back(&state.pool, &limit, &reserved).await?;
            return Ok(None);
        }
        let change = Change {
            action: purpose.action,
            entity_type: "account",
            entity_id: self.me.id.to_string(),
            summary: format!("{} typed a wrong password to {}", self.me.email, purpose.doing),
            details: json!({}),
        };
        self.record(&state.pool, change).await?;
        Ok(Some(purpose.wrong))
    }
}
