//! The grant settings admins change: the monthly minimum, the yearly target and
//! the amount above which an approval needs a second admin. Kept in a one-row
//! table rather than the environment, so a change takes effect on every instance
//! at once and lands in the audit trail.
//!
//! One admin alone must never be able to count a large grant: raising the
//! threshold, approving, and lowering it again would do just that. So a change is
//! only proposed by one admin; it is shown to the others and takes effect when a
//! different admin confirms it. Either may withdraw it meanwhile.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::queries::settings::{self as stored, Proposal, Settings};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::{Admin, SessionUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::{Cents, dollars};
use crate::web::forms::FormErrors;
use crate::web::{Layout, render_status};

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

impl SettingsForm {
    fn of(settings: &Settings) -> Self {
        SettingsForm {
            monthly_minimum: Cents::from_db(settings.monthly_minimum_cents).plain(),
            yearly_target: Cents::from_db(settings.yearly_target_cents).plain(),
            second_approval_threshold: Cents::from_db(settings.second_approval_threshold_cents).plain(),
            code: String::new(),
        }
    }
}

/// A proposal as the page shows it.
pub struct Shown {
    pub minimum: String,
    pub target: String,
    pub threshold: String,
    pub by: String,
    pub at: DateTime<Utc>,
    /// Another admin proposed it, so this one may confirm it.
    pub mine_to_confirm: bool,
    /// The amounts in cents, sent back on confirmation so that only what was seen is confirmed.
    pub cents: [i64; 3],
}

impl Shown {
    fn of(p: &Proposal, me: &SessionUser) -> Shown {
        let s = p.settings;
        Shown {
            minimum: dollars(s.monthly_minimum_cents),
            target: dollars(s.yearly_target_cents),
            threshold: dollars(s.second_approval_threshold_cents),
            by: p.proposed_by_name.clone(),
            at: p.proposed_at,
            mine_to_confirm: p.proposed_by != me.id,
            cents: [
                s.monthly_minimum_cents,
                s.yearly_target_cents,
                s.second_approval_threshold_cents,
            ],
        }
    }
}

#[derive(Template)]
#[template(path = "grants/settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    errors: FormErrors,
    proposal: Option<Shown>,
    confirm_error: Option<String>,
}

pub(super) async fn page(
    state: &AppState,
    me: &SessionUser,
    layout: Layout,
    status: StatusCode,
    form: Option<SettingsForm>,
    errors: FormErrors,
    confirm_error: Option<String>,
) -> Result<Response, AppError> {
    let form = match form {
        Some(form) => form,
        None => SettingsForm::of(&stored::current(&state.pool).await?),
    };
    let proposal = stored::proposal(&state.pool).await?.map(|p| Shown::of(&p, me));
    render_status(
        status,
        &SettingsPage {
            layout,
            form,
            errors,
            proposal,
            confirm_error,
        },
    )
}

pub async fn form(Admin(me): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    page(&state, &me, layout, StatusCode::OK, None, FormErrors::default(), None).await
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

pub(super) fn amounts(s: &Settings) -> serde_json::Value {
    json!({
        "monthly_minimum": dollars(s.monthly_minimum_cents),
        "yearly_target": dollars(s.yearly_target_cents),
        "second_approval_threshold": dollars(s.second_approval_threshold_cents),
    })
}

/// Proposes new settings; they take effect once another admin confirms them.
pub async fn save(mut act: Acting<Admin>, Form(form): Form<SettingsForm>) -> Result<Response, AppError> {
    // The settings decide when one admin's approval is enough: proposing a
    // change needs the same recent second factor as approving.
    let refusal = act.recent_or_code(&form.code, "changing the grant settings").await?;
    let settings = match (parse(&form), refusal) {
        (Ok(settings), None) => settings,
        (parsed, refusal) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Some(why) = refusal {
                errors.add("code", why);
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return page(&act.state, &act.me, act.layout(), status, Some(form), errors, None).await;
        }
    };
    let mut tx = act.state.pool.begin().await?;
    let before = stored::current(&mut *tx).await?;
    stored::propose(&mut *tx, &settings, act.me.id, act.now).await?;
    let change = Change {
        action: "grant.settings_proposed",
        entity_type: "grant_settings",
        entity_id: String::new(),
        summary: format!(
            "{} proposed new grant settings, waiting for a second admin",
            act.me.email
        ),
        details: json!({ "in_force": amounts(&before), "proposed": amounts(&settings) }),
    };
    let message = "New grant settings proposed. They take effect once another admin confirms them.";
    act.commit(tx, change, message, "/admin/grants/settings").await
}
