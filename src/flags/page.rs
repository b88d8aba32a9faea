//! One flag's staff page: its mile and hero, the note, the recipient with the
//! address (staff only), the history of its steps, and the forms for the steps
//! it may take next. A refused or mistaken step comes back to this page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::model::{Carrier, Step, public_recipient};
use super::note_queries::{self, EarlierText};
use super::queries::{self, Flag, HistoryRow};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::dates::parse_date;
use crate::vocab::numbers::with_commas;
use crate::web::forms::FormErrors;
use crate::web::{Layout, PathId, render_status};

/// What the step forms post (each form sends its own few fields).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub carrier: String,
    pub tracking_number: String,
    pub shipped_on: String,
    pub handed_on: String,
    pub delivered_on: String,
    pub confirmed_by: String,
    pub returned_on: String,
    pub return_reason: String,
}

impl StepForm {
    /// Every date starts at today: most steps are recorded the day they happen.
    pub fn starting(today: NaiveDate) -> StepForm {
        let today = today.to_string();
        StepForm {
            carrier: Carrier::Usps.code().into(),
            shipped_on: today.clone(),
            handed_on: today.clone(),
            delivered_on: today.clone(),
            returned_on: today,
            ..StepForm::default()
        }
    }
}

/// A step's date: a real date, not in the future, not before the event it follows.
pub fn step_date(
    value: &str,
    label: &str,
    not_before: (NaiveDate, &str),
    today: NaiveDate,
) -> Result<NaiveDate, String> {
    let date = parse_date(value, label)?;
    if date > today {
        return Err(format!("{label} cannot be in the future."));
    }
    let (earliest, what) = not_before;
    if date < earliest {
        return Err(format!(
            "{label} cannot be before {what} ({}).",
            earliest.format("%-d %B %Y")
        ));
    }
    Ok(date)
}

#[derive(Template)]
#[template(path = "flags/show.html")]
pub struct FlagPage {
    layout: Layout,
    flag: Flag,
    history: Vec<HistoryRow>,
    /// The texts the note had before it was corrected, the first one first.
    earlier: Vec<EarlierText>,
    form: StepForm,
    errors: FormErrors,
    refused: Option<String>,
    today: NaiveDate,
    zone: Tz,
}

impl FlagPage {
    fn carriers(&self) -> [Carrier; 5] {
        Carrier::ALL
    }

    /// Whether the flag may move to the step with this code now.
    fn can(&self, to: &str) -> bool {
        Step::ALL
            .into_iter()
            .any(|step| step.code() == to && self.flag.step.can_move_to(step))
    }

    fn can_choose_recipient(&self) -> bool {
        self.flag.step.can_choose_recipient()
    }

    fn number(&self) -> String {
        with_commas(self.flag.mile_number.into())
    }

    /// A moment as a date and time in the program's zone.
    fn local(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&self.zone).format("%-d %B %Y at %H:%M").to_string()
    }

    fn days_waited(&self) -> i64 {
        (self.today - self.flag.mile_date).num_days()
    }

    fn public_term(&self) -> &'static str {
        self.flag.recipient_kind.map_or("", public_recipient)
    }

    /// A history line's details, in words.
    fn describe(&self, row: &HistoryRow) -> String {
        let Some(details) = row.details.as_object() else {
            return String::new();
        };
        details
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| {
                let label = key.replace('_', " ");
                match value.as_str() {
                    Some(text) => format!("{label}: {text}"),
                    None => format!("{label}: {value}"),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let form = StepForm::starting(state.today());
    render_flag(&state, layout, flag, form, FormErrors::default(), None, StatusCode::OK).await
}

/// The flag page with its history; with form mistakes (422) or a refusal (409) when given.
pub async fn render_flag(
    state: &AppState,
    layout: Layout,
    flag: Flag,
    form: StepForm,
    errors: FormErrors,
    refused: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let history = queries::history(&state.pool, flag.id).await?;
    let earlier = note_queries::earlier_texts(&state.pool, flag.id).await?;
    render_status(
        status,
        &FlagPage {
            layout,
            flag,
            history,
            earlier,
            form,
            errors,
            refused,
            today: state.today(),
            zone: state.config.time_zone,
        },
    )
}

/// Answers a refused step: the flag page with the reason, status 409, nothing written.
pub async fn refuse(
    state: &AppState,
    layout: Layout,
    flag: Flag,
    message: String,
    form: StepForm,
) -> Result<Response, AppError> {
    let errors = FormErrors::default();
    render_flag(state, layout, flag, form, errors, Some(message), StatusCode::CONFLICT).await
}
