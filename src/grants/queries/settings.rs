//! SQL for the grant settings in force and the change one admin proposed, which
//! waits for a different admin to confirm it.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub monthly_minimum_cents: i64,
    pub yearly_target_cents: i64,
    pub second_approval_threshold_cents: i64,
}

/// The settings in force.
pub async fn current(db: impl PgExecutor<'_>) -> sqlx::Result<Settings> {
    sqlx::query_as!(
        Settings,
        "select monthly_minimum_cents, yearly_target_cents, second_approval_threshold_cents from grant_settings"
    )
    .fetch_one(db)
    .await
}

/// A change waiting for a second admin.
pub struct Proposal {
    pub settings: Settings,
    pub proposed_by: Uuid,
    pub proposed_by_name: String,
    pub proposed_at: DateTime<Utc>,
}

pub async fn proposal(db: impl PgExecutor<'_>) -> sqlx::Result<Option<Proposal>> {
    let row = sqlx::query!(
        r#"select s.proposed_minimum_cents as "minimum!", s.proposed_target_cents as "target!",
                  s.proposed_threshold_cents as "threshold!", s.proposed_by as "proposed_by!",
                  u.display_name as proposed_by_name, s.proposed_at as "proposed_at!: DateTime<Utc>"
           from grant_settings s join users u on u.id = s.proposed_by"#
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Proposal {
        settings: Settings {
            monthly_minimum_cents: r.minimum,
            yearly_target_cents: r.target,
            second_approval_threshold_cents: r.threshold,
        },
        proposed_by: r.proposed_by,
        proposed_by_name: r.proposed_by_name,
        proposed_at: r.proposed_at,
    }))
}

/// Records `settings` as the proposal, replacing any earlier one.
pub async fn propose(
    db: impl PgExecutor<'_>,
    settings: &Settings,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_settings set proposed_minimum_cents = $1, proposed_target_cents = $2,
                proposed_threshold_cents = $3, proposed_by = $4, proposed_at = $5",
        settings.monthly_minimum_cents,
        settings.yearly_target_cents,
        settings.second_approval_threshold_cents,
        actor,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Puts the proposal in force when it is still the one the confirming admin saw
/// (`seen`) and someone else proposed it. True when it was applied.
pub async fn confirm(conn: &mut PgConnection, seen: &Settings, actor: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update grant_settings set monthly_minimum_cents = proposed_minimum_cents,
                yearly_target_cents = proposed_target_cents,
                second_approval_threshold_cents = proposed_threshold_cents,
                updated_at = $4, updated_by = $5, confirmed_proposal_of = proposed_by,
                proposed_minimum_cents = null, proposed_target_cents = null, proposed_threshold_cents = null,
                proposed_by = null, proposed_at = null
         where proposed_minimum_cents = $1 and proposed_target_cents = $2 and proposed_threshold_cents = $3
           and proposed_by <> $5",
        seen.monthly_minimum_cents,
        seen.yearly_target_cents,
        seen.second_approval_threshold_cents,
        now,
        actor
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Drops the proposal; true when there was one.
pub async fn withdraw(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update grant_settings set proposed_minimum_cents = null, proposed_target_cents = null,
                proposed_threshold_cents = null, proposed_by = null, proposed_at = null
         where proposed_by is not null"
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
