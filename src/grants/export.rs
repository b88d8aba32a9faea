//! The export for the accountant: the grants approved for good (paid or not)
//! between two days, both included, as CSV, with what a grant to an individual
//! must record for the annual filing: recipient, purpose, amount, date and how
//! the recipient was selected, plus the payment. Days are calendar days in the
//! program's time zone, like every other date the program shows.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::model::{GrantKind, GrantStatus};
use super::totals::{self, ExportRow};
use crate::accounts::session::Admin;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::export::spreadsheet_cell;

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The earliest year the export accepts: the program keeps no grants before it.
const FIRST_YEAR: i32 = 2000;

fn parse_day(value: &str, name: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Choose the {name} of the export, a date like 2026-01-01."
        )));
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        AppError::BadRequest(format!(
            "The {name} must be a date written like 2026-01-01 (year-month-day)."
        ))
    })?;
    let last_year = today.year() + 1;
    if !(FIRST_YEAR..=last_year).contains(&day.year()) {
        return Err(AppError::BadRequest(format!(
            "The {name} must be in a year from {FIRST_YEAR} to {last_year}."
        )));
    }
    Ok(day)
}

/// The two days of the export, both included; refused with a reason.
fn parse_range(query: &ExportQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    let from = parse_day(&query.from, "first day (From)", today)?;
    let to = parse_day(&query.to, "last day (To)", today)?;
    if from > to {
        return Err(AppError::BadRequest(format!(
            "The first day ({from}) is after the last day ({to}); swap them or choose again."
        )));
    }
    Ok((from, to))
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

pub async fn export_csv(
    Admin(me): Admin,
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let (from, to) = parse_range(&query, state.today())?;
    let rows = totals::export_rows(&state.pool, from, to, state.config.time_zone.name()).await?;
    // The file leaves the system with recipients' names and payments: the trail says who took it.
    audit::record(
        &state.pool,
        Event {
            actor_id: Some(me.id),
            action: "grants.exported",
            entity_type: "grant_export",
            entity_id: None,
            summary: format!("Exported {} grants approved from {from} to {to}", rows.len()),
            details: serde_json::json!({ "from": from, "to": to, "rows": rows.len() }),
            client_ip: Some(&ip),
        },
        state.now(),
    )
    .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::Internal(e.into());
    writer.write_record(HEADER).map_err(fail)?;
    for row in rows {
        writer.write_record(record(row)).map_err(fail)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let disposition = format!("attachment; filename=\"grants-{from}-to-{to}.csv\"");
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.into()))?,
    );
    Ok(response)
}
