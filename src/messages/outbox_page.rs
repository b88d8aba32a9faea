//! The admin Outbox page: every message with where it is (waiting, sent,
//! failed with the last error), a button to send a failed one again, and, when
//! no mail server is configured, each message's text so its link can be passed
//! on by hand. Messages hold links and private details, so the page is for
//! admins only.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;

use super::model::{OutboxRow, OutboxState};
use super::queries;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Admin;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

/// The page lists this many of the newest messages.
const SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "messages/outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<OutboxRow>,
    /// No mail server: the bodies are shown, to be passed on by hand.
    by_hand: bool,
    tz: Tz,
}

impl OutboxPage {
    fn when(&self, at: &DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%Y-%m-%d %H:%M %Z").to_string()
    }

    fn failed(&self, m: &OutboxRow) -> bool {
        m.state == OutboxState::Failed
    }
}

pub async fn list(Admin(_): Admin, layout: Layout, State(state): State<AppState>) -> Result<Response, AppError> {
    let messages = queries::newest(&state.pool, SHOWN).await?;
    render(&OutboxPage {
        layout,
        messages,
        by_hand: state.config.smtp_url.is_none(),
        tz: state.config.time_zone,
    })
}

/// A failed message back to waiting, tried again from its first try.
pub async fn retry(acting: Acting<Admin>, PathId(id): PathId) -> Result<Response, AppError> {
    let mut tx = acting.state.pool.begin().await?;
    if !queries::retry(&mut *tx, id, acting.now).await? {
        return acting
            .refused(
                "That message has not failed, so there is nothing to send again.",
                "/admin/outbox",
            )
            .await;
    }
    let change = Change {
        action: "message.retried",
        entity_type: "message",
        entity_id: id.to_string(),
        summary: format!("{} sent a failed message again", acting.me.email),
        details: json!({}),
    };
    acting
        .commit(tx, change, "The message will be sent again.", "/admin/outbox")
        .await
}
