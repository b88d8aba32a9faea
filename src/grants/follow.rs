//! The page an applicant's private link opens: where their application stands,
//! step by step, and nothing the grant team keeps to itself. The link's secret
//! is the only key, so the page is never cached, indexed or logged whole.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::model::GrantStatus;
use super::queries::follow::{self, Followed};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::secrets;
use crate::web::{Layout, render_status};

/// One step on the way, as the applicant reads it.
pub struct Step {
    pub name: &'static str,
    /// When it was reached, in words; none while it is still ahead.
    pub reached: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "grants/status.html")]
struct StatusPage {
    layout: Layout,
    found: Option<Found>,
}

struct Found {
    reference: String,
    steps: Vec<Step>,
    declined: bool,
    decline_message: Option<String>,
}

fn day(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%B %-d, %Y").to_string()
}

fn on(date: NaiveDate) -> String {
    date.format("%B %-d, %Y").to_string()
}

/// The four steps and how far the application got.
fn steps(app: &Followed, zone: Tz) -> Vec<Step> {
    let in_review = match app.status {
        GrantStatus::Submitted => None,
        // Shortlisting is skipped when an admin decides at once.
        _ => Some(
            app.shortlisted_at
                .map_or_else(|| "Done".to_string(), |at| day(at, zone)),
        ),
    };
    let decided = app.counted_at.or(app.declined_at).map(|at| day(at, zone));
    let paid = app.paid_on.map(on);
    let current = match app.status {
        GrantStatus::Submitted => 0,
        GrantStatus::Shortlisted | GrantStatus::AwaitingSecondApproval => 1,
        GrantStatus::Approved | GrantStatus::Declined => 2,
        GrantStatus::Paid => 3,
    };
    let mut steps = vec![
        ("Received", Some(day(app.submitted_at, zone))),
        ("In review", in_review),
        (
            if app.status == GrantStatus::Declined {
                "Decided: not approved"
            } else {
                "Decided"
            },
            decided,
        ),
    ];
    if app.status != GrantStatus::Declined {
        steps.push(("Paid", paid));
    }
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (name, reached))| Step {
            name,
            reached,
            current: i == current,
        })
        .collect()
}

pub async fn status(
    layout: Layout,
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, AppError> {
    let followed = match secrets::hash_if_shaped(&secret) {
        Some(hash) => follow::by_status_hash(&state.pool, &hash).await?,
        None => None,
    };
    let zone = state.config.time_zone;
    let code = if followed.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let found = followed.map(|app| Found {
        steps: steps(&app, zone),
        declined: app.status == GrantStatus::Declined,
        decline_message: app.decline_message,
        reference: app.reference,
    });
    let mut response = render_status(code, &StatusPage { layout, found })?;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(response)
}
