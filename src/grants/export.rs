//! The export for the accountant: the grants approved for good (paid or not)
//! between two days, both included, or those counted toward one month (the
//! months the dashboard shows, whenever each grant was approved), as CSV, with what a grant to an individual
//! must record for the annual filing: recipient, purpose, amount, date and how
//! the recipient was selected, plus the payment. Days are calendar days in the
//! program's time zone, like every other date the program shows.

use axum::extract::Query;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use futures_util::TryStreamExt;
use serde::Deserialize;
use sqlx::PgPool;

use super::model::{GrantKind, GrantStatus};
use super::totals::{self, ExportRow, Selection};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::vocab::dates::parse_date;
use crate::web::export::{CsvSink, ExportStopped, log_stopped, spreadsheet_cell};

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// A grant month, "2027-01": the grants counted toward it.
    #[serde(default)]
    month: String,
}

/// The earliest year the export accepts: the program keeps no grants before it.
const FIRST_YEAR: i32 = 2000;

fn parse_day(value: &str, name: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    if value.trim().is_empty() {
        return Err(AppError::BadRequest(format!(
            "Choose the {name} of the export, a date like 2026-01-01."
        )));
    }
    let day = parse_date(value, format!("The {name}")).map_err(|m| AppError::BadRequest(m.into()))?;
    let last_year = today.year() + 1;
    if !(FIRST_YEAR..=last_year).contains(&day.year()) {
        return Err(AppError::BadRequest(format!(
            "The {name} must be in a year from {FIRST_YEAR} to {last_year}."
        )));
    }
    Ok(day)
}

/// What the export holds, and its file name; refused with a reason.
fn parse_selection(query: &ExportQuery, today: NaiveDate) -> Result<(Selection, String), AppError> {
    let month = query.month.trim();
    if month.is_empty() {
        let from = parse_day(&query.from, "first day (From)", today)?;
        let to = parse_day(&query.to, "last day (To)", today)?;
        if from > to {
            return Err(AppError::BadRequest(format!(
                "The first day ({from}) is after the last day ({to}); swap them or choose again."
            )));
        }
        return Ok((Selection::Approved { from, to }, format!("grants-{from}-to-{to}.csv")));
    }
    if !query.from.trim().is_empty() || !query.to.trim().is_empty() {
        return Err(AppError::BadRequest(
            "Choose either a month or two days for the export, not both.".into(),
        ));
    }
    let first = parse_day(&format!("{month}-01"), "month", today).map_err(|_| {
        AppError::BadRequest("The month must look like 2027-01 (year, then month), from 2000 to next year.".into())
    })?;
    Ok((
        Selection::Month(first),
        format!("grants-counted-{}.csv", first.format("%Y-%m")),
    ))
}

fn plain_amount(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What the grant was for, in words; a K9 grant names the items asked for.
fn purpose(row: &ExportRow) -> String {
    match row.kind {
        GrantKind::K9Equipment => format!("{}: {}", row.kind.label(), row.items_requested),
        kind => kind.label().to_string(),
    }
}

/// How the recipient was selected: the steps the application went through and who took them.
fn how_selected(row: &ExportRow) -> String {
    let someone = |name: &Option<String>| name.clone().unwrap_or_else(|| "an account since removed".into());
    let applied = match &row.entered_by {
        Some(name) => format!("Application received by phone or mail, entered by {name}"),
        None => "Application through the public form".to_string(),
    };
    let mut steps = vec![
        applied,
        format!("reviewed and shortlisted by {}", someone(&row.shortlisted_by)),
        format!("approved by admin {}", someone(&row.first_approver)),
    ];
    if row.second_approver.is_some() {
        steps.push(format!(
            "confirmed by a second admin, {}",
            someone(&row.second_approver)
        ));
    }
    steps.join("; ")
}

const HEADER: [&str; 14] = [
    "Recipient number",
    "Reference",
    "Recipient",
    "Agency",
    "Purpose",
    "Amount granted",
    "Date granted",
    "Counts toward month",
    "How selected",
    "Amount asked",
    "Status",
    "Date paid",
    "Payment method",
    "Payment reference",
];

fn record(row: ExportRow) -> [String; 14] {
    let status = match row.status {
        GrantStatus::Paid => "Paid",
        _ => "Approved, not yet paid",
    };
    [
        row.recipient_number.to_string(),
        row.reference.clone(),
        spreadsheet_cell(&row.recipient_name),
        spreadsheet_cell(&row.agency),
        spreadsheet_cell(&purpose(&row)),
        plain_amount(row.approved_cents),
        row.granted_on.to_string(),
        row.grant_month.format("%Y-%m").to_string(),
        spreadsheet_cell(&how_selected(&row)),
        plain_amount(row.amount_requested_cents),
        status.to_string(),
        row.paid_on.map(|d| d.to_string()).unwrap_or_default(),
        row.payment_method.map(|m| m.label().to_string()).unwrap_or_default(),
        spreadsheet_cell(&row.payment_reference.unwrap_or_default()),
    ]
}

pub async fn export_csv(act: Acting<Admin>, Query(query): Query<ExportQuery>) -> Result<Response, AppError> {
    let state = &act.state;
    let (selection, filename) = parse_selection(&query, state.today())?;
    let zone = state.config.time_zone.name().to_string();
    let (mut sink, response) = state.exports.start(&filename)?;
    let rows = totals::count_export(&state.pool, selection, &zone).await?;
    let (summary, details) = match selection {
        Selection::Approved { from, to } => (
            format!("Exported {rows} grants approved from {from} to {to}"),
            serde_json::json!({ "from": from, "to": to, "rows": rows }),
        ),
        Selection::Month(month) => (
            format!("Exported {rows} grants counted toward {}", month.format("%B %Y")),
            serde_json::json!({ "month": month.format("%Y-%m").to_string(), "rows": rows }),
        ),
    };
    // The file leaves the system with recipients' names and payments: the trail says who took it.
    let change = Change {
        action: "grants.exported",
        entity_type: "grant_export",
        entity_id: String::new(),
        summary,
        details,
    };
    act.record(&state.pool, change).await?;
    let pool = state.pool.clone();
    tokio::spawn(async move {
        let result = match write_grants(&mut sink, &pool, selection, &zone).await {
            Ok(()) => sink.finish().await,
            Err(e) => Err(e),
        };
        log_stopped(result, "grants export");
    });
    Ok(response)
}

async fn write_grants(
    sink: &mut CsvSink,
    pool: &PgPool,
    selection: Selection,
    zone: &str,
) -> Result<(), ExportStopped> {
    sink.record(HEADER).await?;
    let mut rows = totals::export_rows(pool, selection, zone);
    while let Some(row) = rows.try_next().await? {
        sink.record(record(row)).await?;
    }
    Ok(())
}
