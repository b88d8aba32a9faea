//! A reflection as a visitor sends it, as stored, and as staff see it in the queue.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::web::forms::{FormErrors, Label, plain_text};

/// Where a reflection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "reflection_status", rename_all = "snake_case")]
pub enum ReflectionStatus {
    Pending,
    Approved,
    Declined,
    Hidden,
}

/// What the visitor's form posts, as typed, so it can be shown again.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ReflectionForm {
    #[serde(default)]
    pub author_name: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub body: String,
    /// The honeypot: hidden from people, filled in by robots.
    #[serde(default)]
    pub website: String,
}

/// A reflection that passed its checks, ready to store.
pub struct NewReflection {
    pub author_name: String,
    pub place: String,
    pub body: String,
}

impl ReflectionForm {
    pub fn parse(&self) -> Result<NewReflection, FormErrors> {
        let mut errors = FormErrors::default();
        let author_name = errors.check(
            "author_name",
            plain_text(&self.author_name, Label::Key("field-your-name"), 80, true),
        );
        let place = errors.check("place", plain_text(&self.place, Label::Key("label-place"), 80, false));
        let body = errors.check("body", plain_text(&self.body, Label::Key("label-body"), 1000, true));
        match (author_name, place, body) {
            (Some(author_name), Some(place), Some(body)) if errors.is_empty() => Ok(NewReflection {
                author_name,
                place,
                body,
            }),
            _ => Err(errors),
        }
    }
}

/// An approved reflection as the hero page shows it: text only, never a link.
/// Read with the hero's record, as JSON.
#[derive(Debug, Deserialize)]
pub struct ShownReflection {
    pub author_name: String,
    pub place: String,
    pub body: String,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A reflection in the staff queue, with its hero.
pub struct QueuedReflection {
    pub id: Uuid,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub author_name: String,
    pub place: String,
    pub body: String,
    pub submitted_at: DateTime<Utc>,
}
