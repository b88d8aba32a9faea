//! Logging a completed mile, from a phone at the track. Saving takes the
//! program's next number inside the transaction that stores the mile, so numbers
//! are unique and gapless however many staff save at once; the form carries a
//! one-time key, so a reload or a double tap logs the mile once.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::mile_queries::{self as miles, NewMile};
use super::model::{MileDetails, MileForm, RunStatus};
use super::queries::{self, Run, Runner};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::{SessionUser, Staff};
use crate::error::AppError;
use crate::heroes::model::{Hero, Service};
use crate::heroes::queries::{self as heroes, StaffRow};
use crate::state::AppState;
use crate::vocab::numbers::{ordinal, with_commas};
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    hero: String,
    run: String,
    q: String,
}

#[derive(Template)]
#[template(path = "runs/mile_form.html")]
struct MilePage {
    layout: Layout,
    form: MileForm,
    errors: FormErrors,
    hero: Option<Hero>,
    run: Option<Run>,
    runners: Vec<Runner>,
    q: String,
    found: Vec<StaffRow>,
    /// The hero's existing mile, when logging a second one needs a confirmation.
    existing_mile: Option<i32>,
    today: String,
    /// For the runner list: who may still run this year.
    this_year: i32,
}

pub async fn new_form(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let run = match query.run.parse::<Uuid>() {
        Ok(id) => queries::find_run(&state.pool, id).await?,
        Err(_) => None,
    };
    let mut hero_id = query.hero.parse::<Uuid>().ok();
    if let (None, Some(run)) = (hero_id, &run) {
        // From a run: the first of its heroes still without a mile.
        hero_id = queries::run_heroes(&state.pool, run.id)
            .await?
            .into_iter()
            .find(|h| h.mile_id.is_none())
            .map(|h| h.hero_id);
    }
    let hero = match hero_id {
        Some(id) => heroes::find(&state.pool, id).await?,
        None => None,
    };
    let q = query.q.trim().chars().take(100).collect::<String>();
    let found = if q.is_empty() {
        Vec::new()
    } else {
        heroes::staff_find(&state.pool, Some(&q), false, 10).await?
    };
    let runners = queries::runners(&state.pool).await?;
    let form = prefilled(&state, &me, hero.as_ref(), run.as_ref(), &runners).await?;
    render(&MilePage {
        layout,
        form,
        errors: FormErrors::default(),
        hero,
        run,
        runners,
        q,
        found,
        existing_mile: None,
        today: state.today().to_string(),
        this_year: state.today().year(),
    })
}

/// Today's date, the run's (or the usual) place and runner, seven laps: at the
/// track, only the time is left to type. The ceremony starts unticked, so what
/// is saved is what was done (one box ticks all five).
async fn prefilled(
    state: &AppState,
    me: &SessionUser,
    hero: Option<&Hero>,
    run: Option<&Run>,
    runners: &[Runner],
) -> Result<MileForm, AppError> {
    let last = miles::last_mile(&state.pool).await?;
    let own_runner = queries::runner_of_user(&state.pool, me.id).await?;
    let run_runner = match run {
        Some(run) => queries::first_runner_of_run(&state.pool, run.id).await?,
        None => None,
    };
    // Only a runner who may still run is put forward (not one who stopped or aged out).
    let this_year = state.today().year();
    let may_run = |id: &Uuid| runners.iter().any(|r| r.id == *id && r.can_run(this_year));
    Ok(MileForm {
        form_key: Uuid::new_v4().to_string(),
        hero_id: hero.map(|h| h.id.to_string()).unwrap_or_default(),
        run_id: run.map(|r| r.id.to_string()).unwrap_or_default(),
        runner_id: [run_runner, own_runner, last.as_ref().map(|l| l.runner_id)]
            .into_iter()
            .flatten()
            .find(may_run)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        run_date: state.today().to_string(),
        place: run
            .map(|r| r.place.clone())
            .or(last.map(|l| l.place))
            .unwrap_or_default(),
        laps: "7".into(),

        ..MileForm::default()
    })
}

pub async fn save(act: Acting<Staff>, Form(form): Form<MileForm>) -> Result<Response, AppError> {
    let state = &act.state;
    let form_key: Uuid = form
        .form_key
        .parse()
        .map_err(|_| AppError::BadRequest("This form is out of date. Open the mile form again.".into()))?;
    if let Some(existing) = miles::mile_by_form_key(&state.pool, form_key).await? {
        return Ok(Redirect::to(&format!("/staff/miles/{existing}")).into_response());
    }
    let today = state.today();
    let hero = match form.hero_id.parse::<Uuid>() {
        Ok(id) => heroes::find(&state.pool, id).await?,
        Err(_) => None,
    };
    let run = match form.run_id.parse::<Uuid>() {
        Ok(id) => queries::find_run(&state.pool, id).await?,
        Err(_) => None,
    };
    let runners = queries::runners(&state.pool).await?;
    let mut errors = FormErrors::default();
    let details = MileDetails::parse(&form, today).map_err(|e| errors = e).ok();
    let existing = match &hero {
        Some(hero) => miles::miles_of_hero(&state.pool, hero.id)
            .await?
            .first()
            .map(|m| m.number),
        None => None,
    };
    let found = Found {
        hero: hero.as_ref(),
        run: run.as_ref(),
        runners: &runners,
        existing,
    };
    check(&mut errors, &found, details.as_ref(), &form, today.year());
    let (Some(hero), Some(details), true) = (hero.clone(), details, errors.is_empty()) else {
        // A double tap whose twin has just been saved: show the saved mile.
        if let Some(saved) = miles::mile_by_form_key(&state.pool, form_key).await? {
            return Ok(Redirect::to(&format!("/staff/miles/{saved}")).into_response());
        }
        let page = MilePage {
            layout: act.layout(),
            form,
            errors,
            hero,
            run,
            runners,
            q: String::new(),
            found: Vec::new(),
            existing_mile: existing,
            today: today.to_string(),
            this_year: today.year(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };

    let now = act.now;
    let mut tx = state.pool.begin().await?;
    let number = miles::next_number(&mut tx, "mile").await?;
    // Saves are serialised by the counter's lock: look again for a mile another
    // member of staff has just logged for this hero.
    if form.second_mile.is_none()
        && let Some(theirs) = miles::miles_of_hero(&mut *tx, hero.id).await?.first()
        && miles::mile_by_form_key(&mut *tx, form_key).await?.is_none()
    {
        tx.rollback().await?;
        errors.add(
            "second_mile",
            format!(
                "{} was just given mile {} by someone else. Tick the box to log a second mile on purpose.",
                hero.full_name,
                with_commas(theirs.number.into())
            ),
        );
        let page = MilePage {
            layout: act.layout(),
            existing_mile: Some(theirs.number),
            form,
            errors,
            hero: Some(hero),
            run,
            runners,
            q: String::new(),
            found: Vec::new(),
            today: today.to_string(),
            this_year: today.year(),
        };
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let k9_number = match hero.service {
        Service::K9 => Some(miles::next_number(&mut tx, "k9").await?),
        _ => None,
    };
    let new = NewMile {
        number,
        k9_number,
        hero_id: hero.id,
        run_id: run.as_ref().map(|r| r.id),
        details: &details,
        form_key,
    };
    let Some(id) = miles::insert_mile(&mut tx, &new, act.me.id, now).await? else {
        // The same form was saved by a parallel request: give the numbers back.
        tx.rollback().await?;
        let existing = miles::mile_by_form_key(&state.pool, form_key)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(Redirect::to(&format!("/staff/miles/{existing}")).into_response());
    };
    if let Some(run) = &run {
        queries::complete_run_if_done(&mut tx, run.id, details.run_date, act.me.id, now).await?;
    }
    // The flag carried on this mile starts its way in the same transaction.
    crate::flags::create_for_mile(&mut tx, id, &hero, &act).await?;
    // The family hears of it only if they agreed, and only if this save commits.
    let runner = runners.iter().find(|r| r.id == details.runner_id);
    let family_notified = super::family_notice::queue_for_mile(&mut tx, &hero, number, &details, runner, now).await?;
    let change = Change {
        action: "mile.logged",
        entity_type: "mile",
        entity_id: id.to_string(),
        summary: format!(
            "{} logged mile {} for {}",
            act.me.email,
            with_commas(number.into()),
            hero.full_name
        ),
        details: json!({
            "number": number,
            "k9_number": k9_number,
            "hero_id": hero.id,
            "details": details,
            "family_notified": family_notified,
        }),
    };
    let k9 = k9_number
        .map(|n| format!(" (the {} K9)", ordinal(n.into())))
        .unwrap_or_default();
    let message = format!("Mile {} logged for {}{k9}.", with_commas(number.into()), hero.full_name);
    act.commit(tx, change, message, &format!("/staff/miles/{id}")).await
}

/// What the database says about the form's hero, run and runners.
struct Found<'a> {
    hero: Option<&'a Hero>,
    run: Option<&'a Run>,
    runners: &'a [Runner],
    /// The hero's mile already logged, if any.
    existing: Option<i32>,
}

/// The rules that need the database's answers: the hero, the run, the runner.
fn check(errors: &mut FormErrors, found: &Found, details: Option<&MileDetails>, form: &MileForm, this_year: i32) {
    let Found {
        hero,
        run,
        runners,
        existing,
    } = *found;
    match hero {
        None => errors.add("hero_id", "Choose the hero this mile honours."),
        Some(hero) if !hero.is_confirmed() => errors.add(
            "hero_id",
            "This hero is still a draft: confirm the death before logging a mile.",
        ),
        Some(hero) => {
            if let (Some(number), None) = (existing, &form.second_mile) {
                errors.add(
                    "second_mile",
                    format!(
                        "{} already has mile {}. Tick the box to log a second mile on purpose.",
                        hero.full_name,
                        with_commas(number.into())
                    ),
                );
            }
        }
    }
    if !form.run_id.trim().is_empty() {
        match run {
            None => errors.add("run_id", "This run no longer exists."),
            Some(run) if run.status == RunStatus::Cancelled => errors.add("run_id", "This run was cancelled."),
            Some(run) => {
                if let Some(d) = details.filter(|d| d.run_date < run.run_date) {
                    errors.add(
                        "run_date",
                        format!(
                            "The run was scheduled for {}; a mile cannot be completed before it ({}).",
                            run.run_date, d.run_date
                        ),
                    );
                }
            }
        }
    }
    if let Some(d) = details {
        match runners.iter().find(|r| r.id == d.runner_id) {
            Some(runner) if runner.can_run(this_year) => {}
            Some(_) => errors.add("runner_id", "This runner is no longer active."),
            None => errors.add("runner_id", "Choose who ran."),
        }
    }
}
