//! The people who run: the founder, team runners, young runners who age out at
//! the end of the year they turn 16; each optionally linked to a staff account,
//! each with their own count of miles.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::queries::{self, NewRunner, Runner};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::model::User;
use crate::accounts::queries as accounts;
use crate::accounts::session::Staff;
use crate::error::{AppError, OnConstraint};
use crate::state::AppState;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathIds, render, render_status};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RunnerForm {
    name: String,
    birth_year: String,
    active: Option<String>,
    user_id: String,
}

#[derive(Template)]
#[template(path = "runs/runners.html")]
struct RunnersPage {
    layout: Layout,
    runners: Vec<Runner>,
    users: Vec<User>,
    form: RunnerForm,
    errors: FormErrors,
    editing: Option<Uuid>,
    this_year: i32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    edit: String,
}

/// The runners, with the form below for a new runner or, with `?edit=`, for one of them.
pub async fn list(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let runners = queries::runners(&state.pool).await?;
    let editing = runners.iter().find(|r| r.id.to_string() == query.edit);
    let form = match editing {
        Some(r) => RunnerForm {
            name: r.name.clone(),
            birth_year: r.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            active: r.active.then(|| "on".into()),
            user_id: r.user_id.map(|u| u.to_string()).unwrap_or_default(),
        },
        None => RunnerForm {
            active: Some("on".into()),
            ..RunnerForm::default()
        },
    };
    let page = RunnersPage {
        layout,
        editing: editing.map(|r| r.id),
        runners,
        users: accounts::list(&state.pool).await?,
        form,
        errors: FormErrors::default(),
        this_year: state.today().year(),
    };
    render(&page)
}

/// Creates a runner (`/staff/runners`) or updates one (`/staff/runners/{id}`).
pub async fn save(
    act: Acting<Staff>,
    PathIds(ids): PathIds,
    Form(form): Form<RunnerForm>,
) -> Result<Response, AppError> {
    let state = &act.state;
    let editing = ids.first().copied();
    let this_year = state.today().year();
    let mut errors = FormErrors::default();
    let name = errors.check("name", plain_text(&form.name, "Name", 100, true));
    let birth_year = match form.birth_year.trim() {
        "" => Some(None),
        y => errors.check(
            "birth_year",
            y.parse::<i16>()
                .ok()
                .filter(|y| (1900..=this_year).contains(&i32::from(*y)))
                .map(Some)
                .ok_or_else(|| format!("Birth year must be between 1900 and {this_year}, or left empty.")),
        ),
    };
    let user_id = match form.user_id.trim() {
        "" => Some(None),
        id => errors.check(
            "user_id",
            id.parse::<Uuid>()
                .map(Some)
                .map_err(|_| "Choose an account from the list.".to_string()),
        ),
    };
    let (Some(name), Some(birth_year), Some(user_id)) = (name, birth_year, user_id) else {
        return again(&act, form, errors, editing).await;
    };
    let now = act.now;
    let active = form.active.is_some();
    let mut tx = state.pool.begin().await?;
    let runner = NewRunner {
        name: &name,
        birth_year,
        active,
        user_id,
    };
    let refusal = |key: &str| {
        Some(if key == "runners_user_id_key" {
            ("user_id", "This account already belongs to another runner.")
        } else {
            ("name", "A runner with this name already exists.")
        })
    };
    let id = match queries::save_runner(&mut *tx, editing, &runner, now)
        .await
        .on_constraint(refusal)?
    {
        Ok(id) => id,
        Err((field, message)) => {
            errors.add(field, message);
            return again(&act, form, errors, editing).await;
        }
    };
    let change = Change {
        action: if editing.is_some() {
            "runner.updated"
        } else {
            "runner.created"
        },
        entity_type: "runner",
        entity_id: id.to_string(),
        summary: format!("{} saved runner {name}", act.me.email),
        details: json!({ "active": active, "birth_year": birth_year }),
    };
    act.commit(tx, change, format!("Runner {name} saved."), "/staff/runners")
        .await
}

/// The runners page again, with the form's mistakes: status 422.
async fn again(
    act: &Acting<Staff>,
    form: RunnerForm,
    errors: FormErrors,
    editing: Option<Uuid>,
) -> Result<Response, AppError> {
    let page = RunnersPage {
        layout: act.layout(),
        runners: queries::runners(&act.state.pool).await?,
        users: accounts::list(&act.state.pool).await?,
        form,
        errors,
        editing,
        this_year: act.state.today().year(),
    };
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
