//! Errors as `application/problem+json` (RFC 9457). Details name fields and reasons, never values.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use privet_vault::{Unavailability, VaultError};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong here, without personal data.
    pub detail: String,
    /// A stable reason code for denials (`consent_required`, `no_rule`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An API error: a status and a problem.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Status.
    pub status: StatusCode,
    /// Body.
    pub problem: Problem,
}

impl ApiError {
    /// A problem of a given status.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            problem: Problem {
                kind: format!("https://privet.dev/problems/{slug}"),
                title: status.canonical_reason().unwrap_or("Error").to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                reason: None,
            },
        }
    }

    /// 400.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 401.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required: send `Authorization: Bearer <key>`",
        )
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::BadRequest(d) => ApiError::bad_request(d),
            VaultError::LimitExceeded(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "limit-exceeded",
                e.to_string(),
            ),
            VaultError::BatchTooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "batch-too-large",
                e.to_string(),
            ),
            VaultError::Forbidden { code, message } => {
                let mut err = ApiError::new(StatusCode::FORBIDDEN, "forbidden", message);
                err.problem.reason = Some(code);
                err
            }
            VaultError::Unjustified { code, message } => {
                let mut err =
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unjustified", message);
                err.problem.reason = Some(code.to_owned());
                err
            }
            VaultError::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not-found",
                format!("{what} not found"),
            ),
            VaultError::WrongState(d) => ApiError::new(StatusCode::CONFLICT, "wrong-state", d),
            VaultError::LegalHold(_) => {
                let mut err = ApiError::new(StatusCode::CONFLICT, "legal-hold", e.to_string());
                err.problem.reason = Some("legal_hold".into());
                err
            }
            VaultError::KeyRetired(_) => {
                ApiError::new(StatusCode::CONFLICT, "key-retired", e.to_string())
            }
            VaultError::Conflict(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            VaultError::Unavailable { kind, .. } => {
                tracing::error!(error = %e.detail(), "refused: unavailable");
                let slug = match kind {
                    Unavailability::AuditDamaged => "audit-damaged",
                    Unavailability::Storage => "unavailable",
                };
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, slug, e.to_string())
            }
            VaultError::Internal { .. } => {
                tracing::error!(error = %e.detail(), "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-body",
                format!(
                    "the JSON body does not have the expected shape: {}",
                    safe_serde_message(&e.body_text())
                ),
            ),
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::bad_request("the body is not valid JSON")
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send `Content-Type: application/json`",
            ),
            JsonRejection::BytesRejection(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "the body is too large or could not be read",
            ),
            _ => ApiError::bad_request("the body could not be read"),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        ApiError::bad_request("the query string is malformed")
    }
}

/// serde's messages quote the offending value ("invalid type: string \"4111...\""); keep only the
/// parts that name the schema: missing and unknown fields, and the position.
pub(crate) fn safe_serde_message(text: &str) -> String {
    // serde puts the position last; anything else that looks like one is caller input.
    let position = text
        .rfind(" at line ")
        .map(|i| &text[i + 1..])
        .filter(|p| is_position(p))
        .map(str::to_owned);
    // What serde says starts after axum's prefix and the field path; its first words name the
    // kind of error. Searching further in would find words a caller put in a key or a value.
    let body = text.split_once("target type: ").map_or(text, |(_, b)| b);
    let said = match value_path(text) {
        Some(path) => body
            .strip_prefix(path)
            .and_then(|r| r.strip_prefix(": "))
            .unwrap_or(body),
        None => body,
    };
    let reason = if let Some(rest) = said.strip_prefix("missing field `") {
        // The name is the schema's own (serde's static str).
        format!("missing field `{}`", rest.split('`').next().unwrap_or(""))
    } else if let Some(rest) = said.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        // A key is caller input too: echo it only when it has the shape of a schema name.
        if !name.is_empty()
            && name.len() <= 32
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            format!("unknown field `{name}`")
        } else {
            "an unknown field".to_owned()
        }
    } else {
        match value_path(text) {
            Some(path) => format!("{path}: the value has the wrong type or form"),
            None => "a value has the wrong type or form".to_owned(),
        }
    };
    match position {
        Some(p) => format!("{reason} ({p})"),
        None => reason,
    }
}

/// `at line N column M`, and nothing else.
fn is_position(p: &str) -> bool {
    let Some(p) = p.strip_prefix("at ") else {
        return false;
    };
    let mut words = p.split(' ');
    matches!(
        (words.next(), words.next(), words.next(), words.next(), words.next()),
        (Some("line"), Some(l), Some("column"), Some(c), None)
            if !l.is_empty() && !c.is_empty()
                && l.bytes().all(|b| b.is_ascii_digit())
                && c.bytes().all(|b| b.is_ascii_digit())
    )
}

/// The field path axum's JSON extractor puts before serde's message (`fields[0].collected_at`),
/// when it is made of schema names and indexes only: keys a caller sent that are not in the
/// schema are refused as unknown fields before any value is read, so a path never carries data.
fn value_path(text: &str) -> Option<&str> {
    let rest = text.split("target type: ").nth(1)?;
    let (path, _) = rest.split_once(": ")?;
    let schema_like = !path.is_empty()
        && path.len() <= 64
        && path.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'[' | b']')
        })
        && path.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    schema_like.then_some(path)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.problem)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_lose_values() {
        let m = safe_serde_message(
            "Failed to deserialize the JSON body into the target type: fields[0].value: invalid type: integer `4111111111111111`, expected a string at line 1 column 40",
        );
        assert!(!m.contains("4111"), "{m}");
        assert!(m.contains("line 1 column 40"));
        assert!(m.starts_with("fields[0].value: "), "{m}");
        let m = safe_serde_message(
            "Failed to deserialize the JSON body into the target type: fields[0].collected_at: invalid type: integer `1`, expected a string at line 1 column 67",
        );
        assert_eq!(
            m,
            "fields[0].collected_at: the value has the wrong type or form (at line 1 column 67)"
        );
        // A path that does not look like the schema's is not repeated.
        let m = safe_serde_message(
            "Failed to deserialize the JSON body into the target type: 536-22-8145: invalid type: integer `1` at line 1 column 3",
        );
        assert!(!m.contains("536"), "{m}");
        let m = safe_serde_message("missing field `fields` at line 1 column 2");
        assert_eq!(m, "missing field `fields` (at line 1 column 2)");
        let m = safe_serde_message("unknown field `feilds`, expected `fields` at line 1 column 9");
        assert_eq!(m, "unknown field `feilds` (at line 1 column 9)");
        let m = safe_serde_message(
            "unknown field `4111111111111111`, expected `fields` at line 1 column 19",
        );
        assert_eq!(m, "an unknown field (at line 1 column 19)");
        // Found by the request_body fuzz target: a key that quotes serde's own words.
        let key = "knwkn fiemissing field `tok2222222222222222222222222mber";
        let m = safe_serde_message(&format!(
            "unknown field `{key}`, expected `subject` at line 1 column 60"
        ));
        assert_eq!(m, "an unknown field (at line 1 column 60)");
        let m = safe_serde_message(
            "invalid type: string \"missing field `4111111111111111` at line 9 column 9\", expected a boolean at line 1 column 40",
        );
        assert_eq!(
            m,
            "a value has the wrong type or form (at line 1 column 40)"
        );
        let m = safe_serde_message("invalid type: string \"x at line 4111111111111111\"");
        assert!(!m.contains("4111"), "{m}");
    }
}
