//! Tokens: tokenize and detokenize, single and batch.

use axum::Extension;
use axum::extract::State;
use privet_vault::{FieldOutcome, TokenizeInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::subjects::{Batch, require_purpose};
use super::{ApiJson, ItemError};
use crate::AppState;
use crate::auth::Authenticated;
use crate::limit::Misses;
use crate::problem::{ApiError, Problem};

/// Body of `POST /v1/tokens`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeIn {
    /// `card_number`, or a data category (`identity.government_id`).
    pub kind: String,
    /// The value.
    pub value: String,
    /// The subject the value belongs to: erasing the subject makes the token useless.
    #[serde(default)]
    pub subject: Option<String>,
}

/// A token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// The token.
    pub token: String,
}

impl From<TokenizeIn> for TokenizeInput {
    fn from(t: TokenizeIn) -> Self {
        TokenizeInput {
            kind: t.kind,
            value: t.value,
            subject: t.subject,
        }
    }
}

/// Turn a value into a token.
#[utoipa::path(post, path = "/v1/tokens", request_body = TokenizeIn,
    responses((status = 200, body = TokenOut), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn tokenize(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<TokenizeIn>,
) -> Result<ApiJson<TokenOut>, ApiError> {
    let token = state.vault.tokenize(&actor, &body.into()).await?;
    Ok(ApiJson(TokenOut { token }))
}

/// Body of `POST /v1/tokens/batch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenizeBatch {
    /// Values to tokenize.
    pub items: Vec<TokenizeIn>,
}

/// Result of one item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TokenItemResult {
    /// Tokenized.
    Ok(TokenOut),
    /// Failed.
    Err {
        /// What went wrong.
        error: ItemError,
    },
}

/// Tokenize many values; each item has its own result.
#[utoipa::path(post, path = "/v1/tokens/batch", request_body = TokenizeBatch,
    responses((status = 200, body = Batch<TokenItemResult>), (status = 413, body = Problem)), security(("bearer" = [])))]
pub async fn tokenize_batch(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<TokenizeBatch>,
) -> Result<ApiJson<Batch<TokenItemResult>>, ApiError> {
    let items: Vec<TokenizeInput> = body.items.into_iter().map(Into::into).collect();
    let results = state.vault.tokenize_many(&actor, &items).await?;
    Ok(ApiJson(Batch {
        items: results
            .into_iter()
            .map(|r| match r {
                Ok(token) => TokenItemResult::Ok(TokenOut { token }),
                Err(e) => TokenItemResult::Err { error: e.into() },
            })
            .collect(),
    }))
}

/// Body of `POST /v1/tokens/detokenize`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetokenizeIn {
    /// The token.
    pub token: String,
    /// Why the value is needed: a purpose of the policy (required).
    #[serde(default)]
    #[schema(required = true, value_type = String)]
    pub purpose: Option<String>,
}

/// A detokenized value: `value` in clear or `masked`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetokenizeOut {
    /// The value, when the policy allows it in clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The masked value, when the policy masks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked: Option<String>,
}

fn out(o: FieldOutcome) -> DetokenizeOut {
    match o {
        FieldOutcome::Value(v) => DetokenizeOut {
            value: Some(v),
            masked: None,
        },
        FieldOutcome::Masked(m) => DetokenizeOut {
            value: None,
            masked: Some(m),
        },
        FieldOutcome::Withheld { .. } => DetokenizeOut {
            value: None,
            masked: None,
        },
    }
}

/// Turn a token back into its value, for a purpose.
#[utoipa::path(post, path = "/v1/tokens/detokenize", request_body = DetokenizeIn,
    responses((status = 200, body = DetokenizeOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn detokenize(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<DetokenizeIn>,
) -> Result<ApiJson<DetokenizeOut>, ApiError> {
    let purpose = require_purpose(body.purpose)?;
    Ok(ApiJson(out(state
        .vault
        .detokenize(&actor, &body.token, &purpose)
        .await?)))
}

/// Body of `POST /v1/tokens/detokenize/batch`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetokenizeBatch {
    /// Tokens, each with its purpose.
    pub items: Vec<DetokenizeIn>,
}

/// Result of one item.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum DetokenizeItemResult {
    /// Detokenized.
    Ok(DetokenizeOut),
    /// Failed.
    Err {
        /// What went wrong.
        error: ItemError,
    },
}

/// Detokenize many tokens; each item has its own result.
#[utoipa::path(post, path = "/v1/tokens/detokenize/batch", request_body = DetokenizeBatch,
    responses((status = 200, body = Batch<DetokenizeItemResult>), (status = 413, body = Problem)), security(("bearer" = [])))]
pub async fn detokenize_batch(
    State(state): State<AppState>,
    Authenticated(actor): Authenticated,
    ApiJson(body): ApiJson<DetokenizeBatch>,
) -> Result<(Extension<Misses>, ApiJson<Batch<DetokenizeItemResult>>), ApiError> {
    state.vault.check_batch(body.items.len())?;
    // Items without a purpose fail alone; the others go to the vault together, so their
    // misses are audited as one entry.
    let mut results: Vec<Option<DetokenizeItemResult>> = Vec::with_capacity(body.items.len());
    let mut asked = Vec::new();
    for item in body.items {
        match require_purpose(item.purpose) {
            Ok(p) => {
                asked.push((item.token, p));
                results.push(None);
            }
            Err(e) => results.push(Some(DetokenizeItemResult::Err {
                error: ItemError {
                    status: e.problem.status,
                    detail: e.problem.detail,
                    reason: None,
                },
            })),
        }
    }
    let mut answers = state
        .vault
        .detokenize_many(&actor, &asked)
        .await?
        .into_iter();
    let results: Vec<DetokenizeItemResult> = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| match answers.next() {
                Some(Ok(o)) => DetokenizeItemResult::Ok(out(o)),
                Some(Err(e)) => DetokenizeItemResult::Err { error: e.into() },
                None => DetokenizeItemResult::Err {
                    error: ItemError {
                        status: 500,
                        detail: "internal error".into(),
                        reason: None,
                    },
                },
            })
        })
        .collect();
    let misses = results
        .iter()
        .filter(|r| matches!(r, DetokenizeItemResult::Err { error } if error.status == 404))
        .count();
    Ok((Extension(Misses(misses)), ApiJson(Batch { items: results })))
}
