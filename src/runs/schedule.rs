//! Scheduling runs: a date, time and place, the heroes it will honour, its
//! runners, escort and livestream; later completed (when every hero has a mile)
//! or cancelled with a reason.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use axum_extra::extract::Query;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::model::{RunDetails, RunForm, RunStatus};
use super::queries::{self, BacklogHero, Run, RunHero, Runner};
use crate::accounts::session::Staff;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{FlashKind, Layout, PathId, flash, render, render_status};

#[derive(Template)]
#[template(path = "runs/list.html")]
struct ListPage {
    layout: Layout,
    upcoming: Vec<Run>,
    recent: Vec<Run>,
}

pub async fn list(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    let upcoming = queries::runs_around(&state.pool, today, true, 50).await?;
    let recent = queries::runs_around(&state.pool, today, false, 20).await?;
    render(&ListPage {
        layout,
        upcoming,
        recent,
    })
}

/// The run form: its fields, plus the heroes and runners ticked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ScheduleForm {
    run_date: String,
    start_time: String,
    place: String,
    route: String,
    escort_agency: String,
    participants: String,
    livestream_url: String,
    hero: Vec<String>,
    runner: Vec<String>,
}

impl ScheduleForm {
    fn run_form(&self) -> RunForm {
        RunForm {
            run_date: self.run_date.clone(),
            start_time: self.start_time.clone(),
            place: self.place.clone(),
            route: self.route.clone(),
            escort_agency: self.escort_agency.clone(),
            participants: self.participants.clone(),
            livestream_url: self.livestream_url.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "runs/new.html")]
struct NewPage {
    layout: Layout,
    form: ScheduleForm,
    errors: FormErrors,
    backlog: Vec<BacklogHero>,
    runners: Vec<Runner>,
    this_year: i32,
}

impl NewPage {
    fn hero_ticked(&self, id: &Uuid) -> bool {
        self.form.hero.iter().any(|h| *h == id.to_string())
    }
    fn runner_ticked(&self, id: &Uuid) -> bool {
        self.form.runner.iter().any(|r| *r == id.to_string())
    }
}

pub async fn new_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(mut form): Query<ScheduleForm>,
) -> Result<Response, AppError> {
    if form.run_date.is_empty() {
        form.run_date = state.today().to_string();
    }
    render(&NewPage {
        layout,
        backlog: queries::backlog(&state.pool, 200).await?,
        runners: queries::runners(&state.pool).await?,
        form,
        errors: FormErrors::default(),
        this_year: state.today().year(),
    })
}

pub async fn create(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::default();
    let details = RunDetails::parse(&form.run_form()).map_err(|e| errors = e).ok();
    let heroes: Vec<Uuid> = form.hero.iter().filter_map(|h| h.parse().ok()).collect();
    let runners: Vec<Uuid> = form.runner.iter().filter_map(|r| r.parse().ok()).collect();
    if heroes.is_empty() || heroes.len() != form.hero.len() {
        errors.add("hero", "Choose the hero or heroes this run will honour.");
    }
    if runners.len() != form.runner.len() {
        errors.add("runner", "Choose runners from the list.");
    }
    let confirmed = sqlx::query_scalar!(
        r#"select count(*) as "count!" from heroes where id = any($1) and confirmed_at is not null"#,
        &heroes
    )
    .fetch_one(&state.pool)
    .await?;
    if usize::try_from(confirmed).unwrap_or(0) != heroes.len() {
        errors.add("hero", "Only confirmed heroes can be honoured by a run.");
    }
    let (Some(details), true) = (details, errors.is_empty()) else {
        let page = NewPage {
            layout,
            backlog: queries::backlog(&state.pool, 200).await?,
            runners: queries::runners(&state.pool).await?,
            form,
            errors,
            this_year: state.today().year(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let id = queries::insert_run(&mut tx, &details, &heroes, &runners, me.id, now).await?;
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "run.scheduled",
            entity_type: "run",
            entity_id: Some(id.to_string()),
            summary: format!(
                "{} scheduled a run on {} at {}",
                me.email, details.run_date, details.place
            ),
            details: json!({ "heroes": heroes, "runners": runners }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(
        &session,
        FlashKind::Success,
        format!("Run scheduled for {}.", details.run_date.format("%-d %B %Y")),
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/runs/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "runs/show.html")]
struct ShowPage {
    layout: Layout,
    run: Run,
    heroes: Vec<RunHero>,
    runners: Vec<String>,
    cancel_error: Option<String>,
}

impl ShowPage {
    fn scheduled(&self) -> bool {
        self.run.status == RunStatus::Scheduled
    }
}

pub async fn show(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let run = queries::find_run(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let heroes = queries::run_heroes(&state.pool, id).await?;
    let runners = queries::run_runner_names(&state.pool, id).await?;
    render(&ShowPage {
        layout,
        run,
        heroes,
        runners,
        cancel_error: None,
    })
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

pub async fn cancel(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
    Form(form): Form<CancelForm>,
) -> Result<Response, AppError> {
    let run = queries::find_run(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let reason = match plain_text(&form.reason, "Reason", 500, true) {
        Ok(reason) => reason,
        Err(message) => {
            let heroes = queries::run_heroes(&state.pool, id).await?;
            let runners = queries::run_runner_names(&state.pool, id).await?;
            let page = ShowPage {
                layout,
                run,
                heroes,
                runners,
                cancel_error: Some(message),
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let cancelled = sqlx::query!(
        "update runs set status = 'cancelled', cancel_reason = $2, updated_at = $3, updated_by = $4
         where id = $1 and status = 'scheduled'",
        id,
        reason,
        now,
        me.id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if cancelled {
        audit::record(
            &mut *tx,
            Event {
                actor_id: Some(me.id),
                action: "run.cancelled",
                entity_type: "run",
                entity_id: Some(id.to_string()),
                summary: format!("{} cancelled the run of {}: {reason}", me.email, run.run_date),
                details: json!({ "reason": reason }),
                client_ip: Some(&ip),
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    let (kind, text) = if cancelled {
        (FlashKind::Success, "Run cancelled.")
    } else {
        (FlashKind::Error, "Only a scheduled run can be cancelled.")
    };
    flash(&session, kind, text).await?;
    Ok(Redirect::to(&format!("/staff/runs/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "runs/backlog.html")]
struct BacklogPage {
    layout: Layout,
    heroes: Vec<BacklogHero>,
    total: i64,
    today: chrono::NaiveDate,
}

impl BacklogPage {
    fn waited(&self, hero: &BacklogHero) -> i64 {
        (self.today - hero.end_of_watch).num_days()
    }
}

pub async fn backlog(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&BacklogPage {
        layout,
        heroes: queries::backlog(&state.pool, 500).await?,
        total: queries::backlog_count(&state.pool).await?,
        today: state.today(),
    })
}
