//! Editing and rescheduling a scheduled run: its date, time, time zone, place
//! and the rest. The run keeps its id, so a calendar app subscribed to the feed
//! moves the entry it holds (same UID, the next SEQUENCE); the change is audited
//! with the time before and after.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::model::{RunDetails, RunForm, RunStatus};
use super::queries::{self, Run};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, PathId, render, render_status};

#[derive(Template)]
#[template(path = "runs/edit.html")]
struct EditPage {
    layout: Layout,
    run: Run,
    form: RunForm,
    errors: FormErrors,
}

fn form_of(run: &Run, state: &AppState) -> RunForm {
    RunForm {
        run_date: run.run_date.to_string(),
        start_time: run
            .start_time
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        place: run.place.clone(),
        route: run.route.clone(),
        escort_agency: run.escort_agency.clone(),
        participants: run.participants.clone(),
        livestream_url: run.livestream_url.clone(),
        time_zone: run.zone(state.config.time_zone).name().to_string(),
    }
}

/// The run, or not found.
async fn run_or_404(state: &AppState, id: uuid::Uuid) -> Result<Run, AppError> {
    queries::find_run(&state.pool, id).await?.ok_or(AppError::NotFound)
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let run = run_or_404(&state, id).await?;
    if run.status != RunStatus::Scheduled {
        return Err(AppError::NotFound);
    }
    let form = form_of(&run, &state);
    render(&EditPage {
        layout,
        run,
        form,
        errors: FormErrors::default(),
    })
}

pub async fn save(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<RunForm>) -> Result<Response, AppError> {
    let state = &act.state;
    let run = run_or_404(state, id).await?;
    let program = state.config.time_zone;
    let details = match RunDetails::parse(&form, program) {
        Ok(details) => details,
        Err(errors) => {
            let page = EditPage {
                layout: act.layout(),
                run,
                form,
                errors,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let to = format!("/staff/runs/{id}");
    let mut tx = state.pool.begin().await?;
    if !queries::update_run(&mut *tx, id, &details, act.me.id, act.now).await? {
        return act.refused("Only a scheduled run can be changed.", &to).await;
    }
    let before = run.when(program);
    let after = queries::local_time_of(&details);
    let moved = before != after;
    let change = Change {
        action: if moved { "run.rescheduled" } else { "run.updated" },
        entity_type: "run",
        entity_id: id.to_string(),
        summary: if moved {
            format!(
                "{} moved the run at {} from {before} to {after}",
                act.me.email, details.place
            )
        } else {
            format!("{} edited the run of {after} at {}", act.me.email, details.place)
        },
        details: json!({
            "before": { "when": before, "place": run.place, "time_zone": run.time_zone },
            "after": { "when": after, "place": details.place, "time_zone": details.time_zone.name() },
        }),
    };
    let message = if moved {
        format!("Run moved to {after}.")
    } else {
        "Run saved.".to_string()
    };
    act.commit(tx, change, message, &to).await
}
