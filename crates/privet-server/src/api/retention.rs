//! Events that anchor retention rules, and the receipts of purges.

use axum::extract::State;
use axum::http::StatusCode;
use privet_vault::{PurgeOptions, PurgeReceipt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use privet_types::{FieldName, SubjectId};

use super::{ApiJson, ApiPath, ApiQuery, SubjectPath};
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
    /// When no backup holds a readable copy of what it deleted: `[backups] data_keep_for` (fields
    /// of remaining subjects, in data backups) or `keys_keep_for` (keys of erased subjects)
    /// after the run, whichever is later.
    pub unreadable_after: Option<String>,
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
    let at = super::parse_time("at", body.at.as_deref())?;
    state
        .vault
        .record_event(&actor, &id, &body.kind, at)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /v1/purges`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurgeIn {
    /// Only this rule (all when absent).
    #[serde(default)]
    pub rule: Option<String>,
    /// Count without deleting.
    #[serde(default)]
    pub dry_run: bool,
}

/// What one rule of a purge did (or would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleCountsOut {
    /// The rule.
    pub rule: String,
    /// Its owner.
    pub owner: String,
    /// Fields deleted.
    pub fields: u64,
    /// Subjects erased.
    pub subjects_erased: u64,
    /// Subjects a legal hold kept.
    pub held: u64,
    /// Fields by category.
    pub by_category: BTreeMap<String, u64>,
}

/// Answer of `POST /v1/purges`: the shape of `privet purge --format json`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurgeReportOut {
    /// Whether nothing was deleted.
    pub dry_run: bool,
    /// Subjects looked at.
    pub subjects: u64,
    /// Per rule.
    pub rules: Vec<RuleCountsOut>,
}

/// Run the retention rules now, inside the server (its writes share the server's group
/// commits), and answer what was done; roles that may erase. The purge goes on to the end and
/// files its receipts even if the client stops waiting.
#[utoipa::path(post, path = "/v1/purges", request_body = PurgeIn,
    responses((status = 200, body = PurgeReportOut), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn run_purge(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<PurgeIn>,
) -> Result<ApiJson<PurgeReportOut>, ApiError> {
    let vault = state.vault.clone();
    let options = PurgeOptions {
        rule: body.rule,
        dry_run: body.dry_run,
    };
    let running = tokio::spawn(async move { vault.purge(&actor, &options, &|_| {}).await });
    let report = running.await.map_err(|e| {
        ApiError::from(privet_vault::VaultError::Internal {
            detail: e.to_string(),
        })
    })??;
    Ok(ApiJson(PurgeReportOut {
        dry_run: report.dry_run,
        subjects: report.subjects,
        rules: report
            .rules
            .into_iter()
            .map(|r| RuleCountsOut {
                rule: r.rule,
                owner: r.owner,
                fields: r.fields,
                subjects_erased: r.subjects_erased,
                held: r.held,
                by_category: r.by_category,
            })
            .collect(),
    }))
}

/// Answer of `POST /v1/subjects/{id}/fields/{name}/restore`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RestoredOut {
    /// Subject id.
    pub subject: String,
    /// Field name.
    pub field: String,
    /// The retention rule it had expired under.
    pub rule: String,
    /// When it was restored (RFC 3339).
    pub restored_at: String,
    /// When the rule's time is up again, at the earliest (RFC 3339).
    pub expires_at: Option<String>,
}

/// Restore an expired field (refused to reads, not yet purged): its retention rule starts again
/// from now. Roles that may erase; audited as `retention.restore`.
#[utoipa::path(post, path = "/v1/subjects/{id}/fields/{name}/restore",
    params(("id" = String, Path, description = "Subject id"), ("name" = String, Path, description = "Field name")),
    responses((status = 200, body = RestoredOut), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The field has not expired", body = Problem)),
    security(("bearer" = [])))]
pub async fn restore_field(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath((id, name)): ApiPath<(String, String)>,
) -> Result<ApiJson<RestoredOut>, ApiError> {
    let id = SubjectId::parse(&id).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let name = FieldName::parse(&name).map_err(|e| ApiError::bad_request(format!("name: {e}")))?;
    let restored = state.vault.restore_field(&actor, &id, &name).await?;
    Ok(ApiJson(RestoredOut {
        subject: id.into(),
        field: name.as_str().to_owned(),
        rule: restored.rule,
        restored_at: restored.restored_at.to_string(),
        expires_at: restored.expires_at.map(|t| t.to_string()),
    }))
}

/// Purge receipts, newest first (roles granted `audit`).
#[utoipa::path(get, path = "/v1/purges", params(PurgesQuery),
    responses((status = 200, body = PurgesOut), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn purges(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<PurgesQuery>,
) -> Result<ApiJson<PurgesOut>, ApiError> {
    let limit = super::page_limit(q.limit)?;
    let receipts = state.vault.purge_receipts(&actor, limit).await?;
    let rights = state.vault.policy();
    Ok(ApiJson(PurgesOut {
        purges: receipts
            .into_iter()
            .map(|r| purge_out(r, rights.rights()))
            .collect(),
    }))
}

fn purge_out(r: PurgeReceipt, rights: &privet_types::policy::Rights) -> PurgeOut {
    PurgeOut {
        unreadable_after: rights
            .purge_unreadable_after(r.finished_at)
            .map(|t| t.to_string()),
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
