//! The export that answers an access or portability request: JSON for portability, a
//! self-contained HTML page a customer can read.

use std::fmt::Write;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use privet_vault::SubjectExport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::consents::{ConsentEntryOut, entry_out};
use super::requests::{RequestOut, out};
use super::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::Authenticated;
use crate::html::{self, escape};
use crate::problem::{ApiError, Problem};

/// Query of the export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (the default, machine-readable for portability) or `html`.
    pub format: Option<String>,
}

/// One stored field, in clear.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportFieldOut {
    /// Field name.
    pub name: String,
    /// Data category.
    pub category: String,
    /// The value.
    pub value: String,
    /// When it was collected (RFC 3339), if known.
    pub collected_at: Option<String>,
    /// Where it came from, if known.
    pub source: Option<String>,
}

/// A purpose the data is used for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportPurposeOut {
    /// Purpose.
    pub purpose: String,
    /// What it is for.
    pub description: String,
    /// Legal basis.
    pub legal_basis: String,
    /// The subject's categories used for it.
    pub categories: Vec<String>,
}

/// One entry of the subject's audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportAuditOut {
    /// Sequence number in the log.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who (an API key id, a staff id, `cli`).
    pub actor: String,
    /// What was done.
    pub action: String,
    /// For which purpose.
    pub purpose: Option<String>,
    /// The outcome.
    pub decision: String,
}

/// The export.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportOut {
    /// The request answered.
    pub request: RequestOut,
    /// When the export was made (RFC 3339).
    pub generated_at: String,
    /// The organisation.
    pub organization: String,
    /// Whether anything is held about the subject.
    pub held: bool,
    /// Every stored field, in clear.
    pub fields: Vec<ExportFieldOut>,
    /// The consent ledger, oldest first.
    pub consent: Vec<ConsentEntryOut>,
    /// What the data is used for, and on which legal basis.
    pub purposes: Vec<ExportPurposeOut>,
    /// Vendors that receive the subject's categories (none declared yet).
    pub vendors: Vec<String>,
    /// The subject's audit trail, oldest first.
    pub audit: Vec<ExportAuditOut>,
}

/// The export of an access or portability request (verified customers only); the read is audited
/// under the built-in purpose `answer_request`.
#[utoipa::path(get, path = "/v1/requests/{id}/export", params(("id" = String, Path, description = "Request id"), ExportQuery),
    responses((status = 200, body = ExportOut), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let as_html = match q.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => return Err(ApiError::bad_request("format: must be json or html")),
    };
    let export = state.vault.export_for_request(&actor, &id).await?;
    let body = export_out(&state, export);
    if as_html {
        return Ok((
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page(&body),
        )
            .into_response());
    }
    Ok(ApiJson(body).into_response())
}

fn export_out(state: &AppState, e: SubjectExport) -> ExportOut {
    ExportOut {
        request: out(state, e.request),
        generated_at: e.generated_at.to_string(),
        organization: e.organization,
        held: e.held,
        fields: e
            .fields
            .into_iter()
            .map(|f| ExportFieldOut {
                name: f.name,
                category: f.category,
                value: f.value,
                collected_at: f.collected_at.map(|t| t.to_string()),
                source: f.source,
            })
            .collect(),
        consent: e.consent.iter().map(entry_out).collect(),
        purposes: e
            .purposes
            .into_iter()
            .map(|p| ExportPurposeOut {
                purpose: p.name,
                description: p.description,
                legal_basis: p.legal_basis,
                categories: p.categories,
            })
            .collect(),
        vendors: Vec::new(),
        audit: e
            .audit
            .into_iter()
            .map(|a| ExportAuditOut {
                seq: a.seq,
                at: a.draft.at.to_string(),
                actor: a.draft.actor,
                action: a.draft.action.to_string(),
                purpose: a.draft.purpose,
                decision: a.draft.decision.to_string(),
            })
            .collect(),
    }
}

/// The page a customer reads: who holds what, why, who agreed to what, who looked.
fn page(e: &ExportOut) -> String {
    let mut b = String::new();
    let org = if e.organization.is_empty() {
        "We".to_owned()
    } else {
        escape(&e.organization)
    };
    let _ = writeln!(
        b,
        "<h1>Your data</h1>\n<p class=\"meta\">Answer to request {} ({} under {}), received {}, made {}.</p>",
        escape(&e.request.id),
        escape(&e.request.kind),
        escape(&e.request.regulation.to_uppercase()),
        escape(&e.request.received_at),
        escape(&e.generated_at)
    );
    if !e.held {
        let _ = writeln!(
            b,
            "<p><strong>{org} hold no personal data about you in this system.</strong></p>"
        );
    }
    b.push_str("<h2>What we hold</h2>\n");
    if e.fields.is_empty() {
        b.push_str("<p>Nothing.</p>\n");
    } else {
        b.push_str("<table><tr><th>Field</th><th>Kind of data</th><th>Value</th><th>Collected</th><th>From</th></tr>\n");
        for f in &e.fields {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.name),
                escape(&f.category),
                escape(&f.value),
                escape(f.collected_at.as_deref().unwrap_or("—")),
                escape(f.source.as_deref().unwrap_or("—"))
            );
        }
        b.push_str("</table>\n");
    }
    b.push_str("<h2>Why we use it</h2>\n");
    if e.purposes.is_empty() {
        b.push_str("<p>For nothing beyond keeping it.</p>\n");
    } else {
        b.push_str("<table><tr><th>Purpose</th><th>What for</th><th>Legal basis</th><th>Data used</th></tr>\n");
        for p in &e.purposes {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&p.purpose),
                escape(&p.description),
                escape(&p.legal_basis.replace('_', " ")),
                escape(&p.categories.join(", "))
            );
        }
        b.push_str("</table>\n");
    }
    b.push_str("<h2>What you agreed to</h2>\n");
    if e.consent.is_empty() {
        b.push_str("<p>No consent recorded.</p>\n");
    } else {
        b.push_str("<table><tr><th>When</th><th>Purpose</th><th>Choice</th><th>How</th><th>Notice</th></tr>\n");
        for c in &e.consent {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&c.at),
                escape(&c.purpose),
                if c.granted { "granted" } else { "withdrawn" },
                escape(&c.source.replace('_', " ")),
                escape(c.notice_version.as_deref().unwrap_or("—"))
            );
        }
        b.push_str("</table>\n");
    }
    b.push_str(
        "<h2>Who we share it with</h2>\n<p>No vendor receives your data through this system.</p>\n",
    );
    b.push_str("<h2>Who looked at it</h2>\n");
    if e.audit.is_empty() {
        b.push_str("<p>No one.</p>\n");
    } else {
        b.push_str(
            "<table><tr><th>When</th><th>Who</th><th>What</th><th>Why</th><th>Outcome</th></tr>\n",
        );
        for a in &e.audit {
            let _ = writeln!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&a.at),
                escape(&a.actor),
                escape(&a.action),
                escape(a.purpose.as_deref().unwrap_or("—")),
                escape(&a.decision)
            );
        }
        b.push_str("</table>\n");
    }
    b.push_str("<p class=\"meta\">The same data in a machine-readable form: this address with <code>?format=json</code>.</p>\n");
    html::page("Your data", &b)
}
