//! The second admin's side of a change of the grant settings: confirming the
//! proposal exactly as it was shown, or withdrawing it (see [`super::settings`]).

use axum::Form;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::queries::settings::{self as stored, Settings};
use super::settings::{amounts, page};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::web::forms::FormErrors;

#[derive(Deserialize, Default)]
pub struct ConfirmForm {
    #[serde(default)]
    minimum_cents: String,
    #[serde(default)]
    target_cents: String,
    #[serde(default)]
    threshold_cents: String,
    #[serde(default)]
    code: String,
}

/// Another admin puts the proposal in force, exactly as it was shown to them.
pub async fn confirm(mut act: Acting<Admin>, Form(form): Form<ConfirmForm>) -> Result<Response, AppError> {
    let seen = match (
        form.minimum_cents.parse(),
        form.target_cents.parse(),
        form.threshold_cents.parse(),
    ) {
        (Ok(monthly_minimum_cents), Ok(yearly_target_cents), Ok(second_approval_threshold_cents)) => Settings {
            monthly_minimum_cents,
            yearly_target_cents,
            second_approval_threshold_cents,
        },
        _ => {
            return Err(AppError::BadRequest(
                "This form is out of date. Open the grant settings again.".into(),
            ));
        }
    };
    let errors = act
        .code_errors(&form.code, "confirming the grant settings", "confirm-code")
        .await?;
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return page(&act.state, &act.me, act.layout(), status, None, errors, None).await;
    }
    let me = act.me.id;
    let mut tx = act.state.pool.begin().await?;
    let before = stored::current(&mut *tx).await?;
    let proposal = stored::proposal(&mut *tx).await?;
    let refusal = match &proposal {
        None => Some((
            StatusCode::CONFLICT,
            "There is no change waiting: it was confirmed or withdrawn.",
        )),
        Some(p) if p.proposed_by == me => Some((
            StatusCode::FORBIDDEN,
            "You proposed this change, so a different admin must confirm it.",
        )),
        Some(p) if p.settings != seen => Some((
            StatusCode::CONFLICT,
            "The proposed change is not the one you saw; read it again before confirming.",
        )),
        Some(_) => None,
    };
    let applied = refusal.is_none() && stored::confirm(&mut tx, &seen, me, act.now).await?;
    let (Some(proposal), true) = (proposal, applied) else {
        tx.rollback().await?;
        let (status, why) = refusal.unwrap_or((StatusCode::CONFLICT, "The proposed change has just changed."));
        let errors = FormErrors::default();
        return page(
            &act.state,
            &act.me,
            act.layout(),
            status,
            None,
            errors,
            Some(why.into()),
        )
        .await;
    };
    let change = Change {
        action: "grant.settings_changed",
        entity_type: "grant_settings",
        entity_id: String::new(),
        summary: format!(
            "{} confirmed the grant settings proposed by {}",
            act.me.email, proposal.proposed_by_name
        ),
        details: json!({
            "before": amounts(&before),
            "after": amounts(&seen),
            "proposed_by": proposal.proposed_by,
        }),
    };
    let message = "Grant settings confirmed: they are in force now.";
    act.commit(tx, change, message, "/admin/grants").await
}

/// Drops the waiting change; any admin may, the one who proposed it included.
pub async fn withdraw(act: Acting<Admin>) -> Result<Response, AppError> {
    let mut tx = act.state.pool.begin().await?;
    let message = if stored::withdraw(&mut *tx).await? {
        let change = Change {
            action: "grant.settings_withdrawn",
            entity_type: "grant_settings",
            entity_id: String::new(),
            summary: format!("{} withdrew the proposed grant settings", act.me.email),
            details: json!({}),
        };
        act.record(&mut *tx, change).await?;
        "The proposed change is withdrawn; the settings in force stay as they are."
    } else {
        "There was no change waiting."
    };
    tx.commit().await?;
    act.done(message, "/admin/grants/settings").await
}
