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
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::acting::{Acting, Change};
use super::model::{DisplayName, Email, Role, User};
use super::queries::{self, NewUser};
use super::second_factor::{self, Enrolment};
use super::session::{Admin, SessionUser};
use super::tokens::{self, Purpose};
use crate::error::AppError;
use crate::messages::{self, letters::PasswordLink};
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, PathId, render, render_status};

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
    /// Where the account's invitation stands, in words (accounts without a password yet).
    invitation: Option<String>,
}

/// "Invitation sent 2 December 2026, valid until 9 December 2026, not used yet",
/// or expired, or withdrawn; dates in the program's zone.
fn invitation_words(invitation: &tokens::Invitation, now: DateTime<Utc>, zone: Tz) -> String {
    let day = |at: DateTime<Utc>| at.with_timezone(&zone).format("%-d %B %Y at %H:%M").to_string();
    let sent = format!("Invitation sent {}", day(invitation.created_at));
    match invitation.used_at {
        Some(at) => format!(
            "{sent}, withdrawn {} (a new link or a deactivation replaced it)",
            day(at)
        ),
        None if invitation.expires_at <= now => format!(
            "{sent}, expired {} without being used: send a new invitation",
            day(invitation.expires_at)
        ),
        None => format!("{sent}, valid until {}, not used yet", day(invitation.expires_at)),
    }
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
    let invitation = if user.is_pending() {
        tokens::latest_invitation(&state.pool, id)
            .await?
            .map(|invitation| invitation_words(&invitation, state.now(), state.config.time_zone))
    } else {
        None
    };
    let page = UserPage {
        invitation,
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

pub async fn invite(mut act: Acting<Admin>, Form(form): Form<InviteForm>) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let email = errors.check("email", Email::parse(&form.email));
    let name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let role = errors.check("role", Role::parse(&form.role));
    if let Some(why) = act.recent_or_code(&form.code, "inviting someone").await? {
        errors.add("code", why);
    }
    let layout = act.layout();
    let (Some(email), Some(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &InvitePage { layout, form, errors });
    };
    let mut tx = act.state.pool.begin().await?;
    let new = NewUser {
        email: &email,
        display_name: &name,
        role,
        password_hash: None,
    };
    let Some(id) = queries::insert(&mut *tx, new, act.now).await? else {
        errors.add("email", "An account with this email already exists.");
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &InvitePage { layout, form, errors });
    };
    let token = tokens::create(&mut *tx, Purpose::Invite, Some(id), Some(act.me.id), act.now).await?;
    let link = format!("{}/account/welcome/{token}", act.state.config.base_url());
    let letter = password_letter(email.as_str(), name.as_str(), &link, Purpose::Invite);
    messages::queue(&mut tx, &letter, act.now).await?;
    let change = Change {
        action: "account.invited",
        entity_type: "account",
        entity_id: id.to_string(),
        summary: format!("{} invited {} as {}", act.me.email, email.as_str(), role.as_str()),
        details: json!({ "email": email.as_str(), "role": role.as_str() }),
    };
    let text = if act.state.config.smtp_url.is_some() {
        format!("Invitation created and emailed to {}.", email.as_str())
    } else {
        format!(
            "Invitation created. No mail server is set up, so send this link to {} (valid 7 days, works once): {link}",
            email.as_str()
        )
    };
    act.commit(tx, change, text, &format!("/admin/users/{id}")).await
}

pub async fn show(
    Admin(_): Admin,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    user_page(&state, layout, id, StatusCode::OK, None, FormErrors::default()).await
}

/// The account's page again, with the code's message under `field`, when the
/// admin's second factor is not recent and the typed code does not prove it.
async fn code_refused(
    act: &mut Acting<Admin>,
    id: Uuid,
    typed: &str,
    purpose: &str,
    field: &'static str,
) -> Result<Option<Response>, AppError> {
    let errors = act.code_errors(typed, purpose, field).await?;
    if errors.is_empty() {
        return Ok(None);
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    user_page(&act.state, act.layout(), id, status, None, errors)
        .await
        .map(Some)
}

pub async fn change_role(
    mut act: Acting<Admin>,
    PathId(id): PathId,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    let Ok(role) = Role::parse(&form.role) else {
        return act.refused("Choose staff or admin.", &back).await;
    };
    if id == act.me.id {
        return act
            .refused("You cannot change your own role; ask another admin.", &back)
            .await;
    }
    if let Some(why) = act.recent_or_code(&form.code, "changing a role").await? {
        let mut errors = FormErrors::default();
        errors.add("role-code", why);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return user_page(&act.state, act.layout(), id, status, Some(form.role), errors).await;
    }
    let mut tx = act.state.pool.begin().await?;
    ensure_still_admin(&mut tx, &act.me).await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if user.role != role {
        queries::set_role(&mut *tx, id, role, act.now).await?;
        let change = Change {
            action: "account.role_changed",
            entity_type: "account",
            entity_id: id.to_string(),
            summary: format!(
                "{} changed {} from {} to {}",
                act.me.email,
                user.email,
                user.role.as_str(),
                role.as_str()
            ),
            details: json!({ "from": user.role.as_str(), "to": role.as_str() }),
        };
        act.record(&mut *tx, change).await?;
    }
    tx.commit().await?;
    act.done(format!("{} is now {}.", user.display_name, role), &back).await
}

pub async fn deactivate(act: Acting<Admin>, PathId(id): PathId, body: Bytes) -> Result<Response, AppError> {
    set_active(act, id, &code_in(&body), false).await
}

pub async fn activate(act: Acting<Admin>, PathId(id): PathId, body: Bytes) -> Result<Response, AppError> {
    set_active(act, id, &code_in(&body), true).await
}

async fn set_active(mut act: Acting<Admin>, id: Uuid, code: &str, active: bool) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    if id == act.me.id {
        return act.refused("You cannot deactivate your own account.", &back).await;
    }
    let purpose = if active {
        "reactivating an account"
    } else {
        "deactivating an account"
    };
    if let Some(page) = code_refused(&mut act, id, code, purpose, "active-code").await? {
        return Ok(page);
    }
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    ensure_still_admin(&mut tx, &act.me).await?;
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
    let change = Change {
        action,
        entity_type: "account",
        entity_id: id.to_string(),
        summary: format!("{} {verb} {}", act.me.email, user.email),
        details: json!({}),
    };
    let text = if active {
        format!("{} can sign in again.", user.display_name)
    } else {
        format!("{} is deactivated and signed out everywhere.", user.display_name)
    };
    act.commit(tx, change, text, &back).await
}

pub async fn reset(mut act: Acting<Admin>, PathId(id): PathId, body: Bytes) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    let code = code_in(&body);
    if let Some(page) = code_refused(&mut act, id, &code, "issuing a password link", "reset-code").await? {
        return Ok(page);
    }
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    if !user.active {
        return act
            .refused("Reactivate the account before resetting its password.", &back)
            .await;
    }
    if queries::did_lately(&mut *tx, act.me.id, "second_factor.reset", id, now - SEPARATION).await? {
        tx.rollback().await?;
        return act.refused(ONE_ADMIN_NOT_BOTH, &back).await;
    }
    tokens::revoke_for_user(&mut *tx, id, now).await?;
    let purpose = if user.is_pending() {
        Purpose::Invite
    } else {
        Purpose::Reset
    };
    let token = tokens::create(&mut *tx, purpose, Some(id), Some(act.me.id), now).await?;
    let link = format!("{}/account/welcome/{token}", act.state.config.base_url());
    let letter = password_letter(&user.email, &user.display_name, &link, purpose);
    messages::queue(&mut tx, &letter, now).await?;
    let change = Change {
        action: "account.password_reset_issued",
        entity_type: "account",
        entity_id: id.to_string(),
        summary: format!("{} issued a new password link for {}", act.me.email, user.email),
        details: json!({}),
    };
    let text = if act.state.config.smtp_url.is_some() && purpose == Purpose::Invite {
        format!(
            "A new invitation was emailed to {}; the earlier link no longer works.",
            user.email
        )
    } else if act.state.config.smtp_url.is_some() {
        format!("A password link was emailed to {}.", user.email)
    } else {
        let valid = letter.valid;
        format!(
            "No mail server is set up, so send this link to {} (valid {valid}, works once): {link}",
            user.email
        )
    };
    act.commit(tx, change, text, &back).await
}

/// For a lost phone: removes the person's second factor and recovery codes and
/// signs them out everywhere. At their next sign-in the password is enough for
/// staff; an admin is sent to set up a new factor before anything else.
pub async fn reset_factor(mut act: Acting<Admin>, PathId(id): PathId, body: Bytes) -> Result<Response, AppError> {
    let back = format!("/admin/users/{id}");
    if id == act.me.id {
        return act
            .refused("Replace your own second factor from your account page.", &back)
            .await;
    }
    let code = code_in(&body);
    if let Some(page) = code_refused(&mut act, id, &code, "resetting a second factor", "factor-code").await? {
        return Ok(page);
    }
    let now = act.now;
    let mut tx = act.state.pool.begin().await?;
    let user = queries::find_by_id(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    let since = now - SEPARATION;
    if queries::did_lately(&mut *tx, act.me.id, "account.password_reset_issued", id, since).await? {
        tx.rollback().await?;
        return act.refused(ONE_ADMIN_NOT_BOTH, &back).await;
    }
    if !second_factor::remove(&mut *tx, id).await? {
        tx.rollback().await?;
        return act.refused("This account has no second factor.", &back).await;
    }
    queries::end_sessions(&mut *tx, id, now).await?;
    let change = Change {
        action: "second_factor.reset",
        entity_type: "account",
        entity_id: id.to_string(),
        summary: format!("{} reset the second factor of {}", act.me.email, user.email),
        details: json!({}),
    };
    let text = format!(
        "{}'s second factor is removed and they are signed out everywhere.",
        user.display_name
    );
    act.commit(tx, change, text, &back).await
}

/// A password link and a second-factor reset from the same admin would hand
/// that admin the whole account (the link is shown to them): for one account,
/// within a day, they must come from two different admins.
const ONE_ADMIN_NOT_BOTH: &str = "You gave this account a password link or reset its second factor in the last 24 hours; \
     the other must come from another admin, so that no single admin can take an account over.";
const SEPARATION: chrono::Duration = chrono::Duration::hours(24);

/// Serialises changes among admins and re-checks the actor under the lock, so two
/// admins demoting or deactivating each other at once cannot leave none.
async fn ensure_still_admin(tx: &mut sqlx::PgConnection, me: &SessionUser) -> Result<(), AppError> {
    queries::lock_admins(&mut *tx).await?;
    match queries::find_by_id(&mut *tx, me.id).await? {
        Some(user) if user.active && user.role == Role::Admin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}
