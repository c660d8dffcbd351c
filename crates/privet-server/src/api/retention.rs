//! Events that anchor retention rules, and the receipts of purges.

use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use privet_vault::PurgeReceipt;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, SubjectPath};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::{ApiError, Problem};

/// Body of `POST /v1/subjects/{id}/events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    /// `activity`, `account_closed`, or a name that a retention rule's `from` uses.
    pub kind: String,
    /// When it happened (RFC 3339, not in the future); now when absent.
    #[serde(default)]
    pub at: Option<String>,
}

/// A purge receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurgeOut {
    /// Id (`prg_...`).
    pub id: String,
    /// The rule.
    pub rule: String,
    /// Its owner at the time.
    pub owner: String,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// Fields deleted.
    pub fields: u64,
    /// Subjects erased.
    pub subjects_erased: u64,
    /// Subjects a legal hold kept.
    pub held: u64,
    /// Fields deleted by category.
    pub by_category: BTreeMap<String, u64>,
}

/// Purge receipts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurgesOut {
    /// Newest first.
    pub purges: Vec<PurgeOut>,
}

/// Query of `GET /v1/purges`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PurgesQuery {
    /// Most receipts (1 to 1000, default 100).
    pub limit: Option<i64>,
}

/// Record an event of a subject; retention rules anchored on it count from the latest one.
#[utoipa::path(post, path = "/v1/subjects/{id}/events", request_body = EventIn,
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 204), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_event(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
    ApiJson(body): ApiJson<EventIn>,
) -> Result<StatusCode, ApiError> {
    let at = body
        .at
        .as_deref()
        .map(|t| {
            t.parse::<Timestamp>()
                .map_err(|_| ApiError::bad_request("at: not an RFC 3339 timestamp"))
        })
        .transpose()?;
    state
        .vault
        .record_event(&actor, &id, &body.kind, at)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Purge receipts, newest first (roles granted `audit`).
#[utoipa::path(get, path = "/v1/purges", params(PurgesQuery),
    responses((status = 200, body = PurgesOut), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn purges(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<PurgesQuery>,
) -> Result<ApiJson<PurgesOut>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit: must be from 1 to 1000"));
    }
    let receipts = state.vault.purge_receipts(&actor, limit).await?;
    Ok(ApiJson(PurgesOut {
        purges: receipts.into_iter().map(purge_out).collect(),
    }))
}

fn purge_out(r: PurgeReceipt) -> PurgeOut {
    PurgeOut {
        id: r.id,
        rule: r.rule,
        owner: r.owner,
        started_at: r.started_at.to_string(),
        finished_at: r.finished_at.to_string(),
        fields: r.fields,
        subjects_erased: r.subjects_erased,
        held: r.held,
        by_category: r.by_category,
    }
}
