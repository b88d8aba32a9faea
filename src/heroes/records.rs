//! The addresses of a hero's own records (private contacts, family campaigns):
//! the hero's id, then the record's when the address names one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use uuid::Uuid;

use crate::error::AppError;
use crate::web::PathIds;

/// `/staff/heroes/{id}/…`, with `{record}` after it on the pages of one record.
pub struct OfHero {
    pub hero: Uuid,
    pub record: Option<Uuid>,
}

impl OfHero {
    /// The record an address must name (editing, closing, removing it).
    pub fn record(&self) -> Result<Uuid, AppError> {
        self.record.ok_or(AppError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for OfHero {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let PathIds(ids) = PathIds::from_request_parts(parts, state).await?;
        match ids[..] {
            [hero] => Ok(OfHero { hero, record: None }),
            [hero, record] => Ok(OfHero {
                hero,
                record: Some(record),
            }),
            _ => Err(AppError::NotFound),
        }
    }
}
