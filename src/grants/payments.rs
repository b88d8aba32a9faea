//! Recording a grant's payment (date, method, reference): admins only, and only
//! once the grant is approved and counted. Payment details are private.

use axum::Form;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::decisions::{lock_for, page_of};
use super::model::PaymentMethod;
use super::notices::{self, News};
use super::queries::{self, Payment};
use super::review::{Typed, with_mistakes};
use super::rules::may_pay;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::web::PathId;
use crate::web::forms::{FormErrors, plain_text};

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
    act: Acting<Admin>,
    PathId(id): PathId,
    Form(form): Form<PaymentForm>,
) -> Result<Response, AppError> {
    let payment = match parse_payment(&form, act.state.today()) {
        Ok(payment) => payment,
        Err(errors) => {
            let typed = Typed {
                paid_on: form.paid_on,
                method: form.method,
                payment_reference: form.payment_reference,
                ..Typed::default()
            };
            return with_mistakes(&act, id, typed, errors).await;
        }
    };
    let (mut tx, current) = match lock_for(&act, id, may_pay).await? {
        Ok(locked) => locked,
        Err(page) => return Ok(page),
    };
    queries::record_payment(&mut tx, id, &payment, act.me.id, act.now).await?;
    let news = News::Paid { on: payment.paid_on };
    notices::tell_applicant(&mut tx, id, news, act.now).await?;
    // Payment details are private; the trail records the date and method only.
    let change = Change {
        action: "grant.paid",
        entity_type: "grant_application",
        entity_id: id.to_string(),
        summary: format!("{} recorded the payment of {}", act.me.email, current.reference),
        details: json!({ "paid_on": payment.paid_on.to_string(), "method": payment.method.code() }),
    };
    let message = format!("Payment of {} recorded.", current.reference);
    act.commit(tx, change, message, &page_of(id)).await
}
