//! SQL for grant applications: receive, read, review, decide, pay. Every change
//! of step is a conditional update or runs under the row lock taken by [`lock`],
//! so two people acting at once cannot both move the same application.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::form::ApplicationInput;
use super::model::{Application, GrantKind, GrantStatus, PaymentMethod};
use crate::heroes::model::Service;

/// Saves a new application and returns its id and reference ("G-2026-000123").
pub async fn insert(
    db: impl PgExecutor<'_>,
    input: &ApplicationInput,
    entered_by: Option<Uuid>,
    year: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<(Uuid, String)> {
    let id = Uuid::now_v7();
    let reference = sqlx::query_scalar!(
        r#"insert into grant_applications
             (id, reference, kind, recipient_name, rank_title, service, agency, agency_place, consent_to_name,
              injury_date, circumstances, amount_requested_cents, nominator_name, nominator_relationship,
              contact_phone, contact_email, submitted_at, entered_by, updated_at)
           values ($1, 'G-' || $2::int || '-' || lpad(nextval('grant_reference_seq')::text, 6, '0'),
                   $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17)
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
        entered_by
    )
    .fetch_one(db)
    .await?;
    Ok((id, reference))
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Application>> {
    sqlx::query_as!(
        Application,
        r#"select a.id, a.reference, a.kind as "kind: GrantKind", a.recipient_name, a.rank_title,
                  a.service as "service: Service", a.agency, a.agency_place, a.consent_to_name,
                  a.injury_date, a.circumstances, a.amount_requested_cents, a.nominator_name,
                  a.nominator_relationship, a.contact_phone, a.contact_email,
                  a.status as "status: GrantStatus", a.submitted_at as "submitted_at: DateTime<Utc>",
                  a.entered_by, eu.display_name as "entered_by_name?",
                  su.display_name as "shortlisted_by_name?",
                  a.approved_cents, a.grant_month, a.first_approved_by,
                  fu.display_name as "first_approved_by_name?", cu.display_name as "second_approved_by_name?",
                  a.recipient_number, du.display_name as "declined_by_name?", a.decline_reason,
                  a.paid_on, a.payment_method as "payment_method: PaymentMethod", a.payment_reference
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

/// What a decision needs to know, read under a row lock held until the
/// transaction ends: whoever comes second waits, then sees the new step.
pub struct Locked {
    pub status: GrantStatus,
    pub reference: String,
    pub entered_by: Option<Uuid>,
    pub first_approved_by: Option<Uuid>,
    pub approved_cents: Option<i64>,
    pub grant_month: Option<NaiveDate>,
}

pub async fn lock(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        r#"select status as "status: GrantStatus", reference, entered_by, first_approved_by, approved_cents,
                  grant_month
           from grant_applications where id = $1 for update"#,
        id
    )
    .fetch_optional(conn)
    .await
}

/// Marks a new application as reviewed and recommended; false when it was not new.
pub async fn shortlist(db: impl PgExecutor<'_>, id: Uuid, actor: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update grant_applications set status = 'shortlisted', shortlisted_at = $2, shortlisted_by = $3,
                updated_at = $2
         where id = $1 and status = 'submitted'",
        id,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The next recipient number. The update locks the counter row until the
/// transaction ends, so numbers are consecutive and a rolled-back approval
/// gives its number back.
pub async fn next_recipient_number(conn: &mut PgConnection) -> sqlx::Result<i32> {
    sqlx::query_scalar!("update grant_recipient_counter set last_number = last_number + 1 returning last_number")
        .fetch_one(conn)
        .await
}

/// A first approval above the threshold: amount and month set, not counted yet.
pub async fn approve_pending(
    conn: &mut PgConnection,
    id: Uuid,
    cents: i64,
    month: NaiveDate,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'awaiting_second_approval', approved_cents = $2, grant_month = $3,
                first_approved_by = $4, first_approved_at = $5, updated_at = $5
         where id = $1",
        id,
        cents,
        month,
        actor,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A final approval by one admin (at or below the threshold): counted at once.
pub async fn approve_counted(
    conn: &mut PgConnection,
    id: Uuid,
    cents: i64,
    month: NaiveDate,
    actor: Uuid,
    number: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'approved', approved_cents = $2, grant_month = $3,
                first_approved_by = $4, first_approved_at = $6, recipient_number = $5, counted_at = $6,
                updated_at = $6
         where id = $1",
        id,
        cents,
        month,
        actor,
        number,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The second admin's confirmation: the grant counts from now.
pub async fn confirm(
    conn: &mut PgConnection,
    id: Uuid,
    actor: Uuid,
    number: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'approved', second_approved_by = $2, second_approved_at = $4,
                recipient_number = $3, counted_at = $4, updated_at = $4
         where id = $1",
        id,
        actor,
        number,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn decline(
    conn: &mut PgConnection,
    id: Uuid,
    reason: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'declined', decline_reason = $2, declined_by = $3,
                declined_at = $4, updated_at = $4
         where id = $1",
        id,
        reason,
        actor,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct Payment {
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: String,
}

pub async fn record_payment(
    conn: &mut PgConnection,
    id: Uuid,
    payment: &Payment,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'paid', paid_on = $2, payment_method = $3, payment_reference = $4,
                paid_recorded_by = $5, paid_recorded_at = $6, updated_at = $6
         where id = $1",
        id,
        payment.paid_on,
        payment.method as PaymentMethod,
        payment.reference,
        actor,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
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
}

impl QueueRow {
    pub fn asked(&self) -> String {
        super::money::dollars(self.amount_requested_cents)
    }

    /// "$12,000.00 for November 2026", once approved.
    pub fn approved(&self) -> String {
        match (self.approved_cents, self.grant_month) {
            (Some(cents), Some(month)) => format!("{} for {}", super::money::dollars(cents), month.format("%B %Y")),
            _ => String::new(),
        }
    }
}

/// Applications at the given steps, oldest first (the longest waiting on top);
/// at most `limit` per call.
pub async fn queue(db: impl PgExecutor<'_>, steps: &[GrantStatus], limit: i64) -> sqlx::Result<Vec<QueueRow>> {
    let codes: Vec<String> = steps.iter().map(|s| s.code().to_string()).collect();
    sqlx::query_as!(
        QueueRow,
        r#"select id, reference, kind as "kind: GrantKind", recipient_name, agency, status as "status: GrantStatus",
                  amount_requested_cents, approved_cents, grant_month,
                  submitted_at as "submitted_at: DateTime<Utc>"
           from grant_applications where status::text = any($1)
           order by submitted_at, id
           limit $2"#,
        &codes,
        limit
    )
    .fetch_all(db)
    .await
}
