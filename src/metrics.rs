//! Prometheus metrics, served at `/metrics` on an address of their own
//! (`METRICS_ADDR`) and never on the public listener: requests by route and
//! status with their latency, the database pool, the outbox, page-cache hits
//! and sign-in failures. Without `METRICS_ADDR` no recorder is installed and counting costs
//! nothing.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;
use tokio::net::TcpListener;

/// Latency buckets, in seconds: pages answer in milliseconds, a sign-in in a
/// few hundred, an export or a timeout in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Where the route a request matched (`/heroes/{id}`, never the id itself, so
/// the number of series stays small) is passed out from inside the router. A
/// shared slot rather than a response extension, since the page cache answers
/// with responses of its own.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Installs the process-wide recorder. Call once, before serving.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), &LATENCY_BUCKETS)?
        .install_recorder()?;
    // Histograms keep recent samples until upkeep folds them in.
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// Serves `/metrics` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle, pool: PgPool, header_timeout: Duration) {
    let app = Router::new().fallback(page).with_state((handle, pool));
    crate::server::serve(listener, app, header_timeout, Duration::ZERO, std::future::pending()).await;
}

/// The one page of the metrics listener.
async fn page(State((handle, pool)): State<(PrometheusHandle, PgPool)>, request: Request) -> Response {
    if request.uri().path() != "/metrics" {
        return StatusCode::NOT_FOUND.into_response();
    }
    metrics::gauge!("db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("db_pool_idle_connections").set(pool.num_idle() as f64);
    match crate::messages::queries::depth(&pool).await {
        Ok((waiting, failed)) => {
            metrics::gauge!("outbox_waiting_messages").set(waiting as f64);
            metrics::gauge!("outbox_failed_messages").set(failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "the outbox could not be counted"),
    }
    match crate::heroes::import_job_queries::depth(&pool).await {
        Ok((running, failed)) => {
            metrics::gauge!("import_jobs_running").set(running as f64);
            metrics::gauge!("import_jobs_failed").set(failed as f64);
        }
        Err(e) => tracing::warn!(error = %e, "the imports could not be counted"),
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
        .into_response()
}

/// Inside the router (a route layer): notes the matched route for [`track`].
pub async fn tag_route(request: Request, next: Next) -> Response {
    if let (Some(slot), Some(route)) = (
        request.extensions().get::<RouteSlot>(),
        request.extensions().get::<MatchedPath>(),
    ) {
        let _ = slot.0.set(route.as_str().to_string());
    }
    next.run(request).await
}

/// Outside everything else: counts each request by method, route and status
/// and times it. Answers given before routing (a page from the page cache, a
/// refused cross-site post) and unknown addresses count under the route
/// `unrouted`.
pub async fn track(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let slot = RouteSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let route = slot.0.get().map_or("unrouted", String::as_str).to_string();
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
