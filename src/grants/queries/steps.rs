//! SQL that moves an application from step to step: the row lock decisions take,
//! shortlisting, approvals, the gapless recipient number, declining and payment.
//! Every change of step is a conditional update or runs under the row lock taken
//! by [`lock`], so two people acting at once cannot both move the same application.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use crate::grants::model::{GrantStatus, PaymentMethod};

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
    message: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_applications set status = 'declined', decline_reason = $2, decline_message = $3,
                declined_by = $4, declined_at = $5, updated_at = $5
         where id = $1",
        id,
        reason,
        message,
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
