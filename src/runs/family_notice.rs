//! The family's notice that the mile was run: queued in the transaction that
//! logs the mile, to each family contact of the hero who has an email address
//! and agreed to be emailed (the day of their agreement is on the contact), so
//! nobody is written to without their word and no notice leaves for a mile
//! whose save rolled back.

use sqlx::PgConnection;

use super::model::MileDetails;
use super::queries::Runner;
use crate::error::AppError;
use crate::heroes::contact_queries::consenting_family;
use crate::heroes::model::Hero;
use crate::messages::letters::FamilyNotice;
use crate::vocab::numbers::with_commas;

/// Queues the notice of mile `number` to every consenting family contact of
/// `hero`; returns how many were queued.
pub async fn queue_for_mile(
    conn: &mut PgConnection,
    hero: &Hero,
    number: i32,
    details: &MileDetails,
    runner: Option<&Runner>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, AppError> {
    let family = consenting_family(&mut *conn, hero.id).await?;
    for contact in &family {
        let notice = FamilyNotice {
            to: contact.email.clone(),
            name: contact.name.clone(),
            hero_name: hero.full_name.clone(),
            number: with_commas(number.into()),
            run_on: details.run_date.format("%A %-d %B %Y").to_string(),
            runner: runner.and_then(public_first_name),
            flag_carried: details.flag_carried,
        };
        crate::messages::queue(&mut *conn, &notice, now).await?;
    }
    Ok(family.len())
}

/// The runner's first name, for the family. Runners' names are public: the
/// hero's public page names the runner of every mile; the family is told no
/// more than the first name.
fn public_first_name(runner: &Runner) -> Option<String> {
    runner.name.split_whitespace().next().map(str::to_string)
}
