//! One application's page: its details (private ones included, for the grant
//! team), notes and shortlisting. Admins act from the same page, so the
//! decision handlers re-render it through [`show_page`] after a mistake.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::model::{Application, GrantStatus, PaymentMethod};
use super::money::month_of;
use super::queries::{self, Note};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::{Cents, dollars};
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId, render_status};

/// What was typed into the forms of the application page, re-shown after a mistake.
#[derive(Default)]
pub struct Typed {
    pub note: String,
    pub amount: String,
    pub month: String,
    pub reason: String,
    pub to_applicant: String,
    pub paid_on: String,
    pub method: String,
    pub payment_reference: String,
}

#[derive(Template)]
#[template(path = "grants/show.html")]
struct ShowPage {
    layout: Layout,
    app: Application,
    notes: Vec<Note>,
    me: Uuid,
    threshold: Cents,
    typed: Typed,
    errors: FormErrors,
    /// Why the last action was refused (a step already taken, a rule on who may act).
    refusal: Option<String>,
    max_date: String,
}

impl ShowPage {
    fn methods(&self) -> [PaymentMethod; 4] {
        PaymentMethod::ALL
    }
    fn entered_by_me(&self) -> bool {
        self.app.entered_by == Some(self.me)
    }
    fn approved_first_by_me(&self) -> bool {
        self.app.first_approved_by == Some(self.me)
    }
    fn is(&self, code: &str) -> bool {
        self.app.status.code() == code
    }
    fn declinable(&self) -> bool {
        matches!(
            self.app.status,
            GrantStatus::Submitted | GrantStatus::Shortlisted | GrantStatus::AwaitingSecondApproval
        )
    }
}

/// Renders an application's page with `status`, what was typed, and any refusal.
pub async fn show_page(
    state: &AppState,
    layout: Layout,
    id: Uuid,
    status: StatusCode,
    typed: Typed,
    errors: FormErrors,
    refusal: Option<String>,
) -> Result<Response, AppError> {
    let app = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let me = layout.user.as_ref().map(|u| u.id).unwrap_or_default();
    let today = state.today();
    let typed = Typed {
        amount: if typed.amount.is_empty() {
            app.amount_requested().plain()
        } else {
            typed.amount
        },
        month: if typed.month.is_empty() {
            month_of(today).format("%Y-%m").to_string()
        } else {
            typed.month
        },
        ..typed
    };
    let page = ShowPage {
        notes: queries::notes(&state.pool, id).await?,
        threshold: Cents::from_db(
            queries::settings::current(&state.pool)
                .await?
                .second_approval_threshold_cents,
        ),
        layout,
        app,
        me,
        typed,
        errors,
        refusal,
        max_date: today.to_string(),
    };
    render_status(status, &page)
}

/// The application's page again, with what was typed and what is wrong with it.
pub async fn with_mistakes<R>(
    act: &Acting<R>,
    id: Uuid,
    typed: Typed,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    show_page(&act.state, act.layout(), id, status, typed, errors, None).await
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    show_page(
        &state,
        layout,
        id,
        StatusCode::OK,
        Typed::default(),
        FormErrors::default(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

pub async fn add_note(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    let app = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let body = match plain_text(&form.note, "Note", 2000, true) {
        Ok(body) => body,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("note", message);
            let typed = Typed {
                note: form.note,
                ..Typed::default()
            };
            return with_mistakes(&act, id, typed, errors).await;
        }
    };
    let mut tx = act.state.pool.begin().await?;
    queries::add_note(&mut *tx, id, act.me.id, &body, act.now).await?;
    let change = Change {
        action: "grant.note_added",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!("{} added a note to grant application {}", act.me.email, app.reference),
        details: json!({}),
    };
    act.commit(tx, change, "Note added.", &format!("/staff/grants/{id}#notes"))
        .await
}

pub async fn shortlist(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let app = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let to = format!("/staff/grants/{id}");
    let mut tx = act.state.pool.begin().await?;
    if !queries::shortlist(&mut *tx, id, act.me.id, act.now).await? {
        return act
            .refused("Only a new application can be shortlisted; this one has moved on.", &to)
            .await;
    }
    let change = Change {
        action: "grant.shortlisted",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!("{} shortlisted grant application {}", act.me.email, app.reference),
        details: json!({ "amount_requested": dollars(app.amount_requested_cents) }),
    };
    let message = format!("{} is shortlisted for an admin's decision.", app.reference);
    act.commit(tx, change, message, &to).await
}
