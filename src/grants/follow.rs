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
use crate::web::lang::Lang;
use crate::web::{Layout, render_status};

/// One step on the way, as the applicant reads it.
pub struct Step {
    pub name: String,
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

fn day(at: DateTime<Utc>, zone: Tz, lang: Lang) -> String {
    on(at.with_timezone(&zone).date_naive(), lang)
}

fn on(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::En => date.format("%B %-d, %Y").to_string(),
        Lang::Fr => lang.date(date),
    }
}

/// The four steps and how far the application got.
fn steps(app: &Followed, zone: Tz, lang: Lang) -> Vec<Step> {
    let in_review = match app.status {
        GrantStatus::Submitted => None,
        // Shortlisting is skipped when an admin decides at once.
        _ => Some(
            app.shortlisted_at
                .map_or_else(|| lang.t("status-done"), |at| day(at, zone, lang)),
        ),
    };
    let decided = app.counted_at.or(app.declined_at).map(|at| day(at, zone, lang));
    let paid = app.paid_on.map(|date| on(date, lang));
    let current = match app.status {
        GrantStatus::Submitted => 0,
        GrantStatus::Shortlisted | GrantStatus::AwaitingSecondApproval => 1,
        GrantStatus::Approved | GrantStatus::Declined => 2,
        GrantStatus::Paid => 3,
    };
    let mut steps = vec![
        ("status-received", Some(day(app.submitted_at, zone, lang))),
        ("status-in-review", in_review),
        (
            if app.status == GrantStatus::Declined {
                "status-declined"
            } else {
                "status-decided"
            },
            decided,
        ),
    ];
    if app.status != GrantStatus::Declined {
        steps.push(("status-paid", paid));
    }
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (name, reached))| Step {
            name: lang.t(name),
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
        steps: steps(&app, zone, layout.lang),
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
