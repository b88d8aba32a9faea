//! SQL for miles: the numbered miles themselves, their gapless numbers, their
//! corrections and voiding.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::MileDetails;

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

pub async fn count_miles(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!(r#"select count(*) as "count!" from miles where voided_at is null"#)
        .fetch_one(db)
        .await
}

/// Where and by whom the last mile was run: the usual place and runner.
pub struct LastMile {
    pub place: String,
    pub runner_id: Uuid,
}

pub async fn last_mile(db: impl PgExecutor<'_>) -> sqlx::Result<Option<LastMile>> {
    sqlx::query_as!(
        LastMile,
        "select place, runner_id from miles order by created_at desc limit 1"
    )
    .fetch_optional(db)
    .await
}

pub struct Correction {
    pub corrected_at: DateTime<Utc>,
    pub corrected_by: Option<String>,
    pub reason: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// A mile's corrections, the first first.
pub async fn corrections(db: impl PgExecutor<'_>, mile: Uuid) -> sqlx::Result<Vec<Correction>> {
    sqlx::query_as!(
        Correction,
        r#"select c.corrected_at as "corrected_at: DateTime<Utc>", u.display_name as "corrected_by?", c.reason,
                  c.before, c.after
           from mile_corrections c left join users u on u.id = c.corrected_by
           where c.mile_id = $1 order by c.id"#,
        mile
    )
    .fetch_all(db)
    .await
}

/// Keeps what a corrected mile said before, and why it changed.
pub async fn insert_correction(
    db: impl PgExecutor<'_>,
    mile: Uuid,
    reason: &str,
    before: &serde_json::Value,
    after: &serde_json::Value,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into mile_corrections (mile_id, corrected_at, corrected_by, reason, before, after)
         values ($1, $2, $3, $4, $5, $6)",
        mile,
        now,
        actor,
        reason,
        before,
        after
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Voids a mile (its number stays retired); `false` when it was voided already.
pub async fn void_mile(
    db: impl PgExecutor<'_>,
    id: Uuid,
    reason: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update miles set voided_at = $2, voided_by = $3, void_reason = $4, updated_at = $2, updated_by = $3
         where id = $1 and voided_at is null",
        id,
        now,
        actor,
        reason
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
