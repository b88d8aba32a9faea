//! Staff pages for a hero's family campaigns: start one from the hero's staff
//! page, edit it (the amount raised is updated as gifts come in), or close it
//! early. Every change is audited; the hero's public page shows a campaign only
//! while it is open.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::campaign_model::{self as model, CampaignForm};
use super::queries as heroes;
use crate::accounts::session::Staff;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::forms::FormErrors;
use crate::web::{FlashKind, Layout, PathId, PathIds, flash, render, render_status};

#[derive(Template)]
#[template(path = "heroes/campaign_form.html")]
struct CampaignPage {
    layout: Layout,
    hero_id: Uuid,
    hero_name: String,
    campaign_id: Option<Uuid>,
    form: CampaignForm,
    errors: FormErrors,
}

pub async fn new_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(hero_id): PathId,
) -> Result<Response, AppError> {
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    render(&CampaignPage {
        layout,
        hero_id,
        hero_name: hero.full_name,
        campaign_id: None,
        form: CampaignForm::starting(state.today()),
        errors: FormErrors::default(),
    })
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathIds(ids): PathIds,
) -> Result<Response, AppError> {
    let [hero_id, campaign_id] = ids[..] else {
        return Err(AppError::NotFound);
    };
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    let campaign = model::for_hero(&state.pool, hero_id)
        .await?
        .into_iter()
        .find(|c| c.id == campaign_id)
        .ok_or(AppError::NotFound)?;
    render(&CampaignPage {
        layout,
        hero_id,
        hero_name: hero.full_name,
        campaign_id: Some(campaign_id),
        form: CampaignForm::of(&campaign),
        errors: FormErrors::default(),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn save(
    Staff(me): Staff,
    layout: Layout,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathIds(ids): PathIds,
    Form(form): Form<CampaignForm>,
) -> Result<Response, AppError> {
    let (hero_id, campaign_id) = match ids.as_slice() {
        [hero] => (*hero, None),
        [hero, campaign] => (*hero, Some(*campaign)),
        _ => return Err(AppError::NotFound),
    };
    let hero = heroes::find(&state.pool, hero_id).await?.ok_or(AppError::NotFound)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let page = CampaignPage {
                layout,
                hero_id,
                hero_name: hero.full_name,
                campaign_id,
                form,
                errors,
            };
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let (id, action) = match campaign_id {
        None => (
            model::insert(&mut *tx, hero_id, &input, me.id, now).await?,
            "campaign.created",
        ),
        Some(id) => (
            model::update(&mut *tx, hero_id, id, &input, me.id, now)
                .await?
                .ok_or(AppError::NotFound)?,
            "campaign.updated",
        ),
    };
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action,
            entity_type: "campaign",
            entity_id: Some(id.to_string()),
            summary: format!(
                "{} saved the campaign \"{}\" for {}",
                me.email, input.title, hero.full_name
            ),
            details: json!({
                "hero_id": hero_id,
                "goal_cents": input.goal_cents,
                "raised_cents": input.raised_cents,
                "opens_on": input.opens_on,
                "closes_on": input.closes_on,
                "donation_url": input.donation_url.as_str(),
            }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, format!("Campaign {} saved.", input.title)).await?;
    Ok(Redirect::to(&format!("/staff/heroes/{hero_id}#campaigns")).into_response())
}

pub async fn close(
    Staff(me): Staff,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathIds(ids): PathIds,
) -> Result<Response, AppError> {
    let [hero_id, campaign_id] = ids[..] else {
        return Err(AppError::NotFound);
    };
    let now = state.now();
    let mut tx = state.pool.begin().await?;
    let Some(title) = model::close(&mut *tx, hero_id, campaign_id, me.id, now).await? else {
        flash(&session, FlashKind::Error, "That campaign is already closed.").await?;
        return Ok(Redirect::to(&format!("/staff/heroes/{hero_id}#campaigns")).into_response());
    };
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "campaign.closed",
            entity_type: "campaign",
            entity_id: Some(campaign_id.to_string()),
            summary: format!("{} closed the campaign \"{title}\"", me.email),
            details: json!({ "hero_id": hero_id }),
            client_ip: Some(&ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    flash(&session, FlashKind::Success, format!("Campaign {title} closed.")).await?;
    Ok(Redirect::to(&format!("/staff/heroes/{hero_id}#campaigns")).into_response())
}
