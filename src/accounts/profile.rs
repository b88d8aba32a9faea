//! Everyone's own account page: changing one's password, which ends every other
//! session of the account and keeps this one (with a second factor, the change
//! needs it proven within the last ten minutes), and turning the daily staff
//! digest off or on.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::acting::{Acting, Change};
use super::password::Password;
use super::queries;
use super::reauth::Purpose;
use super::session::{Staff, factor_proven_at, sign_in};
use crate::error::AppError;
use crate::messages::letters::SecurityNotice;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    code: String,
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FormErrors,
    /// Whether this person receives the daily digest, and from what hour.
    wants_digest: bool,
    digest_hour: u32,
}

impl PasswordPage {
    async fn new(state: &AppState, me: Uuid, layout: Layout, errors: FormErrors) -> Result<Self, AppError> {
        Ok(PasswordPage {
            layout,
            errors,
            wants_digest: queries::wants_digest(&state.pool, me).await?,
            digest_hour: state.config.digest_hour,
        })
    }
}

pub async fn form(Staff(me): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&PasswordPage::new(&state, me.id, layout, FormErrors::default()).await?)
}

/// Someone holding a stolen session cannot guess the current password here
/// without limit: wrong ones count toward the sign-in lockout.
const CHANGING: Purpose = Purpose {
    empty: "Enter your current password.",
    locked: "Too many wrong passwords: changing it is paused for 15 minutes.",
    wrong: "This is not your current password.",
    action: "account.password_change_refused",
    doing: "change it",
};

pub async fn submit(mut act: Acting<Staff>, Form(form): Form<PasswordForm>) -> Result<Response, AppError> {
    let now = act.now;
    let user = queries::find_by_id(&act.state.pool, act.me.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if let Some(why) = act.password_again(&form.current, &CHANGING).await? {
        errors.add("current", why);
    }
    let password = errors.check(
        "password",
        Password::parse(&form.password, &form.confirm, &[&user.email, &user.display_name]),
    );
    if let Some(why) = act.recent_or_code(&form.code, "changing their password").await? {
        errors.add("code", why);
    }
    let (Some(password), true) = (password, errors.is_empty()) else {
        let page = PasswordPage::new(&act.state, act.me.id, act.layout(), errors).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let hash = act.state.hasher.hash(&password).await?;
    let mut tx = act.state.pool.begin().await?;
    let epoch = queries::set_password(&mut *tx, user.id, &hash, now).await?;
    let notice = SecurityNotice {
        to: user.email.clone(),
        name: user.display_name.clone(),
        what: "Your password was changed.",
    };
    crate::messages::queue(&mut tx, &notice, now).await?;
    let change = Change {
        action: "account.password_changed",
        entity_type: "account",
        entity_id: user.id.to_string(),
        summary: format!("{} changed their password", user.email),
        details: json!({}),
    };
    act.record(&mut *tx, change).await?;
    tx.commit().await?;
    // The new epoch ended every session; start a fresh one for this browser.
    let renewed = super::model::User {
        session_epoch: epoch,
        ..user
    };
    let factor_at = factor_proven_at(&act.session).await?;
    sign_in(&act.session, &renewed, now, factor_at).await?;
    act.done(
        "Your password has been changed. Other sessions were signed out.",
        "/account/password",
    )
    .await
}

#[derive(Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    wanted: String,
}

/// Turns this person's daily digest on (`wanted=on`) or off (`wanted=off`).
pub async fn digest(act: Acting<Staff>, Form(form): Form<DigestForm>) -> Result<Response, AppError> {
    let on = match form.wanted.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return act
                .refused("Choose to turn the daily email on or off.", "/account/password#digest")
                .await;
        }
    };
    let message = if on {
        "You will receive the daily email again."
    } else {
        "The daily email is off. You can turn it on again here at any time."
    };
    let mut tx = act.state.pool.begin().await?;
    if !queries::set_wants_digest(&mut *tx, act.me.id, on, act.now).await? {
        // A second tap, or another tab: nothing changed, and the page says how it stands.
        return act.done(message, "/account/password#digest").await;
    }
    let change = Change {
        action: if on { "account.digest_on" } else { "account.digest_off" },
        entity_type: "account",
        entity_id: act.me.id.to_string(),
        summary: format!(
            "{} turned their daily email {}",
            act.me.email,
            if on { "on" } else { "off" }
        ),
        details: json!({ "wants_digest": on }),
    };
    act.commit(tx, change, message, "/account/password#digest").await
}
