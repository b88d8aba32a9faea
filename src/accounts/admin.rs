//! Admin pages for accounts: invite (the new person chooses their own password
//! through a one-time link), change role, deactivate or reactivate, reset a password.
//! An admin cannot demote or deactivate themselves, so the program always keeps one.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::model::{DisplayName, Email, Role, User};
use super::queries::{self, NewUser};
use super::session::{Admin, SessionUser};
use super::tokens::{self, Purpose};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, PathId, flash, render, render_status};

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<User>,
}

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

#[derive(Template)]
#[template(path = "accounts/invite.html")]
struct InvitePage {
    layout: Layout,
    form: InviteForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/user.html")]
struct UserPage {
    layout: Layout,
    user: User,
    is_me: bool,
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn list(Admin(_): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let users = queries::list(&state.pool).await?;
    render(&UsersPage { layout, users })
}

pub async fn invite_form(Admin(_): Admin, layout: Layout) -> Result<Response, AppError> {
    render(&InvitePage {
        layout,
        form: InviteForm {
            role: "staff".into(),
            ..InviteForm::default()
        },
        errors: FormErrors::default(),
    })
}

pub async fn invite(
    Admin(me): Admin,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let mut errors = FormErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let role = errors.check("role", Role::parse(&form.role));
    let (Some(email), Some(name), Some(role)) = (email, name, role) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &InvitePage { layout, form, errors });
    };
    let mut tx = state.pool.begin().await?;
    let new = NewUser {
        email: &email,
        display_name: &name,
        role,
        password_hash: None,
    };
    let Some(id) = queries::insert(&mut *tx, new, now).await? else {
        errors.add("email", "An account with this email already exists.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &InvitePage { layout, form, errors });
    };
    let token = tokens::create(&mut *tx, Purpose::Invite, Some(id), Some(me.id), now).await?;
    let summary = format!("{} invited {} as {}", me.email, email.as_str(), role.as_str());
    let details = json!({ "email": email.as_str(), "role": role.as_str() });
    record(&mut tx, &me, "account.invited", id, summary, details, &ip, now).await?;
    tx.commit().await?;
    let link = format!("{}/account/welcome/{token}", state.config.base_url());
    let text = format!(
        "Invitation created. Send this link to {} (valid 7 days, works once): {link}",
        email.as_str()
    );
    flash(&session, FlashKind::Success, text).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn show(
    Admin(me): Admin,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let user = queries::find_by_id(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    render(&UserPage {
        layout,
        is_me: user.id == me.id,
        user,
    })
}

pub async fn change_role(
    Admin(me): Admin,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    let Ok(role) = Role::parse(&form.role) else {
        flash(&session, FlashKind::Error, "Choose staff or admin.").await?;
        return Ok(Redirect::to(&back).into_response());
    };
    if id == me.id {
        flash(
            &session,
            FlashKind::Error,
            "You cannot change your own role; ask another admin.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    ensure_still_admin(&mut tx, &me).await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if user.role != role {
        queries::set_role(&mut *tx, id, role, now).await?;
        let summary = format!(
            "{} changed {} from {} to {}",
            me.email,
            user.email,
            user.role.as_str(),
            role.as_str()
        );
        let details = json!({ "from": user.role.as_str(), "to": role.as_str() });
        record(&mut tx, &me, "account.role_changed", id, summary, details, &ip, now).await?;
    }
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        format!("{} is now {}.", user.display_name, role),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

pub async fn deactivate(
    admin: Admin,
    state: State<AppState>,
    session: Session,
    ip: ClientIp,
    id: PathId,
) -> Result<Response, AppError> {
    set_active(admin, state, session, ip, id, false).await
}

pub async fn activate(
    admin: Admin,
    state: State<AppState>,
    session: Session,
    ip: ClientIp,
    id: PathId,
) -> Result<Response, AppError> {
    set_active(admin, state, session, ip, id, true).await
}

async fn set_active(
    Admin(me): Admin,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    active: bool,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    if id == me.id {
        flash(&session, FlashKind::Error, "You cannot deactivate your own account.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    ensure_still_admin(&mut tx, &me).await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    queries::set_active(&mut *tx, id, active, now).await?;
    if !active {
        tokens::revoke_for_user(&mut *tx, id, now).await?;
    }
    let (action, verb) = if active {
        ("account.reactivated", "reactivated")
    } else {
        ("account.deactivated", "deactivated")
    };
    let summary = format!("{} {verb} {}", me.email, user.email);
    record(&mut tx, &me, action, id, summary, json!({}), &ip, now).await?;
    tx.commit().await?;
    let text = if active {
        format!("{} can sign in again.", user.display_name)
    } else {
        format!("{} is deactivated and signed out everywhere.", user.display_name)
    };
    flash(&session, FlashKind::Success, text).await?;
    Ok(Redirect::to(&back).into_response())
}

pub async fn reset(
    Admin(me): Admin,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if !user.active {
        flash(
            &session,
            FlashKind::Error,
            "Reactivate the account before resetting its password.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    tokens::revoke_for_user(&mut *tx, id, now).await?;
    let purpose = if user.is_pending() {
        Purpose::Invite
    } else {
        Purpose::Reset
    };
    let token = tokens::create(&mut *tx, purpose, Some(id), Some(me.id), now).await?;
    let summary = format!("{} issued a new password link for {}", me.email, user.email);
    record(
        &mut tx,
        &me,
        "account.password_reset_issued",
        id,
        summary,
        json!({}),
        &ip,
        now,
    )
    .await?;
    tx.commit().await?;
    let link = format!("{}/account/welcome/{token}", state.config.base_url());
    let valid = if purpose == Purpose::Invite {
        "7 days"
    } else {
        "24 hours"
    };
    let text = format!("Send this link to {} (valid {valid}, works once): {link}", user.email);
    flash(&session, FlashKind::Success, text).await?;
    Ok(Redirect::to(&back).into_response())
}

/// Serialises changes among admins and re-checks the actor under the lock, so two
/// admins demoting or deactivating each other at once cannot leave none.
async fn ensure_still_admin(tx: &mut sqlx::PgConnection, me: &SessionUser) -> Result<(), AppError> {
    queries::lock_admins(&mut *tx).await?;
    match queries::find_by_id(&mut *tx, me.id).await? {
        Some(user) if user.active && user.role == Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut sqlx::PgConnection,
    me: &SessionUser,
    action: &str,
    id: Uuid,
    summary: String,
    details: serde_json::Value,
    ip: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let event = Event {
        actor_id: Some(me.id),
        action,
        entity_type: "account",
        entity_id: Some(id.to_string()),
        summary,
        details,
        client_ip: Some(ip),
    };
    audit::record(tx, event, now).await?;
    Ok(())
}
