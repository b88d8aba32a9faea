//! What an applicant may be told: the address their application gave, and the
//! steps it has passed, found by the hash of their private status link.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::grants::model::GrantStatus;

/// Who wrote an application, and where to write back.
pub struct Applicant {
    pub reference: String,
    pub nominator_name: String,
    /// Empty when they gave only a phone number.
    pub contact_email: String,
    /// The language the application was written in: its notices are written in it.
    pub language: String,
}

pub async fn applicant(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Applicant>> {
    sqlx::query_as!(
        Applicant,
        "select reference, nominator_name, contact_email, language from grant_applications where id = $1",
        id
    )
    .fetch_optional(db)
    .await
}

/// An application as its status page shows it: the steps and their dates, and
/// nothing the grant team keeps to itself (notes, amounts, the private reason).
pub struct Followed {
    pub reference: String,
    pub status: GrantStatus,
    pub submitted_at: DateTime<Utc>,
    pub shortlisted_at: Option<DateTime<Utc>>,
    pub counted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub decline_message: Option<String>,
    pub paid_on: Option<NaiveDate>,
}

pub async fn by_status_hash(db: impl PgExecutor<'_>, hash: &[u8]) -> sqlx::Result<Option<Followed>> {
    sqlx::query_as!(
        Followed,
        r#"select reference, status as "status: GrantStatus", submitted_at, shortlisted_at, counted_at,
                  declined_at, decline_message, paid_on
           from grant_applications where status_token_hash = $1"#,
        hash
    )
    .fetch_optional(db)
    .await
}
