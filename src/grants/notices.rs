//! What an applicant hears, written to the outbox in the transaction of the
//! step that causes it: a receipt with the reference and their private status
//! link, the decision (with the words an admin chose for a decline), and the
//! payment. An application that gave only a phone number gets no email; the
//! grant team calls them, as before.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::queries::follow;
use crate::error::AppError;
use crate::messages::{self, letters::Letter};
use crate::web::lang::Lang;

/// What happened to the application.
pub enum News {
    /// Received, with the link to its status page.
    Received {
        link: String,
    },
    /// Approved and counted: the amount granted.
    Approved {
        cents: i64,
    },
    /// Declined, with the words an admin wrote for the applicant.
    Declined {
        words: String,
    },
    Paid {
        on: NaiveDate,
    },
}

/// A message to the person who wrote an application.
pub struct ApplicantLetter {
    /// The language the application was written in.
    pub lang: Lang,
    pub to: String,
    pub name: String,
    pub reference: String,
    pub news: News,
}

#[derive(Template)]
#[template(path = "messages/grant_applicant.txt")]
struct Text<'a> {
    m: &'a ApplicantLetter,
}

#[derive(Template)]
#[template(path = "messages/grant_applicant.html")]
struct Html<'a> {
    m: &'a ApplicantLetter,
}

impl Letter for ApplicantLetter {
    const KIND: &'static str = "grant applicant";

    fn to(&self) -> &str {
        &self.to
    }

    fn subject(&self) -> String {
        let key = match self.news {
            News::Received { .. } => "letter-grant-received",
            News::Approved { .. } => "letter-grant-approved",
            News::Declined { .. } => "letter-grant-decided",
            News::Paid { .. } => "letter-grant-paid",
        };
        self.lang.t1(key, "reference", &self.reference)
    }

    fn text(&self) -> askama::Result<String> {
        Text { m: self }.render()
    }

    fn html(&self) -> askama::Result<String> {
        Html { m: self }.render()
    }
}

/// Queues `news` for application `id`'s author, when they gave an email address.
pub async fn tell_applicant(tx: &mut PgConnection, id: Uuid, news: News, now: DateTime<Utc>) -> Result<(), AppError> {
    let Some(applicant) = follow::applicant(&mut *tx, id).await? else {
        return Err(AppError::NotFound);
    };
    if applicant.contact_email.is_empty() {
        return Ok(());
    }
    let lang = Lang::of_code(&applicant.language);
    let letter = ApplicantLetter {
        lang,
        to: applicant.contact_email,
        name: applicant.nominator_name,
        reference: applicant.reference,
        news,
    };
    messages::queue(tx, &letter, now).await?;
    Ok(())
}
