//! Signing in and out. A failure says the same thing, after the same work, whether
//! or not the email exists. Each attempt is reserved with the throttle before the
//! password is checked (see [`throttle`]: the account from this address, the
//! account from anywhere, this address).
//! An account with a second factor is signed in only after its code (or a
//! recovery code) on a second page; wrong codes count like wrong passwords.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::model::Email;
use super::notices;
use super::queries;
use super::second_factor::{self, Attempt};
use super::session::{self, CurrentUser, PendingSignIn, safe_next, sign_in, sign_out};
use super::throttle::{self, Reservation};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::{FlashKind, Layout, flash, render, render_status};

const FAILED: &str = "The email or password is not right.";
const LOCKED: &str = "Too many failed attempts. Sign-in is paused for 15 minutes, longer after repeated pauses; \
                      an admin can help if you are locked out.";

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<&'static str>,
}

pub async fn form(
    layout: Layout,
    CurrentUser(user): CurrentUser,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref());
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    render(&LoginPage {
        layout,
        email: String::new(),
        next,
        error: None,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
    let now = state.now();
    let refuse = |status: StatusCode, error: &'static str, email: String, next: String| {
        render_status(
            status,
            &LoginPage {
                layout: Layout::plain(),
                email,
                next,
                error: Some(error),
            },
        )
    };
    let typed_email: String = form.email.trim().chars().take(254).collect();
    if typed_email.is_empty() || form.password.is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your email and password.",
            typed_email,
            next,
        );
    }
    // No email holds control characters (and PostgreSQL stores no NUL): refused
    // before the lockout's bookkeeping, like any email that cannot exist.
    if typed_email.chars().any(char::is_control) {
        let shown: String = typed_email.chars().filter(|c| !c.is_control()).collect();
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, FAILED, shown, next);
    }
    let user = match Email::parse(&typed_email) {
        Ok(email) => queries::find_by_email(&state.pool, &email).await?,
        Err(_) => None,
    };
    let user_id = user.as_ref().map(|u| u.id);
    let limits = throttle::sign_in_limits(&typed_email, &ip);
    // Guessing in a signed-in session (typing the password again) pauses sign-in too.
    let reserved = if throttle::locked_until(&state.pool, &throttle::signed_in_key(&typed_email), now)
        .await?
        .is_some()
    {
        None
    } else {
        match throttle::reserve(&state.pool, &limits, now).await? {
            Reservation::Reserved(reserved) => Some(reserved),
            Reservation::Refused => None,
        }
    };
    let Some(reserved) = reserved else {
        audit_attempt(&state, "sign_in.locked", &typed_email, user_id, &ip).await?;
        return refuse(StatusCode::TOO_MANY_REQUESTS, LOCKED, typed_email, next);
    };

    let stored_hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let matched = state.hasher.verify(&form.password, stored_hash).await?;
    if matched
        && let Some(user) = user.as_ref().filter(|u| u.active)
        && let Some(stored) = stored_hash
    {
        // Best effort: the right password signs in even when this fails.
        if let Err(e) = remake_stale_hash(&state, user.id, &form.password, stored).await {
            tracing::warn!(error = %e, user = %user.id, "a password hash at older parameters was not made again");
        }
    }
    match user {
        Some(user) if matched && user.active && second_factor::enrolled(&state.pool, user.id).await? => {
            // The right password is no failure, but the counts stay until the
            // code is right too, so knowing the password buys no more guesses at it.
            throttle::give_back(&state.pool, &limits, &reserved).await?;
            let pending = PendingSignIn {
                user_id: user.id,
                epoch: user.session_epoch,
                started_at: now,
                next,
            };
            session::begin_pending(&session, pending).await?;
            audit_attempt(&state, "sign_in.password_accepted", &user.email, Some(user.id), &ip).await?;
            Ok(Redirect::to("/login/code").into_response())
        }
        Some(user) if matched && user.active => {
            signed_in_from(&state, &limits, &reserved).await?;
            sign_in(&session, &user, now, None).await?;
            audit_attempt(&state, "sign_in.succeeded", &user.email, Some(user.id), &ip).await?;
            Ok(Redirect::to(&next).into_response())
        }
        user => {
            metrics::counter!("sign_in_failures_total", "step" => "password").increment(1);
            // The reservation stands as the failure.
            audit_attempt(&state, "sign_in.failed", &typed_email, user.as_ref().map(|u| u.id), &ip).await?;
            if let Some(user) = user.filter(|_| reserved.locked_account()) {
                notices::tell_paused(&state, user.id).await?;
            }
            refuse(StatusCode::UNPROCESSABLE_ENTITY, FAILED, typed_email, next)
        }
    }
}

/// Makes a hash at older argon2 parameters again at today's ([`crate::accounts::password::Hasher::rehash_if_stale`]).
async fn remake_stale_hash(state: &AppState, id: uuid::Uuid, password: &str, stored: &str) -> Result<(), AppError> {
    if let Some(fresh) = state.hasher.rehash_if_stale(password, stored).await? {
        queries::replace_stale_hash(&state.pool, id, stored, &fresh).await?;
    }
    Ok(())
}

/// The account signed in from this address: that address's count for it is
/// forgotten, and the attempt is given back to the wider counts (which keep
/// what others tried).
async fn signed_in_from(
    state: &AppState,
    limits: &[throttle::Limit; 3],
    reserved: &throttle::Reserved,
) -> Result<(), AppError> {
    throttle::give_back(&state.pool, limits, reserved).await?;
    throttle::clear(&state.pool, &limits[0].key).await?;
    Ok(())
}

async fn audit_attempt(
    state: &AppState,
    action: &str,
    email: &str,
    user_id: Option<uuid::Uuid>,
    ip: &str,
) -> Result<(), AppError> {
    let summary = format!("{}: {email}", audit::words::action_words(action));
    let event = Event::visitor(action, "account", user_id.map(|id| id.to_string()), summary, ip)
        // Only a completed sign-in is surely the account holder's act.
        .by(user_id.filter(|_| action == "sign_in.succeeded"))
        .with(json!({ "email": email }));
    audit::record(&state.pool, event, state.now()).await?;
    Ok(())
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    sign_out(&session).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template)]
#[template(path = "accounts/login_code.html")]
struct CodePage {
    layout: Layout,
    error: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

const TIMED_OUT: &str = "Sign-in waited too long for the code. Sign in again.";

/// The second step of signing in, for a browser whose password was just right.
pub async fn code_form(
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    CurrentUser(user): CurrentUser,
) -> Result<Response, AppError> {
    if user.is_some() {
        return Ok(Redirect::to("/staff").into_response());
    }
    if session::pending(&session, state.now()).await?.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    render(&CodePage { layout, error: None })
}

pub async fn code_submit(
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let user = match session::pending(&session, now).await? {
        Some(pending) => queries::find_by_id(&state.pool, pending.user_id)
            .await?
            .filter(|u| u.active && u.session_epoch == pending.epoch)
            .map(|u| (u, pending.next)),
        None => None,
    };
    let Some((user, next)) = user else {
        session::end_pending(&session).await?;
        flash(&session, FlashKind::Error, TIMED_OUT).await?;
        return Ok(Redirect::to("/login").into_response());
    };
    let attempt = Attempt {
        user_id: user.id,
        email: &user.email,
        ip: &ip,
        purpose: "signing in",
        signed_in: false,
    };
    if let Some(why) = second_factor::prove(&state, attempt, &form.code).await? {
        let status = if why == second_factor::LOCKED {
            // A locked account starts again from the password once the pause ends.
            session::end_pending(&session).await?;
            StatusCode::TOO_MANY_REQUESTS
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_status(
            status,
            &CodePage {
                layout: Layout::plain(),
                error: Some(why),
            },
        );
    }
    throttle::clear(&state.pool, &throttle::account_address_key(&user.email, &ip)).await?;
    sign_in(&session, &user, now, Some(now)).await?;
    audit_attempt(&state, "sign_in.succeeded", &user.email, Some(user.id), &ip).await?;
    Ok(Redirect::to(&next).into_response())
}
