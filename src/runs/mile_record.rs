//! A logged mile's page, and the two ways it changes afterwards: a correction of
//! its details (kept with what it said before, and why) or voiding it with a
//! reason. Its number never changes and is never given to another mile.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use serde_json::json;

use super::mile_queries::{self as miles, Correction, Mile};
use super::model::{Duration, MileDetails, MileForm};
use super::queries::{self, Runner};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::{ordinal, with_commas};
use crate::web::forms::{FormErrors, ReasonForm, plain_text};
use crate::web::{Layout, PathId, render, render_status};

#[derive(Template)]
#[template(path = "runs/mile.html")]
struct MilePage {
    layout: Layout,
    mile: Mile,
    corrections: Vec<Correction>,
    void_error: Option<String>,
    zone: chrono_tz::Tz,
}

impl MilePage {
    fn number(&self) -> String {
        with_commas(self.mile.number.into())
    }
    fn k9(&self) -> Option<String> {
        self.mile.k9_number.map(|n| ordinal(n.into()))
    }
    fn duration(&self) -> String {
        Duration(self.mile.duration_seconds).display()
    }
    /// In the program's zone, as the audit trail shows times.
    fn corrected_when(&self, c: &Correction) -> String {
        c.corrected_at
            .with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mile = miles::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let corrections = miles::corrections(&state.pool, id).await?;
    render(&MilePage {
        layout,
        mile,
        corrections,
        void_error: None,
        zone: state.config.time_zone,
    })
}

#[derive(Template)]
#[template(path = "runs/mile_edit.html")]
struct EditPage {
    layout: Layout,
    mile_id: uuid::Uuid,
    number: String,
    hero_name: String,
    form: MileForm,
    errors: FormErrors,
    runners: Vec<Runner>,
    today: String,
    /// For the runner list: who may still run this year.
    this_year: i32,
}

fn form_of(mile: &Mile) -> MileForm {
    let tick = |b: bool| b.then(|| "on".to_string());
    MileForm {
        runner_id: mile.runner_id.to_string(),
        run_date: mile.run_date.to_string(),
        place: mile.place.clone(),
        laps: mile.laps.to_string(),
        duration: Duration(mile.duration_seconds).display(),
        weather: mile.weather.clone(),
        video_url: mile.video_url.clone(),
        briefing: tick(mile.briefing),
        prayer_before: tick(mile.prayer_before),
        flag_carried: tick(mile.flag_carried),
        prayer_after: tick(mile.prayer_after),
        moment_of_silence: tick(mile.moment_of_silence),
        ..MileForm::default()
    }
}

fn details_of(mile: &Mile) -> MileDetails {
    MileDetails {
        runner_id: mile.runner_id,
        run_date: mile.run_date,
        place: mile.place.clone(),
        laps: mile.laps,
        duration: Duration(mile.duration_seconds),
        weather: mile.weather.clone(),
        video_url: mile.video_url.clone(),
        briefing: mile.briefing,
        prayer_before: mile.prayer_before,
        flag_carried: mile.flag_carried,
        prayer_after: mile.prayer_after,
        moment_of_silence: mile.moment_of_silence,
    }
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mile = miles::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    render(&EditPage {
        layout,
        mile_id: id,
        number: with_commas(mile.number.into()),
        hero_name: mile.hero_name.clone(),
        form: form_of(&mile),
        errors: FormErrors::default(),
        runners: queries::runners(&state.pool).await?,
        today: state.today().to_string(),
        this_year: state.today().year(),
    })
}

pub async fn correct(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<MileForm>) -> Result<Response, AppError> {
    let state = &act.state;
    let mile = miles::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let runners = queries::runners(&state.pool).await?;
    let mut errors = FormErrors::default();
    let details = match MileDetails::parse(&form, state.today()) {
        Ok(details) => Some(details),
        Err(mistakes) => {
            errors = mistakes;
            None
        }
    };
    let reason = errors.check(
        "reason",
        plain_text(&form.reason, "Reason for the correction", 500, true),
    );
    if let Some(d) = &details
        && d.runner_id != mile.runner_id
        && !runners
            .iter()
            .any(|r| r.id == d.runner_id && r.can_run(d.run_date.year()))
    {
        errors.add("runner_id", "Choose an active runner.");
    }
    let (Some(details), Some(reason), true) = (details, reason, errors.is_empty()) else {
        let page = EditPage {
            layout: act.layout(),
            mile_id: id,
            number: with_commas(mile.number.into()),
            hero_name: mile.hero_name.clone(),
            form,
            errors,
            runners,
            today: state.today().to_string(),
            this_year: state.today().year(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let before = json!(details_of(&mile));
    let now = act.now;
    let mut tx = state.pool.begin().await?;
    miles::update_mile(&mut *tx, id, &details, act.me.id, now).await?;
    let after = json!(details);
    miles::insert_correction(&mut *tx, id, &reason, &before, &after, act.me.id, now).await?;
    let number = with_commas(mile.number.into());
    let change = Change {
        action: "mile.corrected",
        entity_type: "mile",
        entity_id: id.to_string(),
        summary: format!("{} corrected mile {number}: {reason}", act.me.email),
        details: json!({ "before": before, "after": details }),
    };
    act.commit(
        tx,
        change,
        format!("Mile {number} corrected."),
        &format!("/staff/miles/{id}"),
    )
    .await
}

pub async fn void(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<ReasonForm>) -> Result<Response, AppError> {
    let state = &act.state;
    let mile = miles::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(message) => {
            let corrections = miles::corrections(&state.pool, id).await?;
            let page = MilePage {
                layout: act.layout(),
                mile,
                corrections,
                void_error: Some(message),
                zone: state.config.time_zone,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let to = format!("/staff/miles/{id}");
    let mut tx = state.pool.begin().await?;
    if !miles::void_mile(&mut *tx, id, &reason, act.me.id, act.now).await? {
        return act.refused("This mile was already voided.", &to).await;
    }
    let number = with_commas(mile.number.into());
    let change = Change {
        action: "mile.voided",
        entity_type: "mile",
        entity_id: id.to_string(),
        summary: format!("{} voided mile {number}: {reason}", act.me.email),
        details: json!({ "number": mile.number, "reason": reason }),
    };
    act.commit(
        tx,
        change,
        format!("Mile {number} is voided; its number stays retired."),
        &to,
    )
    .await
}
