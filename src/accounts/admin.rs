//! Admin pages for accounts: invite (the new person chooses their own password
//! through a one-time link), change role, deactivate or reactivate, reset a password.
//! An admin cannot demote or deactivate themselves, so the program always keeps one.
//! Every change needs the admin's second factor proven within the last
//! [`RECENT_FACTOR`](super::session::RECENT_FACTOR); when it is older the forms
//! ask for a code. An admin can also reset someone's lost second factor.

use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::model::{DisplayName, Email, Role, User};
use super::queries::{self, NewUser};
use super::second_factor::{self, Enrolment, recent_or_code};
use super::session::{Admin, SessionUser};
use super::tokens::{self, Purpose};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::messages::{self, letters::PasswordLink};
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
    #[serde(default)]
    code: String,
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
    factor: Option<Enrolment>,
    /// The role chosen in the form, when it comes back with a mistake.
    role: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    code: String,
}

/// The email carrying a link to choose a password.
fn password_letter(to: &str, name: &str, link: &str, purpose: Purpose) -> PasswordLink {
    PasswordLink {
        to: to.to_string(),
        name: name.to_string(),
        link: link.to_string(),
        valid: if purpose == Purpose::Invite {
            "7 days"
        } else {
            "24 hours"
        },
        invitation: purpose == Purpose::Invite,
    }
}

/// The `code` field of a one-button form; a post without a body has none.
fn code_in(body: &[u8]) -> String {
    url::form_urlencoded::parse(body)
        .find(|(key, _)| key == "code")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

async fn user_page(
    state: &AppState,
    layout: Layout,
    id: Uuid,
    status: StatusCode,
    role: Option<String>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let user = queries::find_by_id(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let page = UserPage {
        is_me: layout.user.as_ref().is_some_and(|me| me.id == user.id),
        factor: second_factor::enrolment(&state.pool, id).await?,
        role: role.unwrap_or_else(|| user.role.as_str().to_string()),
        layout,
        user,
        errors,
    };
    render_status(status, &page)
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
    mut layout: Layout,
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
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, "inviting someone").await? {
        errors.add("code", why);
    }
    let (Some(email), Some(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
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
    let link = format!("{}/account/welcome/{token}", state.config.base_url());
    let letter = password_letter(email.as_str(), name.as_str(), &link, Purpose::Invite);
    messages::queue(&mut tx, &letter, now).await?;
    let summary = format!("{} invited {} as {}", me.email, email.as_str(), role.as_str());
    let details = json!({ "email": email.as_str(), "role": role.as_str() });
    record(&mut tx, &me, "account.invited", id, summary, details, &ip, now).await?;
    tx.commit().await?;
    let text = if state.config.smtp_url.is_some() {
        format!("Invitation created and emailed to {}.", email.as_str())
    } else {
        format!(
            "Invitation created. No mail server is set up, so send this link to {} (valid 7 days, works once): {link}",
            email.as_str()
        )
    };
    flash(&session, FlashKind::Success, text).await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

pub async fn show(
    Admin(_): Admin,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    user_page(&state, layout, id, StatusCode::OK, None, FormErrors::default()).await
}

pub async fn change_role(
    Admin(me): Admin,
    mut layout: Layout,
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
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &form.code, "changing a role").await? {
        let mut errors = FormErrors::default();
        errors.add("role-code", why);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return user_page(&state, layout, id, status, Some(form.role), errors).await;
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
    layout: Layout,
    state: State<AppState>,
    session: Session,
    ip: ClientIp,
    id: PathId,
    body: Bytes,
) -> Result<Response, AppError> {
    set_active(admin, layout, state, session, ip, id, &code_in(&body), false).await
}

pub async fn activate(
    admin: Admin,
    layout: Layout,
    state: State<AppState>,
    session: Session,
    ip: ClientIp,
    id: PathId,
    body: Bytes,
) -> Result<Response, AppError> {
    set_active(admin, layout, state, session, ip, id, &code_in(&body), true).await
}

#[allow(clippy::too_many_arguments)]
async fn set_active(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    code: &str,
    active: bool,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    if id == me.id {
        flash(&session, FlashKind::Error, "You cannot deactivate your own account.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let purpose = if active {
        "reactivating an account"
    } else {
        "deactivating an account"
    };
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, code, purpose).await? {
        let mut errors = FormErrors::default();
        errors.add("active-code", why);
        return user_page(&state, layout, id, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await;
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
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    let code = code_in(&body);
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &code, "issuing a password link").await? {
        let mut errors = FormErrors::default();
        errors.add("reset-code", why);
        return user_page(&state, layout, id, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await;
    }
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
    if did_lately(&mut tx, me.id, "second_factor.reset", id, now).await? {
        tx.rollback().await?;
        flash(&session, FlashKind::Error, ONE_ADMIN_NOT_BOTH).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    tokens::revoke_for_user(&mut *tx, id, now).await?;
    let purpose = if user.is_pending() {
        Purpose::Invite
    } else {
        Purpose::Reset
    };
    let token = tokens::create(&mut *tx, purpose, Some(id), Some(me.id), now).await?;
    let link = format!("{}/account/welcome/{token}", state.config.base_url());
    let letter = password_letter(&user.email, &user.display_name, &link, purpose);
    messages::queue(&mut tx, &letter, now).await?;
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
    let text = if state.config.smtp_url.is_some() {
        format!("A password link was emailed to {}.", user.email)
    } else {
        let valid = letter.valid;
        format!(
            "No mail server is set up, so send this link to {} (valid {valid}, works once): {link}",
            user.email
        )
    };
    flash(&session, FlashKind::Success, text).await?;
    Ok(Redirect::to(&back).into_response())
}

/// For a lost phone: removes the person's second factor and recovery codes and
/// signs them out everywhere. At their next sign-in the password is enough for
/// staff; an admin is sent to set up a new factor before anything else.
pub async fn reset_factor(
    Admin(me): Admin,
    mut layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    body: Bytes,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    if id == me.id {
        flash(
            &session,
            FlashKind::Error,
            "Replace your own second factor from your account page.",
        )
        .await?;
        return Ok(Redirect::to(&back).into_response());
    }
    let code = code_in(&body);
    let purpose = "resetting a second factor";
    if let Some(why) = recent_or_code(&state, &session, &mut layout, &ip, &code, purpose).await? {
        let mut errors = FormErrors::default();
        errors.add("factor-code", why);
        return user_page(&state, layout, id, StatusCode::UNPROCESSABLE_ENTITY, None, errors).await;
    }
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if did_lately(&mut tx, me.id, "account.password_reset_issued", id, now).await? {
        tx.rollback().await?;
        flash(&session, FlashKind::Error, ONE_ADMIN_NOT_BOTH).await?;
        return Ok(Redirect::to(&back).into_response());
    }
    if !second_factor::remove(&mut *tx, id).await? {
        tx.rollback().await?;
        flash(&session, FlashKind::Error, "This account has no second factor.").await?;
        return Ok(Redirect::to(&back).into_response());
    }
    queries::end_sessions(&mut *tx, id, now).await?;
    let summary = format!("{} reset the second factor of {}", me.email, user.email);
    record(&mut tx, &me, "second_factor.reset", id, summary, json!({}), &ip, now).await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        format!(
            "{}'s second factor is removed and they are signed out everywhere.",
            user.display_name
        ),
    )
    .await?;
    Ok(Redirect::to(&back).into_response())
}

/// A password link and a second-factor reset from the same admin would hand
/// that admin the whole account (the link is shown to them): for one account,
/// within a day, they must come from two different admins.
const ONE_ADMIN_NOT_BOTH: &str = "You gave this account a password link or reset its second factor in the last 24 hours; \
     the other must come from another admin, so that no single admin can take an account over.";
const SEPARATION: chrono::Duration = chrono::Duration::hours(24);

/// Whether `actor` did `action` to account `id` within [`SEPARATION`] before `now`, by the audit trail.
async fn did_lately(
    tx: &mut sqlx::PgConnection,
    actor: Uuid,
    action: &str,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists(select 1 from audit_log where actor_id = $1 and action = $2 and entity_type = 'account'
                         and entity_id = $3 and occurred_at > $4) as "found!""#,
        actor,
        action,
        id.to_string(),
        now - SEPARATION
    )
    .fetch_one(&mut *tx)
    .await
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
