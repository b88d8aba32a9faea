//! SQL for runners, runs and miles.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{MileDetails, RunDetails, RunStatus};

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
}

pub async fn find_run(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Run>> {
    sqlx::query_as!(
        Run,
        r#"select id, run_date, start_time, place, route, escort_agency, participants, livestream_url,
                  status as "status: RunStatus", cancel_reason, completed_on
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
                  status as "status: RunStatus", cancel_reason, completed_on
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
                           created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)",
        id,
        run.run_date,
        run.start_time,
        run.place,
        run.route,
        run.escort_agency,
        run.participants,
        run.livestream_url,
        now,
        actor
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

pub struct Mile {
    pub id: Uuid,
    pub number: i32,
    pub k9_number: Option<i32>,
    pub hero_id: Uuid,
    pub hero_name: String,
    pub run_id: Option<Uuid>,
    pub runner_id: Uuid,
    pub runner_name: String,
    pub run_date: NaiveDate,
    pub place: String,
    pub laps: i16,
    pub duration_seconds: i32,
    pub weather: String,
    pub video_url: String,
    pub briefing: bool,
    pub prayer_before: bool,
    pub flag_carried: bool,
    pub prayer_after: bool,
    pub moment_of_silence: bool,
    pub void_reason: Option<String>,
}

pub async fn find_mile(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Mile>> {
    sqlx::query_as!(
        Mile,
        r#"select m.id, m.number, m.k9_number, m.hero_id, h.full_name as hero_name, m.run_id, m.runner_id,
                  r.name as runner_name, m.run_date, m.place, m.laps, m.duration_seconds, m.weather, m.video_url,
                  m.briefing, m.prayer_before, m.flag_carried, m.prayer_after, m.moment_of_silence, m.void_reason
           from miles m join heroes h on h.id = m.hero_id join runners r on r.id = m.runner_id
           where m.id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// A hero's miles that stand (not voided), first first.
pub async fn miles_of_hero(db: impl PgExecutor<'_>, hero_id: Uuid) -> sqlx::Result<Vec<Mile>> {
    sqlx::query_as!(
        Mile,
        r#"select m.id, m.number, m.k9_number, m.hero_id, h.full_name as hero_name, m.run_id, m.runner_id,
                  r.name as runner_name, m.run_date, m.place, m.laps, m.duration_seconds, m.weather, m.video_url,
                  m.briefing, m.prayer_before, m.flag_carried, m.prayer_after, m.moment_of_silence, m.void_reason
           from miles m join heroes h on h.id = m.hero_id join runners r on r.id = m.runner_id
           where m.hero_id = $1 and m.voided_at is null order by m.number"#,
        hero_id
    )
    .fetch_all(db)
    .await
}

pub async fn mile_by_form_key(db: impl PgExecutor<'_>, key: Uuid) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!("select id from miles where form_key = $1", key)
        .fetch_optional(db)
        .await
}

/// Takes the next number of a sequence, holding its lock until the transaction ends.
pub async fn next_number(conn: &mut sqlx::PgConnection, sequence: &str) -> sqlx::Result<i32> {
    sqlx::query_scalar!(
        "update mile_counters set last_value = last_value + 1 where name = $1 returning last_value",
        sequence
    )
    .fetch_one(conn)
    .await
}

pub struct NewMile<'a> {
    pub number: i32,
    pub k9_number: Option<i32>,
    pub hero_id: Uuid,
    pub run_id: Option<Uuid>,
    pub details: &'a MileDetails,
    pub form_key: Uuid,
}

/// Inserts the mile; `None` when this form was already saved (its key exists).
pub async fn insert_mile(
    conn: &mut sqlx::PgConnection,
    mile: &NewMile<'_>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Uuid>> {
    let d = mile.details;
    sqlx::query_scalar!(
        "insert into miles (id, number, k9_number, hero_id, run_id, runner_id, run_date, place, laps,
                            duration_seconds, weather, video_url, briefing, prayer_before, flag_carried,
                            prayer_after, moment_of_silence, form_key, created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $20)
         on conflict (form_key) do nothing
         returning id",
        Uuid::now_v7(),
        mile.number,
        mile.k9_number,
        mile.hero_id,
        mile.run_id,
        d.runner_id,
        d.run_date,
        d.place,
        d.laps,
        d.duration.0,
        d.weather,
        d.video_url,
        d.briefing,
        d.prayer_before,
        d.flag_carried,
        d.prayer_after,
        d.moment_of_silence,
        mile.form_key,
        now,
        actor
    )
    .fetch_optional(conn)
    .await
}

pub async fn update_mile(
    db: impl PgExecutor<'_>,
    id: Uuid,
    d: &MileDetails,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update miles set runner_id = $2, run_date = $3, place = $4, laps = $5, duration_seconds = $6, weather = $7,
                video_url = $8, briefing = $9, prayer_before = $10, flag_carried = $11, prayer_after = $12,
                moment_of_silence = $13, updated_at = $14, updated_by = $15
         where id = $1",
        id,
        d.runner_id,
        d.run_date,
        d.place,
        d.laps,
        d.duration.0,
        d.weather,
        d.video_url,
        d.briefing,
        d.prayer_before,
        d.flag_carried,
        d.prayer_after,
        d.moment_of_silence,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(())
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

pub async fn count_miles(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "count!" from miles where voided_at is null"#)
        .fetch_one(db)
        .await
}
