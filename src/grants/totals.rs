//! SQL for the numbers: the grant settings, what each month and year has given
//! (counted grants only: approved for good, paid or not), the public totals, and
//! the rows of the CSV export.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{GrantKind, GrantStatus, PaymentMethod};

pub struct Settings {
    pub monthly_minimum_cents: i64,
    pub yearly_target_cents: i64,
    pub second_approval_threshold_cents: i64,
}

pub async fn settings(db: impl PgExecutor<'_>) -> sqlx::Result<Settings> {
    sqlx::query_as!(
        Settings,
        "select monthly_minimum_cents, yearly_target_cents, second_approval_threshold_cents from grant_settings"
    )
    .fetch_one(db)
    .await
}

pub async fn save_settings(
    db: impl PgExecutor<'_>,
    settings: &Settings,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update grant_settings set monthly_minimum_cents = $1, yearly_target_cents = $2,
                second_approval_threshold_cents = $3, updated_at = $4, updated_by = $5",
        settings.monthly_minimum_cents,
        settings.yearly_target_cents,
        settings.second_approval_threshold_cents,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The sum of counted grants whose month is in `[from, until)`.
pub async fn given_between(db: impl PgExecutor<'_>, from: NaiveDate, until: NaiveDate) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select coalesce(sum(approved_cents), 0)::bigint as "total!" from grant_applications
           where recipient_number is not null and grant_month >= $1 and grant_month < $2"#,
        from,
        until
    )
    .fetch_one(db)
    .await
}

/// One month of the chart.
pub struct MonthTotal {
    pub month: NaiveDate,
    pub given_cents: i64,
    pub grants: i64,
}

/// Every month from `first` through `last` (first days), empty months included.
pub async fn months(db: impl PgExecutor<'_>, first: NaiveDate, last: NaiveDate) -> sqlx::Result<Vec<MonthTotal>> {
    sqlx::query_as!(
        MonthTotal,
        r#"select m.month::date as "month!", coalesce(sum(g.approved_cents), 0)::bigint as "given_cents!",
                  count(g.id) as "grants!"
           from generate_series($1::date, $2::date, interval '1 month') as m (month)
           left join grant_applications g on g.grant_month = m.month::date and g.recipient_number is not null
           group by m.month order by m.month"#,
        first,
        last
    )
    .fetch_all(db)
    .await
}

/// How many people have received a grant, ever.
pub async fn recipients_so_far(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "count!" from grant_applications where recipient_number is not null"#)
        .fetch_one(db)
        .await
}

/// A recipient who agreed to be named: the only per-person fact the public sees.
pub struct NamedRecipient {
    pub recipient_name: String,
    pub grant_month: NaiveDate,
}

pub async fn named_recipients(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<NamedRecipient>> {
    sqlx::query_as!(
        NamedRecipient,
        r#"select recipient_name, grant_month as "grant_month!" from grant_applications
           where recipient_number is not null and consent_to_name
           order by grant_month desc, recipient_number desc limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// One counted grant, for the accountant's export.
pub struct ExportRow {
    pub reference: String,
    pub recipient_number: i32,
    pub status: GrantStatus,
    pub kind: GrantKind,
    pub recipient_name: String,
    pub agency: String,
    pub items_requested: String,
    pub grant_month: NaiveDate,
    pub amount_requested_cents: i64,
    pub approved_cents: i64,
    /// The day it was approved for good, in the program's time zone.
    pub granted_on: NaiveDate,
    pub entered_by: Option<String>,
    pub shortlisted_by: Option<String>,
    pub first_approver: Option<String>,
    pub second_approver: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub payment_method: Option<PaymentMethod>,
    pub payment_reference: Option<String>,
}

/// Counted grants (paid or not) approved for good between `from` and `to`, both
/// days included, as calendar days in the time zone named `zone`; by recipient number.
pub async fn export_rows(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
    zone: &str,
) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as!(
        ExportRow,
        r#"select a.reference, a.recipient_number as "recipient_number!", a.status as "status: GrantStatus",
                  a.kind as "kind: GrantKind", a.recipient_name, a.agency, a.items_requested,
                  a.grant_month as "grant_month!", a.amount_requested_cents, a.approved_cents as "approved_cents!",
                  (a.counted_at at time zone $3)::date as "granted_on!",
                  eu.display_name as "entered_by?", su.display_name as "shortlisted_by?",
                  fu.display_name as "first_approver?", cu.display_name as "second_approver?",
                  a.paid_on, a.payment_method as "payment_method: PaymentMethod", a.payment_reference
           from grant_applications a
           left join users eu on eu.id = a.entered_by
           left join users su on su.id = a.shortlisted_by
           left join users fu on fu.id = a.first_approved_by
           left join users cu on cu.id = a.second_approved_by
           where a.recipient_number is not null and (a.counted_at at time zone $3)::date between $1 and $2
           order by a.recipient_number"#,
        from,
        to,
        zone
    )
    .fetch_all(db)
    .await
}
