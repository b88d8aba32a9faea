//! One public page per confirmed hero. Drafts are a 404, exactly like a hero
//! who does not exist; contacts are never read here. Once a mile is run in
//! the hero's honour, the page says so, and once its flag is delivered, when
//! and to whom in general terms ("to the family"), never a name or address.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::error::AppError;
use crate::flags::model::public_recipient;
use crate::flags::queries::public_deliveries;
use crate::heroes::campaign_model::Campaign;
use crate::heroes::campaign_queries::open_for_hero;
use crate::heroes::model::Hero;
use crate::heroes::queries;
use crate::runs::mile_queries::miles_of_hero;
use crate::state::AppState;
use crate::vocab::numbers::{ordinal, with_commas};
use crate::web::{Layout, PathId, render};

/// A mile as the public hero page tells it.
pub struct Honor {
    pub number: String,
    pub k9: Option<String>,
    pub date: String,
    pub runner: String,
    pub place: String,
    pub video_url: String,
    /// "Flag delivered to the family on 2 March 2026."
    pub flag: Option<String>,
}

#[derive(Template)]
#[template(path = "public/hero.html")]
struct HeroPage {
    layout: Layout,
    hero: Hero,
    honors: Vec<Honor>,
    campaign: Option<Campaign>,
}

pub async fn page(layout: Layout, State(state): State<AppState>, PathId(id): PathId) -> Result<Response, AppError> {
    let hero = queries::find(&state.pool, id)
        .await?
        .filter(Hero::is_confirmed)
        .ok_or(AppError::NotFound)?;
    let deliveries = public_deliveries(&state.pool, id).await?;
    let honors = miles_of_hero(&state.pool, id)
        .await?
        .into_iter()
        .map(|m| Honor {
            flag: deliveries.iter().find(|d| d.mile_id == m.id).map(|d| {
                format!(
                    "Flag delivered to {} on {}.",
                    public_recipient(d.recipient_kind),
                    d.delivered_on.format("%-d %B %Y")
                )
            }),
            number: with_commas(m.number.into()),
            k9: m.k9_number.map(|n| ordinal(n.into())),
            date: m.run_date.format("%-d %B %Y").to_string(),
            runner: m.runner_name,
            place: m.place,
            video_url: m.video_url,
        })
        .collect();
    let campaign = open_for_hero(&state.pool, id, state.today()).await?;
    render(&HeroPage {
        layout,
        hero,
        honors,
        campaign,
    })
}
