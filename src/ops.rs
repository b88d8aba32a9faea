//! Health checks for load balancers and monitors.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

/// Ready when the database answers.
async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match sqlx::query_scalar!("select 1").fetch_one(&state.pool).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// What one round of housekeeping removed.
#[derive(Debug, Default, PartialEq)]
pub struct Housekept {
    pub sessions: u64,
    pub throttle_rows: u64,
    pub abandoned_imports: u64,
    pub import_rows_cleared: u64,
}

/// An import previewed but never run is abandoned after this long.
const ABANDONED_IMPORT: chrono::Duration = chrono::Duration::days(7);
/// A finished import keeps its rows (each with its mistakes) this long, then only its counts.
const IMPORT_ROWS_KEPT: chrono::Duration = chrono::Duration::days(30);
/// Sign-in failure counts older than this say nothing any more (the window is 15 minutes).
const THROTTLE_KEPT: chrono::Duration = chrono::Duration::days(1);

/// Removes what is no longer needed, so tables holding people's typed data stay
/// small: expired sessions, old sign-in failure counts, abandoned CSV imports and
/// the rows of finished ones. Safe to run on every instance at once.
pub async fn housekeeping(db: &sqlx::PgPool, now: chrono::DateTime<chrono::Utc>) -> sqlx::Result<Housekept> {
    let sessions = sqlx::query!("delete from sessions where expiry_date < $1", now)
        .execute(db)
        .await?
        .rows_affected();
    let throttle_rows = sqlx::query!(
        "delete from login_throttle where window_started_at < $1 and (locked_until is null or locked_until < $2)",
        now - THROTTLE_KEPT,
        now
    )
    .execute(db)
    .await?
    .rows_affected();
    let abandoned_imports = sqlx::query!(
        "delete from hero_imports where state = 'previewed' and created_at < $1",
        now - ABANDONED_IMPORT
    )
    .execute(db)
    .await?
    .rows_affected();
    let import_rows_cleared = sqlx::query!(
        "update hero_imports set rows = '[]' where state in ('done', 'failed') and created_at < $1 and rows <> '[]'",
        now - IMPORT_ROWS_KEPT
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(Housekept {
        sessions,
        throttle_rows,
        abandoned_imports,
        import_rows_cleared,
    })
}
