//! Operations endpoints: health, readiness, metrics, the OpenAPI document.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use utoipa::OpenApi;

use crate::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "`ok`", content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the store answers and the audit chain can be extended (a damaged chain stops
/// every audited action, so a load balancer should send traffic elsewhere).
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, description = "`ready`", content_type = "text/plain"),
    (status = 503, description = "the store does not answer, or the audit log is damaged", content_type = "text/plain")))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.vault.store().audit_break().is_some() {
        return (StatusCode::SERVICE_UNAVAILABLE, "audit log damaged\n");
    }
    match state.vault.store().ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n")
        }
    }
}

/// Prometheus metrics.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// The OpenAPI document, generated from the handlers' annotations.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "this document", content_type = "application/json")))]
pub async fn openapi() -> impl IntoResponse {
    axum::Json(crate::ApiDoc::openapi())
}
