//! The SQL of proposals. Staff decisions are conditional moves out of `open`,
//! so a proposal is turned into a draft once, whoever presses first.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{NewProposal, Proposal, ProposalStatus};
use crate::heroes::model::Service;

pub async fn insert(db: impl PgExecutor<'_>, input: &NewProposal, now: DateTime<Utc>) -> sqlx::Result<Uuid> {
    let named = input.named.as_ref();
    sqlx::query_scalar!(
        "insert into proposals (id, hero_id, full_name, agency, region, service, end_of_watch, details, source,
                                proposer_name, proposer_email, submitted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
        Uuid::now_v7(),
        input.hero,
        named.map_or("", |n| n.full_name.as_str()),
        named.map_or("", |n| n.agency.as_str()),
        named.map_or(String::new(), |n| format!(
            "{}-{}",
            n.region.country.code(),
            n.region.code
        )),
        named.map(|n| n.service) as Option<Service>,
        named.map(|n| n.end_of_watch),
        input.details,
        input.source,
        input.proposer_name,
        input.proposer_email,
        now
    )
    .fetch_one(db)
    .await
}

/// Open proposals, oldest first.
pub async fn open(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<Proposal>> {
    sqlx::query_as!(
        Proposal,
        r#"select p.id, p.hero_id, h.full_name as "hero_name?", p.full_name, p.agency, p.region,
                  p.service as "service: Service", p.end_of_watch, p.details, p.source, p.proposer_name,
                  p.proposer_email, p.submitted_at as "submitted_at: DateTime<Utc>"
           from proposals p left join heroes h on h.id = p.hero_id
           where p.status = 'open' order by p.submitted_at, p.id limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// One open proposal, locked until the decision on it commits.
pub async fn open_for_update(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Proposal>> {
    sqlx::query_as!(
        Proposal,
        r#"select p.id, p.hero_id, null::text as "hero_name?", p.full_name, p.agency, p.region,
                  p.service as "service: Service", p.end_of_watch, p.details, p.source, p.proposer_name,
                  p.proposer_email, p.submitted_at as "submitted_at: DateTime<Utc>"
           from proposals p where p.id = $1 and p.status = 'open' for update"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Closes an open proposal with the decision taken on it.
pub async fn decide(
    db: impl PgExecutor<'_>,
    id: Uuid,
    to: ProposalStatus,
    draft: Option<Uuid>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update proposals set status = $2, draft_hero_id = $3, decided_at = $4, decided_by = $5
         where id = $1 and status = 'open'",
        id,
        to as ProposalStatus,
        draft,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a hero may be corrected by the public: confirmed ones only.
pub async fn is_public_hero(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select full_name from heroes where id = $1 and confirmed_at is not null",
        id
    )
    .fetch_optional(db)
    .await
}
