//! The public side of grants: the totals page and the application form a visitor
//! fills in without an account. The form is guarded by a honeypot field and by a
//! per-address limit counted in PostgreSQL (shared by every instance), reserved
//! in one atomic step before the application is saved, so parallel submissions
//! never pass the limit; a refused submission saves nothing. The public sees totals only, and a recipient's name
//! only when they agreed to be named.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Months, NaiveDate};
use serde_json::json;
use tower_sessions::Session;

use super::form::{ApplicationForm, ApplicationInput};
use super::money::month_of;
use super::notices::{self, News};
use super::queries;
use super::totals::{self, NamedRecipient};
use crate::accounts::throttle::{self, Limit, Reservation, address_key, locked_until};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::money::from_french;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::lang::Lang;
use crate::web::{Layout, render, render_status};

/// Applications one address may send within the throttle window (15 minutes).
pub const APPLY_LIMIT: i32 = 5;
const REFERENCE_KEY: &str = "grant_reference";
const STATUS_KEY: &str = "grant_status";

fn limit(ip: &str) -> [Limit; 1] {
    [Limit {
        key: format!("grant_apply:{}", address_key(ip)),
        limit: APPLY_LIMIT,
    }]
}

#[derive(Template)]
#[template(path = "grants/totals.html")]
struct TotalsPage {
    layout: Layout,
    lang: Lang,
    year: i32,
    /// Given to injured responders, what the minimum promises.
    given_this_year: String,
    k9_this_year: String,
    family_this_year: String,
    recipients: String,
    monthly_minimum: String,
    named: Vec<NamedRecipient>,
}

pub async fn totals(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(month_of(today));
    let next_year = year_start.checked_add_months(Months::new(12)).unwrap_or(NaiveDate::MAX);
    let given = totals::given_between(&state.pool, year_start, next_year).await?;
    let settings = queries::settings::current(&state.pool).await?;
    let lang = layout.lang;
    render(&TotalsPage {
        layout,
        lang,
        year: today.year(),
        given_this_year: lang.money(given.injury),
        k9_this_year: lang.money(given.k9_equipment),
        family_this_year: lang.money(given.family_support),
        recipients: lang.number(totals::recipients_so_far(&state.pool).await?),
        monthly_minimum: lang.money(settings.monthly_minimum_cents),
        named: totals::named_recipients(&state.pool, 200).await?,
    })
}

#[derive(Template)]
#[template(path = "grants/apply.html")]
struct ApplyPage {
    layout: Layout,
    form: ApplicationForm,
    errors: FormErrors,
    /// Why the whole submission was refused (too many, or automated).
    refusal: Option<String>,
    max_date: String,
}

pub async fn form(layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&ApplyPage {
        layout,
        form: ApplicationForm {
            kind: "injury".into(),
            service: "police".into(),
            ..ApplicationForm::default()
        },
        errors: FormErrors::default(),
        refusal: None,
        max_date: state.today().to_string(),
    })
}

pub async fn submit(
    layout: Layout,
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    session: Session,
    Form(form): Form<ApplicationForm>,
) -> Result<Response, AppError> {
    let now = state.now();
    let today = state.today();
    let limit = limit(&ip);
    let mut page = ApplyPage {
        layout,
        form,
        errors: FormErrors::default(),
        refusal: None,
        max_date: today.to_string(),
    };
    if locked_until(&state.pool, &limit[0].key, now).await?.is_some() {
        page.refusal = Some(page.layout.lang.t("apply-too-many"));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    if !page.form.website.trim().is_empty() {
        // Only a robot fills the hidden field; it counts toward the limit too.
        throttle::reserve(&state.pool, &limit, now).await?;
        page.refusal = Some(page.layout.lang.t("apply-automated"));
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let lang = page.layout.lang;
    let mut typed = page.form.clone();
    if lang == Lang::Fr {
        typed.amount_requested = from_french(&typed.amount_requested);
    }
    let input = match ApplicationInput::parse(&typed, today) {
        Ok(input) => input,
        Err(errors) => {
            page.errors = errors.said_in(lang);
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    // The reading above only spares work; this is the step that holds under
    // parallel submissions.
    if let Reservation::Refused = throttle::reserve(&state.pool, &limit, now).await? {
        page.refusal = Some(page.layout.lang.t("apply-too-many"));
        return render_status(StatusCode::TOO_MANY_REQUESTS, &page);
    }
    let mut tx = state.pool.begin().await?;
    let received = queries::insert(&mut *tx, &input, None, lang, today.year(), now).await?;
    let (id, reference) = (received.id, &received.reference);
    let link = status_link(&state, &received.status_secret, lang);
    notices::tell_applicant(&mut tx, id, News::Received { link }, now).await?;
    let summary = format!("Grant application {reference} received through the public form");
    let event = Event::visitor(
        "grant.submitted",
        "grant_application",
        Some(id.to_string()),
        summary,
        &ip,
    )
    .with(json!({ "reference": reference, "kind": input.kind.code() }));
    audit::record(&mut *tx, event, now).await?;
    tx.commit().await?;
    session.insert(REFERENCE_KEY, reference).await?;
    session.insert(STATUS_KEY, &received.status_secret).await?;
    Ok(Redirect::to(&lang.link("/grants/apply/received")).into_response())
}

/// The address of an application's private status page, in `lang`.
pub fn status_link(state: &AppState, secret: &str, lang: Lang) -> String {
    format!(
        "{}{}",
        state.config.base_url(),
        lang.link(&format!("/grants/status/{secret}"))
    )
}

#[derive(Template)]
#[template(path = "grants/received.html")]
struct ReceivedPage {
    layout: Layout,
    reference: Option<String>,
    /// The private status page's path, for an applicant who gave no email address.
    status_path: Option<String>,
}

/// The confirmation, with the reference and status link this browser's last
/// application was given.
pub async fn received(layout: Layout, session: Session) -> Result<Response, AppError> {
    let reference = session.get::<String>(REFERENCE_KEY).await?;
    let status_path = session
        .get::<String>(STATUS_KEY)
        .await?
        .map(|secret| layout.link(&format!("/grants/status/{secret}")));
    render(&ReceivedPage {
        layout,
        reference,
        status_path,
    })
}
