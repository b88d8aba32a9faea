//! Pages behind one-time links: the first admin's setup (email, name, password),
//! and choosing a password after an invitation or a reset.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use tower_sessions::Session;

use super::model::{DisplayName, Email, Role, User};
use super::password::Password;
use super::queries::{self, NewUser};
use super::tokens::{self, Purpose, ValidToken};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, flash, render, render_status};

#[derive(Deserialize, Default)]
pub struct SetupForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage {
    layout: Layout,
    form: SetupForm,
    errors: FormErrors,
    /// Invitations and resets already know who the account is.
    account: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/link_invalid.html")]
struct InvalidLinkPage {
    layout: Layout,
}

fn invalid_link() -> Result<Response, AppError> {
    render_status(
        StatusCode::NOT_FOUND,
        &InvalidLinkPage {
            layout: Layout::plain(),
        },
    )
}

pub async fn setup_form(
    layout: Layout,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if tokens::find_valid(&state.pool, &token, &[Purpose::FirstAdmin], state.now())
        .await?
        .is_none()
    {
        return invalid_link();
    }
    render(&SetupPage {
        layout,
        form: SetupForm::default(),
        errors: FormErrors::default(),
        account: None,
    })
}

pub async fn setup_submit(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut errors = FormErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let password = errors.check(
        "password",
        Password::parse(&form.password, &form.confirm, &[&form.email, &form.display_name]),
    );
    let (Some(email), Some(name), Some(password)) = (email, name, password) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                layout: Layout::plain(),
                form: SetupForm {
                    password: String::new(),
                    confirm: String::new(),
                    ..form
                },
                errors,
                account: None,
            },
        );
    };
    let hash = state.hasher.hash(&password).await?;

    let mut tx = state.pool.begin().await?;
    queries::lock_first_admin(&mut *tx).await?;
    let Some(found) = tokens::find_valid(&mut *tx, &token, &[Purpose::FirstAdmin], now).await? else {
        return invalid_link();
    };
    if queries::any_admin(&mut *tx).await? || !tokens::consume(&mut *tx, &found.hash, now).await? {
        return invalid_link();
    }
    let new = NewUser {
        email: &email,
        display_name: &name,
        role: Role::Admin,
        password_hash: Some(&hash),
    };
    let Some(id) = queries::insert(&mut *tx, new, now).await? else {
        return invalid_link();
    };
    let summary = format!("First admin {} set up", email.as_str());
    let event = Event::visitor(
        "account.first_admin_created",
        "account",
        Some(id.to_string()),
        summary,
        &ip,
    )
    .by(Some(id))
    .with(json!({ "email": email.as_str() }));
    let message = "Your admin account is ready. Sign in with your new password.";
    on_to_sign_in(tx, &session, event, now, message).await
}

pub async fn password_form(
    layout: Layout,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((_, user)) = linked_account(&state, &token).await? else {
        return invalid_link();
    };
    render(&SetupPage {
        layout,
        form: SetupForm::default(),
        errors: FormErrors::default(),
        account: Some(user.email),
    })
}

pub async fn password_submit(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let Some((found, user)) = linked_account(&state, &token).await?.filter(|(_, user)| user.active) else {
        return invalid_link();
    };
    let mut errors = FormErrors::default();
    let password = errors.check(
        "password",
        Password::parse(&form.password, &form.confirm, &[&user.email, &user.display_name]),
    );
    let Some(password) = password else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                layout: Layout::plain(),
                form: SetupForm::default(),
                errors,
                account: Some(user.email),
            },
        );
    };
    let hash = state.hasher.hash(&password).await?;
    let mut tx = state.pool.begin().await?;
    if !tokens::consume(&mut *tx, &found.hash, now).await? {
        return invalid_link();
    }
    queries::set_password(&mut *tx, user.id, &hash, now).await?;
    // A link an admin gave is the help a locked-out person was told to ask for.
    super::throttle::clear_account(&mut *tx, &user.email).await?;
    let action = if found.purpose == Purpose::Invite {
        "account.invitation_accepted"
    } else {
        "account.password_reset_used"
    };
    let summary = format!("{} chose a new password through a one-time link", user.email);
    let event = Event::visitor(action, "account", Some(user.id.to_string()), summary, &ip).by(Some(user.id));
    on_to_sign_in(tx, &session, event, now, "Your password is set. Sign in with it now.").await
}

/// Closes what a one-time link did: its audit event in its transaction, the
/// commit, then on to sign in with `message`.
async fn on_to_sign_in(
    mut tx: Transaction<'_, Postgres>,
    session: &Session,
    event: Event<'_>,
    now: DateTime<Utc>,
    message: &str,
) -> Result<Response, AppError> {
    audit::record(&mut *tx, event, now).await?;
    tx.commit().await?;
    flash(session, FlashKind::Success, message).await?;
    Ok(Redirect::to("/login").into_response())
}

/// The valid invitation or reset link `token` and the account it is for.
async fn linked_account(state: &AppState, token: &str) -> Result<Option<(ValidToken, User)>, AppError> {
    let purposes = [Purpose::Invite, Purpose::Reset, Purpose::Forgot];
    let Some(found) = tokens::find_valid(&state.pool, token, &purposes, state.now()).await? else {
        return Ok(None);
    };
    let user = queries::find_by_id(&state.pool, found.user_id.unwrap_or_default()).await?;
    Ok(user.map(|user| (found, user)))
}
