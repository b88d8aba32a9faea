//! SQL for the numbers: what each month and year has given
//! (counted grants only: approved for good, paid or not), the public totals, and
//! the rows of the CSV export.

use chrono::NaiveDate;
use futures_util::stream::BoxStream;
use sqlx::PgExecutor;

use super::model::{GrantKind, GrantStatus, PaymentMethod};

/// What counted grants gave over some months, by kind. The monthly minimum and
/// the yearly target are a promise to injured responders, so only `injury`
/// counts toward them; K9 equipment and family support are shown beside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Given {
    pub injury: i64,
    pub k9_equipment: i64,
    pub family_support: i64,
}

/// What counted grants whose month is in `[from, until)` gave, by kind.
pub async fn given_between(db: impl PgExecutor<'_>, from: NaiveDate, until: NaiveDate) -> sqlx::Result<Given> {
    sqlx::query_as!(
        Given,
        r#"select coalesce(sum(approved_cents) filter (where kind = 'injury'), 0)::bigint as "injury!",
                  coalesce(sum(approved_cents) filter (where kind = 'k9_equipment'), 0)::bigint as "k9_equipment!",
                  coalesce(sum(approved_cents) filter (where kind = 'family_support'), 0)::bigint as "family_support!"
           from grant_applications
           where recipient_number is not null and grant_month >= $1 and grant_month < $2"#,
        from,
        until
    )
    .fetch_one(db)
    .await
}

/// One month of the chart: the injured-responder grants that count toward the
/// minimum, and the other kinds beside them.
pub struct MonthTotal {
    pub month: NaiveDate,
    pub given_cents: i64,
    pub grants: i64,
    pub k9_cents: i64,
    pub family_cents: i64,
}

/// Every month from `first` through `last` (first days), empty months included.
pub async fn months(db: impl PgExecutor<'_>, first: NaiveDate, last: NaiveDate) -> sqlx::Result<Vec<MonthTotal>> {
    sqlx::query_as!(
        MonthTotal,
        r#"select m.month::date as "month!",
                  coalesce(sum(g.approved_cents) filter (where g.kind = 'injury'), 0)::bigint as "given_cents!",
                  count(g.id) filter (where g.kind = 'injury') as "grants!",
                  coalesce(sum(g.approved_cents) filter (where g.kind = 'k9_equipment'), 0)::bigint as "k9_cents!",
                  coalesce(sum(g.approved_cents) filter (where g.kind = 'family_support'), 0)::bigint
                    as "family_cents!"
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

/// Which counted grants (paid or not) an export holds.
#[derive(Clone, Copy, Debug)]
pub enum Selection {
    /// Approved for good between two days, both included, as calendar days in
    /// the program's time zone.
    Approved { from: NaiveDate, to: NaiveDate },
    /// Counted toward this month (its first day), as the dashboard counts them,
    /// whenever they were approved.
    Month(NaiveDate),
}

impl Selection {
    /// The bounds and whether they apply to the grant month rather than the approval day.
    fn bounds(self) -> (NaiveDate, NaiveDate, bool) {
        match self {
            Selection::Approved { from, to } => (from, to, false),
            Selection::Month(month) => (month, month, true),
        }
    }
}

pub async fn count_export(db: impl PgExecutor<'_>, selection: Selection, zone: &str) -> sqlx::Result<i64> {
    let (from, to, by_month) = selection.bounds();
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from grant_applications a
           where a.recipient_number is not null
             and case when $4 then a.grant_month between $1 and $2
                      else (a.counted_at at time zone $3)::date between $1 and $2 end"#,
        from,
        to,
        zone,
        by_month
    )
    .fetch_one(db)
    .await
}

/// The selected grants as the database returns them, by recipient number.
pub fn export_rows<'e>(
    db: &'e sqlx::PgPool,
    selection: Selection,
    zone: &'e str,
) -> BoxStream<'e, sqlx::Result<ExportRow>> {
    let (from, to, by_month) = selection.bounds();
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
           where a.recipient_number is not null
             and case when $4 then a.grant_month between $1 and $2
                      else (a.counted_at at time zone $3)::date between $1 and $2 end
           order by a.recipient_number"#,
        from,
        to,
        zone,
        by_month
    )
    .fetch(db)
}
