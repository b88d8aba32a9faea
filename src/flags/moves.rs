//! Moving a flag along its way: ready, shipped, handed over, delivered,
//! returned (the note has its own page). A move the table does not allow, or
//! that lacks what it needs (a recipient, an address), is refused with status
//! 409 and nothing written; a form mistake comes back with 422. The update
//! only applies while the flag is still where the page found it, so of two
//! staff moving one flag at once, one wins and the other is told.

use axum::Form;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::model::{Carrier, Move, Step};
use super::page::{StepForm, refuse, render_flag, step_date};
use super::queries::{self, Flag};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::vocab::numbers::with_commas;
use crate::web::PathId;
use crate::web::forms::{FormErrors, plain_text};

/// Why this flag cannot take a step to `to` now, if it cannot.
pub fn refusal(flag: &Flag, to: Step) -> Option<String> {
    if !flag.step.can_move_to(to) {
        return Some(flag.step.refusal(to));
    }
    match to {
        Step::Shipped | Step::HandedOver if flag.recipient_name.is_none() => {
            Some("Choose who receives the flag before it is shipped or handed over.".into())
        }
        Step::Shipped if flag.recipient_address.trim().is_empty() => Some(
            "The recipient has no postal address: choose the recipient again with an address before shipping.".into(),
        ),
        _ => None,
    }
}

/// Applies a move already checked against [`refusal`], with its history line and
/// audit record in one transaction; answers with the flag page.
pub async fn finish(act: Acting<Staff>, flag: Flag, change: Move, form: StepForm) -> Result<Response, AppError> {
    let (from, to) = (flag.step, change.to());
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    if !queries::apply(&mut tx, flag.id, from, &change, act.me.id, now).await? {
        tx.rollback().await?;
        let current = queries::find(&act.state.pool, flag.id)
            .await?
            .ok_or(AppError::NotFound)?;
        let message = format!(
            "Someone else has just moved this flag: it is now {}. Nothing was changed.",
            current.step.label().to_lowercase()
        );
        return refuse(&act.state, act.layout(), current, message, form).await;
    }
    let details = change.details();
    queries::record_step(&mut tx, flag.id, Some(from), to, &details, act.me.id, now).await?;
    let number = with_commas(flag.mile_number.into());
    let change = Change {
        action: &format!("flag.{}", to.code()),
        entity_type: "flag",
        entity_id: flag.id.to_string(),
        summary: format!(
            "{} moved the flag of mile {number} ({}) from {} to {}",
            act.me.email,
            flag.hero_name,
            from.label().to_lowercase(),
            to.label().to_lowercase()
        ),
        details: json!({ "from": from, "to": to, "details": details }),
    };
    let message = format!(
        "Flag of mile {number} for {}: {}.",
        flag.hero_name,
        to.label().to_lowercase()
    );
    act.commit(tx, change, message, &format!("/staff/flags/{}", flag.id))
        .await
}

/// Runs one step handler: refusal, then the form's own checks, then the move.
async fn step(
    act: Acting<Staff>,
    id: uuid::Uuid,
    to: Step,
    form: StepForm,
    parse: impl FnOnce(&Flag, &mut FormErrors) -> Option<Move>,
) -> Result<Response, AppError> {
    let flag = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    if let Some(message) = refusal(&flag, to) {
        return refuse(&act.state, act.layout(), flag, message, form).await;
    }
    let mut errors = FormErrors::default();
    match parse(&flag, &mut errors) {
        Some(change) if errors.is_empty() => finish(act, flag, change, form).await,
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_flag(&act.state, act.layout(), flag, form, errors, None, status).await
        }
    }
}

pub async fn ready(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let form = StepForm::starting(act.state.today());
    step(act, id, Step::Ready, form, |_, _| Some(Move::Ready)).await
}

pub async fn ship(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = act.state.today();
    let posted = form.clone();
    step(act, id, Step::Shipped, form, |flag, e| {
        let carrier = e.check("carrier", Carrier::parse(&posted.carrier));
        let tracking = carrier.and_then(|c| e.check("tracking_number", c.check_tracking(&posted.tracking_number)));
        let mile = (flag.mile_date, "the mile was run");
        let on = e.check("shipped_on", step_date(&posted.shipped_on, "Date shipped", mile, today));
        Some(Move::Ship {
            carrier: carrier?,
            tracking: tracking?,
            on: on?,
        })
    })
    .await
}

pub async fn hand_over(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<StepForm>,
) -> Result<Response, AppError> {
    let today = act.state.today();
    let posted = form.clone();
    step(act, id, Step::HandedOver, form, |flag, e| {
        let mile = (flag.mile_date, "the mile was run");
        let on = e.check(
            "handed_on",
            step_date(&posted.handed_on, "Date handed over", mile, today),
        );
        Some(Move::HandOver { on: on? })
    })
    .await
}

pub async fn deliver(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = act.state.today();
    let posted = form.clone();
    step(act, id, Step::Delivered, form, |flag, e| {
        // A sent flag has a sending date (the table's checks); the mile's date is a floor anyway.
        let sent = (flag.sent_on.unwrap_or(flag.mile_date), "it was sent");
        let on = e.check(
            "delivered_on",
            step_date(&posted.delivered_on, "Date delivered", sent, today),
        );
        let who = plain_text(&posted.confirmed_by, "Who confirmed the delivery", 200, true);
        let confirmed_by = e.check("confirmed_by", who);
        Some(Move::Deliver {
            on: on?,
            confirmed_by: confirmed_by?,
        })
    })
    .await
}

pub async fn returned(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<StepForm>,
) -> Result<Response, AppError> {
    let today = act.state.today();
    let posted = form.clone();
    step(act, id, Step::Returned, form, |flag, e| {
        let sent = (flag.sent_on.unwrap_or(flag.mile_date), "it was sent");
        let on = e.check(
            "returned_on",
            step_date(&posted.returned_on, "Date returned", sent, today),
        );
        let reason = e.check(
            "return_reason",
            plain_text(&posted.return_reason, "Why it came back", 500, true),
        );
        Some(Move::Return {
            on: on?,
            reason: reason?,
        })
    })
    .await
}
