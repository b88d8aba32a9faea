//! The import's pages after the upload: the preview, the run (in one transaction,
//! on a background task that reports its progress), and the template file.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::import::{COLUMNS, RowStatus, StagedRow};
use super::import_queries::{self as queries, ImportRow};
use super::model::HeroInput;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

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
    let import = queries::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
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

pub async fn run(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let to = format!("/staff/heroes/import/{id}");
    let Some(rows) = queries::start(&act.state.pool, id).await? else {
        return act.refused("This import has already been started.", &to).await;
    };
    let rows: Vec<StagedRow> = serde_json::from_value(rows).map_err(anyhow::Error::from)?;
    tokio::spawn(run_in_background(act, id, rows));
    Ok(Redirect::to(&to).into_response())
}

async fn run_in_background(act: Acting<Staff>, id: Uuid, rows: Vec<StagedRow>) {
    let outcome = import(&act, id, &rows).await;
    let (pool, now) = (&act.state.pool, act.state.now());
    let result = match &outcome {
        Ok(imported) => queries::finish_done(pool, id, *imported, now).await,
        Err(e) => {
            tracing::error!(error = ?e, import = %id, "hero import failed");
            let failure =
                "The import stopped on an error and nothing was imported. Try again, or tell an administrator.";
            queries::finish_failed(pool, id, failure, now).await
        }
    };
    if let Err(e) = result {
        tracing::error!(error = %e, import = %id, "could not record the end of a hero import");
    }
}

/// Inserts every row marked to add in one transaction; returns how many were new.
async fn import(act: &Acting<Staff>, id: Uuid, rows: &[StagedRow]) -> anyhow::Result<i32> {
    let state = &act.state;
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
        imported += queries::insert_batch(&mut tx, batch, act.me.id, now).await?;
        let processed = i32::try_from((done + 1) * BATCH)
            .unwrap_or(i32::MAX)
            .min(staged.len() as i32);
        // Progress goes through the pool, outside the transaction, so the page sees it.
        queries::set_processed(&state.pool, id, processed).await?;
    }
    let change = Change {
        action: "hero_import.done",
        entity_type: "hero_import",
        entity_id: id.to_string(),
        summary: format!("{} imported {imported} heroes from a CSV file", act.me.email),
        details: json!({ "imported": imported }),
    };
    act.record(&mut *tx, change).await?;
    tx.commit().await?;
    Ok(imported)
}
