//! `/v1` handlers, grouped by resource, and the Presidio-compatible routes ([`presidio`]).

pub mod audit;
pub mod consents;
pub mod export;
pub mod holds;
pub mod ops;
pub mod presidio;
pub mod requests;
pub mod retention;
pub mod subjects;
pub mod tokens;
pub mod vendors;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use crate::problem::ApiError;

/// `Json` whose rejections become problem documents without echoing the body.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(r.into()),
        }
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// `Query` whose rejections become problem documents.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(r) => Err(r.into()),
        }
    }
}

/// `Path` whose rejections (a segment that is not UTF-8, a missing one) become problem documents
/// that do not repeat the path.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiError::bad_request(
                "the path is malformed (each segment must be UTF-8)",
            )),
        }
    }
}

/// The `{id}` segment of a subject route, checked against the subject id rule (400 naming the
/// rule, never the segment) before anything else looks at it.
pub struct SubjectPath(pub privet_types::SubjectId);

impl<S: Send + Sync> FromRequestParts<S> for SubjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiPath(id) = ApiPath::<String>::from_request_parts(parts, state).await?;
        privet_types::SubjectId::parse(&id)
            .map(SubjectPath)
            .map_err(|e| ApiError::bad_request(e.to_string()))
    }
}

/// Per-item error in batch answers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ItemError {
    /// HTTP status the item alone would have had.
    pub status: u16,
    /// Sentence without personal data.
    pub detail: String,
    /// Reason code for denials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<privet_vault::VaultError> for ItemError {
    fn from(e: privet_vault::VaultError) -> Self {
        let api: ApiError = e.into();
        ItemError {
            status: api.problem.status,
            detail: api.problem.detail,
            reason: api.problem.reason,
        }
    }
}

/// An optional RFC 3339 time sent in `field`; the error names the field, never the value.
pub(crate) fn parse_time(
    field: &str,
    value: Option<&str>,
) -> Result<Option<jiff::Timestamp>, ApiError> {
    value
        .map(|t| {
            t.parse::<jiff::Timestamp>()
                .map_err(|_| ApiError::bad_request(format!("{field}: not an RFC 3339 timestamp")))
        })
        .transpose()
}

/// A page size: `limit` from 1 to 1000, 100 when absent.
pub(crate) fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(100);
    if (1..=1000).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::bad_request("limit: must be from 1 to 1000"))
    }
}
