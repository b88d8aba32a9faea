//! Flags and notes on their way to the family. Every logged mile creates its
//! flag in the mile's own transaction; staff then write the note (typed from the
//! handwritten card, with an optional scan), choose the recipient from the
//! hero's private contacts, print the card and the packing slip, and move the
//! flag through its steps on the board until it is delivered. Every step is
//! kept in the flag's history and in the audit trail. The public learns only
//! that a flag was delivered, when, and to what kind of person.

pub mod batch;
pub mod batch_queries;
pub mod board;
pub mod correction;
pub mod model;
pub mod moves;
pub mod note;
pub mod note_queries;
pub mod page;
pub mod print;
pub mod queries;
pub mod recipient;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::accounts::acting::{Acting, Change};
use crate::error::AppError;
use crate::heroes::model::Hero;
use crate::state::AppState;
use model::FlagKind;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route("/staff/flags/{id}/note", get(note::form).post(note::save))
        .layer(DefaultBodyLimit::max(note::MAX_SCAN_BYTES + 64 * 1024));
    Router::new()
        .route("/staff/flags", get(board::board))
        .route("/staff/flags/print/cards", get(batch::cards))
        .route("/staff/flags/print/labels", get(batch::labels))
        .route("/staff/flags/print/printed", post(batch::printed))
        .route("/staff/flags/{id}", get(page::show))
        .route(
            "/staff/flags/{id}/recipient",
            get(recipient::form).post(recipient::save),
        )
        .route(
            "/staff/flags/{id}/note/correct",
            get(correction::form).post(correction::save),
        )
        .route("/staff/flags/{id}/ready", post(moves::ready))
        .route("/staff/flags/{id}/ship", post(moves::ship))
        .route("/staff/flags/{id}/hand-over", post(moves::hand_over))
        .route("/staff/flags/{id}/deliver", post(moves::deliver))
        .route("/staff/flags/{id}/return", post(moves::returned))
        .route("/staff/flags/{id}/card", get(print::card))
        .route("/staff/flags/{id}/slip", get(print::slip))
        .route("/staff/flags/{id}/scan", get(print::scan))
        .merge(uploads)
}

/// Gives a newly logged mile its flag, waiting for its note. Called inside the
/// transaction that stores the mile, so a mile never exists without its flag.
pub async fn create_for_mile<R>(
    conn: &mut PgConnection,
    mile_id: Uuid,
    hero: &Hero,
    act: &Acting<R>,
) -> Result<Uuid, AppError> {
    let kind = FlagKind::for_hero(hero.service, &hero.country);
    let id = queries::insert(conn, mile_id, kind, act.me.id, act.now).await?;
    let change = Change {
        action: "flag.created",
        entity_type: "flag",
        entity_id: id.to_string(),
        summary: format!("{} for {}, waiting for its note", kind.label(), hero.full_name),
        details: json!({ "mile_id": mile_id, "kind": kind }),
    };
    act.record(&mut *conn, change).await?;
    Ok(id)
}
