//! Reading the audit trail back, for the admin page.

use chrono::{DateTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

pub struct Row {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub summary: String,
    pub client_ip: Option<String>,
}

/// What the admin filters the trail by; `None` is "any".
pub struct Wanted<'a> {
    pub actor: Option<Uuid>,
    /// The start of the action's dotted verb (`account.` finds every account action).
    pub action: Option<&'a str>,
    pub entity: Option<&'a str>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
}

/// Matching entries, newest first.
pub async fn find(db: impl PgExecutor<'_>, wanted: &Wanted<'_>, limit: i64) -> sqlx::Result<Vec<Row>> {
    sqlx::query_as!(
        Row,
        r#"select a.id, a.occurred_at as "occurred_at: DateTime<Utc>", u.display_name as "actor_name?",
                  a.action, a.entity_type, a.entity_id, a.summary, a.client_ip
           from audit_log a left join users u on u.id = a.actor_id
           where ($1::uuid is null or a.actor_id = $1)
             and ($2::text is null or a.action like $2 || '%')
             and ($3::text is null or a.entity_type = $3)
             and ($4::timestamptz is null or a.occurred_at >= $4)
             and ($5::timestamptz is null or a.occurred_at < $5)
             and ($6::bigint is null or a.id < $6)
           order by a.id desc
           limit $7"#,
        wanted.actor,
        wanted.action,
        wanted.entity,
        wanted.from,
        wanted.to,
        wanted.before,
        limit
    )
    .fetch_all(db)
    .await
}
