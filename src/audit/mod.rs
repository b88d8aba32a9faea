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

impl<'a> Event<'a> {
    /// An event that no signed-in session acted in (a sign-in attempt, a public
    /// grant application, a one-time link used), from the visitor's address, with
    /// no actor and no details until [`by`](Event::by) and [`with`](Event::with)
    /// give them. A signed-in person's changes go through `accounts::acting`.
    pub fn visitor(
        action: &'a str,
        entity_type: &'a str,
        entity_id: Option<String>,
        summary: String,
        client_ip: &'a str,
    ) -> Self {
        Event {
            actor_id: None,
            action,
            entity_type,
            entity_id,
            summary,
            details: Value::Object(serde_json::Map::new()),
            client_ip: Some(client_ip),
        }
    }

    /// An event of background work that no request carries (an import a
    /// worker ran), so from no address; [`by`](Event::by) names the person it
    /// was done for.
    pub fn unattended(action: &'a str, entity_type: &'a str, entity_id: Option<String>, summary: String) -> Self {
        Event {
            actor_id: None,
            action,
            entity_type,
            entity_id,
            summary,
            details: Value::Object(serde_json::Map::new()),
            client_ip: None,
        }
    }

    /// The account the act surely belongs to, when it does (a completed sign-in,
    /// a password chosen through its own link).
    pub fn by(self, actor_id: Option<Uuid>) -> Self {
        Event { actor_id, ..self }
    }

    pub fn with(self, details: Value) -> Self {
        Event { details, ..self }
    }
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

/// Writes many events in one statement (a row each), for background work that
/// changes many records at once (an import's heroes): one round trip, however
/// many events.
pub async fn record_many(db: impl PgExecutor<'_>, events: &[Event<'_>], now: DateTime<Utc>) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let actors: Vec<Option<Uuid>> = events.iter().map(|e| e.actor_id).collect();
    let actions: Vec<&str> = events.iter().map(|e| e.action).collect();
    let types: Vec<&str> = events.iter().map(|e| e.entity_type).collect();
    let ids: Vec<Option<String>> = events.iter().map(|e| e.entity_id.clone()).collect();
    let summaries: Vec<&str> = events.iter().map(|e| e.summary.as_str()).collect();
    let details: Vec<Value> = events.iter().map(|e| e.details.clone()).collect();
    let ips: Vec<Option<&str>> = events.iter().map(|e| e.client_ip).collect();
    sqlx::query!(
        "insert into audit_log (occurred_at, actor_id, action, entity_type, entity_id, summary, details, client_ip)
         select $1, e.actor_id, e.action, e.entity_type, e.entity_id, e.summary, e.details, e.client_ip
         from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[])
              with ordinality as e(actor_id, action, entity_type, entity_id, summary, details, client_ip, n)
         order by e.n",
        now,
        &actors as &[Option<Uuid>],
        &actions as &[&str],
        &types as &[&str],
        &ids as &[Option<String>],
        &summaries as &[&str],
        &details,
        &ips as &[Option<&str>]
    )
    .execute(db)
    .await?;
    Ok(())
}
