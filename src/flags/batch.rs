//! Printing in batches: every card to print now on one print, each on its own
//! page, and the address labels for the same flags on standard sheets (Avery
//! 5160: 30 per US Letter page, 3 columns of 10). Once printed, staff mark the
//! batch printed: the cards that were on it (and only those, unless a note was
//! corrected since the print) are marked, one audit line per flag, and their
//! notes can no longer be corrected.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::batch_queries::{self, BatchCard, Label};
use super::print::mile_label;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::audit;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::with_commas;
use crate::web::{Layout, render};

/// Labels on one US Letter sheet of Avery 5160.
pub const LABELS_PER_SHEET: usize = 30;

#[derive(Template)]
#[template(path = "flags/batch_cards.html")]
struct CardsPage {
    layout: Layout,
    cards: Vec<BatchCard>,
    /// When the print was made: a note corrected after it is not marked printed.
    shown_at: String,
}

impl CardsPage {
    fn mile(&self, card: &BatchCard) -> String {
        mile_label(card.mile_number, card.k9_number)
    }
}

#[derive(Template)]
#[template(path = "flags/batch_labels.html")]
struct LabelsPage {
    layout: Layout,
    sheets: Vec<Vec<Label>>,
    /// Flags on the print whose label has no address to carry.
    missing: Vec<Label>,
    count: usize,
}

impl LabelsPage {
    fn number(&self, label: &Label) -> String {
        with_commas(label.mile_number.into())
    }
}

pub async fn cards(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let cards = batch_queries::cards(&state.pool).await?;
    let shown_at = state.now().to_rfc3339();
    render(&CardsPage {
        layout,
        cards,
        shown_at,
    })
}

pub async fn labels(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let (with, missing): (Vec<Label>, Vec<Label>) = batch_queries::labels(&state.pool)
        .await?
        .into_iter()
        .partition(|label| label.address.is_some());
    let count = with.len();
    let mut sheets = Vec::new();
    let mut rest = with.into_iter().peekable();
    while rest.peek().is_some() {
        sheets.push(rest.by_ref().take(LABELS_PER_SHEET).collect());
    }
    render(&LabelsPage {
        layout,
        sheets,
        missing,
        count,
    })
}

/// The flags whose cards were on the print, as the cards page listed them.
#[derive(Deserialize, Default)]
pub struct PrintedForm {
    #[serde(default)]
    flag: Vec<Uuid>,
    #[serde(default)]
    shown_at: String,
}

pub async fn printed(act: Acting<Staff>, Form(form): Form<PrintedForm>) -> Result<Response, AppError> {
    let back = "/staff/flags/print/cards";
    if form.flag.is_empty() {
        return act
            .refused("There were no cards on the print, so nothing was marked.", back)
            .await;
    }
    let Ok(shown_at) = DateTime::parse_from_rfc3339(form.shown_at.trim()) else {
        let why = "This print could not be matched to the cards; open the cards again, print them, and mark them then.";
        return act.refused(why, back).await;
    };
    let shown_at = shown_at.with_timezone(&Utc);
    let mut tx = act.state.pool.begin().await?;
    let marked = batch_queries::mark_printed(&mut *tx, &form.flag, shown_at, act.me.id, act.now).await?;
    if marked.is_empty() {
        tx.rollback().await?;
        let why = "These cards were already marked printed, or changed since the print (a note corrected, a flag \
                   moved on); nothing was changed.";
        return act.refused(why, back).await;
    }
    let events: Vec<audit::Event> = marked
        .iter()
        .map(|card| {
            act.event(Change {
                action: "flag.card_printed",
                entity_type: "flag",
                entity_id: card.id.to_string(),
                summary: format!(
                    "{} printed the note card of mile {} ({})",
                    act.me.email,
                    with_commas(card.mile_number.into()),
                    card.hero_name
                ),
                details: json!({ "batch": form.flag.len() }),
            })
        })
        .collect();
    audit::record_many(&mut *tx, &events, act.now).await?;
    tx.commit().await?;
    let skipped = form.flag.len() - marked.len();
    let mut message = match marked.len() {
        1 => "1 card marked printed.".to_string(),
        n => format!("{n} cards marked printed."),
    };
    if skipped > 0 {
        message.push_str(&format!(
            " {skipped} had changed since the print (a note corrected, marked printed by someone else, or moved on) \
             and were left as they were: open the cards again to print {}.",
            if skipped == 1 { "it" } else { "them" }
        ));
    }
    act.done(message, "/staff/flags").await
}
