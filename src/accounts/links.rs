//! Pages behind one-time links: the first admin's setup (email, name, password),
//! and choosing a password after an invitation or a reset.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::model::{DisplayName, Email, Role};
use super::password::Password;
use super::queries::{self, NewUser};
use super::tokens::{self, Purpose};
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
    sqlx::query!("select pg_advisory_xact_lock(hashtext('honor_mile_first_admin'))")
        .execute(&mut *tx)
        .await?;
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
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(id),
            action: "account.first_admin_created",
            entity_type: "account",
            entity_id: Some(id.to_string()),
            summary: format!("First admin {} set up", email.as_str()),
            details: json!({ "email": email.as_str() }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        "Your admin account is ready. Sign in with your new password.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}

pub async fn password_form(
    layout: Layout,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let now = state.now();
    let Some(found) = tokens::find_valid(
        &state.pool,
        &token,
        &[Purpose::Invite, Purpose::Reset, Purpose::Forgot],
        now,
    )
    .await?
    else {
        return invalid_link();
    };
    let Some(user) = queries::find_by_id(&state.pool, found.user_id.unwrap_or_default()).await? else {
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
    let Some(found) = tokens::find_valid(
        &state.pool,
        &token,
        &[Purpose::Invite, Purpose::Reset, Purpose::Forgot],
        now,
    )
    .await?
    else {
        return invalid_link();
    };
    let Some(user) = queries::find_by_id(&state.pool, found.user_id.unwrap_or_default()).await? else {
        return invalid_link();
    };
    if !user.active {
        return invalid_link();
    }
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
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(user.id),
            action,
            entity_type: "account",
            entity_id: Some(user.id.to_string()),
            summary: format!("{} chose a new password through a one-time link", user.email),
            details: json!({}),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        "Your password is set. Sign in with it now.",
    )
    .await?;
    Ok(Redirect::to("/login").into_response())
}
