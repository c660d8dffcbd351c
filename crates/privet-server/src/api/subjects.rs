//! Subjects: store, read for a purpose, look up, erase; single and batch.

use axum::Extension;
use axum::extract::State;
use futures_util::future::join_all;
use privet_vault::{FieldInput, FieldOutcome, SubjectView, VaultError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, ApiQuery, ItemError, SubjectPath};
use crate::AppState;
use crate::auth::Authenticated;
use crate::limit::Misses;
use crate::problem::{ApiError, Problem};

/// A field to store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldIn {
    /// Field name (`email`).
    pub name: String,
    /// Data category (`contact.email`).
    pub category: String,
    /// The value.
    pub value: String,
    /// When it was collected (RFC 3339).
    #[serde(default)]
    pub collected_at: Option<String>,
    /// Where it came from.
    #[serde(default)]
    pub source: Option<String>,
}

/// Body of `PUT /v1/subjects/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutSubject {
    /// Fields to store; fields of the same name are replaced, others kept.
    pub fields: Vec<FieldIn>,
}

/// Answer of a write.
#[derive(Debug, Serialize, ToSchema)]
pub struct PutAnswer {
    /// Subject id.
    pub subject: String,
    /// Fields written.
    pub stored: usize,
}

/// One field of a read: exactly one of `value`, `masked`, `withheld`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldOut {
    /// Field name.
    pub name: String,
    /// Category.
    pub category: String,
    /// The value in clear, when allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A masked rendering, when the policy masks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
    /// Why the field is withheld, when denied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
    /// Reason code when withheld.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Answer of a read.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectOut {
    /// Subject id.
    pub subject: String,
    /// Fields.
    pub fields: Vec<FieldOut>,
}

impl From<SubjectView> for SubjectOut {
    fn from(v: SubjectView) -> Self {
        SubjectOut {
            subject: v.subject.into(),
            fields: v
                .fields
                .into_iter()
                .map(|f| {
                    let (value, masked, withheld, reason) = match f.outcome {
                        FieldOutcome::Value(s) => (Some(s), None, None, None),
                        FieldOutcome::Masked(s) => (None, Some(s), None, None),
                        FieldOutcome::Withheld { code, reason } => {
                            (None, None, Some(reason), Some(code.to_owned()))
                        }
                    };
                    FieldOut {
                        name: f.name,
                        category: f.category,
                        value,
                        masked,
                        withheld,
                        reason,
                    }
                })
                .collect(),
        }
    }
}

/// `?purpose=P`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PurposeQuery {
    /// Why the data is read; must be a purpose of the policy.
    #[param(required = true, value_type = String)]
    pub purpose: Option<String>,
}

pub(crate) fn require_purpose(p: Option<String>) -> Result<String, ApiError> {
    match p {
        Some(p) if !p.is_empty() => Ok(p),
        _ => Err(ApiError::bad_request(
            "every read names a purpose: add `purpose=<name>`",
        )),
    }
}

pub(crate) fn inputs(fields: Vec<FieldIn>) -> Result<Vec<FieldInput>, ApiError> {
    fields
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(FieldInput {
                collected_at: super::parse_time(
                    &format!("fields[{i}].collected_at"),
                    f.collected_at.as_deref(),
                )?,
                name: f.name,
                category: f.category,
                value: f.value,
                source: f.source,
            })
        })
        .collect()
}

/// Store fields of a subject.
#[utoipa::path(put, path = "/v1/subjects/{id}", request_body = PutSubject,
    params(("id" = String, Path, description = "Subject id from your system")),
    responses((status = 200, body = PutAnswer), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 422, description = "No purpose uses a field's category (reason no_purpose) or no retention rule covers it (no_retention)", body = Problem)),
    security(("bearer" = [])))]
pub async fn put_subject(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
    ApiJson(body): ApiJson<PutSubject>,
) -> Result<ApiJson<PutAnswer>, ApiError> {
    let fields = inputs(body.fields)?;
    state.vault.put_subject(&actor, &id, &fields).await?;
    Ok(ApiJson(PutAnswer {
        subject: id.into(),
        stored: fields.len(),
    }))
}

/// Read a subject for a purpose.
#[utoipa::path(get, path = "/v1/subjects/{id}", params(("id" = String, Path, description = "Subject id"), PurposeQuery),
    responses((status = 200, body = SubjectOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_subject(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
    ApiQuery(q): ApiQuery<PurposeQuery>,
) -> Result<ApiJson<SubjectOut>, ApiError> {
    let purpose = require_purpose(q.purpose)?;
    let view = state.vault.read_subject(&actor, &id, &purpose).await?;
    Ok(ApiJson(view.into()))
}

/// `?email=...&purpose=...` or `?phone=...&purpose=...`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// E-mail address to find (case-insensitive).
    pub email: Option<String>,
    /// Phone number to find (digits compared).
    pub phone: Option<String>,
    /// Purpose of the lookup.
    #[param(required = true, value_type = String)]
    pub purpose: Option<String>,
}

/// Subjects found by a lookup.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookupAnswer {
    /// Matching subject ids.
    pub subjects: Vec<String>,
}

/// Find subjects by e-mail or phone through the blind index. The value travels in the URL, where
/// proxies and access logs may keep it: prefer `POST /v1/subjects/lookup`.
#[utoipa::path(get, path = "/v1/subjects", params(LookupQuery),
    responses((status = 200, body = LookupAnswer), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn lookup(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> Result<(Extension<Misses>, ApiJson<LookupAnswer>), ApiError> {
    let purpose = require_purpose(q.purpose)?;
    let (kind, value) = lookup_key(q.email, q.phone)?;
    let subjects = state.vault.lookup(&actor, kind, &value, &purpose).await?;
    let misses = usize::from(subjects.is_empty());
    Ok((
        Extension(Misses(misses)),
        ApiJson(LookupAnswer {
            subjects: subjects.into_iter().map(String::from).collect(),
        }),
    ))
}

/// Body of `POST /v1/subjects/lookup`: exactly one of `email` or `phone`, and a purpose.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupIn {
    /// E-mail address to find (case-insensitive).
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number to find (digits compared).
    #[serde(default)]
    pub phone: Option<String>,
    /// Purpose of the lookup (required).
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub purpose: Option<String>,
}

/// The value to look up, from a query or a body.
fn lookup_key(
    email: Option<String>,
    phone: Option<String>,
) -> Result<(&'static str, String), ApiError> {
    match (email, phone) {
        (Some(e), None) => Ok(("email", e)),
        (None, Some(p)) => Ok(("phone", p)),
        _ => Err(ApiError::bad_request(
            "give exactly one of `email` or `phone`",
        )),
    }
}

/// Find subjects by e-mail or phone with the value in the body, where proxies and access logs
/// do not keep it: the recommended form of the lookup.
#[utoipa::path(post, path = "/v1/subjects/lookup", request_body = LookupIn,
    responses((status = 200, body = LookupAnswer), (status = 400, body = Problem), (status = 403, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn lookup_by_body(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<LookupIn>,
) -> Result<(Extension<Misses>, ApiJson<LookupAnswer>), ApiError> {
    let purpose = require_purpose(body.purpose)?;
    let (kind, value) = lookup_key(body.email, body.phone)?;
    let subjects = state.vault.lookup(&actor, kind, &value, &purpose).await?;
    let misses = usize::from(subjects.is_empty());
    Ok((
        Extension(Misses(misses)),
        ApiJson(LookupAnswer {
            subjects: subjects.into_iter().map(String::from).collect(),
        }),
    ))
}

/// Receipt of an erasure: ids and times only.
#[derive(Debug, Serialize, ToSchema)]
pub struct EraseAnswer {
    /// The erased subject.
    pub subject: String,
    /// When (RFC 3339).
    pub erased_at: String,
    /// The subject's data key was destroyed, so every copy of its values is unreadable.
    pub key_destroyed: bool,
    /// Audit entry recording the erasure.
    pub audit_seq: i64,
    /// When the last key-store backup that holds the subject's key stops being restorable (RFC
    /// 3339): after it, no copy of the values can be read anywhere.
    pub unreadable_after: Option<String>,
}

/// Erase a subject (crypto-shredding plus deletion).
#[utoipa::path(delete, path = "/v1/subjects/{id}", params(("id" = String, Path, description = "Subject id")),
    responses((status = 200, body = EraseAnswer), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn erase_subject(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    SubjectPath(id): SubjectPath,
) -> Result<ApiJson<EraseAnswer>, ApiError> {
    let r = state.vault.erase_subject(&actor, &id).await?;
    Ok(ApiJson(EraseAnswer {
        subject: r.subject.into(),
        erased_at: r.erased_at.to_string(),
        key_destroyed: true,
        audit_seq: r.audit_seq,
        unreadable_after: r.unreadable_after.map(|t| t.to_string()),
    }))
}

/// One subject in a batch write.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutItem {
    /// Subject id.
    pub subject: String,
    /// Fields.
    pub fields: Vec<FieldIn>,
}

/// Body of `POST /v1/subjects/batch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutBatch {
    /// Subjects to write.
    pub items: Vec<PutItem>,
}

/// Result of one batch item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum PutItemResult {
    /// Written.
    Ok(PutAnswer),
    /// Failed.
    Err {
        /// What went wrong.
        error: ItemError,
    },
}

/// Batch answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Batch<T> {
    /// One result per item, in order.
    pub items: Vec<T>,
}

/// Store many subjects in one request; each item has its own result.
#[utoipa::path(post, path = "/v1/subjects/batch", request_body = PutBatch,
    responses((status = 200, body = Batch<PutItemResult>), (status = 413, body = Problem)), security(("bearer" = [])))]
pub async fn put_batch(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<PutBatch>,
) -> Result<ApiJson<Batch<PutItemResult>>, ApiError> {
    state.vault.check_batch(body.items.len())?;
    let vault = &state.vault;
    let actor = &actor;
    let results = join_all(body.items.into_iter().map(|item| async move {
        let fields = match inputs(item.fields) {
            Ok(f) => f,
            Err(e) => {
                return PutItemResult::Err {
                    error: ItemError {
                        status: e.problem.status,
                        detail: e.problem.detail,
                        reason: None,
                    },
                };
            }
        };
        let subject = match privet_types::SubjectId::parse(&item.subject) {
            Ok(id) => id,
            Err(e) => {
                return PutItemResult::Err {
                    error: ItemError::from(privet_vault::VaultError::from(e)),
                };
            }
        };
        match vault.put_subject(actor, &subject, &fields).await {
            Ok(()) => PutItemResult::Ok(PutAnswer {
                subject: item.subject,
                stored: fields.len(),
            }),
            Err(e) => PutItemResult::Err { error: e.into() },
        }
    }))
    .await;
    Ok(ApiJson(Batch { items: results }))
}

/// Body of `POST /v1/subjects/read`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadBatch {
    /// Purpose of every read in the batch.
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub purpose: Option<String>,
    /// Subject ids.
    pub items: Vec<ReadItem>,
}

/// One subject to read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadItem {
    /// Subject id.
    pub subject: String,
}

/// Result of one batch read.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ReadItemResult {
    /// Read.
    Ok(SubjectOut),
    /// Failed.
    Err {
        /// What went wrong.
        error: ItemError,
    },
}

/// Read many subjects for one purpose; each item has its own result.
#[utoipa::path(post, path = "/v1/subjects/read", request_body = ReadBatch,
    responses((status = 200, body = Batch<ReadItemResult>), (status = 400, body = Problem)), security(("bearer" = [])))]
pub async fn read_batch(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<ReadBatch>,
) -> Result<(Extension<Misses>, ApiJson<Batch<ReadItemResult>>), ApiError> {
    let purpose = require_purpose(body.purpose)?;
    let ids: Vec<String> = body.items.into_iter().map(|i| i.subject).collect();
    let results = state.vault.read_subjects(&actor, &ids, &purpose).await?;
    let misses = results
        .iter()
        .filter(|r| matches!(r, Err(VaultError::NotFound(_))))
        .count();
    Ok((
        Extension(Misses(misses)),
        ApiJson(Batch {
            items: results
                .into_iter()
                .map(|r| match r {
                    Ok(v) => ReadItemResult::Ok(v.into()),
                    Err(e) => ReadItemResult::Err { error: e.into() },
                })
                .collect(),
        }),
    ))
}
