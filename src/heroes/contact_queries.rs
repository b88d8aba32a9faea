//! The SQL of a hero's private contacts. Only staff pages, the flag's
//! recipient and the family's notice that the mile was run call these.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::contact_model::{Contact, ContactInput, ContactKind};

pub async fn for_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Contact>> {
    sqlx::query_as!(
        Contact,
        r#"select id, hero_id, kind as "kind: ContactKind", name, relationship, phone, email, postal_address, notes,
                  email_consent_on
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
                                    email_consent_on, created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $12, $10, $11, $10, $11) returning id",
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
        actor,
        input.email_consent
    )
    .fetch_one(conn)
    .await
}

/// A contact as an update left it: its agreement to be emailed before and after.
pub struct Updated {
    pub id: Uuid,
    pub consent_before: Option<NaiveDate>,
    pub consent_after: Option<NaiveDate>,
}

/// Changes a contact of this hero; `None` when the hero has no such contact.
/// An agreement to be emailed keeps its first day while it stands for the same
/// address; a new address is agreed to on the day given.
pub async fn update(
    conn: &mut PgConnection,
    id: Uuid,
    hero_id: Uuid,
    input: &ContactInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Updated>> {
    // Read (and lock) the agreement as it stood, for the audit trail; a
    // sub-select in the update itself would see the row it is changing.
    let Some(before) = sqlx::query_scalar!(
        "select email_consent_on from hero_contacts where id = $1 and hero_id = $2 for update",
        id,
        hero_id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let after = sqlx::query_scalar!(
        "update hero_contacts set kind = $3, name = $4, relationship = $5, phone = $6, email = $7,
                postal_address = $8, notes = $9, updated_at = $10, updated_by = $11,
                email_consent_on = case when $12::date is null then null
                                        when email = $7 then coalesce(email_consent_on, $12)
                                        else $12 end
         where id = $1 and hero_id = $2
         returning email_consent_on",
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
        actor,
        input.email_consent
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(Updated {
        id,
        consent_before: before,
        consent_after: after,
    }))
}

/// A family contact who agreed to be emailed when the mile is run, and their address.
pub struct Emailable {
    pub name: String,
    pub email: String,
}

/// The hero's family contacts with an address who agreed to be emailed.
pub async fn consenting_family(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Emailable>> {
    sqlx::query_as!(
        Emailable,
        "select name, email from hero_contacts
         where hero_id = $1 and kind = 'family' and email <> '' and email_consent_on is not null
         order by name, id",
        hero_id
    )
    .fetch_all(db)
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
