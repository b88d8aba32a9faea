//! The SQL of the CSV import: the staged file, and the batch insert of its
//! heroes (the queue and the progress are in `import_job_queries`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::model::{Cause, HeroInput, Service};

/// A staged file's counts, saved with its rows for the preview.
pub struct NewImport<'a> {
    pub id: Uuid,
    pub file_name: &'a str,
    pub rows: serde_json::Value,
    pub to_add: i32,
    pub duplicates: i32,
    pub errors: i32,
}

pub async fn insert(db: impl PgExecutor<'_>, new: NewImport<'_>, actor: Uuid, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into hero_imports (id, created_by, created_at, file_name, rows, to_add, duplicates, errors)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        new.id,
        actor,
        now,
        new.file_name,
        new.rows,
        new.to_add,
        new.duplicates,
        new.errors
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A row of the file matched against the recorded heroes and the rows before it.
pub struct Match {
    /// The row's place among those asked about, from 1.
    pub ord: i64,
    pub existing: Option<Uuid>,
    /// An earlier row of the file is the same hero.
    pub repeat: bool,
}

pub async fn matches(
    db: impl PgExecutor<'_>,
    names: &[String],
    agencies: &[String],
    dates: &[NaiveDate],
) -> sqlx::Result<Vec<Match>> {
    sqlx::query_as!(
        Match,
        r#"select r.ord as "ord!", h.id as "existing?",
                  row_number() over (partition by hm_fold(r.name), hm_fold(r.agency), r.eow order by r.ord) > 1
                    as "repeat!"
           from unnest($1::text[], $2::text[], $3::date[]) with ordinality as r(name, agency, eow, ord)
           left join heroes h on hm_fold(h.full_name) = hm_fold(r.name) and hm_fold(h.agency) = hm_fold(r.agency)
                             and h.end_of_watch = r.eow"#,
        names,
        agencies,
        dates
    )
    .fetch_all(db)
    .await
}

pub struct ImportRow {
    pub id: Uuid,
    pub file_name: String,
    pub rows: serde_json::Value,
    pub to_add: i32,
    pub duplicates: i32,
    pub errors: i32,
    pub state: String,
    pub processed: i32,
    pub imported: i32,
    pub failure: Option<String>,
    /// Claims by workers so far (the current one included).
    pub attempts: i32,
    /// While in the future, a worker holds the running import; past, its
    /// server stopped and another worker will take it up.
    pub lease_until: Option<DateTime<Utc>>,
    /// The rows are kept (housekeeping clears those of old finished imports).
    pub rows_kept: bool,
}

pub async fn find(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<Option<ImportRow>> {
    sqlx::query_as!(
        ImportRow,
        r#"select id, file_name, rows, to_add, duplicates, errors, state::text as "state!", processed, imported, failure,
                  attempts, lease_until, rows <> '[]'::jsonb as "rows_kept!"
           from hero_imports where id = $1"#,
        id
    )
    .fetch_optional(db)
    .await
}

/// A hero an import created: its id and name, for the audit trail.
pub struct Created {
    pub id: Uuid,
    pub full_name: String,
}

/// Inserts one batch of rows, skipping any hero already recorded; the heroes it created.
pub async fn insert_batch(
    tx: &mut sqlx::PgConnection,
    batch: &[(HeroInput, Option<String>)],
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<Created>> {
    let column = |f: fn(&HeroInput) -> String| batch.iter().map(|(h, _)| f(h)).collect::<Vec<String>>();
    let ids: Vec<Uuid> = batch.iter().map(|_| Uuid::now_v7()).collect();
    let services: Vec<Service> = batch.iter().map(|(h, _)| h.service).collect();
    let causes: Vec<Cause> = batch.iter().map(|(h, _)| h.cause).collect();
    let links: Vec<String> = batch
        .iter()
        .map(|(h, _)| serde_json::to_string(&h.memorial_links).unwrap_or_else(|_| "[]".into()))
        .collect();
    sqlx::query_as!(
        Created,
        r#"insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service,
                               end_of_watch, cause, age, years_of_service, badge_number, military_veteran,
                               narrative, biography, memorial_links, k9_breed, k9_handler,
                               confirmation_source, confirmed_at, confirmed_by,
                               created_at, created_by, updated_at, updated_by)
           select r.id, r.full_name, r.rank_title, r.agency, r.city, r.country, r.region, r.service, r.eow, r.cause,
                  r.age, r.years, r.badge, r.veteran, r.narrative, r.biography,
                  array(select jsonb_array_elements_text(r.links::jsonb)), r.breed, r.handler,
                  r.source, case when r.source is not null then $20::timestamptz end,
                  case when r.source is not null then $21::uuid end, $20, $21, $20, $21
           from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::hero_service[], $9::date[], $10::hero_cause[], $11::int2[], $12::int2[], $13::text[],
                       $14::bool[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $22::text[])
                as r(id, full_name, rank_title, agency, city, country, region, service, eow, cause, age, years,
                     badge, veteran, narrative, biography, links, breed, handler, source)
           on conflict (hm_fold(full_name), hm_fold(agency), end_of_watch) do nothing
           returning id, full_name"#,
        &ids,
        &column(|h| h.full_name.clone()),
        &column(|h| h.rank_title.clone()),
        &column(|h| h.agency.clone()),
        &column(|h| h.agency_city.clone()),
        &column(|h| h.region.country.code().to_string()),
        &column(|h| h.region.code.to_string()),
        &services as &[Service],
        &batch.iter().map(|(h, _)| h.end_of_watch).collect::<Vec<_>>(),
        &causes as &[Cause],
        &batch.iter().map(|(h, _)| h.age).collect::<Vec<_>>() as &[Option<i16>],
        &batch.iter().map(|(h, _)| h.years_of_service).collect::<Vec<_>>() as &[Option<i16>],
        &column(|h| h.badge_number.clone()),
        &batch.iter().map(|(h, _)| h.military_veteran).collect::<Vec<_>>(),
        &column(|h| h.narrative.clone()),
        &column(|h| h.biography.clone()),
        &links,
        &batch.iter().map(|(h, _)| h.k9_breed.clone()).collect::<Vec<_>>() as &[Option<String>],
        &batch.iter().map(|(h, _)| h.k9_handler.clone()).collect::<Vec<_>>() as &[Option<String>],
        now,
        actor,
        &batch.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>() as &[Option<String>]
    )
    .fetch_all(&mut *tx)
    .await
}
