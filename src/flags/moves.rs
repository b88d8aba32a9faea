//! Moving a flag along its way: ready, shipped, handed over, delivered,
//! returned (the note has its own page). A move the table does not allow, or
//! that lacks what it needs (a recipient, an address), is refused with status
//! 409 and nothing written; a form mistake comes back with 422. The update
//! only applies while the flag is still where the page found it, so of two
//! staff moving one flag at once, one wins and the other is told.

use axum::Form;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use tower_sessions::Session;

use super::model::{Carrier, Move, Step};
use super::page::{StepForm, render_flag, step_date};
use super::queries::{self, Flag};
use crate::accounts::session::{SessionUser, Staff};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::runs::model::with_commas;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, flash};

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

/// What a handler needs to answer for one flag.
pub struct Ctx {
    pub state: AppState,
    pub layout: Layout,
    pub session: Session,
    pub me: SessionUser,
    pub ip: String,
}

/// Every flag page that changes something takes the same things from the request;
/// staff only, so a visitor is sent to sign in before anything else is read.
impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Staff(me) = Staff::from_request_parts(parts, state).await?;
        let layout = Layout::from_request_parts(parts, state).await?;
        let Ok(ClientIp(ip)) = ClientIp::from_request_parts(parts, state).await;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| AppError::Internal(anyhow::anyhow!("{why}")))?;
        Ok(Ctx {
            state: state.clone(),
            layout,
            session,
            me,
            ip,
        })
    }
}

/// Applies a move already checked against [`refusal`], with its history line and
/// audit record in one transaction; answers with the flag page.
pub async fn finish(ctx: Ctx, flag: Flag, change: Move, form: StepForm) -> Result<Response, AppError> {
    let Ctx {
        state,
        layout,
        session,
        me,
        ip,
    } = ctx;
    let (from, to) = (flag.step, change.to());
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    if !queries::apply(&mut tx, flag.id, from, &change, me.id, now).await? {
        tx.rollback().await?;
        let current = queries::find(&state.pool, flag.id).await?.ok_or(AppError::NotFound)?;
        let message = format!(
            "Someone else has just moved this flag: it is now {}. Nothing was changed.",
            current.step.label().to_lowercase()
        );
        let errors = FormErrors::default();
        return render_flag(
            &state,
            layout,
            current,
            form,
            errors,
            Some(message),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let details = change.details();
    queries::record_step(&mut tx, flag.id, Some(from), to, &details, me.id, now).await?;
    let number = with_commas(flag.mile_number.into());
    let action = format!("flag.{}", to.code());
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: &action,
            entity_type: "flag",
            entity_id: Some(flag.id.to_string()),
            summary: format!(
                "{} moved the flag of mile {number} ({}) from {} to {}",
                me.email,
                flag.hero_name,
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
            details: json!({ "from": from, "to": to, "details": details }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        format!(
            "Flag of mile {number} for {}: {}.",
            flag.hero_name,
            to.label().to_lowercase()
        ),
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/flags/{}", flag.id)).into_response())
}

/// Answers a refused step: the flag page with the reason, status 409, nothing written.
pub async fn refuse(ctx: Ctx, flag: Flag, message: String, form: StepForm) -> Result<Response, AppError> {
    let errors = FormErrors::default();
    render_flag(
        &ctx.state,
        ctx.layout,
        flag,
        form,
        errors,
        Some(message),
        StatusCode::CONFLICT,
    )
    .await
}

/// Runs one step handler: refusal, then the form's own checks, then the move.
async fn step(
    ctx: Ctx,
    id: uuid::Uuid,
    to: Step,
    form: StepForm,
    parse: impl FnOnce(&Flag, &mut FormErrors) -> Option<Move>,
) -> Result<Response, AppError> {
    let flag = queries::find(&ctx.state.pool, id).await?.ok_or(AppError::NotFound)?;
    if let Some(message) = refusal(&flag, to) {
        return refuse(ctx, flag, message, form).await;
    }
    let mut errors = FormErrors::default();
    match parse(&flag, &mut errors) {
        Some(change) if errors.is_empty() => finish(ctx, flag, change, form).await,
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_flag(&ctx.state, ctx.layout, flag, form, errors, None, status).await
        }
    }
}

pub async fn ready(ctx: Ctx, PathId(id): PathId) -> Result<Response, AppError> {
    let form = StepForm::starting(ctx.state.today());
    step(ctx, id, Step::Ready, form, |_, _| Some(Move::Ready)).await
}

pub async fn ship(ctx: Ctx, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = ctx.state.today();
    let posted = form.clone();
    step(ctx, id, Step::Shipped, form, |flag, e| {
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

pub async fn hand_over(ctx: Ctx, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = ctx.state.today();
    let posted = form.clone();
    step(ctx, id, Step::HandedOver, form, |flag, e| {
        let mile = (flag.mile_date, "the mile was run");
        let on = e.check(
            "handed_on",
            step_date(&posted.handed_on, "Date handed over", mile, today),
        );
        Some(Move::HandOver { on: on? })
    })
    .await
}

pub async fn deliver(ctx: Ctx, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = ctx.state.today();
    let posted = form.clone();
    step(ctx, id, Step::Delivered, form, |flag, e| {
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

pub async fn returned(ctx: Ctx, PathId(id): PathId, Form(form): Form<StepForm>) -> Result<Response, AppError> {
    let today = ctx.state.today();
    let posted = form.clone();
    step(ctx, id, Step::Returned, form, |flag, e| {
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
