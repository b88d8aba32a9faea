//! The moderation queue: staff approve or decline each reflection waiting, and
//! hide one already shown with one click (when a family asks). Every decision
//! is a conditional move, audited.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;

use super::model::{QueuedReflection, ReflectionStatus};
use super::queries;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

/// How many of each list the page shows.
const PAGE: i64 = 200;
const QUEUE: &str = "/staff/reflections";

#[derive(Template)]
#[template(path = "reflections/queue.html")]
struct QueuePage {
    layout: Layout,
    pending: Vec<QueuedReflection>,
    shown: Vec<QueuedReflection>,
}

pub async fn queue(Staff(_): Staff, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    render(&QueuePage {
        layout,
        pending: queries::in_state(&state.pool, ReflectionStatus::Pending, PAGE).await?,
        shown: queries::in_state(&state.pool, ReflectionStatus::Approved, PAGE).await?,
    })
}

pub async fn approve(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let moved = Move {
        from: ReflectionStatus::Pending,
        to: ReflectionStatus::Approved,
        action: "reflection.approved",
        verb: "approved",
        refused: "That reflection was already decided.",
    };
    moved.run(act, id).await
}

pub async fn decline(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let moved = Move {
        from: ReflectionStatus::Pending,
        to: ReflectionStatus::Declined,
        action: "reflection.declined",
        verb: "declined",
        refused: "That reflection was already decided.",
    };
    moved.run(act, id).await
}

/// Takes a shown reflection off the hero's page.
pub async fn hide(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let moved = Move {
        from: ReflectionStatus::Approved,
        to: ReflectionStatus::Hidden,
        action: "reflection.hidden",
        verb: "hidden",
        refused: "That reflection is not shown, so there was nothing to hide.",
    };
    moved.run(act, id).await
}

/// One decision: the move, its audit event and its message.
struct Move {
    from: ReflectionStatus,
    to: ReflectionStatus,
    action: &'static str,
    verb: &'static str,
    refused: &'static str,
}

impl Move {
    async fn run(self, act: Acting<Staff>, id: uuid::Uuid) -> Result<Response, AppError> {
        let mut tx = act.state.pool.begin().await?;
        let Some((hero_id, author)) = queries::decide(&mut *tx, id, self.from, self.to, act.me.id, act.now).await?
        else {
            return act.refused(self.refused, QUEUE).await;
        };
        let change = Change {
            action: self.action,
            entity_type: "reflection",
            entity_id: id.to_string(),
            summary: format!("{} {} the reflection from {author}", act.me.email, self.verb),
            details: json!({ "hero_id": hero_id }),
        };
        act.commit(tx, change, format!("Reflection from {author} {}.", self.verb), QUEUE)
            .await
    }
}
