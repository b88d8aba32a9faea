//! A message as it waits in the outbox, and the message a change queues.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Where a message is on its way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "outbox_state", rename_all = "snake_case")]
pub enum OutboxState {
    Waiting,
    Sent,
    Failed,
}

impl OutboxState {
    pub fn label(self) -> &'static str {
        match self {
            OutboxState::Waiting => "Waiting",
            OutboxState::Sent => "Sent",
            OutboxState::Failed => "Failed",
        }
    }
}

/// A message written, ready to queue: the words of both bodies already rendered.
pub struct NewMessage {
    /// What it is about, e.g. `invitation`.
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A row of the outbox, for the admin page.
pub struct OutboxRow {
    pub id: Uuid,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub state: OutboxState,
    pub tries: i32,
    pub next_try_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message a sender holds under its lease, to hand to the mail server.
pub struct Claimed {
    pub id: Uuid,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub tries: i32,
}
