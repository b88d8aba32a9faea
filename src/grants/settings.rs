//! The grant settings admins change: the monthly minimum, the yearly target and
//! the amount above which an approval needs a second admin. Kept in a one-row
//! table rather than the environment, so a change takes effect on every instance
//! at once and lands in the audit trail.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::totals::{self, Settings};
use crate::accounts::second_factor::recent_or_code;
use crate::accounts::session::Admin;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::{Cents, dollars};
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, flash, render, render_status};

#[derive(Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    monthly_minimum: String,
    #[serde(default)]
    yearly_target: String,
    #[serde(default)]
    second_approval_threshold: String,
    /// The admin's second-factor code, when the last one is not recent.
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "grants/settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: FormErrors,
}

pub async fn form(Admin(_): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let current = totals::settings(&state.pool).await?;
    let form = SettingsForm {
        monthly_minimum: Cents::from_db(current.monthly_minimum_cents).plain(),
        yearly_target: Cents::from_db(current.yearly_target_cents).plain(),
        second_approval_threshold: Cents::from_db(current.second_approval_threshold_cents).plain(),
        code: String::new(),
    };
    render(&SettingsPage {
        layout,
        form,
        errors: FormErrors::default(),
    })
}

fn parse(form: &SettingsForm) -> Result<Settings, FormErrors> {
    let mut e = FormErrors::default();
    let minimum = e.check(
        "monthly_minimum",
        Cents::parse(&form.monthly_minimum, "Monthly minimum"),
    );
    let target = e.check("yearly_target", Cents::parse(&form.yearly_target, "Yearly target"));
    let threshold = e.check(
        "second_approval_threshold",
        Cents::parse(&form.second_approval_threshold, "Second approval above"),
    );
    match (minimum, target, threshold) {
        (Some(minimum), Some(target), Some(threshold)) if e.is_empty() => Ok(Settings {
            monthly_minimum_cents: minimum.get(),
            yearly_target_cents: target.get(),
            second_approval_threshold_cents: threshold.get(),
        }),
        _ => Err(e),
    }
}

pub async fn save(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    // The second-approval threshold decides when one admin's approval is enough:
    // changing it needs the same recent second factor as approving.
    let purpose = "changing the grant settings";
    let refusal = recent_or_code(&state, &session, &mut layout, &ip, &form.code, purpose).await?;
    let settings = match (parse(&form), refusal) {
        (Ok(settings), None) => settings,
        (parsed, refusal) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Some(why) = refusal {
                errors.add("code", why);
            }
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &SettingsPage { layout, form, errors });
        }
    };
    let mut tx = state.pool.begin().await?;
    let before = totals::settings(&mut *tx).await?;
    totals::save_settings(&mut *tx, &settings, me.id, now).await?;
    let amounts = |s: &Settings| {
        json!({
            "monthly_minimum": dollars(s.monthly_minimum_cents),
            "yearly_target": dollars(s.yearly_target_cents),
            "second_approval_threshold": dollars(s.second_approval_threshold_cents),
        })
    };
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "grant.settings_changed",
            entity_type: "grant_settings",
            entity_id: None,
            summary: format!("{} changed the grant settings", me.email),
            details: json!({ "before": amounts(&before), "after": amounts(&settings) }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, "Grant settings saved.").await?;
    Ok(Redirect::to("/admin/grants").into_response())
}
