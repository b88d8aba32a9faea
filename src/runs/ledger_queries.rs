//! SQL for the mile ledger: every number in order, voided ones included, filtered
//! by number, runner, month and K9, a page at a time from the newest number down.

use chrono::NaiveDate;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::flags::model::Step;

/// One line of the ledger.
pub struct LedgerRow {
    pub id: Uuid,
    pub number: i32,
    pub k9_number: Option<i32>,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub runner_id: Uuid,
    pub runner_name: String,
    pub run_date: NaiveDate,
    pub place: String,
    pub void_reason: Option<String>,
}

/// What the ledger is narrowed to; `None` leaves a filter off.
#[derive(Default)]
pub struct LedgerFilter {
    pub number: Option<i32>,
    pub runner: Option<Uuid>,
    /// The first day of the month, and the first day of the next.
    pub month: Option<(NaiveDate, NaiveDate)>,
    pub k9: bool,
    /// Only numbers below this one (the next page).
    pub before: Option<i32>,
}

/// The ledger's lines, newest number first, at most `limit`.
pub async fn ledger(db: impl PgExecutor<'_>, f: &LedgerFilter, limit: i64) -> sqlx::Result<Vec<LedgerRow>> {
    let (from, until) = f.month.unzip();
    sqlx::query_as!(
        LedgerRow,
        r#"select m.id, m.number, m.k9_number, m.hero_id, h.full_name as hero_name, m.runner_id,
                  r.name as runner_name, m.run_date, m.place, m.void_reason
           from miles m join heroes h on h.id = m.hero_id join runners r on r.id = m.runner_id
           where ($1::int4 is null or m.number = $1)
             and ($2::uuid is null or m.runner_id = $2)
             and ($3::date is null or (m.run_date >= $3 and m.run_date < $5))
             and (not $4 or m.k9_number is not null)
             and ($6::int4 is null or m.number < $6)
           order by m.number desc
           limit $7"#,
        f.number,
        f.runner,
        from,
        f.k9,
        until,
        f.before,
        limit
    )
    .fetch_all(db)
    .await
}

/// A runner's name and the count of their miles that stand (voided ones left out).
pub struct RunnerCount {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub miles: i64,
    pub voided: i64,
}

pub async fn runner_count(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<RunnerCount>> {
    sqlx::query_as!(
        RunnerCount,
        r#"select r.id, r.name, r.active,
                  (select count(*) from miles m where m.runner_id = r.id and m.voided_at is null) as "miles!",
                  (select count(*) from miles m where m.runner_id = r.id and m.voided_at is not null) as "voided!"
           from runners r where r.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// One of a hero's miles, voided ones too, with its flag's step (for the staff
/// hero record).
pub struct HeroMile {
    pub id: Uuid,
    pub number: i32,
    pub k9_number: Option<i32>,
    pub run_date: NaiveDate,
    pub runner_name: String,
    pub void_reason: Option<String>,
    pub flag_id: Option<Uuid>,
    pub flag_step: Option<Step>,
}

pub async fn hero_miles(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<HeroMile>> {
    sqlx::query_as!(
        HeroMile,
        r#"select m.id, m.number, m.k9_number, m.run_date, r.name as runner_name, m.void_reason,
                  f.id as "flag_id?", f.step as "flag_step?: Step"
           from miles m join runners r on r.id = m.runner_id left join flags f on f.mile_id = m.id
           where m.hero_id = $1 order by m.number"#,
        hero_id
    )
    .fetch_all(db)
    .await
}

/// The first scheduled run that will honour the hero, with its date.
pub struct ScheduledRun {
    pub id: Uuid,
    pub run_date: NaiveDate,
}

pub async fn scheduled_run_of_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Option<ScheduledRun>> {
    sqlx::query_as!(
        ScheduledRun,
        "select r.id, r.run_date from run_heroes rh join runs r on r.id = rh.run_id
         where rh.hero_id = $1 and r.status = 'scheduled' order by r.run_date, r.id limit 1",
        hero_id
    )
    .fetch_optional(db)
    .await
}

/// What the staff hero record shows of runs: every mile with its flag, and the
/// scheduled run when the hero still waits.
pub struct HeroRuns {
    pub miles: Vec<HeroMile>,
    pub scheduled: Option<ScheduledRun>,
}

impl HeroRuns {
    pub async fn load(db: &sqlx::PgPool, hero_id: Uuid) -> sqlx::Result<HeroRuns> {
        Ok(HeroRuns {
            miles: hero_miles(db, hero_id).await?,
            scheduled: scheduled_run_of_hero(db, hero_id).await?,
        })
    }

    /// Whether a mile stands (not voided) for the hero.
    pub fn has_mile(&self) -> bool {
        self.miles.iter().any(|m| m.void_reason.is_none())
    }
}

impl HeroMile {
    pub fn shown_number(&self) -> String {
        crate::vocab::numbers::with_commas(self.number.into())
    }
}
