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
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::money::parse_month;
use super::notices::{self, News};
use super::queries::{self, Locked};
use super::review::{Typed, show_page, with_mistakes};
use super::rules::{Refusal, may_approve, may_confirm, may_decline};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::reauth::Purpose;
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::vocab::money::{Cents, dollars};
use crate::web::PathId;
use crate::web::forms::{FormErrors, plain_text};

/// The application's page again, saying why the action was refused.
pub(super) async fn refuse<R>(act: &Acting<R>, id: Uuid, refusal: Refusal) -> Result<Response, AppError> {
    let status = match refusal {
        Refusal::NotYou(_) => StatusCode::FORBIDDEN,
        Refusal::WrongStep(_) => StatusCode::CONFLICT,
    };
    let reason = Some(refusal.reason().into());
    show_page(
        &act.state,
        act.layout(),
        id,
        status,
        Typed::default(),
        FormErrors::default(),
        reason,
    )
    .await
}

/// Locks the application's row and asks `rule` whether this step may be taken:
/// the open transaction with the row, or the page saying why not.
pub(super) async fn lock_for<R>(
    act: &Acting<R>,
    id: Uuid,
    rule: impl FnOnce(&Locked) -> Result<(), Refusal>,
) -> Result<Result<(Transaction<'static, Postgres>, Locked), Response>, AppError> {
    let mut tx = act.state.pool.begin().await?;
    let current = queries::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(refusal) = rule(&current) {
        // Release the row lock before reading the page, which needs other connections.
        tx.rollback().await?;
        return Ok(Err(refuse(act, id, refusal).await?));
    }
    Ok(Ok((tx, current)))
}

/// Where a decision's answer goes: the application's page.
pub(super) fn page_of(id: Uuid) -> String {
    format!("/staff/grants/{id}")
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
    mut act: Acting<Admin>,
    PathId(id): PathId,
    Form(form): Form<ApproveForm>,
) -> Result<Response, AppError> {
    let now = act.now;
    let mut errors = FormErrors::default();
    let amount = errors.check("amount", Cents::parse(&form.amount, "Amount"));
    let month = errors.check("month", parse_month(&form.month, act.state.today()));
    if let Some(why) = act.password_again(&form.password, &APPROVING).await? {
        errors.add("password", why);
    }
    if let Some(why) = act.recent_or_code(&form.code, "approving a grant").await? {
        errors.add("approve-code", why);
    }
    let (Some(amount), Some(month), true) = (amount, month, errors.is_empty()) else {
        // What was typed comes back, except the password.
        let typed = Typed {
            amount: form.amount,
            month: form.month,
            ..Typed::default()
        };
        return with_mistakes(&act, id, typed, errors).await;
    };
    let me = act.me.id;
    let (mut tx, current) = match lock_for(&act, id, |current| may_approve(current, me)).await? {
        Ok(locked) => locked,
        Err(page) => return Ok(page),
    };
    let threshold = queries::settings::current(&mut *tx)
        .await?
        .second_approval_threshold_cents;
    let month_name = month.format("%B %Y").to_string();
    let details =
        json!({ "amount": dollars(amount.get()), "month": month.to_string(), "threshold": dollars(threshold) });
    let (action, summary, message) = if amount.get() > threshold {
        queries::approve_pending(&mut tx, id, amount.get(), month, me, now).await?;
        (
            "grant.first_approval",
            format!(
                "{} approved {amount} for {month_name} on {}, awaiting a second admin",
                act.me.email, current.reference
            ),
            format!(
                "Approved {amount} for {month_name}. Above {}, it counts once a second admin confirms it.",
                dollars(threshold)
            ),
        )
    } else {
        let number = queries::next_recipient_number(&mut tx).await?;
        queries::approve_counted(&mut tx, id, amount.get(), month, me, number, now).await?;
        let news = News::Approved { cents: amount.get() };
        notices::tell_applicant(&mut tx, id, news, now).await?;
        (
            "grant.approved",
            format!(
                "{} approved {amount} for {month_name} on {}",
                act.me.email, current.reference
            ),
            format!("Approved {amount} for {month_name}: recipient number {number}."),
        )
    };
    let change = Change {
        action,
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary,
        details,
    };
    act.commit(tx, change, message, &page_of(id)).await
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

pub async fn confirm(
    mut act: Acting<Admin>,
    PathId(id): PathId,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    if let Some(why) = act.password_again(&form.password, &APPROVING).await? {
        errors.add("password", why);
    }
    if let Some(why) = act.recent_or_code(&form.code, "confirming a grant").await? {
        errors.add("confirm-code", why);
    }
    if !errors.is_empty() {
        return with_mistakes(&act, id, Typed::default(), errors).await;
    }
    let me = act.me.id;
    let (mut tx, current) = match lock_for(&act, id, |current| may_confirm(current, me)).await? {
        Ok(locked) => locked,
        Err(page) => return Ok(page),
    };
    let amount = dollars(current.approved_cents.unwrap_or_default());
    let month = current
        .grant_month
        .map(|m| m.format("%B %Y").to_string())
        .unwrap_or_default();
    let number = queries::next_recipient_number(&mut tx).await?;
    queries::confirm(&mut tx, id, me, number, act.now).await?;
    let news = News::Approved {
        cents: current.approved_cents.unwrap_or_default(),
    };
    notices::tell_applicant(&mut tx, id, news, act.now).await?;
    let change = Change {
        action: "grant.confirmed",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!(
            "{} confirmed {amount} for {month} on {}",
            act.me.email, current.reference
        ),
        details: json!({ "amount": amount, "recipient_number": number }),
    };
    let message = format!("Confirmed {amount} for {month}: recipient number {number}.");
    act.commit(tx, change, message, &page_of(id)).await
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
    /// What the applicant reads, in their email and on their status page.
    #[serde(default)]
    to_applicant: String,
    #[serde(default)]
    code: String,
}

pub async fn decline(
    mut act: Acting<Admin>,
    PathId(id): PathId,
    Form(form): Form<DeclineForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let reason = errors.check("reason", plain_text(&form.reason, "Reason", 2000, true));
    let to_applicant = errors.check(
        "to_applicant",
        plain_text(&form.to_applicant, "What the applicant reads", 2000, true),
    );
    if let Some(why) = act.recent_or_code(&form.code, "declining a grant").await? {
        errors.add("decline-code", why);
    }
    let (reason, to_applicant) = match (reason, to_applicant, errors.is_empty()) {
        (Some(reason), Some(to_applicant), true) => (reason, to_applicant),
        _ => {
            let typed = Typed {
                reason: form.reason,
                to_applicant: form.to_applicant,
                ..Typed::default()
            };
            return with_mistakes(&act, id, typed, errors).await;
        }
    };
    let (mut tx, current) = match lock_for(&act, id, may_decline).await? {
        Ok(locked) => locked,
        Err(page) => return Ok(page),
    };
    queries::decline(&mut tx, id, &reason, &to_applicant, act.me.id, act.now).await?;
    let news = News::Declined { words: to_applicant };
    notices::tell_applicant(&mut tx, id, news, act.now).await?;
    // The reason is private to the grant team; the trail says who and when.
    let change = Change {
        action: "grant.declined",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!("{} declined grant application {}", act.me.email, current.reference),
        details: json!({}),
    };
    let message = format!("{} is declined.", current.reference);
    act.commit(tx, change, message, &page_of(id)).await
}
