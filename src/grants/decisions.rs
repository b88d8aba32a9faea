//! Admin decisions on an application: approve an amount for a month, confirm
//! another admin's approval, decline with a reason. Each runs
//! in one transaction that first locks the application's row, so of twenty
//! approvals sent at once exactly one acts and the others see it already done.
//! Nobody approves an application they entered; above the second-approval
//! threshold a grant counts only once a different admin confirms it. Approving
//! and confirming ask for the admin's password again (see [`APPROVING`]),
//! and every decision needs the admin's second factor proven within the last
//! [`RECENT_FACTOR`](crate::accounts::session::RECENT_FACTOR): the password
//! stops someone at a computer left signed in, the code proves the admin still
//! holds their phone. When the factor is older, the form asks for a code too.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::money::parse_month;
use super::queries;
use super::review::{Typed, show_page};
use super::rules::{Refusal, may_approve, may_confirm, may_decline};
use crate::accounts::reauth::{Purpose, password_again};
use crate::accounts::second_factor::recent_or_code;
use crate::accounts::session::{Admin, SessionUser};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::{Cents, dollars};
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, flash};

/// The application's page again, saying why the action was refused.
pub(super) async fn refuse(state: &AppState, layout: Layout, id: Uuid, refusal: Refusal) -> Result<Response, AppError> {
    let status = match refusal {
        Refusal::NotYou(_) => StatusCode::FORBIDDEN,
        Refusal::WrongStep(_) => StatusCode::CONFLICT,
    };
    show_page(
        state,
        layout,
        id,
        status,
        Typed::default(),
        FormErrors::default(),
        Some(refusal.reason().into()),
    )
    .await
}

pub(super) async fn done(session: &Session, id: Uuid, message: String) -> Result<Response, AppError> {
    flash(session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&format!("/staff/grants/{id}")).into_response())
}

pub(super) fn event<'a>(
    me: &SessionUser,
    action: &'a str,
    id: Uuid,
    summary: String,
    details: serde_json::Value,
    ip: &'a str,
) -> Event<'a> {
    Event {
        actor_id: Some(me.id),
        action,
        entity_type: "grant_application",
        entity_id: Some(id.to_string()),
        summary,
        details,
        client_ip: Some(ip),
    }
}

/// Approving moves money, so the admin types their password again (see
/// [`crate::accounts::reauth`]).
const APPROVING: Purpose = Purpose {
    empty: "Enter your password to approve.",
    locked: "Too many wrong passwords: approving is paused for 15 minutes.",
    wrong: "This is not your password. Type it again to approve.",
    action: "grant.password_refused",
    doing: "approve a grant",
};

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn approve(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<ApproveForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut errors = FormErrors::default();
    let amount = errors.check("amount", Cents::parse(&form.amount, "Amount"));
    let month = errors.check("month", parse_month(&form.month, state.today()));
    if let Some(why) = password_again(&state, &me, &form.password, &ip, &APPROVING).await? {
        errors.add("password", why);
    }
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, "approving a grant").await? {
        errors.add("approve-code", why);
    }
    let (Some(amount), Some(month), true) = (amount, month, errors.is_empty()) else {
        // What was typed comes back, except the password.
        let typed = Typed {
            amount: form.amount,
            month: form.month,
            ..Typed::default()
        };
        return show_page(
            &state,
            layout,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            typed,
            errors,
            None,
        )
        .await;
    };
    let mut tx = state.pool.begin().await?;
    let current = queries::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(refusal) = may_approve(&current, me.id) {
        // Release the row lock before reading the page, which needs other connections.
        tx.rollback().await?;
        return refuse(&state, layout, id, refusal).await;
    }
    let threshold = queries::settings::current(&mut *tx)
        .await?
        .second_approval_threshold_cents;
    let month_name = month.format("%B %Y").to_string();
    let details =
        json!({ "amount": dollars(amount.get()), "month": month.to_string(), "threshold": dollars(threshold) });
    let message = if amount.get() > threshold {
        queries::approve_pending(&mut tx, id, amount.get(), month, me.id, now).await?;
        let summary = format!(
            "{} approved {amount} for {month_name} on {}, awaiting a second admin",
            me.email, current.reference
        );
        audit::record(
            &mut *tx,
            event(&me, "grant.first_approval", id, summary, details, &ip),
            now,
        )
        .await?;
        format!(
            "Approved {amount} for {month_name}. Above {}, it counts once a second admin confirms it.",
            dollars(threshold)
        )
    } else {
        let number = queries::next_recipient_number(&mut tx).await?;
        queries::approve_counted(&mut tx, id, amount.get(), month, me.id, number, now).await?;
        let summary = format!(
            "{} approved {amount} for {month_name} on {}",
            me.email, current.reference
        );
        audit::record(&mut *tx, event(&me, "grant.approved", id, summary, details, &ip), now).await?;
        format!("Approved {amount} for {month_name}: recipient number {number}.")
    };
    tx.commit().await?;
    done(&session, id, message).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn confirm(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut errors = FormErrors::default();
    if let Some(why) = password_again(&state, &me, &form.password, &ip, &APPROVING).await? {
        errors.add("password", why);
    }
    let purpose = "confirming a grant";
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, purpose).await? {
        errors.add("confirm-code", why);
    }
    if !errors.is_empty() {
        return show_page(
            &state,
            layout,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Typed::default(),
            errors,
            None,
        )
        .await;
    }
    let mut tx = state.pool.begin().await?;
    let current = queries::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(refusal) = may_confirm(&current, me.id) {
        // Release the row lock before reading the page, which needs other connections.
        tx.rollback().await?;
        return refuse(&state, layout, id, refusal).await;
    }
    let amount = dollars(current.approved_cents.unwrap_or_default());
    let month = current
        .grant_month
        .map(|m| m.format("%B %Y").to_string())
        .unwrap_or_default();
    let number = queries::next_recipient_number(&mut tx).await?;
    queries::confirm(&mut tx, id, me.id, number, now).await?;
    let summary = format!("{} confirmed {amount} for {month} on {}", me.email, current.reference);
    let details = json!({ "amount": amount, "recipient_number": number });
    audit::record(&mut *tx, event(&me, "grant.confirmed", id, summary, details, &ip), now).await?;
    tx.commit().await?;
    done(
        &session,
        id,
        format!("Confirmed {amount} for {month}: recipient number {number}."),
    )
    .await
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    code: String,
}

pub async fn decline(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<DeclineForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut errors = FormErrors::default();
    let reason = errors.check("reason", plain_text(&form.reason, "Reason", 2000, true));
    let purpose = "declining a grant";
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, purpose).await? {
        errors.add("decline-code", why);
    }
    let reason = match (reason, errors.is_empty()) {
        (Some(reason), true) => reason,
        _ => {
            let typed = Typed {
                reason: form.reason,
                ..Typed::default()
            };
            return show_page(
                &state,
                layout,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                errors,
                None,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let current = queries::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(refusal) = may_decline(&current) {
        // Release the row lock before reading the page, which needs other connections.
        tx.rollback().await?;
        return refuse(&state, layout, id, refusal).await;
    }
    queries::decline(&mut tx, id, &reason, me.id, now).await?;
    // The reason is private to the grant team; the trail says who and when.
    let summary = format!("{} declined grant application {}", me.email, current.reference);
    audit::record(&mut *tx, event(&me, "grant.declined", id, summary, json!({}), &ip), now).await?;
    tx.commit().await?;
    done(&session, id, format!("{} is declined.", current.reference)).await
}
