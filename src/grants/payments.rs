//! Recording a grant's payment (date, method, reference): admins only, and only
//! once the grant is approved and counted. Payment details are private.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::decisions::{done, event, refuse};
use super::model::PaymentMethod;
use super::queries::{self, Payment};
use super::review::{Typed, show_page};
use super::rules::may_pay;
use crate::accounts::session::Admin;
use crate::audit;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId};

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    payment_reference: String,
}

fn parse_paid_on(value: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = crate::vocab::dates::parse_date(value, "Date paid")?;
    if date > today {
        return Err("Date paid cannot be in the future.".into());
    }
    if date < today - chrono::Duration::days(730) {
        return Err("Date paid is more than two years ago; check the year.".into());
    }
    Ok(date)
}

fn parse_payment(form: &PaymentForm, today: NaiveDate) -> Result<Payment, FormErrors> {
    let mut e = FormErrors::default();
    let paid_on = e.check("paid_on", parse_paid_on(&form.paid_on, today));
    let method = e.check("method", PaymentMethod::parse(&form.method));
    let reference = e.check(
        "payment_reference",
        plain_text(&form.payment_reference, "Payment reference", 100, true),
    );
    match (paid_on, method, reference) {
        (Some(paid_on), Some(method), Some(reference)) if e.is_empty() => Ok(Payment {
            paid_on,
            method,
            reference,
        }),
        _ => Err(e),
    }
}

pub async fn record_payment(
    Admin(me): Admin,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<PaymentForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let payment = match parse_payment(&form, state.today()) {
        Ok(payment) => payment,
        Err(errors) => {
            let typed = Typed {
                paid_on: form.paid_on,
                method: form.method,
                payment_reference: form.payment_reference,
                ..Typed::default()
            };
            return show_page(
                &state,
                layout,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                typed,
                errors,
                None,
            )
            .await;
        }
    };
    let mut tx = state.pool.begin().await?;
    let current = queries::lock(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if let Err(refusal) = may_pay(&current) {
        // Release the row lock before reading the page, which needs other connections.
        tx.rollback().await?;
        return refuse(&state, layout, id, refusal).await;
    }
    queries::record_payment(&mut tx, id, &payment, me.id, now).await?;
    // Payment details are private; the trail records the date and method only.
    let summary = format!("{} recorded the payment of {}", me.email, current.reference);
    let details = json!({ "paid_on": payment.paid_on.to_string(), "method": payment.method.code() });
    audit::record(&mut *tx, event(&me, "grant.paid", id, summary, details, &ip), now).await?;
    tx.commit().await?;
    done(&session, id, format!("Payment of {} recorded.", current.reference)).await
}
