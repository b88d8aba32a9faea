//! The SQL of a hero's private contacts. Only staff pages and the flag's
//! recipient call these.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::contact_model::{Contact, ContactInput, ContactKind};

pub async fn for_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as!(
        Contact,
        r#"select id, hero_id, kind as "kind: ContactKind", name, relationship, phone, email, postal_address, notes
           from hero_contacts where hero_id = $1 order by kind, name"#,
        hero_id
    )
    .fetch_all(db)
    .await
}

/// One contact of this hero.
pub async fn find(db: impl PgExecutor<'_>, hero_id: Uuid, id: Uuid) -> sqlx::Result<Option<Contact>> {
    Ok(for_hero(db, hero_id).await?.into_iter().find(|c| c.id == id))
}

/// Adds a contact with the id given (a flag's new recipient keeps its id).
pub async fn insert(
    conn: &mut PgConnection,
    id: Uuid,
    hero_id: Uuid,
    input: &ContactInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "insert into hero_contacts (id, hero_id, kind, name, relationship, phone, email, postal_address, notes,
                                    created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) returning id",
        id,
        hero_id,
        input.kind as ContactKind,
        input.name,
        input.relationship,
        input.phone,
        input.email,
        input.postal_address,
        input.notes,
        now,
        actor
    )
    .fetch_one(conn)
    .await
}

/// Changes a contact of this hero; `None` when the hero has no such contact.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    hero_id: Uuid,
    input: &ContactInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "update hero_contacts set kind = $3, name = $4, relationship = $5, phone = $6, email = $7,
                postal_address = $8, notes = $9, updated_at = $10, updated_by = $11
         where id = $1 and hero_id = $2 returning id",
        id,
        hero_id,
        input.kind as ContactKind,
        input.name,
        input.relationship,
        input.phone,
        input.email,
        input.postal_address,
        input.notes,
        now,
        actor
    )
    .fetch_optional(conn)
    .await
}

/// Removes a contact of this hero; its name, or `None` when there was none.
pub async fn delete(conn: &mut PgConnection, id: Uuid, hero_id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "delete from hero_contacts where id = $1 and hero_id = $2 returning name",
        id,
        hero_id
    )
    .fetch_optional(conn)
    .await
}
