//! Consent: append grants and withdrawals to a subject's ledger, answer its history, and give a
//! proof document a business can hand a regulator. A `Sec-GPC: 1` header on a write records an
//! opt-out of every `sale_or_sharing` purpose.

use std::collections::BTreeMap;
use std::fmt::Write;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use privet_types::{ConsentSource, SubjectId};
use privet_vault::{ConsentChange, ConsentEntry, ConsentReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiPath, ApiQuery, SubjectPath};
use crate::AppState;
use crate::auth::Authenticated;
use crate::html;
use crate::problem::{ApiError, Problem};

/// Body of `PUT /v1/subjects/{id}/consents/{purpose}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentIn {
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// The channel: `api` (the default), `privacy_center`, `import` or `gpc`.
    #[serde(default)]
    pub source: Option<String>,
    /// Version of the notice the customer saw.
    #[serde(default)]
    pub notice_version: Option<String>,
}

/// Body of `POST /v1/subjects/{id}/consents`: one ledger entry in full.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentEntryIn {
    /// Purpose, declared in privet.toml.
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// The channel: `api` (the default), `privacy_center`, `import` or `gpc`.
    #[serde(default)]
    pub source: Option<String>,
    /// Version of the notice the customer saw.
    #[serde(default)]
    pub notice_version: Option<String>,
}

/// Answer of `PUT .../consents/{purpose}`: the purpose's state after the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentOut {
    /// Subject id.
    pub subject: String,
    /// Purpose.
    pub purpose: String,
    /// Granted.
    pub granted: bool,
    /// Purposes opted out of because the request carried `Sec-GPC: 1`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gpc_opt_outs: Vec<String>,
}

/// One ledger entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentEntryOut {
    /// Purpose.
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// When (RFC 3339).
    pub at: String,
    /// The channel that captured it (`erasure`: closed by privet when it erased the subject).
    pub source: String,
    /// Version of the notice the customer saw.
    pub notice_version: Option<String>,
    /// Who recorded it: an API key id, a staff id, or `cli`.
    pub recorded_by: String,
}

/// A subject's consent: the state per purpose and the whole ledger, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentsOut {
    /// Subject id.
    pub subject: String,
    /// The latest entry per purpose.
    pub current: BTreeMap<String, ConsentEntryOut>,
    /// Every entry, oldest first.
    pub history: Vec<ConsentEntryOut>,
}

/// Query of `GET /v1/subjects/{id}/consents`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsentsQuery {
    /// `json` (the default) or `proof` (an HTML document for a regulator).
    pub format: Option<String>,
}

/// Grant or withdraw consent to a purpose (appended to the subject's ledger).
#[utoipa::path(put, path = "/v1/subjects/{id}/consents/{purpose}", request_body = ConsentIn,
    params(("id" = String, Path, description = "Subject id"), ("purpose" = String, Path, description = "Purpose"),
        ("Sec-GPC" = Option<String>, Header, description = "1: also opt out of every sale_or_sharing purpose")),
    responses((status = 200, body = ConsentOut), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn put_consent(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    ApiPath((id, purpose)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<ConsentIn>,
) -> Result<ApiJson<ConsentOut>, ApiError> {
    let id = SubjectId::parse(&id).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let change = ConsentChange {
        purpose: purpose.clone(),
        granted: body.granted,
        source: source(body.source.as_deref())?,
        notice_version: body.notice_version,
    };
    let opt_outs = record(&state, &actor, &id, change, &headers).await?;
    let overridden = opt_outs.contains(&purpose);
    Ok(ApiJson(ConsentOut {
        subject: id.into(),
        purpose,
        granted: body.granted && !overridden,
        gpc_opt_outs: opt_outs,
    }))
}

/// Append one entry to a subject's consent ledger; answers the subject's consent after it.
#[utoipa::path(post, path = "/v1/subjects/{id}/consents", request_body = ConsentEntryIn,
    params(("id" = String, Path, description = "Subject id"),
        ("Sec-GPC" = Option<String>, Header, description = "1: also opt out of every sale_or_sharing purpose")),
    responses((status = 201, body = ConsentsOut), (status = 400, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn post_consent(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    headers: HeaderMap,
    SubjectPath(id): SubjectPath,
    ApiJson(body): ApiJson<ConsentEntryIn>,
) -> Result<(StatusCode, ApiJson<ConsentsOut>), ApiError> {
    let change = ConsentChange {
        purpose: body.purpose,
        granted: body.granted,
        source: source(body.source.as_deref())?,
        notice_version: body.notice_version,
    };
    record(&state, &actor, &id, change, &headers).await?;
    let report = state.vault.consents(&actor, &id).await?;
    Ok((StatusCode::CREATED, ApiJson(consents_out(report))))
}

/// A subject's consent: current state per purpose and the whole ledger, or (`format=proof`) an
/// HTML document that shows who consented to what, when, from where and under which notice.
#[utoipa::path(get, path = "/v1/subjects/{id}/consents", params(("id" = String, Path, description = "Subject id"), ConsentsQuery),
    responses((status = 200, body = ConsentsOut), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_consents(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
    ApiQuery(q): ApiQuery<ConsentsQuery>,
) -> Result<Response, ApiError> {
    let proof = match q.format.as_deref() {
        None | Some("json") => false,
        Some("proof") => true,
        Some(_) => return Err(ApiError::bad_request("format: must be json or proof")),
    };
    let report = state.vault.consents(&actor, &id).await?;
    if proof {
        let page = proof_page(&state, &report, state.vault.now());
        return Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response());
    }
    Ok(ApiJson(consents_out(report)).into_response())
}

/// Records `change`, followed by the opt-outs a `Sec-GPC: 1` header stands for, in one commit.
/// Returns the purposes opted out of by the signal.
async fn record(
    state: &AppState,
    actor: &privet_vault::Actor,
    id: &SubjectId,
    change: ConsentChange,
    headers: &HeaderMap,
) -> Result<Vec<String>, ApiError> {
    let gpc = if gpc_signal(headers) {
        state.vault.gpc_opt_outs()
    } else {
        Vec::new()
    };
    let names = gpc.iter().map(|c| c.purpose.clone()).collect();
    let mut changes = vec![change];
    changes.extend(gpc);
    state.vault.record_consents(actor, id, changes).await?;
    Ok(names)
}

/// Whether the request carries a Global Privacy Control signal (`Sec-GPC: 1`, the only value
/// the specification defines).
fn gpc_signal(headers: &HeaderMap) -> bool {
    headers
        .get("sec-gpc")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "1")
}

fn source(name: Option<&str>) -> Result<ConsentSource, ApiError> {
    match name {
        None => Ok(ConsentSource::Api),
        Some(n) => n
            .parse::<ConsentSource>()
            .ok()
            .filter(|s| s.caller_may_record())
            .ok_or_else(|| {
                ApiError::bad_request("source: must be api, privacy_center, import or gpc")
            }),
    }
}

pub(crate) fn entry_out(e: &ConsentEntry) -> ConsentEntryOut {
    ConsentEntryOut {
        purpose: e.purpose.clone(),
        granted: e.granted,
        at: e.at.to_string(),
        source: e.source.to_string(),
        notice_version: e.notice_version.clone(),
        recorded_by: e.recorded_by.clone(),
    }
}

fn consents_out(report: ConsentReport) -> ConsentsOut {
    ConsentsOut {
        subject: report.subject.into(),
        current: report
            .current
            .iter()
            .map(|(p, e)| (p.clone(), entry_out(e)))
            .collect(),
        history: report.history.iter().map(entry_out).collect(),
    }
}

/// The proof document: the policy's description of each purpose, the state per purpose and the
/// ledger in full. Everything shown is escaped; no stored field value is on it.
fn proof_page(state: &AppState, report: &ConsentReport, now: jiff::Timestamp) -> String {
    let policy = state.vault.policy();
    let subject = html::escape(report.subject.as_str());
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Consent record</h1>\n<p class=\"meta\">Subject <strong>{subject}</strong> · \
         generated {now} · policy reviewed {}</p>\n",
        policy.reviewed_on()
    );
    body.push_str(
        "<h2>Current state</h2>\n<table><tr><th>Purpose</th><th>What it is for</th>\
        <th>Legal basis</th><th>State</th><th>Since</th><th>Notice</th><th>Source</th></tr>\n",
    );
    for (name, e) in &report.current {
        let (description, basis) = policy.purpose(name).map_or(
            ("(no longer in the policy)".to_owned(), String::new()),
            |p| (p.description().to_owned(), p.legal_basis().to_string()),
        );
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td></tr>",
            html::escape(name),
            html::escape(&description),
            html::escape(&basis),
            state_cell(e.granted),
            e.at,
            html::escape(e.notice_version.as_deref().unwrap_or("—")),
            e.source,
        );
    }
    body.push_str(
        "</table>\n<h2>Every entry, oldest first</h2>\n<table><tr><th>#</th><th>When (UTC)</th>\
        <th>Purpose</th><th>Entry</th><th>Notice</th><th>Source</th><th>Recorded by</th></tr>\n",
    );
    for e in &report.history {
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td></tr>",
            e.n,
            e.at,
            html::escape(&e.purpose),
            state_cell(e.granted),
            html::escape(e.notice_version.as_deref().unwrap_or("—")),
            e.source,
            html::escape(&e.recorded_by),
        );
    }
    body.push_str(
        "</table>\n<p class=\"meta\">Entries are appended and never changed. Each one was written \
         in the same transaction as an entry of privet's hash-chained audit log \
         (consent.grant or consent.withdraw, with its source); <code>privet audit verify</code> \
         proves that log unaltered. Source <em>gpc</em> is a Global Privacy Control signal sent by \
         the customer's browser; <em>erasure</em> closes the ledger when the subject's data was \
         erased.</p>\n",
    );
    html::page(
        &format!("Consent record: {}", report.subject.as_str()),
        &body,
    )
}

fn state_cell(granted: bool) -> &'static str {
    if granted {
        "<td class=\"granted\">granted</td>"
    } else {
        "<td class=\"withdrawn\">withdrawn</td>"
    }
}
