//! One-time links: the first admin's setup link, invitations and password resets.
//! The random token (256 bits) lives only in the link; the database keeps its
//! SHA-256, so a copy of the database does not hand out working links.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::vocab::secrets;

#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "token_purpose", rename_all = "snake_case")]
pub enum Purpose {
    FirstAdmin,
    Invite,
    Reset,
    /// Asked for on the sign-in page, by whoever typed the address.
    Forgot,
}

impl Purpose {
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::FirstAdmin | Purpose::Reset => Duration::hours(24),
            Purpose::Invite => Duration::days(7),
            Purpose::Forgot => Duration::hours(1),
        }
    }
}

pub struct ValidToken {
    pub hash: Vec<u8>,
    pub purpose: Purpose,
    pub user_id: Option<Uuid>,
}

/// Creates a link token and returns the token itself (to be shown once).
pub async fn create(
    db: impl PgExecutor<'_>,
    purpose: Purpose,
    user_id: Option<Uuid>,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let (token, hash) = secrets::new_link_secret();
    sqlx::query!(
        "insert into account_tokens (token_hash, purpose, user_id, created_by, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6)",
        hash,
        purpose as Purpose,
        user_id,
        created_by,
        now,
        now + purpose.lifetime()
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// The token if it exists, has this purpose, is unused and has not expired.
pub async fn find_valid(
    db: impl PgExecutor<'_>,
    token: &str,
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<ValidToken>> {
    let Some(hash) = secrets::hash_if_shaped(token) else {
        return Ok(None);
    };
    let row = sqlx::query_as!(
        ValidToken,
        r#"select token_hash as hash, purpose as "purpose: Purpose", user_id
           from account_tokens
           where token_hash = $1 and used_at is null and expires_at > $2"#,
        hash,
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(row.filter(|t| purposes.contains(&t.purpose)))
}

/// Marks the token used; false when another request used it first.
pub async fn consume(db: impl PgExecutor<'_>, hash: &[u8], now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update account_tokens set used_at = $2 where token_hash = $1 and used_at is null and expires_at > $2",
        hash,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws the unused links of one account (a new invitation or reset replaces them).
pub async fn revoke_for_user(db: impl PgExecutor<'_>, user_id: Uuid, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "update account_tokens set used_at = $2 where user_id = $1 and used_at is null",
        user_id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// On a database with no admin, makes a setup link (an instance started alongside
/// makes its own; the first one used wins). Returns `None` once an admin exists.
pub async fn first_admin_link(pool: &sqlx::PgPool, now: DateTime<Utc>) -> sqlx::Result<Option<String>> {
    let mut tx = pool.begin().await?;
    super::queries::lock_first_admin(&mut *tx).await?;
    if super::queries::any_admin(&mut *tx).await? {
        return Ok(None);
    }
    let token = create(&mut *tx, Purpose::FirstAdmin, None, None, now).await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// The latest invitation of an account, as its page tells it: only the hash
/// of the link is kept, so the link itself cannot be shown again.
pub struct Invitation {
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When it was used, or withdrawn (a new link or a deactivation replaces it).
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn latest_invitation(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Option<Invitation>> {
    sqlx::query_as!(
        Invitation,
        r#"select created_at as "created_at: DateTime<Utc>", expires_at as "expires_at: DateTime<Utc>",
                  used_at as "used_at: DateTime<Utc>"
           from account_tokens where user_id = $1 and purpose = 'invite'
           order by created_at desc limit 1"#,
        user_id
    )
    .fetch_optional(db)
    .await
}
