//! SQL for grant applications: receive them, read one, its notes and the queue.
//! What moves an application from step to step is in [`steps`].

pub mod follow;
pub mod settings;
mod steps;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgExecutor;
use uuid::Uuid;

pub use self::steps::*;
use super::form::ApplicationInput;
use super::model::{Application, GrantKind, GrantStatus, PaymentMethod};
use crate::heroes::model::Service;
use crate::vocab::secrets;
use crate::web::lang::Lang;

/// A saved application: its id, its reference ("G-2026-000123"), and the
/// secret of its private status link (shown once, kept only as a hash).
pub struct Received {
    pub id: Uuid,
    pub reference: String,
    pub status_secret: String,
}

pub async fn insert(
    db: impl PgExecutor<'_>,
    input: &ApplicationInput,
    entered_by: Option<Uuid>,
    lang: Lang,
    year: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Received> {
    let id = Uuid::now_v7();
    let (status_secret, status_hash) = secrets::new_link_secret();
    let reference = sqlx::query_scalar!(
        r#"insert into grant_applications
             (id, reference, kind, recipient_name, rank_title, service, agency, agency_place, consent_to_name,
              injury_date, circumstances, amount_requested_cents, nominator_name, nominator_relationship,
              contact_phone, contact_email, submitted_at, entered_by, updated_at, items_requested,
              status_token_hash, language)
           values ($1, 'G-' || $2::int || '-' || lpad(nextval('grant_reference_seq')::text, 6, '0'),
                   $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17, $19, $20, $21)
           returning reference"#,
        id,
        year,
        input.kind as GrantKind,
        input.recipient_name,
        input.rank_title,
        input.service as Service,
        input.agency,
        input.agency_place,
        input.consent_to_name,
        input.injury_date,
        input.circumstances,
        input.amount_requested.get(),
        input.nominator_name,
        input.nominator_relationship,
        input.contact_phone,
        input.contact_email,
        now,
        entered_by,
        input.items_requested,
        status_hash,
        lang.code()
    )
    .fetch_one(db)
    .await?;
    Ok(Received {
        id,
        reference,
        status_secret,
    })
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Application>> {
    sqlx::query_as!(
        Application,
        r#"select a.id, a.reference, a.kind as "kind: GrantKind", a.recipient_name, a.rank_title,
                  a.service as "service: Service", a.agency, a.agency_place, a.consent_to_name,
                  a.injury_date, a.circumstances, a.amount_requested_cents, a.nominator_name,
                  a.nominator_relationship, a.contact_phone, a.contact_email, a.items_requested,
                  a.status as "status: GrantStatus", a.submitted_at as "submitted_at: DateTime<Utc>",
                  a.entered_by, eu.display_name as "entered_by_name?",
                  su.display_name as "shortlisted_by_name?",
                  a.approved_cents, a.grant_month, a.first_approved_by,
                  fu.display_name as "first_approved_by_name?", cu.display_name as "second_approved_by_name?",
                  a.recipient_number, du.display_name as "declined_by_name?", a.decline_reason, a.decline_message,
                  a.paid_on, a.payment_method as "payment_method: PaymentMethod", a.payment_reference,
                  a.language
           from grant_applications a
           left join users eu on eu.id = a.entered_by
           left join users su on su.id = a.shortlisted_by
           left join users fu on fu.id = a.first_approved_by
           left join users cu on cu.id = a.second_approved_by
           left join users du on du.id = a.declined_by
           where a.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

pub struct Note {
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn notes(db: impl PgExecutor<'_>, application: Uuid) -> sqlx::Result<Vec<Note>> {
    sqlx::query_as!(
        Note,
        r#"select u.display_name as author, n.body, n.created_at as "created_at: DateTime<Utc>"
           from grant_notes n join users u on u.id = n.author_id
           where n.application_id = $1 order by n.created_at, n.id"#,
        application
    )
    .fetch_all(db)
    .await
}

pub async fn add_note(
    db: impl PgExecutor<'_>,
    application: Uuid,
    author: Uuid,
    body: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into grant_notes (id, application_id, author_id, body, created_at) values ($1, $2, $3, $4, $5)",
        Uuid::now_v7(),
        application,
        author,
        body,
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// An approved grant still unpaid after this many days stands out.
pub const UNPAID_ALERT_DAYS: i64 = 30;

/// One line of the staff queue.
#[derive(Clone)]
pub struct QueueRow {
    pub id: Uuid,
    pub reference: String,
    pub kind: GrantKind,
    pub recipient_name: String,
    pub agency: String,
    pub status: GrantStatus,
    pub amount_requested_cents: i64,
    pub approved_cents: Option<i64>,
    pub grant_month: Option<NaiveDate>,
    pub submitted_at: DateTime<Utc>,
    /// When the grant started counting (its final approval); None before.
    pub counted_at: Option<DateTime<Utc>>,
}

impl QueueRow {
    pub fn asked(&self) -> String {
        crate::vocab::money::dollars(self.amount_requested_cents)
    }

    /// How many days an approved grant has waited for its payment, counted in
    /// calendar days of the program's time zone from the day it started counting;
    /// only once that is more than [`UNPAID_ALERT_DAYS`], so it stands out.
    pub fn unpaid_too_long(&self, today: NaiveDate, zone: Tz) -> Option<i64> {
        if self.status != GrantStatus::Approved {
            return None;
        }
        let approved_on = self.counted_at?.with_timezone(&zone).date_naive();
        let days = (today - approved_on).num_days();
        (days > UNPAID_ALERT_DAYS).then_some(days)
    }

    /// "$12,000.00 for November 2026", once approved.
    pub fn approved(&self) -> String {
        match (self.approved_cents, self.grant_month) {
            (Some(cents), Some(month)) => {
                format!("{} for {}", crate::vocab::money::dollars(cents), month.format("%B %Y"))
            }
            _ => String::new(),
        }
    }
}

/// How many applications stand at each step (steps with none are left out).
pub async fn count_by_step(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(GrantStatus, i64)>> {
    let rows = sqlx::query!(
        r#"select status as "status: GrantStatus", count(*) as "count!" from grant_applications group by status"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.count)).collect())
}

/// Approved grants still unpaid whose counting started on a day (in the
/// program's time zone `zone`) before `approved_before`.
pub async fn count_unpaid_since(db: impl PgExecutor<'_>, approved_before: NaiveDate, zone: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from grant_applications
           where status = 'approved' and (counted_at at time zone $2)::date < $1"#,
        approved_before,
        zone
    )
    .fetch_one(db)
    .await
}

/// Applications at the given steps, oldest first (the longest waiting on top);
/// at most `limit` per call.
pub async fn queue(db: impl PgExecutor<'_>, steps: &[GrantStatus], limit: i64) -> sqlx::Result<Vec<QueueRow>> {
    let codes: Vec<String> = steps.iter().map(|s| s.code().to_string()).collect();
    sqlx::query_as!(
        QueueRow,
        r#"select id, reference, kind as "kind: GrantKind", recipient_name, agency, status as "status: GrantStatus",
                  amount_requested_cents, approved_cents, grant_month,
                  submitted_at as "submitted_at: DateTime<Utc>", counted_at as "counted_at: DateTime<Utc>"
           from grant_applications where status::text = any($1)
           order by submitted_at, id
           limit $2"#,
        &codes,
        limit
    )
    .fetch_all(db)
    .await
}

/// Applications received from `from` (inclusive) to `to` (exclusive), first first:
/// the new ones the staff digest tells of.
pub async fn submitted_between(
    db: impl PgExecutor<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as!(
        QueueRow,
        r#"select id, reference, kind as "kind: GrantKind", recipient_name, agency, status as "status: GrantStatus",
                  amount_requested_cents, approved_cents, grant_month,
                  submitted_at as "submitted_at: DateTime<Utc>", counted_at as "counted_at: DateTime<Utc>"
           from grant_applications where submitted_at >= $1 and submitted_at < $2
           order by submitted_at, id
           limit $3"#,
        from,
        to,
        limit
    )
    .fetch_all(db)
    .await
}
