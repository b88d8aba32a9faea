//! Who is signed in. The session (tower-sessions, stored in PostgreSQL) holds only
//! the user id, the account's session epoch and two times; every request checks
//! them against the database and the clock, so a deactivated account, a changed
//! password, an idle or a too-old session stops working at once on every instance.
//! `Staff` and `Admin` are the extractors a handler names to require a role.
//! The session also records when the second factor was last proven, for the
//! actions that need a recent one, and holds a sign-in that has passed the
//! password but still waits for its code.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use super::model::{Role, User};
use super::queries;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::Viewer;

const AUTH_KEY: &str = "auth";
const PENDING_KEY: &str = "pending_sign_in";

/// How long a proven second factor counts as recent. Approving money and changing
/// accounts need one this fresh: long enough for a run of decisions at one
/// sitting, short enough that a session left open on a shared computer soon
/// cannot act without the phone.
pub const RECENT_FACTOR: chrono::Duration = chrono::Duration::minutes(10);

/// How long the code step of a sign-in waits after the password was accepted.
pub const PENDING_SIGN_IN: chrono::Duration = chrono::Duration::minutes(5);

/// The only pages an admin without a second factor may open: setting one up,
/// seeing its recovery codes, and signing out.
const ENROLMENT_PATHS: [&str; 3] = [
    "/account/second-factor/enrol",
    "/account/second-factor/recovery-codes",
    "/logout",
];

#[derive(Clone, Debug, Serialize, Deserialize)]
struct AuthData {
    user_id: Uuid,
    epoch: i32,
    signed_in_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    /// When the second factor was last proven in this session.
    #[serde(default)]
    factor_at: Option<DateTime<Utc>>,
}

/// A sign-in past its password, waiting for the second factor's code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub user_id: Uuid,
    pub epoch: i32,
    pub started_at: DateTime<Utc>,
    pub next: String,
}

/// The signed-in person, as pages need them.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    /// The account has a second factor enrolled.
    pub has_factor: bool,
    /// The second factor was proven in this session within [`RECENT_FACTOR`].
    pub factor_recent: bool,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// An admin without a second factor may do nothing but set one up.
    pub fn must_enrol(&self) -> bool {
        self.is_admin() && !self.has_factor
    }

    /// An action that needs a recent second factor must ask for a code first.
    pub fn needs_code(&self) -> bool {
        self.has_factor && !self.factor_recent
    }

    /// This person as the page layout shows them.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            id: self.id,
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            role: self.role.to_string(),
            admin: self.is_admin(),
            enrolling: self.must_enrol(),
            code_needed: self.needs_code(),
        }
    }
}

/// Set on every request by [`authenticate`]; `None` for visitors.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Option<SessionUser>);

/// Starts a session for `user` with a fresh session id (no fixation);
/// `factor_at` is when the second factor was proven, if it was.
pub async fn sign_in(
    session: &Session,
    user: &User,
    now: DateTime<Utc>,
    factor_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.remove_value(PENDING_KEY).await?;
    session
        .insert(
            AUTH_KEY,
            AuthData {
                user_id: user.id,
                epoch: user.session_epoch,
                signed_in_at: now,
                last_seen_at: now,
                factor_at,
            },
        )
        .await?;
    Ok(())
}

/// When this session last proved the second factor.
pub async fn factor_proven_at(session: &Session) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(session.get::<AuthData>(AUTH_KEY).await?.and_then(|a| a.factor_at))
}

/// Records that the second factor was just proven in this session.
pub async fn mark_factor_proven(session: &Session, now: DateTime<Utc>) -> Result<(), AppError> {
    if let Some(mut auth) = session.get::<AuthData>(AUTH_KEY).await? {
        auth.factor_at = Some(now);
        session.insert(AUTH_KEY, auth).await?;
    }
    Ok(())
}

/// Remembers a sign-in whose password was right, with a fresh session id; the
/// session is not signed in until [`sign_in`] after the code.
pub async fn begin_pending(session: &Session, pending: PendingSignIn) -> Result<(), AppError> {
    session.cycle_id().await?;
    session.remove_value(AUTH_KEY).await?;
    session.insert(PENDING_KEY, pending).await?;
    Ok(())
}

/// The sign-in waiting for its code, if it has not waited too long.
pub async fn pending(session: &Session, now: DateTime<Utc>) -> Result<Option<PendingSignIn>, AppError> {
    Ok(session
        .get::<PendingSignIn>(PENDING_KEY)
        .await?
        .filter(|p| now - p.started_at <= PENDING_SIGN_IN))
}

/// Forgets a sign-in waiting for its code.
pub async fn end_pending(session: &Session) -> Result<(), AppError> {
    session.remove_value(PENDING_KEY).await?;
    Ok(())
}

/// Deletes the session from the store, so the old cookie is worthless.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// Middleware: resolves the session into a [`CurrentUser`] request extension.
/// An admin without a second factor is sent to set one up from every page but
/// that one and signing out.
pub async fn authenticate(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let user = current_user(&state, &session).await?;
    if user.as_ref().is_some_and(SessionUser::must_enrol) && !ENROLMENT_PATHS.contains(&request.uri().path()) {
        return Ok(Redirect::to(ENROLMENT_PATHS[0]).into_response());
    }
    if let Some(user) = &user {
        request.extensions_mut().insert(user.viewer());
    }
    request.extensions_mut().insert(CurrentUser(user));
    Ok(next.run(request).await)
}

async fn current_user(state: &AppState, session: &Session) -> Result<Option<SessionUser>, AppError> {
    let Some(mut auth) = session.get::<AuthData>(AUTH_KEY).await? else {
        return Ok(None);
    };
    let now = state.now();
    let idle = chrono::Duration::from_std(state.config.session_idle).unwrap_or(chrono::Duration::MAX);
    let absolute = chrono::Duration::from_std(state.config.session_absolute).unwrap_or(chrono::Duration::MAX);
    let found = queries::find_for_session(&state.pool, auth.user_id).await?;
    let valid = now - auth.last_seen_at <= idle
        && now - auth.signed_in_at <= absolute
        && found
            .as_ref()
            .is_some_and(|(u, _)| u.active && u.session_epoch == auth.epoch && !u.is_pending());
    match found {
        Some((user, has_factor)) if valid => {
            auth.last_seen_at = now;
            let factor_recent = auth.factor_at.is_some_and(|at| now - at <= RECENT_FACTOR);
            session.insert(AUTH_KEY, auth).await?;
            Ok(Some(SessionUser {
                has_factor,
                factor_recent,
                id: user.id,
                display_name: user.display_name,
                email: user.email,
                role: user.role,
            }))
        }
        _ => {
            session.flush().await?;
            Ok(None)
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .unwrap_or(CurrentUser(None)))
    }
}

fn requested_path(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_string(), |pq| pq.as_str().to_string())
}

/// A signed-in staff member or admin; visitors are sent to sign in.
pub struct Staff(pub SessionUser);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await?.0 {
            Some(user) => Ok(Staff(user)),
            None => Err(AppError::SignInRequired {
                next: requested_path(parts),
            }),
        }
    }
}

/// A signed-in admin; staff get 403, visitors are sent to sign in.
pub struct Admin(pub SessionUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Staff(user) = Staff::from_request_parts(parts, state).await?;
        if user.is_admin() {
            Ok(Admin(user))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Only local paths are followed after sign-in, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/staff".to_string(),
    }
}
