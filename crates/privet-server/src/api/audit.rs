//! The audit log, paged by cursor.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::{ApiError, Problem};

/// `?after=SEQ&limit=N`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Cursor: entries after this sequence number (default 0).
    pub after: Option<i64>,
    /// Page size, 1-1000 (default 100).
    pub limit: Option<i64>,
}

/// One audit entry. No values, ever.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// Sequence number.
    pub seq: i64,
    /// Time (RFC 3339).
    pub at: String,
    /// Actor (API key id or `cli`).
    pub actor: String,
    /// Action.
    pub action: String,
    /// Purpose named.
    pub purpose: Option<String>,
    /// Subject concerned.
    pub subject: Option<String>,
    /// Categories touched.
    pub categories: Vec<String>,
    /// Decision.
    pub decision: String,
    /// Reason.
    pub reason: Option<String>,
    /// Hash of this entry (hex).
    pub hash: String,
}

/// A page.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, oldest first.
    pub entries: Vec<AuditOut>,
    /// Cursor for the next page, absent at the end.
    pub next: Option<i64>,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Page through the audit log (roles granted `audit`).
#[utoipa::path(get, path = "/v1/audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<ApiJson<AuditPage>, ApiError> {
    state
        .vault
        .require(&actor, privet_types::policy::Operation::Audit, None)
        .await?;
    let limit = super::page_limit(q.limit)?;
    if q.after.is_some_and(|a| a < 0) {
        return Err(ApiError::bad_request("after: must be 0 or more"));
    }
    let entries = state.vault.audit_page(q.after.unwrap_or(0), limit).await?;
    let next = if entries.len() as i64 == limit {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(ApiJson(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditOut {
                seq: e.seq,
                at: e.draft.at.to_string(),
                actor: e.draft.actor,
                action: e.draft.action.to_string(),
                purpose: e.draft.purpose,
                subject: e.draft.subject,
                categories: e.draft.categories,
                decision: e.draft.decision.to_string(),
                reason: e.draft.reason,
                hash: hex(&e.hash),
            })
            .collect(),
        next,
    }))
}
