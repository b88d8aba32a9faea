//! Correcting a written note (a typo, a name misspelt) while its card is not
//! yet printed. The text it replaces is kept, and staff see when it was
//! corrected and what it said before. Once the card is printed, or the flag
//! sent, the note is what the family receives, and a correction is refused.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::json;

use super::note_queries;
use super::queries::{self, Flag};
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::vocab::numbers::with_commas;
use crate::web::forms::{FormErrors, plain_text};
use crate::web::{Layout, PathId, render, render_status};

#[derive(Deserialize, Default)]
pub struct CorrectForm {
    #[serde(default)]
    note_text: String,
}

#[derive(Template)]
#[template(path = "flags/correct_note.html")]
struct CorrectPage {
    layout: Layout,
    flag: Flag,
    form: CorrectForm,
    errors: FormErrors,
    refused: Option<String>,
}

impl CorrectPage {
    fn number(&self) -> String {
        with_commas(self.flag.mile_number.into())
    }
}

/// Why this flag's note cannot be corrected now, if it cannot.
pub fn refusal(flag: &Flag, zone: Tz) -> Option<String> {
    if flag.note_text.is_none() {
        return Some("This flag's note has not been written yet: write it first.".into());
    }
    if let Some(printed) = flag.card_printed_at {
        return Some(format!(
            "The card was printed on {}, so the note can no longer be corrected: the printed card is what the family \
             receives. If the card is wrong, write a new card by hand.",
            printed.with_timezone(&zone).format("%-d %B %Y")
        ));
    }
    if flag.step.is_sent() {
        return Some(format!(
            "The flag has been sent ({}), so its note can no longer be corrected.",
            flag.step.label().to_lowercase()
        ));
    }
    None
}

fn page(layout: Layout, flag: Flag, form: CorrectForm, errors: FormErrors, refused: Option<String>) -> CorrectPage {
    CorrectPage {
        layout,
        flag,
        form,
        errors,
        refused,
    }
}

pub async fn form(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let flag = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    // The page opens either way; when the note cannot be corrected it says why instead of the form.
    let refused = refusal(&flag, state.config.time_zone);
    let form = CorrectForm {
        note_text: flag.note_text.clone().unwrap_or_default(),
    };
    render(&page(layout, flag, form, FormErrors::default(), refused))
}

pub async fn save(act: Acting<Staff>, PathId(id): PathId, Form(form): Form<CorrectForm>) -> Result<Response, AppError> {
    let flag = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let zone = act.state.config.time_zone;
    if let Some(why) = refusal(&flag, zone) {
        let errors = FormErrors::default();
        return render_status(StatusCode::CONFLICT, &page(act.layout(), flag, form, errors, Some(why)));
    }
    let mut errors = FormErrors::default();
    let text = errors.check("note_text", plain_text(&form.note_text, "The note", 4000, true));
    if text
        .as_deref()
        .is_some_and(|text| Some(text) == flag.note_text.as_deref())
    {
        errors.add(
            "note_text",
            "This is the note as it stands: change the text to correct it.",
        );
    }
    let (Some(text), true) = (text, errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_status(status, &page(act.layout(), flag, form, errors, None));
    };
    let mut tx = act.state.pool.begin().await?;
    if !note_queries::correct(&mut *tx, flag.id, &text, act.me.id, act.now).await? {
        tx.rollback().await?;
        let current = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
        let why = refusal(&current, zone)
            .unwrap_or_else(|| "Someone else has just changed this flag; nothing was changed.".into());
        let errors = FormErrors::default();
        return render_status(
            StatusCode::CONFLICT,
            &page(act.layout(), current, form, errors, Some(why)),
        );
    }
    let number = with_commas(flag.mile_number.into());
    let change = Change {
        action: "flag.note_corrected",
        entity_type: "flag",
        entity_id: flag.id.to_string(),
        // The texts stay on the flag and in its kept versions, not in the trail.
        summary: format!(
            "{} corrected the note of mile {number} ({})",
            act.me.email, flag.hero_name
        ),
        details: json!({ "characters_before": flag.note_text.as_deref().map_or(0, |t| t.chars().count()),
                         "characters_after": text.chars().count() }),
    };
    let message = format!("The note for mile {number} is corrected; the text it replaced is kept in its history.");
    act.commit(tx, change, message, &format!("/staff/flags/{}", flag.id))
        .await
}
