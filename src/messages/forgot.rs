//! "Forgot your password?": a person types their address and, if an active
//! account uses it, is emailed a link valid one hour that works once and lifts
//! the sign-in lockout (as an admin's link does). The answer is the same for
//! every address, so the page tells nobody which addresses have accounts;
//! requests are limited per address and per client with the sign-in throttle's
//! counters (keys of their own, so asking never locks anyone's sign-in).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::letters::PasswordLink;
use crate::accounts::model::Email;
use crate::accounts::queries as accounts;
use crate::accounts::throttle::{self, Limit, Reservation};
use crate::accounts::tokens::{self, Purpose};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, flash, render, render_status};

/// Links one address may be sent in the throttle's window.
const PER_ADDRESS: i32 = 3;
/// Requests one client may make in the window.
const PER_CLIENT: i32 = 20;

/// The one answer, whatever the address.
pub const ANSWER: &str =
    "If an account uses that address, a link to choose a new password is on its way. It works once, for one hour.";

#[derive(Deserialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "messages/forgot.html")]
struct ForgotPage {
    layout: Layout,
    form: ForgotForm,
    errors: FormErrors,
}

pub async fn form(layout: Layout) -> Result<Response, AppError> {
    render(&ForgotPage {
        layout,
        form: ForgotForm::default(),
        errors: FormErrors::default(),
    })
}

pub async fn submit(
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let Some(email) = errors.check("email", Email::parse(&form.email)) else {
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &ForgotPage { layout, form, errors });
    };
    let now = state.now();
    let limits = [
        Limit {
            key: format!("forgot:{}", throttle::account_key(email.as_str())),
            limit: PER_ADDRESS,
        },
        Limit {
            key: format!("forgot:{}", throttle::address_key(&ip)),
            limit: PER_CLIENT,
        },
    ];
    // Over the limit the answer stays the same; only the message is not written.
    if let Reservation::Reserved(_) = throttle::reserve(&state.pool, &limits, now).await? {
        let mut tx = state.pool.begin().await?;
        if let Some(user) = accounts::find_by_email(&mut *tx, &email).await?
            && user.active
            && !user.is_pending()
        {
            let token = tokens::create(&mut *tx, Purpose::Forgot, Some(user.id), None, now).await?;
            let letter = PasswordLink {
                to: user.email.clone(),
                name: user.display_name.clone(),
                link: format!("{}/account/welcome/{token}", state.config.base_url()),
                valid: "one hour",
                invitation: false,
            };
            super::queue(&mut tx, &letter, now).await?;
            let summary = format!("A password link for {} was asked for on the sign-in page", user.email);
            let event = Event::visitor(
                "account.password_link_asked",
                "account",
                Some(user.id.to_string()),
                summary,
                &ip,
            );
            audit::record(&mut *tx, event, now).await?;
        }
        tx.commit().await?;
    }
    flash(&session, FlashKind::Success, ANSWER).await?;
    Ok(Redirect::to("/login").into_response())
}
