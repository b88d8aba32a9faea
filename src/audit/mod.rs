//! The audit trail: one table saying who did what to which record, and when.
//! Every area writes to it through [`record`], in the same transaction as the
//! change it describes, so a change and its trace land together or not at all.

pub mod queries;
pub mod routes;
pub mod words;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct Event<'a> {
    pub actor_id: Option<Uuid>,
    /// A dotted verb, e.g. `account.deactivated`, `sign_in.failed`.
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<String>,
    /// One line for people reading the trail.
    pub summary: String,
    pub details: Value,
    pub client_ip: Option<&'a str>,
}

pub async fn record(db: impl PgExecutor<'_>, event: Event<'_>, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into audit_log (occurred_at, actor_id, action, entity_type, entity_id, summary, details, client_ip)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        now,
        event.actor_id,
        event.action,
        event.entity_type,
        event.entity_id,
        event.summary,
        event.details,
        event.client_ip
    )
    .execute(db)
    .await?;
    Ok(())
}
