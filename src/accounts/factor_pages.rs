//! One's own second factor: setting it up with a QR code (or the secret typed by
//! hand), seeing the recovery codes once, making new ones, replacing the factor,
//! and (staff only) removing it. Admins must keep one: they can only replace it.
//! Setting up a first factor asks for the password again, so a session left
//! open cannot tie the account to someone else's phone; replacing one asks for
//! the current factor.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::acting::{Acting, Change};
use super::queries;
use super::reauth::Purpose;
use super::second_factor::{self, Enrolment, Typed};
use super::session::{Staff, factor_proven_at, mark_factor_proven, sign_in};
use crate::error::AppError;
use crate::messages::notify_owner;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, Viewer, render, render_status};

const PAGE: &str = "/account/second-factor";
const CODES: &str = "/account/second-factor/recovery-codes";
/// The secret being set up, kept in the session until a code proves the app has it.
const ENROL_KEY: &str = "enrol_secret";
/// New recovery codes, kept in the session only until the page that shows them once.
const FRESH_CODES_KEY: &str = "fresh_recovery_codes";

#[derive(Serialize, Deserialize)]
struct EnrolSecret {
    user_id: Uuid,
    secret: String,
}

#[derive(Template)]
#[template(path = "accounts/second_factor.html")]
struct FactorPage {
    layout: Layout,
    enrolment: Option<Enrolment>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/second_factor_enrol.html")]
struct EnrolPage {
    layout: Layout,
    qr: String,
    secret: String,
    account: String,
    replacing: bool,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "accounts/recovery_codes.html")]
struct CodesPage {
    layout: Layout,
    codes: Vec<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    current_code: String,
    #[serde(default)]
    password: String,
}

const FIRST_FACTOR: Purpose = Purpose {
    empty: "Enter your password to set up a second factor.",
    locked: "Too many wrong passwords: setting up a second factor is paused for 15 minutes.",
    wrong: "This is not your password. Type it again to set up a second factor.",
    action: "second_factor.password_refused",
    doing: "set up a second factor",
};

fn me(layout: &Layout) -> Result<Viewer, AppError> {
    layout.user.clone().ok_or(AppError::Forbidden)
}

async fn factor_page(
    state: &AppState,
    layout: Layout,
    status: StatusCode,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let me = me(&layout)?;
    let enrolment = second_factor::enrolment(&state.pool, me.id).await?;
    render_status(
        status,
        &FactorPage {
            layout,
            enrolment,
            errors,
        },
    )
}

pub async fn page(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    factor_page(&state, layout, StatusCode::OK, FormErrors::default()).await
}

/// The secret being set up in this session, or a new one.
async fn enrol_secret(session: &Session, me: Uuid) -> Result<Vec<u8>, AppError> {
    let kept = session.get::<EnrolSecret>(ENROL_KEY).await?;
    if let Some(secret) = kept
        .filter(|k| k.user_id == me)
        .and_then(|k| second_factor::secret_from_text(&k.secret))
    {
        return Ok(secret);
    }
    let secret = second_factor::new_secret();
    let kept = EnrolSecret {
        user_id: me,
        secret: second_factor::secret_text(&secret),
    };
    session.insert(ENROL_KEY, kept).await?;
    Ok(secret)
}

async fn enrol_page(
    state: &AppState,
    session: &Session,
    layout: Layout,
    status: StatusCode,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let me = me(&layout)?;
    let secret = enrol_secret(session, me.id).await?;
    let page = EnrolPage {
        qr: second_factor::qr_data_uri(&secret, &me.email)?,
        secret: second_factor::secret_text(&secret),
        account: me.email.clone(),
        replacing: second_factor::enrolled(&state.pool, me.id).await?,
        layout,
        errors,
    };
    render_status(status, &page)
}

pub async fn enrol_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    enrol_page(&state, &session, layout, StatusCode::OK, FormErrors::default()).await
}

pub async fn enrol_submit(mut act: Acting<Staff>, Form(form): Form<EnrolForm>) -> Result<Response, AppError> {
    let now = act.now;
    let me = act.me.id;
    let secret = enrol_secret(&act.session, me).await?;
    let mut errors = FormErrors::default();
    let step = match Typed::parse_code(&form.code) {
        Ok(code) => match second_factor::matching_step(&secret, &code, now)? {
            Some(step) => Some(step),
            None => {
                errors.add(
                    "code",
                    "This code does not match. Check the app added this account, then type the code it shows now.",
                );
                None
            }
        },
        Err(why) => {
            errors.add("code", why);
            None
        }
    };
    let replacing = act.me.has_factor;
    if !replacing && let Some(why) = act.password_again(&form.password, &FIRST_FACTOR).await? {
        errors.add("password", why);
    }
    // Replacing a factor needs the old one, recently: a session left open is not
    // enough to move the account to someone else's phone.
    if replacing
        && step.is_some()
        && let Some(why) = act
            .recent_or_code(&form.current_code, "replacing their second factor")
            .await?
    {
        errors.add("current_code", why);
    }
    let (Some(step), true) = (step, errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return enrol_page(&act.state, &act.session, act.layout(), status, errors).await;
    };
    let codes = second_factor::new_recovery_codes();
    let mut tx = act.state.pool.begin().await?;
    second_factor::save(&mut tx, me, &secret, step, now).await?;
    second_factor::replace_recovery_codes(&mut tx, me, &codes, now).await?;
    let (action, verb) = if replacing {
        ("second_factor.replaced", "replaced their")
    } else {
        ("second_factor.enrolled", "set up a")
    };
    let what = "A second factor (authenticator app) was set up for your account.";
    notify_owner(&mut tx, &act.me.email, &act.me.display_name, what, act.now).await?;
    act.record(&mut *tx, own_change(&act, action, format!("{verb} second factor")))
        .await?;
    if replacing {
        // A session opened with the old factor (a stolen phone) ends here.
        queries::end_sessions(&mut *tx, me, now).await?;
    }
    tx.commit().await?;
    let session = &act.session;
    session.remove_value(ENROL_KEY).await?;
    if replacing {
        stay_signed_in(&act.state, session, me, now, Some(now)).await?;
    } else {
        mark_factor_proven(session, now).await?;
    }
    session.insert(FRESH_CODES_KEY, codes).await?;
    Ok(Redirect::to(CODES).into_response())
}

/// After the account's sessions were ended, signs this browser in again, so only
/// the person making the change stays signed in.
async fn stay_signed_in(
    state: &AppState,
    session: &Session,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
    factor_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<(), AppError> {
    let user = queries::find_by_id(&state.pool, id).await?.ok_or(AppError::Forbidden)?;
    sign_in(session, &user, now, factor_at).await
}

/// The recovery codes just made, shown this one time.
pub async fn codes(Staff(_): Staff, layout: Layout, session: Session) -> Result<Response, AppError> {
    let Some(codes) = session.remove::<Vec<String>>(FRESH_CODES_KEY).await? else {
        return Ok(Redirect::to(PAGE).into_response());
    };
    render(&CodesPage { layout, codes })
}

pub async fn regenerate(mut act: Acting<Staff>, Form(form): Form<CodeForm>) -> Result<Response, AppError> {
    if !act.me.has_factor {
        return Ok(Redirect::to(PAGE).into_response());
    }
    let errors = act
        .code_errors(&form.code, "new recovery codes", "regenerate-code")
        .await?;
    if !errors.is_empty() {
        return factor_page(&act.state, act.layout(), StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let codes = second_factor::new_recovery_codes();
    let mut tx = act.state.pool.begin().await?;
    second_factor::replace_recovery_codes(&mut tx, act.me.id, &codes, act.now).await?;
    let notice = "New recovery codes were made for your account; the old ones no longer work.";
    notify_owner(&mut tx, &act.me.email, &act.me.display_name, notice, act.now).await?;
    let what = "made new recovery codes; the old ones no longer work";
    let change = own_change(&act, "second_factor.recovery_codes_replaced", what.into());
    act.record(&mut *tx, change).await?;
    tx.commit().await?;
    act.session.insert(FRESH_CODES_KEY, codes).await?;
    Ok(Redirect::to(CODES).into_response())
}

pub async fn remove(mut act: Acting<Staff>, Form(form): Form<CodeForm>) -> Result<Response, AppError> {
    if act.me.is_admin() {
        return act
            .refused(
                "Admins must keep a second factor. Set up a new one to replace it.",
                PAGE,
            )
            .await;
    }
    if !act.me.has_factor {
        return Ok(Redirect::to(PAGE).into_response());
    }
    let errors = act
        .code_errors(&form.code, "removing their second factor", "remove-code")
        .await?;
    if !errors.is_empty() {
        return factor_page(&act.state, act.layout(), StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    let (me, now) = (act.me.id, act.now);
    let mut tx = act.state.pool.begin().await?;
    second_factor::remove(&mut *tx, me).await?;
    let notice = "The second factor of your account was removed.";
    notify_owner(&mut tx, &act.me.email, &act.me.display_name, notice, now).await?;
    act.record(
        &mut *tx,
        own_change(&act, "second_factor.removed", "removed their second factor".into()),
    )
    .await?;
    queries::end_sessions(&mut *tx, me, now).await?;
    tx.commit().await?;
    let factor_at = factor_proven_at(&act.session).await?;
    stay_signed_in(&act.state, &act.session, me, now, factor_at).await?;
    act.done(
        "Your second factor is removed. Sign-in now asks only for your password.",
        PAGE,
    )
    .await
}

/// A change to one's own second factor, for the trail: "{email} {what}".
fn own_change<'a>(act: &Acting<Staff>, action: &'a str, what: String) -> Change<'a> {
    Change {
        action,
        entity_type: "account",
        entity_id: act.me.id.to_string(),
        summary: format!("{} {what}", act.me.email),
        details: json!({}),
    }
}
