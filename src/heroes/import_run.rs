//! The import's pages after the upload: the preview, the button that queues the
//! import for the workers (`import_worker`), its progress or its failure with
//! "Run it again", and the template file.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::import::{COLUMNS, RowStatus, StagedRow};
use super::import_job_queries as jobs;
use super::import_queries::{self as queries, ImportRow};
use super::import_worker::MAX_ATTEMPTS;
use crate::accounts::acting::{Acting, Change};
use crate::accounts::session::Staff;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{Layout, PathId, render};

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
    /// Running, and its worker's lease ran out: its server stopped.
    resuming: bool,
}

impl StatusPage {
    fn running(&self) -> bool {
        self.import.state == "running"
    }

    /// Queued, no worker has taken it up yet.
    fn waiting(&self) -> bool {
        self.running() && self.import.lease_until.is_none()
    }

    fn max_attempts(&self) -> i32 {
        MAX_ATTEMPTS
    }

    fn can_run_again(&self) -> bool {
        self.import.state == "failed" && self.import.rows_kept
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
        resuming: import.state == "running" && import.lease_until.is_some_and(|until| until < state.now()),
        layout,
        import,
    };
    render(&page)
}

pub async fn run(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let to = format!("/staff/heroes/import/{id}");
    if !jobs::queue(&act.state.pool, id, act.me.id, act.now).await? {
        return act.refused("This import has already been started.", &to).await;
    }
    Ok(Redirect::to(&to).into_response())
}

/// "Run it again" on a failed import: back in the queue, as started by this person.
pub async fn run_again(act: Acting<Staff>, PathId(id): PathId) -> Result<Response, AppError> {
    let to = format!("/staff/heroes/import/{id}");
    let import = queries::find(&act.state.pool, id).await?.ok_or(AppError::NotFound)?;
    let refusal = match import.state.as_str() {
        "failed" if !import.rows_kept => {
            Some("This import's rows are no longer kept. Upload the file again to import it.")
        }
        "failed" => None,
        "done" => Some("This import is done; it cannot be run again."),
        "running" => Some("This import is running already."),
        _ => Some("This import has not been started yet."),
    };
    if let Some(message) = refusal {
        return act.refused(message, &to).await;
    }
    let mut tx = act.state.pool.begin().await?;
    if !jobs::run_again(&mut *tx, id, act.me.id, act.now).await? {
        // Pressed twice at once: the other press queued it.
        return act.refused("This import is running already.", &to).await;
    }
    let change = Change {
        action: "hero_import.run_again",
        entity_type: "hero_import",
        entity_id: id.to_string(),
        summary: format!("{} ran the import of {} again", act.me.email, import.file_name),
        details: json!({ "previous_attempts": import.attempts }),
    };
    act.commit(tx, change, "The import will run again.", &to).await
}
