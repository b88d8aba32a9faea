//! The import's pages after the upload: the preview, the run (in one transaction,
//! on a background task that reports its progress), and the template file.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use super::import::{COLUMNS, RowStatus, StagedRow};
use super::model::{Cause, HeroInput, Service};
use crate::accounts::session::{SessionUser, Staff};
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::client::ClientIp;
use crate::web::{FlashKind, Layout, PathId, flash, render};

const BATCH: usize = 500;

#[derive(Template)]
#[template(path = "heroes/import.html")]
struct ImportPage {
    layout: Layout,
    columns: [&'static str; 19],
}

pub async fn form(Staff(_): Staff, layout: Layout) -> Result<Response, AppError> {
    render(&ImportPage {
        layout,
        columns: COLUMNS,
    })
}

pub async fn template_csv(Staff(_): Staff) -> Response {
    let body = format!(
        "{}\nJeffrey Northrup,Constable,Toronto Police Service,Toronto,CA,ON,police,2021-07-02,vehicle_assault,55,31,,no,,,https://example.org/memorial,,,Agency press release\n",
        COLUMNS.join(",")
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"honor-mile-heroes-template.csv\""),
    );
    response
}

struct ImportRow {
    id: Uuid,
    file_name: String,
    rows: serde_json::Value,
    to_add: i32,
    duplicates: i32,
    errors: i32,
    state: String,
    processed: i32,
    imported: i32,
    failure: Option<String>,
}

#[derive(Template)]
#[template(path = "heroes/import_status.html")]
struct StatusPage {
    layout: Layout,
    import: ImportRow,
    error_rows: Vec<StagedRow>,
    duplicate_rows: Vec<StagedRow>,
    add_rows: Vec<StagedRow>,
}

impl StatusPage {
    fn running(&self) -> bool {
        self.import.state == "running"
    }
}

pub async fn status(
    Staff(_): Staff,
    layout: Layout,
    State(state): State<AppState>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let import = sqlx::query_as!(
        ImportRow,
        r#"select id, file_name, rows, to_add, duplicates, errors, state::text as "state!", processed, imported, failure
           from hero_imports where id = $1"#,
        id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let rows: Vec<StagedRow> = serde_json::from_value(import.rows.clone()).map_err(anyhow::Error::from)?;
    let pick = |status, limit| {
        rows.iter()
            .filter(|r| r.status == status)
            .take(limit)
            .cloned()
            .collect()
    };
    let page = StatusPage {
        error_rows: pick(RowStatus::Error, 500),
        duplicate_rows: pick(RowStatus::Duplicate, 500),
        add_rows: pick(RowStatus::Add, 100),
        layout,
        import,
    };
    render(&page)
}

pub async fn run(
    Staff(me): Staff,
    State(state): State<AppState>,
    session: Session,
    ClientIp(ip): ClientIp,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    // Only a previewed import starts, once, however often the button is pressed.
    let rows = sqlx::query_scalar!(
        "update hero_imports set state = 'running' where id = $1 and state = 'previewed' returning rows",
        id
    )
    .fetch_optional(&state.pool)
    .await?;
    let Some(rows) = rows else {
        flash(&session, FlashKind::Error, "This import has already been started.").await?;
        return Ok(Redirect::to(&format!("/staff/heroes/import/{id}")).into_response());
    };
    let rows: Vec<StagedRow> = serde_json::from_value(rows).map_err(anyhow::Error::from)?;
    tokio::spawn(run_in_background(state, id, me, ip, rows));
    Ok(Redirect::to(&format!("/staff/heroes/import/{id}")).into_response())
}

async fn run_in_background(state: AppState, id: Uuid, me: SessionUser, ip: String, rows: Vec<StagedRow>) {
    let outcome = import(&state, id, &me, &ip, &rows).await;
    let now = state.now();
    let result = match &outcome {
        Ok(imported) => {
            sqlx::query!(
                "update hero_imports set state = 'done', imported = $2, finished_at = $3 where id = $1",
                id,
                imported,
                now
            )
            .execute(&state.pool)
            .await
        }
        Err(e) => {
            tracing::error!(error = ?e, import = %id, "hero import failed");
            sqlx::query!(
                "update hero_imports set state = 'failed', failure = $2, finished_at = $3 where id = $1",
                id,
                "The import stopped on an error and nothing was imported. Try again, or tell an administrator.",
                now
            )
            .execute(&state.pool)
            .await
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, import = %id, "could not record the end of a hero import");
    }
}

/// Inserts every row marked to add in one transaction; returns how many were new.
async fn import(state: &AppState, id: Uuid, me: &SessionUser, ip: &str, rows: &[StagedRow]) -> anyhow::Result<i32> {
    let today = state.today();
    let now: DateTime<Utc> = state.now();
    let staged: Vec<(HeroInput, Option<String>)> = rows
        .iter()
        .filter(|r| r.status == RowStatus::Add)
        .filter_map(|r| {
            let source = Some(r.form.get("confirmation_source").trim().to_string()).filter(|s| !s.is_empty());
            HeroInput::parse(&r.form.hero_form(), today)
                .ok()
                .map(|input| (input, source))
        })
        .collect();
    let mut tx = state.pool.begin().await?;
    let mut imported = 0i32;
    for (done, batch) in staged.chunks(BATCH).enumerate() {
        imported += insert_batch(&mut tx, batch, me.id, now).await?;
        let processed = i32::try_from((done + 1) * BATCH)
            .unwrap_or(i32::MAX)
            .min(staged.len() as i32);
        // Progress goes through the pool, outside the transaction, so the page sees it.
        sqlx::query!("update hero_imports set processed = $2 where id = $1", id, processed)
            .execute(&state.pool)
            .await?;
    }
    audit::record(
        &mut *tx,
        Event {
            actor_id: Some(me.id),
            action: "hero_import.done",
            entity_type: "hero_import",
            entity_id: Some(id.to_string()),
            summary: format!("{} imported {imported} heroes from a CSV file", me.email),
            details: json!({ "imported": imported }),
            client_ip: Some(ip),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(imported)
}

async fn insert_batch(
    tx: &mut sqlx::PgConnection,
    batch: &[(HeroInput, Option<String>)],
    actor: Uuid,
    now: DateTime<Utc>,
) -> sqlx::Result<i32> {
    let column = |f: fn(&HeroInput) -> String| batch.iter().map(|(h, _)| f(h)).collect::<Vec<String>>();
    let ids: Vec<Uuid> = batch.iter().map(|_| Uuid::now_v7()).collect();
    let services: Vec<Service> = batch.iter().map(|(h, _)| h.service).collect();
    let causes: Vec<Cause> = batch.iter().map(|(h, _)| h.cause).collect();
    let links: Vec<String> = batch
        .iter()
        .map(|(h, _)| serde_json::to_string(&h.memorial_links).unwrap_or_else(|_| "[]".into()))
        .collect();
    let inserted = sqlx::query_scalar!(
        r#"with new as (
             insert into heroes (id, full_name, rank_title, agency, agency_city, country, region, service,
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
             returning 1
           ) select count(*) as "count!" from new"#,
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
    .fetch_one(&mut *tx)
    .await?;
    Ok(i32::try_from(inserted).unwrap_or(i32::MAX))
}
