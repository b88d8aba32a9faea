//! SQL for hero records (staff side). Public reads live in `public::honor_roll`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{Cause, Hero, HeroInput, Service};
use crate::error::OnConstraint;

/// What a save can run into besides a database failure.
pub enum SaveError {
    /// Same name, agency and end of watch as this existing hero.
    Duplicate(Uuid),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(e: sqlx::Error) -> Self {
        SaveError::Db(e)
    }
}

/// The unique key on a hero's identity: name, agency and end of watch.
fn identity_key(key: &str) -> Option<()> {
    (key == "heroes_identity_idx").then_some(())
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<Hero>> {
    sqlx::query_as!(
        Hero,
        r#"select id, full_name, rank_title, agency, agency_city, country, region,
                  service as "service: Service", end_of_watch, cause as "cause: Cause", age, years_of_service,
                  badge_number, military_veteran, narrative, biography, memorial_links, k9_breed, k9_handler,
                  photo_key, confirmed_at as "confirmed_at: DateTime<Utc>", confirmation_source,
                  updated_at as "updated_at: DateTime<Utc>"
           from heroes where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// The hero with the same name, agency and end of watch (ignoring case and accents).
pub async fn find_identity(
    db: impl PgExecutor<'_>,
    full_name: &str,
    agency: &str,
    end_of_watch: NaiveDate,
) -> sqlx::Result<Option<Uuid>> {
    sqlx::query_scalar!(
        "select id from heroes
         where hm_fold(full_name) = hm_fold($1) and hm_fold(agency) = hm_fold($2) and end_of_watch = $3",
        full_name,
        agency,
        end_of_watch
    )
    .fetch_optional(db)
    .await
}

pub async fn insert(
    conn: &mut sqlx::PgConnection,
    input: &HeroInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, SaveError> {
    let id = Uuid::now_v7();
    // A savepoint, so that after a unique violation the transaction can still
    // look up the record it collided with.
    let mut savepoint = sqlx::Acquire::begin(&mut *conn).await?;
    let result = sqlx::query!(
        "insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service,
                             end_of_watch, cause, age, years_of_service, badge_number, military_veteran,
                             narrative, biography, memorial_links, k9_breed, k9_handler,
                             created_at, created_by, updated_at, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                 $20, $21, $20, $21)",
        id,
        input.full_name,
        input.rank_title,
        input.agency,
        input.agency_city,
        input.region.country.code(),
        input.region.code,
        input.service as Service,
        input.end_of_watch,
        input.cause as Cause,
        input.age,
        input.years_of_service,
        input.badge_number,
        input.military_veteran,
        input.narrative,
        input.biography,
        &input.memorial_links,
        input.k9_breed,
        input.k9_handler,
        now,
        actor
    )
    .execute(&mut *savepoint)
    .await;
    match result.on_constraint(identity_key)? {
        Ok(_) => {
            savepoint.commit().await?;
            Ok(id)
        }
        Err(()) => {
            savepoint.rollback().await?;
            Err(duplicate_of(conn, input).await)
        }
    }
}

pub async fn update(
    conn: &mut sqlx::PgConnection,
    id: Uuid,
    input: &HeroInput,
    actor: Uuid,
    now: DateTime<Utc>,
) -> Result<(), SaveError> {
    let mut savepoint = sqlx::Acquire::begin(&mut *conn).await?;
    let result = sqlx::query!(
        "update heroes set full_name = $2, rank_title = $3, agency = $4, agency_city = $5, country = $6,
                region = $7, service = $8, end_of_watch = $9, cause = $10, age = $11, years_of_service = $12,
                badge_number = $13, military_veteran = $14, narrative = $15, biography = $16,
                memorial_links = $17, k9_breed = $18, k9_handler = $19, updated_at = $20, updated_by = $21
         where id = $1",
        id,
        input.full_name,
        input.rank_title,
        input.agency,
        input.agency_city,
        input.region.country.code(),
        input.region.code,
        input.service as Service,
        input.end_of_watch,
        input.cause as Cause,
        input.age,
        input.years_of_service,
        input.badge_number,
        input.military_veteran,
        input.narrative,
        input.biography,
        &input.memorial_links,
        input.k9_breed,
        input.k9_handler,
        now,
        actor
    )
    .execute(&mut *savepoint)
    .await;
    match result.on_constraint(identity_key)? {
        Ok(_) => Ok(savepoint.commit().await?),
        Err(()) => {
            savepoint.rollback().await?;
            Err(duplicate_of(conn, input).await)
        }
    }
}

async fn duplicate_of(conn: &mut sqlx::PgConnection, input: &HeroInput) -> SaveError {
    match find_identity(conn, &input.full_name, &input.agency, input.end_of_watch).await {
        Ok(Some(existing)) => SaveError::Duplicate(existing),
        Ok(None) => SaveError::Db(sqlx::Error::RowNotFound),
        Err(e) => SaveError::Db(e),
    }
}

pub struct LikelyDuplicate {
    pub id: Uuid,
    pub full_name: String,
    pub agency: String,
    pub end_of_watch: NaiveDate,
}

/// Records with a similar name and the same agency or the same end of watch.
pub async fn likely_duplicates(
    db: impl PgExecutor<'_>,
    input: &HeroInput,
    except: Option<Uuid>,
) -> sqlx::Result<Vec<LikelyDuplicate>> {
    sqlx::query_as!(
        LikelyDuplicate,
        "select id, full_name, agency, end_of_watch from heroes
         where sort_name % hm_fold($1)
           and (hm_fold(agency) = hm_fold($2) or end_of_watch = $3)
           and ($4::uuid is null or id <> $4)
         order by similarity(sort_name, hm_fold($1)) desc
         limit 5",
        input.full_name,
        input.agency,
        input.end_of_watch,
        except
    )
    .fetch_all(db)
    .await
}

pub async fn confirm(
    db: impl PgExecutor<'_>,
    id: Uuid,
    source: &str,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update heroes set confirmed_at = $3, confirmed_by = $4, confirmation_source = $2,
                updated_at = $3, updated_by = $4
         where id = $1 and confirmed_at is null",
        id,
        source,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_photo(
    db: impl PgExecutor<'_>,
    id: Uuid,
    key: Option<&str>,
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update heroes set photo_key = $2, updated_at = $3, updated_by = $4 where id = $1",
        id,
        key,
        now,
        actor
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How many of these heroes are confirmed.
pub async fn count_confirmed(db: impl PgExecutor<'_>, ids: &[Uuid]) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from heroes where id = any($1) and confirmed_at is not null"#,
        ids
    )
    .fetch_one(db)
    .await
}

/// Whether a stored photo belongs to a confirmed hero; `None` when no hero has it.
pub async fn photo_is_public(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"select bool_or(confirmed_at is not null) as "public" from heroes where photo_key = $1"#,
        key
    )
    .fetch_one(db)
    .await
}

pub struct StaffRow {
    pub id: Uuid,
    pub full_name: String,
    pub rank_title: String,
    pub agency: String,
    pub region: String,
    pub end_of_watch: NaiveDate,
    pub confirmed: bool,
}

/// The staff finder: drafts and confirmed alike, newest end of watch first.
pub async fn staff_find(
    db: impl PgExecutor<'_>,
    query: Option<&str>,
    drafts_only: bool,
    limit: i64,
) -> sqlx::Result<Vec<StaffRow>> {
    sqlx::query_as!(
        StaffRow,
        r#"select id, full_name, rank_title, agency, region, end_of_watch, confirmed_at is not null as "confirmed!"
           from heroes
           where ($1::text is null or search_text like '%' || hm_like_literal(hm_fold($1)) || '%' or hm_fold($1) <% search_text)
             and (not $2 or confirmed_at is null)
           order by end_of_watch desc, id desc
           limit $3"#,
        query,
        drafts_only,
        limit
    )
    .fetch_all(db)
    .await
}

/// A confirmed hero whose end of watch falls in the coming 14 days, so the
/// program can reach out to the family.
pub struct Anniversary {
    pub id: Uuid,
    pub full_name: String,
    pub agency: String,
    pub end_of_watch: NaiveDate,
}

impl Anniversary {
    /// How many years it will be on the day.
    pub fn years(&self, today: &NaiveDate) -> i32 {
        let this_year = today.year() - self.end_of_watch.year();
        let passed = (self.end_of_watch.month(), self.end_of_watch.day()) < (today.month(), today.day());
        if passed { this_year + 1 } else { this_year }
    }
}

/// The `count` calendar days from `from` as "MM-DD", for [`anniversaries`], so
/// the year's end wraps naturally; in a year without 29 February, those who
/// fell on it are remembered on the 28th.
pub fn month_days(from: NaiveDate, count: u64) -> Vec<String> {
    let mut days: Vec<String> = Vec::new();
    for day in (0..count).filter_map(|n| from.checked_add_days(chrono::Days::new(n))) {
        days.push(day.format("%m-%d").to_string());
        if day.format("%m-%d").to_string() == "02-28" && NaiveDate::from_ymd_opt(day.year(), 2, 29).is_none() {
            days.push("02-29".into());
        }
    }
    days
}

/// Confirmed heroes who fell before `today` on one of `days` ("MM-DD") of some
/// year, in the order of `days`.
pub async fn anniversaries(
    db: impl PgExecutor<'_>,
    days: &[String],
    today: NaiveDate,
) -> sqlx::Result<Vec<Anniversary>> {
    sqlx::query_as!(
        Anniversary,
        "select id, full_name, agency, end_of_watch from heroes
         where confirmed_at is not null and end_of_watch < $2 and to_char(end_of_watch, 'MM-DD') = any($1)
         order by array_position($1, to_char(end_of_watch, 'MM-DD')), full_name
         limit 50",
        days,
        today
    )
    .fetch_all(db)
    .await
}
