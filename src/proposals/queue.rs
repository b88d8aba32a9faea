//! The staff queue of proposals. A new hero becomes a draft record in one press
//! (staff then complete and confirm it as any draft); a correction opens the
//! record's edit form with the proposal shown above it. Either closes the item.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::model::{Proposal, ProposalStatus, region_of};
use super::queries;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::heroes::model::{Cause, HeroInput};
use crate::heroes::queries::{self as heroes, SaveError};
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

const QUEUE: &str = "/staff/proposals";
const GONE: &str = "That proposal was already handled.";

#[derive(Template)]
#[template(path = "proposals/queue.html")]
struct QueuePage {
    layout: Layout,
    proposals: Vec<Proposal>,
}

pub async fn list(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&QueuePage {
        layout,
        proposals: queries::open(&state.pool, 200).await?,
    })
}

/// A proposed hero becomes a draft record; staff land on its edit form.
pub async fn draft(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let mut tx = act.state.pool.begin().await?;
    let Some(p) = queries::open_for_update(&mut *tx, id).await? else {
        return act.refused(GONE, QUEUE).await;
    };
    let (Some(service), Some(end_of_watch), Ok(region), None) =
        (p.service, p.end_of_watch, region_of(&p.region), p.hero_id)
    else {
        return act
            .refused("That proposal is a correction: open the record instead.", QUEUE)
            .await;
    };
    let input = HeroInput {
        full_name: p.full_name.clone(),
        rank_title: String::new(),
        agency: p.agency.clone(),
        agency_city: String::new(),
        region,
        service,
        end_of_watch,
        // Not asked of the public: staff set it from the source.
        cause: Cause::Other,
        age: None,
        years_of_service: None,
        badge_number: String::new(),
        military_veteran: false,
        narrative: p.details.clone(),
        biography: String::new(),
        memorial_links: Vec::new(),
        k9_breed: None,
        k9_handler: None,
    };
    let hero = match heroes::insert(&mut tx, &input, act.me.id, act.now).await {
        Ok(hero) => hero,
        Err(SaveError::Duplicate(existing)) => {
            let to = format!("/staff/heroes/{existing}");
            return act
                .refused(
                    "This hero is already recorded (same name, agency and end of watch): here is the record.",
                    &to,
                )
                .await;
        }
        Err(SaveError::Db(e)) => return Err(e.into()),
    };
    queries::decide(&mut *tx, id, ProposalStatus::Drafted, Some(hero), act.me.id, act.now).await?;
    let created = Change {
        action: "hero.created",
        entity_type: "hero",
        entity_id: hero.to_string(),
        summary: format!("{} added {} as a draft from a proposal", act.me.email, p.full_name),
        details: json!({ "proposal_id": id }),
    };
    act.record(&mut *tx, created).await?;
    let change = Change {
        action: "proposal.drafted",
        entity_type: "proposal",
        entity_id: id.to_string(),
        summary: format!("{} made a draft of {} from a proposal", act.me.email, p.full_name),
        details: json!({ "hero_id": hero }),
    };
    let message = format!(
        "Draft of {} started from the proposal. Source given: {}. Complete the record, then confirm it.",
        p.full_name, p.source
    );
    act.commit(tx, change, message, &format!("/staff/heroes/{hero}/edit"))
        .await
}

/// A correction opens the record's edit form, with what was proposed shown there.
pub async fn edit(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let mut tx = act.state.pool.begin().await?;
    let Some(p) = queries::open_for_update(&mut *tx, id).await? else {
        return act.refused(GONE, QUEUE).await;
    };
    let Some(hero) = p.hero_id else {
        return act
            .refused("That proposal names a new hero: start a draft instead.", QUEUE)
            .await;
    };
    queries::decide(&mut *tx, id, ProposalStatus::Editing, None, act.me.id, act.now).await?;
    let change = Change {
        action: "proposal.editing",
        entity_type: "proposal",
        entity_id: id.to_string(),
        summary: format!("{} opened a proposed correction to edit the record", act.me.email),
        details: json!({ "hero_id": hero }),
    };
    let message = format!(
        "Correction proposed by {}: {} (source: {})",
        p.proposer_name, p.details, p.source
    );
    act.commit(tx, change, message, &format!("/staff/heroes/{hero}/edit"))
        .await
}

pub async fn dismiss(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let mut tx = act.state.pool.begin().await?;
    if !queries::decide(&mut *tx, id, ProposalStatus::Dismissed, None, act.me.id, act.now).await? {
        return act.refused(GONE, QUEUE).await;
    }
    let change = Change {
        action: "proposal.dismissed",
        entity_type: "proposal",
        entity_id: id.to_string(),
        summary: format!("{} dismissed a proposal", act.me.email),
        details: json!({}),
    };
    act.commit(tx, change, "Proposal dismissed.", QUEUE).await
}
