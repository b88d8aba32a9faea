//! SQL for the ways a hero record leaves the public side or goes away: back to
//! draft, a draft deleted, a duplicate merged into the record it duplicates.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

/// Takes a confirmed hero back to draft; `false` when it was not confirmed.
pub async fn unpublish(db: impl PgExecutor<'_>, id: Uuid, actor: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update heroes set confirmed_at = null, confirmed_by = null, confirmation_source = null,
                updated_at = $2, updated_by = $3
         where id = $1 and confirmed_at is not null",
        id,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a draft that nothing else holds (no mile, run or campaign); `false`
/// otherwise. Its private contacts go with it.
pub async fn delete_draft(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "delete from heroes h
         where h.id = $1 and h.confirmed_at is null
           and not exists (select 1 from miles m where m.hero_id = h.id)
           and not exists (select 1 from run_heroes rh where rh.hero_id = h.id)
           and not exists (select 1 from campaigns c where c.hero_id = h.id)",
        id
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// What a merge moved, for the audit trail.
#[derive(serde::Serialize)]
pub struct Moved {
    pub miles: u64,
    pub runs: u64,
    pub contacts: u64,
    pub campaigns: u64,
    pub photo: bool,
}

/// Moves everything the duplicate holds to the kept hero, leaves a redirect
/// from its id, and deletes it. Both rows are locked first (in id order, so two
/// merges of one pair cannot deadlock); `None` when either is gone.
pub async fn merge(
    conn: &mut PgConnection,
    duplicate: Uuid,
    kept: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Moved>> {
    let locked = sqlx::query_scalar!(
        "select id from heroes where id = any($1) order by id for update",
        &[duplicate, kept][..]
    )
    .fetch_all(&mut *conn)
    .await?;
    if locked.len() != 2 {
        return Ok(None);
    }
    let miles = sqlx::query!("update miles set hero_id = $2 where hero_id = $1", duplicate, kept)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let runs = sqlx::query!(
        "insert into run_heroes (run_id, hero_id) select run_id, $2 from run_heroes where hero_id = $1
         on conflict do nothing",
        duplicate,
        kept
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!("delete from run_heroes where hero_id = $1", duplicate)
        .execute(&mut *conn)
        .await?;
    let contacts = sqlx::query!(
        "update hero_contacts set hero_id = $2 where hero_id = $1",
        duplicate,
        kept
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let campaigns = sqlx::query!("update campaigns set hero_id = $2 where hero_id = $1", duplicate, kept)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    // The kept record takes the duplicate's photo and confirmation only where it has none.
    let photo = sqlx::query!(
        "update heroes k set photo_key = d.photo_key, updated_at = $3, updated_by = $4
         from heroes d where k.id = $2 and d.id = $1 and k.photo_key is null and d.photo_key is not null",
        duplicate,
        kept,
        now,
        actor
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    sqlx::query!(
        "update heroes k set confirmed_at = d.confirmed_at, confirmed_by = d.confirmed_by,
                confirmation_source = d.confirmation_source, updated_at = $3, updated_by = $4
         from heroes d where k.id = $2 and d.id = $1 and k.confirmed_at is null and d.confirmed_at is not null",
        duplicate,
        kept,
        now,
        actor
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update hero_redirects set hero_id = $2 where hero_id = $1",
        duplicate,
        kept
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("delete from heroes where id = $1", duplicate)
        .execute(&mut *conn)
        .await?;
    sqlx::query!(
        "insert into hero_redirects (old_id, hero_id, merged_at, merged_by) values ($1, $2, $3, $4)",
        duplicate,
        kept,
        now,
        actor
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some(Moved {
        miles,
        runs,
        contacts,
        campaigns,
        photo,
    }))
}

/// Where a merged hero's id leads now.
pub async fn redirect_of(db: impl PgExecutor<'_>, old_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select hero_id from hero_redirects where old_id = $1", old_id)
        .fetch_optional(db)
        .await
}
