//! What the digest tells, section by section, read in the round's transaction
//! from each area's own queries: the grant applications received since the last
//! digest, the flags waiting more than 14 days since their mile, and the coming
//! week's anniversaries and runs. Each line links to the page that deals with it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;

use crate::flags::board::OVERDUE_AFTER_DAYS;
use crate::messages::letters::{DigestLine, DigestSection};
use crate::runs::model::RunStatus;
use crate::vocab::money::dollars;
use crate::vocab::numbers::with_commas;

/// Lines a section shows; the rest are counted, with a link to them all.
const SHOWN: usize = 10;

/// The sections with something to tell, in the order the email gives them.
pub async fn gather(
    conn: &mut PgConnection,
    base: &str,
    zone: Tz,
    today: NaiveDate,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<DigestSection>> {
    let week_end = today + Days::new(6);
    let applications = crate::grants::queries::submitted_between(&mut *conn, since, now, 1000)
        .await?
        .into_iter()
        .map(|a| DigestLine {
            text: format!(
                "{}: {}, {} ({}), {} asked",
                a.reference,
                a.recipient_name,
                a.agency,
                a.kind.label().to_lowercase(),
                dollars(a.amount_requested_cents)
            ),
            link: format!("{base}/staff/grants/{}", a.id),
        });
    let overdue_before = today - Days::new(OVERDUE_AFTER_DAYS.unsigned_abs());
    let flags = crate::flags::queries::board(&mut *conn, false, i64::MAX)
        .await?
        .into_iter()
        .filter(|f| f.mile_date < overdue_before)
        .map(|f| DigestLine {
            text: format!(
                "Mile {} for {}, run {} days ago: {}",
                with_commas(f.mile_number.into()),
                f.hero_name,
                (today - f.mile_date).num_days(),
                f.step.label().to_lowercase()
            ),
            link: format!("{base}/staff/flags/{}", f.id),
        });
    let days = crate::heroes::queries::month_days(today, 7);
    let anniversaries = crate::heroes::queries::anniversaries(&mut *conn, &days, today)
        .await?
        .into_iter()
        .map(|a| {
            let years = a.years(&today);
            DigestLine {
                text: format!(
                    "{}, {}: {}, {years} year{}",
                    a.full_name,
                    a.agency,
                    a.end_of_watch.format("%-d %B"),
                    if years == 1 { "" } else { "s" }
                ),
                link: format!("{base}/staff/heroes/{}", a.id),
            }
        });
    let runs = crate::runs::queries::runs_around(&mut *conn, today, true, 200)
        .await?
        .into_iter()
        .filter(|r| r.run_date <= week_end && r.status != RunStatus::Cancelled)
        .map(|r| DigestLine {
            text: format!("{}: {}", r.when(zone), r.place),
            link: format!("{base}/staff/runs/{}", r.id),
        });
    let sections = [
        section("New grant applications", applications, format!("{base}/staff/grants")),
        section("Flags waiting more than 14 days", flags, format!("{base}/staff/flags")),
        section("Anniversaries this week", anniversaries, format!("{base}/staff")),
        section("Runs this week", runs, format!("{base}/staff/runs")),
    ];
    Ok(sections.into_iter().filter(|s| !s.lines.is_empty()).collect())
}

/// A section of at most [`SHOWN`] lines, counting the ones left out.
fn section(title: &'static str, lines: impl Iterator<Item = DigestLine>, more_link: String) -> DigestSection {
    let mut lines: Vec<DigestLine> = lines.collect();
    let more = lines.len().saturating_sub(SHOWN);
    lines.truncate(SHOWN);
    DigestSection {
        title,
        lines,
        more,
        more_link,
    }
}
