//! Legal holds on a subject, and lifting a restriction of processing.

use axum::extract::State;
use axum::http::StatusCode;
use privet_vault::HoldRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, ApiPath, SubjectPath};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::{ApiError, Problem};

/// Body of `POST /v1/subjects/{id}/holds`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldIn {
    /// Why (a matter or litigation reference); shown when an erasure is refused.
    pub reason: String,
    /// When the hold ends by itself (RFC 3339), if it does.
    #[serde(default)]
    pub until: Option<String>,
}

/// A legal hold.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldOut {
    /// Id (`hold_...`).
    pub id: String,
    /// Subject id.
    pub subject: String,
    /// Why.
    pub reason: String,
    /// Whether it blocks erasure now.
    pub active: bool,
    /// Who placed it.
    pub created_by: String,
    /// When (RFC 3339).
    pub created_at: String,
    /// When it ends by itself.
    pub until: Option<String>,
    /// When it was lifted.
    pub lifted_at: Option<String>,
}

/// A subject's legal holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldsOut {
    /// Subject id.
    pub subject: String,
    /// Every hold, lifted or not, oldest first.
    pub holds: Vec<HoldOut>,
}

/// Place a legal hold: the subject cannot be erased (409, reason `legal_hold`) until it is lifted.
#[utoipa::path(post, path = "/v1/subjects/{id}/holds", request_body = HoldIn,
    params(("id" = String, Path, description = "Subject id")),
    responses((status = 201, body = HoldOut), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn place(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
    ApiJson(body): ApiJson<HoldIn>,
) -> Result<(StatusCode, ApiJson<HoldOut>), ApiError> {
    let until = super::parse_time("until", body.until.as_deref())?;
    let hold = state
        .vault
        .place_hold(&actor, &id, body.reason, until)
        .await?;
    Ok((StatusCode::CREATED, ApiJson(out(&state, hold))))
}

/// A subject's legal holds.
#[utoipa::path(get, path = "/v1/subjects/{id}/holds", params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = HoldsOut), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
) -> Result<ApiJson<HoldsOut>, ApiError> {
    let holds = state.vault.holds(&actor, &id).await?;
    Ok(ApiJson(HoldsOut {
        subject: id.into(),
        holds: holds.into_iter().map(|h| out(&state, h)).collect(),
    }))
}

/// Lift a legal hold.
#[utoipa::path(delete, path = "/v1/subjects/{id}/holds/{hold}",
    params(("id" = String, Path, description = "Subject id"), ("hold" = String, Path, description = "Hold id")),
    responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn lift(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath((id, hold)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id =
        privet_types::SubjectId::parse(&id).map_err(|e| ApiError::bad_request(e.to_string()))?;
    state.vault.lift_hold(&actor, &id, &hold).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lift a subject's restriction of processing (placed by completing a `restrict` request).
#[utoipa::path(delete, path = "/v1/subjects/{id}/restriction", params(("id" = String, Path, description = "Subject id")),
    responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn lift_restriction(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
) -> Result<StatusCode, ApiError> {
    state.vault.lift_restriction(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn out(state: &AppState, h: HoldRow) -> HoldOut {
    HoldOut {
        active: h.active(state.vault.now()),
        id: h.id,
        subject: h.subject.into(),
        reason: h.reason,
        created_by: h.created_by,
        created_at: h.created_at.to_string(),
        until: h.until.map(|t| t.to_string()),
        lifted_at: h.lifted_at.map(|t| t.to_string()),
    }
}
