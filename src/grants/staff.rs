//! Staff pages for grants: the queue by step, and entering an application taken
//! by phone or mail. One application's page lives in `review`.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::json;

use super::apply::status_link;
use super::form::{ApplicationForm, ApplicationInput};
use super::model::GrantStatus;
use super::notices::{self, News};
use super::queries::{self, QueueRow};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::lang::Lang;
use crate::web::{Layout, render, render_status};

/// The steps the queue shows by default: everything still waiting for someone.
pub const OPEN_STEPS: [GrantStatus; 4] = [
    GrantStatus::Submitted,
    GrantStatus::Shortlisted,
    GrantStatus::AwaitingSecondApproval,
    GrantStatus::Approved,
];

pub struct Step {
    pub status: GrantStatus,
    pub rows: Vec<QueueRow>,
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    step: String,
}

#[derive(Template)]
#[template(path = "grants/queue.html")]
struct QueuePage {
    layout: Layout,
    steps: Vec<Step>,
    /// The closed step being looked at (paid or declined), if any.
    closed: Option<GrantStatus>,
    today: NaiveDate,
    zone: Tz,
}

impl QueuePage {
    fn unpaid_too_long(&self, row: &QueueRow) -> Option<i64> {
        row.unpaid_too_long(self.today, self.zone)
    }
}

pub async fn queue(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let closed = GrantStatus::parse(&query.step).filter(|s| matches!(s, GrantStatus::Paid | GrantStatus::Declined));
    let shown: Vec<GrantStatus> = match closed {
        Some(step) => vec![step],
        None => OPEN_STEPS.to_vec(),
    };
    let mut rows = queries::queue(&state.pool, &shown, 500).await?;
    let steps = shown
        .into_iter()
        .map(|status| {
            let (mine, rest) = rows.drain(..).partition(|r: &QueueRow| r.status == status);
            rows = rest;
            Step { status, rows: mine }
        })
        .collect();
    render(&QueuePage {
        layout,
        steps,
        closed,
        today: state.today(),
        zone: state.config.time_zone,
    })
}

#[derive(Template)]
#[template(path = "grants/new.html")]
struct NewPage {
    layout: Layout,
    form: ApplicationForm,
    errors: FormErrors,
    max_date: String,
}

pub async fn new_form(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&NewPage {
        layout,
        form: ApplicationForm {
            kind: "injury".into(),
            service: "police".into(),
            ..ApplicationForm::default()
        },
        errors: FormErrors::default(),
        max_date: state.today().to_string(),
    })
}

/// Staff enter an application received by phone or mail; they are recorded as
/// its author, so they can never approve it.
pub async fn create(act: Acting<Staff>, Form(form): Form<ApplicationForm>) -> Result<Response, AppError> {
    let today = act.state.today();
    let input = match ApplicationInput::parse(&form, today) {
        Ok(input) => input,
        Err(errors) => {
            let page = NewPage {
                layout: act.layout(),
                form,
                errors,
                max_date: today.to_string(),
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = act.state.pool.begin().await?;
    // Staff enter applications that came on paper or by phone: in English.
    let received = queries::insert(&mut *tx, &input, Some(act.me.id), Lang::En, today.year(), act.now).await?;
    let (id, reference) = (received.id, received.reference);
    let link = status_link(&act.state, &received.status_secret, Lang::En);
    notices::tell_applicant(&mut tx, id, News::Received { link }, act.now).await?;
    let change = Change {
        action: "grant.entered",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!("{} entered grant application {reference}", act.me.email),
        details: json!({ "reference": reference, "kind": input.kind.code() }),
    };
    let message = format!("Application {reference} saved.");
    act.commit(tx, change, message, &format!("/staff/grants/{id}")).await
}
