//! A logged mile's page, and the two ways it changes afterwards: a correction of
//! its details (kept with what it said before, and why) or voiding it with a
//! reason. Its number never changes and is never given to another mile.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::model::{Duration, MileDetails, MileForm, ordinal, with_commas};
use super::queries::{self, Mile, Runner};
use crate::accounts::session::Staff;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, flash, render, render_status};

pub struct Correction {
    pub corrected_at: DateTime<Utc>,
    pub corrected_by: Option<String>,
    pub reason: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

#[derive(Template)]
#[template(path = "runs/mile.html")]
struct MilePage {
    layout: Layout,
    mile: Mile,
    corrections: Vec<Correction>,
    void_error: Option<String>,
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
}

async fn corrections(pool: &sqlx::PgPool, mile: uuid::Uuid) -> sqlx::Result<Vec<Correction>> {
    sqlx::query_as!(
        Correction,
        r#"select c.corrected_at as "corrected_at: DateTime<Utc>", u.display_name as "corrected_by?", c.reason,
                  c.before, c.after
           from mile_corrections c left join users u on u.id = c.corrected_by
           where c.mile_id = $1 order by c.id"#,
        mile
    )
    .fetch_all(pool)
    .await
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let mile = queries::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let corrections = corrections(&state.pool, id).await?;
    render(&MilePage {
        layout,
        mile,
        corrections,
        void_error: None,
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
    let mile = queries::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
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

pub async fn correct(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<MileForm>,
) -> Result<Response, AppError> {
    let mile = queries::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
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
            layout,
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
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    queries::update_mile(&mut *tx, id, &details, me.id, now).await?;
    sqlx::query!(
        "insert into mile_corrections (mile_id, corrected_at, corrected_by, reason, before, after)
         values ($1, $2, $3, $4, $5, $6)",
        id,
        now,
        me.id,
        reason,
        before,
        json!(details)
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "mile.corrected",
            entity_type: "mile",
            entity_id: Some(id.to_string()),
            summary: format!(
                "{} corrected mile {}: {reason}",
                me.email,
                with_commas(mile.number.into())
            ),
            details: json!({ "before": before, "after": details }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        format!("Mile {} corrected.", with_commas(mile.number.into())),
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/miles/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct VoidForm {
    #[serde(default)]
    reason: String,
}

pub async fn void(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<VoidForm>,
) -> Result<Response, AppError> {
    let mile = queries::find_mile(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let reason = match plain_text(&form.reason, "Reason", 500, true) {
        Ok(reason) => reason,
        Err(message) => {
            let corrections = corrections(&state.pool, id).await?;
            let page = MilePage {
                layout,
                mile,
                corrections,
                void_error: Some(message),
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let voided = sqlx::query!(
        "update miles set voided_at = $2, voided_by = $3, void_reason = $4, updated_at = $2, updated_by = $3
         where id = $1 and voided_at is null",
        id,
        now,
        me.id,
        reason
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if voided {
        audit::record(
            &mut *tx,
            Event {
                actor_id: Some(me.id),
                action: "mile.voided",
                entity_type: "mile",
                entity_id: Some(id.to_string()),
                summary: format!("{} voided mile {}: {reason}", me.email, with_commas(mile.number.into())),
                details: json!({ "number": mile.number, "reason": reason }),
                client_ip: Some(&ip),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let text = if voided {
        format!(
            "Mile {} is voided; its number stays retired.",
            with_commas(mile.number.into())
        )
    } else {
        "This mile was already voided.".to_string()
    };
    flash(
        &session,
        if voided { FlashKind::Success } else { FlashKind::Error },
        text,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/miles/{id}")).into_response())
}
