//! What the owner of an account is told about attempts on it: failed sign-ins
//! (wrong passwords and codes at sign-in) and attempts refused while sign-in to
//! it was paused, since the sign-in before this one. The staff desk shows it,
//! and the attempt that pauses sign-in emails the owner ([`tell_paused`]).

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::error::AppError;
use crate::messages::notify_owner;
use crate::state::AppState;

const PAUSED: &str = "Sign-in to your account was paused after too many wrong passwords or codes. \
                      If that was you, wait a while, or use \"Forgot your password?\" on the sign-in page. \
                      If it was not, someone may be guessing your password.";

/// Tells an active account's owner that sign-in to it was just paused. Only the
/// attempt that set the pause calls this, so one pause is one message.
pub async fn tell_paused(state: &AppState, user_id: Uuid) -> Result<(), AppError> {
    let mut tx = state.pool.begin().await?;
    if let Some(user) = super::queries::find_by_id(&mut *tx, user_id)
        .await?
        .filter(|u| u.active)
    {
        notify_owner(&mut tx, &user.email, &user.display_name, PAUSED, state.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// How far back the desk looks when the account never signed in before.
const LOOK_BACK: Duration = Duration::days(30);

#[derive(Debug)]
pub struct SignInTrouble {
    /// Wrong passwords and codes typed at sign-in.
    pub failures: i64,
    /// Attempts refused while sign-in was paused.
    pub refused: i64,
    pub last_at: DateTime<Utc>,
}

pub async fn sign_in_trouble(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<SignInTrouble>> {
    // The latest sign-in is this session's own; what came after the one
    // before it (in the trail's order) is news to the owner. Codes refused in a signed-in session
    // (an actor) are the owner's own mistakes, not attempts from elsewhere.
    let row = sqlx::query!(
        r#"with previous as (
             select id from audit_log
             where entity_type = 'account' and entity_id = $1 and action = 'sign_in.succeeded'
             order by id desc offset 1 limit 1)
           select count(*) filter (where action <> 'sign_in.locked') as "failures!",
                  count(*) filter (where action = 'sign_in.locked') as "refused!",
                  max(occurred_at) as "last_at: DateTime<Utc>"
           from audit_log
           where entity_type = 'account' and entity_id = $1
             and (action in ('sign_in.failed', 'sign_in.locked')
                  or (action = 'second_factor.code_refused' and actor_id is null))
             and id > coalesce((select id from previous), 0) and occurred_at > $2"#,
        user_id.to_string(),
        now - LOOK_BACK
    )
    .fetch_one(db)
    .await?;
    Ok(row.last_at.map(|last_at| SignInTrouble {
        failures: row.failures,
        refused: row.refused,
        last_at,
    }))
}
