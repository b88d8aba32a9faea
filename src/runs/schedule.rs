//! Scheduling runs: a date, time and place, the heroes it will honour, its
//! runners, escort and livestream; later completed (when every hero has a mile)
//! or cancelled with a reason.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use axum_extra::extract::Query;
use chrono::Datelike;
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::model::{RunDetails, RunForm, RunStatus};
use super::queries::{self, BacklogHero, Run, RunHero, Runner};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::heroes::queries as hero_queries;
use crate::state::AppState;
use crate::web::forms::{FormErrors, ReasonForm};
use crate::web::{Layout, PathId, render, render_status};

#[derive(Template)]
#[template(path = "runs/list.html")]
struct ListPage {
    layout: Layout,
    upcoming: Vec<Run>,
    recent: Vec<Run>,
    zone: Tz,
}

pub async fn list(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let today = state.today();
    let upcoming = queries::runs_around(&state.pool, today, true, 50).await?;
    let recent = queries::runs_around(&state.pool, today, false, 20).await?;
    render(&ListPage {
        layout,
        upcoming,
        recent,
        zone: state.config.time_zone,
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
    time_zone: String,
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
            time_zone: self.time_zone.clone(),
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
    if form.time_zone.is_empty() {
        form.time_zone = state.config.time_zone.name().to_string();
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

pub async fn create(act: Acting<Staff>, Form(form): Form<ScheduleForm>) -> Result<Response, AppError> {
    let state = &act.state;
    let mut errors = FormErrors::default();
    let details = RunDetails::parse(&form.run_form(), state.config.time_zone)
        .map_err(|e| errors = e)
        .ok();
    let heroes: Vec<Uuid> = form.hero.iter().filter_map(|h| h.parse().ok()).collect();
    let runners: Vec<Uuid> = form.runner.iter().filter_map(|r| r.parse().ok()).collect();
    if heroes.is_empty() || heroes.len() != form.hero.len() {
        errors.add("hero", "Choose the hero or heroes this run will honour.");
    }
    if runners.len() != form.runner.len() {
        errors.add("runner", "Choose runners from the list.");
    }
    let confirmed = hero_queries::count_confirmed(&state.pool, &heroes).await?;
    if usize::try_from(confirmed).unwrap_or(0) != heroes.len() {
        errors.add("hero", "Only confirmed heroes can be honoured by a run.");
    }
    let (Some(details), true) = (details, errors.is_empty()) else {
        let page = NewPage {
            layout: act.layout(),
            backlog: queries::backlog(&state.pool, 200).await?,
            runners: queries::runners(&state.pool).await?,
            form,
            errors,
            this_year: state.today().year(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = act.now;
    let mut tx = state.pool.begin().await?;
    let id = queries::insert_run(&mut tx, &details, &heroes, &runners, act.me.id, now).await?;
    let change = Change {
        action: "run.scheduled",
        entity_type: "run",
        entity_id: id.to_string(),
        summary: format!(
            "{} scheduled a run on {} at {}",
            act.me.email, details.run_date, details.place
        ),
        details: json!({ "heroes": heroes, "runners": runners }),
    };
    let message = format!("Run scheduled for {}.", details.run_date.format("%-d %B %Y"));
    act.commit(tx, change, message, &format!("/staff/runs/{id}")).await
}

#[derive(Template)]
#[template(path = "runs/show.html")]
struct ShowPage {
    layout: Layout,
    run: Run,
    heroes: Vec<RunHero>,
    runners: Vec<String>,
    cancel_error: Option<String>,
    zone: Tz,
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
        zone: state.config.time_zone,
    })
}

pub async fn cancel(
    act: Acting<Staff>,
    PathId(id): PathId,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    let state = &act.state;
    let run = queries::find_run(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(message) => {
            let heroes = queries::run_heroes(&state.pool, id).await?;
            let runners = queries::run_runner_names(&state.pool, id).await?;
            let page = ShowPage {
                layout: act.layout(),
                run,
                heroes,
                runners,
                cancel_error: Some(message),
                zone: state.config.time_zone,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = state.pool.begin().await?;
    let to = format!("/staff/runs/{id}");
    if !queries::cancel_run(&mut *tx, id, &reason, act.me.id, act.now).await? {
        return act.refused("Only a scheduled run can be cancelled.", &to).await;
    }
    let change = Change {
        action: "run.cancelled",
        entity_type: "run",
        entity_id: id.to_string(),
        summary: format!("{} cancelled the run of {}: {reason}", act.me.email, run.run_date),
        details: json!({ "reason": reason }),
    };
    act.commit(tx, change, "Run cancelled.", &to).await
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
    fn waited(&self, hero: &BacklogHero) -> String {
        crate::vocab::dates::span_in_words(hero.end_of_watch, self.today)
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
