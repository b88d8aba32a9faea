//! SQL for runners, runs and the backlog of heroes waiting for their mile (the
//! miles themselves are in `mile_queries`).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{RunDetails, RunStatus};

pub struct Runner {
    pub id: Uuid,
    pub name: String,
    pub birth_year: Option<i16>,
    pub active: bool,
    pub user_id: Option<Uuid>,
    pub miles: i64,
}

impl Runner {
    /// The year after which a young runner no longer runs for the program.
    pub fn ages_out_after(&self) -> Option<i32> {
        self.birth_year.map(|y| i32::from(y) + 16)
    }

    /// Takes the year by value or by reference (templates pass references).
    pub fn can_run(&self, this_year: impl std::borrow::Borrow<i32>) -> bool {
        self.active && self.ages_out_after().is_none_or(|last| *this_year.borrow() <= last)
    }
}

pub async fn runners(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Runner>> {
    sqlx::query_as!(
        Runner,
        r#"select r.id, r.name, r.birth_year, r.active, r.user_id,
                  (select count(*) from miles m where m.runner_id = r.id and m.voided_at is null) as "miles!"
           from runners r order by r.active desc, lower(r.name)"#
    )
    .fetch_all(db)
    .await
}

pub async fn runner_of_user(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select id from runners where user_id = $1 and active", user_id)
        .fetch_optional(db)
        .await
}

/// A runner as saved from the runners form.
pub struct NewRunner<'a> {
    pub name: &'a str,
    pub birth_year: Option<i16>,
    pub active: bool,
    pub user_id: Option<Uuid>,
}

/// Adds a runner, or changes the one `editing` names; its id. Two runners with
/// one name, or one account, are refused by their unique keys.
pub async fn save_runner(
    db: impl PgExecutor<'_>,
    editing: Option<Uuid>,
    runner: &NewRunner<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    sqlx::query_scalar!(
        "insert into runners (id, name, birth_year, active, user_id, created_at, updated_at)
         values (coalesce($1::uuid, $2::uuid), $3, $4, $5, $6, $7, $7)
         on conflict (id) do update set name = excluded.name, birth_year = excluded.birth_year,
             active = excluded.active, user_id = excluded.user_id, updated_at = excluded.updated_at
         returning id",
        editing,
        Uuid::now_v7(),
        runner.name,
        runner.birth_year,
        runner.active,
        runner.user_id,
        now
    )
    .fetch_one(db)
    .await
}

pub struct Run {
    pub id: Uuid,
    pub run_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub place: String,
    pub route: String,
    pub escort_agency: String,
    pub participants: String,
    pub livestream_url: String,
    pub status: RunStatus,
    pub cancel_reason: Option<String>,
    pub completed_on: Option<NaiveDate>,
    /// The place's zone; `None` for runs saved before zones were kept.
    pub time_zone: Option<String>,
    /// How many times the run was rescheduled (the calendar feed's SEQUENCE).
    pub sequence: i32,
}

impl Run {
    /// The zone the run's time is read in: its own, or the program's.
    pub fn zone(&self, program: impl std::borrow::Borrow<Tz>) -> Tz {
        self.time_zone
            .as_deref()
            .and_then(|z| z.parse().ok())
            .unwrap_or(*program.borrow())
    }

    /// "Friday 4 December 2026 at 18:00 CST": the date, and the time where the
    /// run happens with its zone's abbreviation.
    pub fn when(&self, program: impl std::borrow::Borrow<Tz>) -> String {
        let day = self.run_date.format("%A %-d %B %Y");
        match self.start_time {
            Some(time) => format!("{day} at {}", local_time(self.run_date, time, self.zone(program))),
            None => day.to_string(),
        }
    }
}

/// What `Run::when` says of details about to be saved.
pub fn local_time_of(run: &RunDetails) -> String {
    let day = run.run_date.format("%A %-d %B %Y");
    match run.start_time {
        Some(time) => format!("{day} at {}", local_time(run.run_date, time, run.time_zone)),
        None => day.to_string(),
    }
}

/// "18:00 CST": a wall-clock time with its zone's abbreviation on that day.
pub fn local_time(date: NaiveDate, time: NaiveTime, zone: Tz) -> String {
    match date.and_time(time).and_local_timezone(zone).earliest() {
        Some(at) => at.format("%H:%M %Z").to_string(),
        None => format!("{} ({})", time.format("%H:%M"), zone.name()),
    }
}

pub async fn find_run(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Run>> {
    sqlx::query_as!(
        Run,
        r#"select id, run_date, start_time, place, route, escort_agency, participants, livestream_url,
                  status as "status: RunStatus", cancel_reason, completed_on, time_zone, sequence
           from runs where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// Runs from `from` on (upcoming), or before it (recent), nearest first.
pub async fn runs_around(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    upcoming: bool,
    limit: i64,
) -> sqlx::Result<Vec<Run>> {
    sqlx::query_as!(
        Run,
        r#"select id, run_date, start_time, place, route, escort_agency, participants, livestream_url,
                  status as "status: RunStatus", cancel_reason, completed_on, time_zone, sequence
           from runs
           where case when $2 then run_date >= $1 else run_date < $1 end
           order by case when $2 then run_date end, case when not $2 then run_date end desc, start_time
           limit $3"#,
        from,
        upcoming,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn insert_run(
    conn: &mut sqlx::PgConnection,
    run: &RunDetails,
    heroes: &[Uuid],
    runners: &[Uuid],
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into runs (id, run_date, start_time, place, route, escort_agency, participants, livestream_url,
                           time_zone, created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $11, $9, $10, $9, $10)",
        id,
        run.run_date,
        run.start_time,
        run.place,
        run.route,
        run.escort_agency,
        run.participants,
        run.livestream_url,
        now,
        actor,
        run.time_zone.name()
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into run_heroes (run_id, hero_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        heroes
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into run_runners (run_id, runner_id) select $1, unnest($2::uuid[]) on conflict do nothing",
        id,
        runners
    )
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub struct RunHero {
    pub hero_id: Uuid,
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub mile_id: Option<Uuid>,
    pub mile_number: Option<i32>,
}

/// The heroes a run honours, with the mile each has (from any run) if any.
pub async fn run_heroes(db: impl PgExecutor<'_>, run_id: Uuid) -> sqlx::Result<Vec<RunHero>> {
    sqlx::query_as!(
        RunHero,
        r#"select h.id as hero_id, h.full_name, h.rank_title, h.agency, m.id as "mile_id?", m.number as "mile_number?"
           from run_heroes rh join heroes h on h.id = rh.hero_id
           left join lateral (select id, number from miles where hero_id = h.id and voided_at is null
                              order by number limit 1) m on true
           where rh.run_id = $1 order by h.full_name"#,
        run_id
    )
    .fetch_all(db)
    .await
}

pub async fn run_runner_names(db: impl PgExecutor<'_>, run_id: Uuid) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        "select r.name from run_runners rr join runners r on r.id = rr.runner_id where rr.run_id = $1 order by r.name",
        run_id
    )
    .fetch_all(db)
    .await
}

pub struct BacklogHero {
    pub id: Uuid,
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub region: String,
    pub end_of_watch: NaiveDate,
    pub scheduled_run: Option<Uuid>,
}

/// Confirmed heroes still waiting for their mile, the longest waiting first.
pub async fn backlog(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<BacklogHero>> {
    sqlx::query_as!(
        BacklogHero,
        r#"select h.id, h.full_name, h.rank_title, h.agency, h.region, h.end_of_watch,
                  (select r.id from run_heroes rh join runs r on r.id = rh.run_id
                   where rh.hero_id = h.id and r.status = 'scheduled' order by r.run_date limit 1) as "scheduled_run?"
           from heroes h
           where h.confirmed_at is not null
             and not exists (select 1 from miles m where m.hero_id = h.id and m.voided_at is null)
           order by h.end_of_watch, h.id
           limit $1"#,
        limit
    )
    .fetch_all(db)
    .await
}

pub async fn backlog_count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from heroes h where h.confirmed_at is not null
           and not exists (select 1 from miles m where m.hero_id = h.id and m.voided_at is null)"#
    )
    .fetch_one(db)
    .await
}

/// The first active runner of a run, by name.
pub async fn first_runner_of_run(db: impl PgExecutor<'_>, run_id: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "select rr.runner_id from run_runners rr join runners r on r.id = rr.runner_id
         where rr.run_id = $1 and r.active order by r.name limit 1",
        run_id
    )
    .fetch_optional(db)
    .await
}

/// A run is completed once every hero it honours has a mile (on the day of the
/// mile that completes it); a run already completed or cancelled is left alone.
pub async fn complete_run_if_done(
    conn: &mut sqlx::PgConnection,
    run_id: Uuid,
    on: NaiveDate,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update runs set status = 'completed', completed_on = $2, updated_at = $3, updated_by = $4
         where id = $1 and status = 'scheduled'
           and not exists (select 1 from run_heroes rh where rh.run_id = $1
                           and not exists (select 1 from miles m where m.hero_id = rh.hero_id and m.voided_at is null))",
        run_id,
        on,
        now,
        actor
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Cancels a scheduled run; `false` when it is not scheduled (any more).
pub async fn cancel_run(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reason: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update runs set status = 'cancelled', cancel_reason = $2, updated_at = $3, updated_by = $4
         where id = $1 and status = 'scheduled'",
        id,
        reason,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Changes a scheduled run's details and counts the reschedule; `false` when it
/// is not scheduled (any more). Its id, and so its calendar UID, stays.
pub async fn update_run(
    db: impl PgExecutor<'_>,
    id: Uuid,
    run: &RunDetails,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update runs set run_date = $2, start_time = $3, place = $4, route = $5, escort_agency = $6,
                participants = $7, livestream_url = $8, time_zone = $9, sequence = sequence + 1,
                updated_at = $10, updated_by = $11
         where id = $1 and status = 'scheduled'",
        id,
        run.run_date,
        run.start_time,
        run.place,
        run.route,
        run.escort_agency,
        run.participants,
        run.livestream_url,
        run.time_zone.name(),
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
