//! SQL for accounts. Functions take any executor so handlers can put several
//! writes in one transaction.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{DisplayName, Email, Role, User};

pub async fn find_by_id(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"select id, email, display_name, role as "role: Role", password_hash, active, session_epoch,
                  created_at as "created_at: DateTime<Utc>"
           from users where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// The account behind a session and whether it has a second factor, in the one
/// query every signed-in request makes.
pub async fn find_for_session(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<(User, bool)>> {
    let row = sqlx::query!(
        r#"select u.id, u.email, u.display_name, u.role as "role: Role", u.password_hash, u.active,
                  u.session_epoch, u.created_at as "created_at: DateTime<Utc>",
                  exists(select 1 from second_factors f where f.user_id = u.id) as "has_factor!"
           from users u where u.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        let user = User {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role: r.role,
            password_hash: r.password_hash,
            active: r.active,
            session_epoch: r.session_epoch,
            created_at: r.created_at,
        };
        (user, r.has_factor)
    }))
}

pub async fn find_by_email(db: impl PgExecutor<'_>, email: &Email) -> sqlx::Result<Option<User>> {
    sqlx::query_as!(
        User,
        r#"select id, email, display_name, role as "role: Role", password_hash, active, session_epoch,
                  created_at as "created_at: DateTime<Utc>"
           from users where email = $1"#,
        email.as_str()
    )
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<User>> {
    sqlx::query_as!(
        User,
        r#"select id, email, display_name, role as "role: Role", password_hash, active, session_epoch,
                  created_at as "created_at: DateTime<Utc>"
           from users order by active desc, lower(display_name), email"#
    )
    .fetch_all(db)
    .await
}

pub async fn any_admin(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(r#"select exists(select 1 from users where role = 'admin') as "found!""#)
        .fetch_one(db)
        .await?;
    Ok(found)
}

pub async fn count_active_admins(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from users where role = 'admin' and active and password_hash is not null"#
    )
    .fetch_one(db)
    .await?;
    Ok(count)
}

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    pub role: Role,
    pub password_hash: Option<&'a str>,
}

/// Inserts the account; `Ok(None)` when the email is already taken.
pub async fn insert(db: impl PgExecutor<'_>, new: NewUser<'_>, now: DateTime<Utc>) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        r#"insert into users (id, email, display_name, role, password_hash, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6)
           on conflict (email) do nothing
           returning id"#,
        Uuid::now_v7(),
        new.email.as_str(),
        new.display_name.as_str(),
        new.role as Role,
        new.password_hash,
        now
    )
    .fetch_optional(db)
    .await
}

/// Sets a new password and ends every existing session of the account.
pub async fn set_password(db: impl PgExecutor<'_>, id: Uuid, hash: &str, now: DateTime<Utc>) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "update users set password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3
         where id = $1 returning session_epoch",
        id,
        hash,
        now
    )
    .fetch_one(db)
    .await
}

/// Replaces a hash made at older parameters by one of the same password: the
/// sessions stand (nothing about the password changed), and a hash changed
/// meanwhile (a new password set) is left alone.
pub async fn replace_stale_hash(db: impl PgExecutor<'_>, id: Uuid, stale: &str, fresh: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set password_hash = $3 where id = $1 and password_hash = $2",
        id,
        stale,
        fresh
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_role(db: impl PgExecutor<'_>, id: Uuid, role: Role, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set role = $2, session_epoch = session_epoch + 1, updated_at = $3 where id = $1",
        id,
        role as Role,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Deactivating bumps the epoch, which ends the account's sessions everywhere.
pub async fn set_active(db: impl PgExecutor<'_>, id: Uuid, active: bool, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set active = $2, session_epoch = session_epoch + 1, updated_at = $3 where id = $1",
        id,
        active,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Ends every session of the account, on every instance.
pub async fn end_sessions(db: impl PgExecutor<'_>, id: Uuid, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "update users set session_epoch = session_epoch + 1, updated_at = $2 where id = $1",
        id,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Serialises making the first admin (its setup link, and its use), across
/// instances, until the transaction ends.
pub async fn lock_first_admin(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('honor_mile_first_admin'))")
        .execute(db)
        .await?;
    Ok(())
}

/// Locks the admin rows so that two admins demoting each other at once cannot
/// leave the program without one.
pub async fn lock_admins(db: impl PgExecutor<'_>) -> sqlx::Result<()> {
    sqlx::query!("select id from users where role = 'admin' for update")
        .fetch_all(db)
        .await?;
    Ok(())
}

/// Whether `actor` did `action` to account `id` after `since`, by the audit trail.
pub async fn did_lately(
    db: impl PgExecutor<'_>,
    actor: Uuid,
    action: &str,
    id: Uuid,
    since: DateTime<Utc>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from audit_log where actor_id = $1 and action = $2 and entity_type = 'account'
                         and entity_id = $3 and occurred_at > $4) as "found!""#,
        actor,
        action,
        id.to_string(),
        since
    )
    .fetch_one(db)
    .await
}

/// Whether this person receives the daily staff digest.
pub async fn wants_digest(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query_scalar!("select wants_digest from users where id = $1", id)
        .fetch_one(db)
        .await
}

/// Turns this person's daily digest on or off; false when it already was.
pub async fn set_wants_digest(db: impl PgExecutor<'_>, id: Uuid, on: bool, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update users set wants_digest = $2, updated_at = $3 where id = $1 and wants_digest <> $2",
        id,
        on,
        now
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Someone the daily digest goes to.
pub struct DigestReader {
    pub email: String,
    pub display_name: String,
}

/// Everyone who receives the daily digest: active accounts that have chosen a
/// password (an invitation not yet taken up gets none) and have not turned it off.
pub async fn digest_readers(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<DigestReader>> {
    sqlx::query_as!(
        DigestReader,
        "select email, display_name from users
         where active and password_hash is not null and wants_digest
         order by email"
    )
    .fetch_all(db)
    .await
}
