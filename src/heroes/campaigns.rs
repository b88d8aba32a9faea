//! Staff pages for a hero's family campaigns: start one from the hero's staff
//! page, edit it (the amount raised is updated as gifts come in), or close it
//! early. Every change is audited; the hero's public page shows a campaign only
//! while it is open.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use uuid::Uuid;

use super::campaign_model::CampaignForm;
use super::campaign_queries as queries;
use super::model::Hero;
use super::queries as heroes;
use super::records::OfHero;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::forms::FormErrors;
use crate::web::{Layout, render, render_status};

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

impl CampaignPage {
    fn new(layout: Layout, hero: Hero, campaign_id: Option<Uuid>, form: CampaignForm) -> CampaignPage {
        CampaignPage {
            layout,
            hero_id: hero.id,
            hero_name: hero.full_name,
            campaign_id,
            form,
            errors: FormErrors::default(),
        }
    }
}

pub async fn new_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    path: OfHero,
) -> Result<Response, AppError> {
    let hero = heroes::find(&state.pool, path.hero).await?.ok_or(AppError::NotFound)?;
    let form = CampaignForm::starting(state.today());
    render(&CampaignPage::new(layout, hero, None, form))
}

pub async fn edit_form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    path: OfHero,
) -> Result<Response, AppError> {
    let campaign_id = path.record()?;
    let hero = heroes::find(&state.pool, path.hero).await?.ok_or(AppError::NotFound)?;
    let campaign = queries::for_hero(&state.pool, hero.id)
        .await?
        .into_iter()
        .find(|c| c.id == campaign_id)
        .ok_or(AppError::NotFound)?;
    let form = CampaignForm::of(&campaign);
    render(&CampaignPage::new(layout, hero, Some(campaign_id), form))
}

pub async fn save(act: Acting<Staff>, path: OfHero, Form(form): Form<CampaignForm>) -> Result<Response, AppError> {
    let hero = heroes::find(&act.state.pool, path.hero)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let mut page = CampaignPage::new(act.layout(), hero, path.record, form);
            page.errors = errors;
            return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut tx = act.state.pool.begin().await?;
    let (id, action) = match path.record {
        None => (
            queries::insert(&mut *tx, hero.id, &input, act.me.id, act.now).await?,
            "campaign.created",
        ),
        Some(id) => (
            queries::update(&mut *tx, hero.id, id, &input, act.me.id, act.now)
                .await?
                .ok_or(AppError::NotFound)?,
            "campaign.updated",
        ),
    };
    let details = json!({
        "hero_id": hero.id,
        "goal_cents": input.goal_cents,
        "raised_cents": input.raised_cents,
        "opens_on": input.opens_on,
        "closes_on": input.closes_on,
        "donation_url": input.donation_url.as_str(),
    });
    let change = Change {
        action,
        entity_type: "campaign",
        entity_id: id.to_string(),
        summary: format!(
            "{} saved the campaign \"{}\" for {}",
            act.me.email, input.title, hero.full_name
        ),
        details,
    };
    let to = format!("/staff/heroes/{}#campaigns", hero.id);
    act.commit(tx, change, format!("Campaign {} saved.", input.title), &to)
        .await
}

pub async fn close(act: Acting<Staff>, path: OfHero) -> Result<Response, AppError> {
    let campaign_id = path.record()?;
    let to = format!("/staff/heroes/{}#campaigns", path.hero);
    let mut tx = act.state.pool.begin().await?;
    let Some(title) = queries::close(&mut *tx, path.hero, campaign_id, act.me.id, act.now).await? else {
        return act.refused("That campaign is already closed.", &to).await;
    };
    let change = Change {
        action: "campaign.closed",
        entity_type: "campaign",
        entity_id: campaign_id.to_string(),
        summary: format!("{} closed the campaign \"{title}\"", act.me.email),
        details: json!({ "hero_id": path.hero }),
    };
    act.commit(tx, change, format!("Campaign {title} closed."), &to).await
}
