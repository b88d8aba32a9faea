//! The second admin's side of a change of the grant settings: confirming the
//! proposal exactly as it was shown, or withdrawing it (see [`super::settings`]).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::queries::settings::{self as stored, Settings};
use super::settings::{amounts, event, page};
use crate::accounts::second_factor::recent_or_code;
use crate::accounts::session::Admin;
use crate::audit;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, flash};

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
pub async fn confirm(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let now = state.now();
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
    let purpose = "confirming the grant settings";
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, purpose).await? {
        let mut errors = FormErrors::default();
        errors.add("confirm-code", why);
        return page(
            &state,
            &me,
            layout,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            errors,
            None,
        )
        .await;
    }
    let mut tx = state.pool.begin().await?;
    let before = stored::current(&mut *tx).await?;
    let proposal = stored::proposal(&mut *tx).await?;
    let refusal = match &proposal {
        None => Some((
            StatusCode::CONFLICT,
            "There is no change waiting: it was confirmed or withdrawn.",
        )),
        Some(p) if p.proposed_by == me.id => Some((
            StatusCode::FORBIDDEN,
            "You proposed this change, so a different admin must confirm it.",
        )),
        Some(p) if p.settings != seen => Some((
            StatusCode::CONFLICT,
            "The proposed change is not the one you saw; read it again before confirming.",
        )),
        Some(_) => None,
    };
    let applied = refusal.is_none() && stored::confirm(&mut tx, &seen, me.id, now).await?;
    let (Some(proposal), true) = (proposal, applied) else {
        tx.rollback().await?;
        let (status, why) = refusal.unwrap_or((StatusCode::CONFLICT, "The proposed change has just changed."));
        return page(
            &state,
            &me,
            layout,
            status,
            None,
            FormErrors::default(),
            Some(why.into()),
        )
        .await;
    };
    let summary = format!(
        "{} confirmed the grant settings proposed by {}",
        me.email, proposal.proposed_by_name
    );
    let details = json!({
        "before": amounts(&before),
        "after": amounts(&seen),
        "proposed_by": proposal.proposed_by,
    });
    audit::record(
        &mut *tx,
        event(&me, "grant.settings_changed", summary, details, &ip),
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        "Grant settings confirmed: they are in force now.",
    )
    .await?;
    Ok(Redirect::to("/admin/grants").into_response())
}

/// Drops the waiting change; any admin may, the one who proposed it included.
pub async fn withdraw(
    Admin(me): Admin,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let message = if stored::withdraw(&mut *tx).await? {
        let summary = format!("{} withdrew the proposed grant settings", me.email);
        audit::record(
            &mut *tx,
            event(&me, "grant.settings_withdrawn", summary, json!({}), &ip),
            now,
        )
        .await?;
        "The proposed change is withdrawn; the settings in force stay as they are."
    } else {
        "There was no change waiting."
    };
    tx.commit().await?;
    flash(&session, FlashKind::Success, message).await?;
    Ok(Redirect::to("/admin/grants/settings").into_response())
}
