//! The SQL of family campaigns.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::campaign_model::{Campaign, NewCampaign};

pub async fn for_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Campaign>> {
    sqlx::query_as!(
        Campaign,
        r#"select id, hero_id, title, family_line, donation_url, goal_cents, raised_cents, opens_on, closes_on,
                  closed_at as "closed_at: DateTime<Utc>"
           from campaigns where hero_id = $1 order by opens_on desc, id desc"#,
        hero_id
    )
    .fetch_all(db)
    .await
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    hero_id: Uuid,
    input: &NewCampaign,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "insert into campaigns (id, hero_id, title, family_line, donation_url, goal_cents, raised_cents, opens_on,
                                closes_on, created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11) returning id",
        Uuid::now_v7(),
        hero_id,
        input.title,
        input.family_line,
        input.donation_url.as_str(),
        input.goal_cents,
        input.raised_cents,
        input.opens_on,
        input.closes_on,
        now,
        actor
    )
    .fetch_one(db)
    .await
}

pub async fn update(
    db: impl PgExecutor<'_>,
    hero_id: Uuid,
    id: Uuid,
    input: &NewCampaign,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "update campaigns set title = $3, family_line = $4, donation_url = $5, goal_cents = $6, raised_cents = $7,
                opens_on = $8, closes_on = $9, updated_at = $10, updated_by = $11
         where id = $1 and hero_id = $2 returning id",
        id,
        hero_id,
        input.title,
        input.family_line,
        input.donation_url.as_str(),
        input.goal_cents,
        input.raised_cents,
        input.opens_on,
        input.closes_on,
        now,
        actor
    )
    .fetch_optional(db)
    .await
}

/// Closes a campaign early; `None` when it does not exist or was closed already.
pub async fn close(
    db: impl PgExecutor<'_>,
    hero_id: Uuid,
    id: Uuid,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "update campaigns set closed_at = $3, closed_by = $4, updated_at = $3, updated_by = $4
         where id = $1 and hero_id = $2 and closed_at is null returning title",
        id,
        hero_id,
        now,
        actor
    )
    .fetch_optional(db)
    .await
}
