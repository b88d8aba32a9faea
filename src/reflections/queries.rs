//! The SQL of reflections. Moves out of the queue are conditional updates, so
//! two staff deciding at once cannot both act on the same reflection.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{NewReflection, QueuedReflection, ReflectionStatus};

/// Stores a visitor's reflection, pending, for a confirmed hero; `None` when
/// the hero is not public.
pub async fn insert(
    db: impl PgExecutor<'_>,
    hero_id: Uuid,
    input: &NewReflection,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "insert into reflections (id, hero_id, author_name, place, body, submitted_at)
         select $1, id, $3, $4, $5, $6 from heroes where id = $2 and confirmed_at is not null
         returning id",
        Uuid::now_v7(),
        hero_id,
        input.author_name,
        input.place,
        input.body,
        now
    )
    .fetch_optional(db)
    .await
}

/// Reflections in one state, with their heroes: the queue oldest first, the
/// shown ones most recently approved first.
pub async fn in_state(
    db: impl PgExecutor<'_>,
    status: ReflectionStatus,
    limit: i64,
) -> sqlx::Result<Vec<QueuedReflection>> {
    sqlx::query_as!(
        QueuedReflection,
        r#"select r.id, r.hero_id, h.full_name as hero_name, r.author_name, r.place, r.body,
                  r.submitted_at as "submitted_at: DateTime<Utc>"
           from reflections r join heroes h on h.id = r.hero_id
           where r.status = $1
           order by case when $1 = 'pending'::reflection_status then r.submitted_at end,
                    r.decided_at desc, r.id
           limit $2"#,
        status as ReflectionStatus,
        limit
    )
    .fetch_all(db)
    .await
}

/// Moves a reflection from `from` to `to`; the author's name when it moved,
/// `None` when it was not in `from` (already decided by someone else).
pub async fn decide(
    db: impl PgExecutor<'_>,
    id: Uuid,
    from: ReflectionStatus,
    to: ReflectionStatus,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        "update reflections set status = $3, decided_at = $4, decided_by = $5
         where id = $1 and status = $2 returning hero_id, author_name",
        id,
        from as ReflectionStatus,
        to as ReflectionStatus,
        now,
        actor
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.hero_id, r.author_name)))
}
