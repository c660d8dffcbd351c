//! Presidio's analyzer and anonymizer REST contracts, answered by privet's detectors and
//! de-identification operators: an application written against Presidio switches to privet by
//! changing its URL.
//!
//! - `POST /analyze`: `{"text", "language", "entities"?, "score_threshold"?, ...}` to
//!   `[{"entity_type", "start", "end", "score", ...}]`, offsets in characters as Presidio counts
//!   them, entity names Presidio's ([`entities`]).
//! - `POST /anonymize`: `{"text", "anonymizers"?, "analyzer_results"}` to `{"text", "items"}`,
//!   with Presidio's conflict handling and its `replace`, `redact`, `mask`, `hash`, `encrypt`
//!   and `keep` operators carried out by privet-redact's operators.
//! - `POST /deanonymize`: `{"text", "deanonymizers", "anonymizer_results"}` to `{"text",
//!   "items"}`, Presidio's `decrypt` undoing `encrypt`.
//! - `GET /health`, `GET /supportedentities`, `GET /anonymizers`, `GET /deanonymizers`.
//!
//! `encrypt` is not Presidio's AES-CBC: it is privet redact's format-preserving `fpe` (FF1),
//! keyed by [`SecretKey::derive`] of the request's `key` under the server's de-identification
//! key, so a ciphertext is decrypted only by a caller who has the key and reaches this server
//! (or another with the same de-identification key).
//!
//! Every route but `/health` needs an API key like the rest of the API, unless privet.toml says
//! `[presidio] allow_anonymous = true` and the caller is on the loopback interface. Errors are
//! problem documents that name fields and positions, never values.

pub mod analyze;
pub mod anonymize;
pub mod deanonymize;
pub mod entities;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use privet_crypto::SecretKey;
use privet_detect::{Detector, DetectorConfig};
use privet_redact::spans::SpanOperators;
use privet_types::PiiType;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Authenticated;
use crate::problem::ApiError;

/// Detectors kept built at once; each distinct `entities` and `score_threshold` pair is one.
const MAX_DETECTORS: usize = 16;

/// The domain in which `encrypt` and `decrypt` derive their key from the request's (see
/// [`SecretKey::derive`]); a new scheme would take a new domain.
const CIPHER_DOMAIN: &[u8] = b"privet presidio encrypt v1";

/// What the Presidio-compatible routes share: detectors by settings, built on first use (a
/// server that never answers `/analyze` never compiles them), and the span operators with the
/// de-identification key when privet serve was given one.
pub struct Presidio {
    detectors: Mutex<HashMap<(u64, u32), Arc<Detector>>>,
    ops: SpanOperators,
}

impl std::fmt::Debug for Presidio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presidio")
            .field("ops", &self.ops)
            .finish_non_exhaustive()
    }
}

impl Presidio {
    /// The shared state; `deid_key` (`PRIVET_DEID_KEY`) is what the `hash` operator keys its
    /// pseudonyms with, as `privet redact` does.
    pub fn new(deid_key: Option<SecretKey>) -> Result<Presidio, String> {
        Ok(Presidio {
            detectors: Mutex::new(HashMap::new()),
            ops: SpanOperators::new(deid_key).map_err(|e| e.to_string())?,
        })
    }

    /// A detector for `types` reporting matches of at least `min_confidence`, as `privet scan
    /// --types ... --min-confidence ...` would build it. Call it off the async threads: the
    /// first build of a setting compiles the patterns.
    fn detector(&self, types: &[PiiType], min_confidence: f32) -> Result<Arc<Detector>, ApiError> {
        let mask = types.iter().fold(0u64, |m, t| m | 1u64 << t.index());
        let key = (mask, min_confidence.to_bits());
        if let Some(d) = self.cached(key) {
            return Ok(d);
        }
        let built = Detector::new(DetectorConfig {
            types: types.to_vec(),
            min_confidence,
            region: None,
        })
        .map(Arc::new)
        .map_err(|e| {
            tracing::error!(error = %e, "detector setup failed");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the detectors could not be built",
            )
        })?;
        let mut map = self
            .detectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if map.len() >= MAX_DETECTORS {
            map.clear();
        }
        Ok(map.entry(key).or_insert(built).clone())
    }

    /// The FF1 operators for the `key` parameter of an `encrypt` or `decrypt` entry (named
    /// `at` in problems): privet's `fpe` under a key derived from the de-identification key
    /// and the request's key, so decrypting needs both. `None` without a de-identification
    /// key: like `hash`, the operator is then refused once a span needs it.
    fn cipher(
        &self,
        at: &str,
        params: &Map<String, Value>,
    ) -> Result<Option<Arc<SpanOperators>>, ApiError> {
        let key = match params.get("key") {
            None | Some(Value::Null) => return Err(invalid(format!("{at}: `key` is required"))),
            Some(Value::String(key)) if key.is_empty() => {
                return Err(invalid(format!("{at}: `key` must not be empty")));
            }
            Some(Value::String(key)) => key,
            Some(_) => return Err(invalid(format!("{at}: `key` must be a string"))),
        };
        self.ops
            .derived(CIPHER_DOMAIN, key.as_bytes())
            .map(|ops| ops.map(Arc::new))
            .map_err(|e| {
                tracing::error!(error = %e, "cipher setup failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the cipher could not be set up",
                )
            })
    }

    fn cached(&self, key: (u64, u32)) -> Option<Arc<Detector>> {
        self.detectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()
    }
}

/// Whether `ip` is on the loopback interface (IPv4-mapped IPv6 addresses included).
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// A caller of the Presidio-compatible routes: one with a valid API key, or, when privet.toml
/// allows it, any caller on the loopback interface. A key that is sent is always checked.
pub struct PresidioCaller;

impl FromRequestParts<AppState> for PresidioCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let anonymous = !parts.headers.contains_key(AUTHORIZATION)
            && state.vault.policy().presidio().allow_anonymous
            && parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .is_some_and(|ConnectInfo(peer)| is_loopback(peer.ip()));
        if !anonymous {
            Authenticated::from_request_parts(parts, state).await?;
        }
        Ok(PresidioCaller)
    }
}

/// A 422 naming what in the body cannot be done.
fn invalid(detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-body", detail)
}

/// The 422 for a keyed operator (`hash`, `encrypt`, `decrypt`) on a server without the
/// de-identification key.
fn needs_deid_key(operator: &str) -> ApiError {
    invalid(format!(
        "{operator} needs the de-identification key: start privet serve with PRIVET_DEID_KEY (base64 of 32 bytes, or a key file's text, as for privet redact)"
    ))
}

/// The privet type of an entity name, if it names one, and what `privet redact` calls a span
/// of it: the type's name, else the entity name in lower case. That name is the hash domain
/// and the FF1 tweak, so a value gives the same output as in `privet redact`.
fn span_name(entity: &str) -> (Option<PiiType>, String) {
    let ty = entities::privet_type(entity);
    let name = ty.map_or_else(|| entity.to_ascii_lowercase(), |t| t.name().to_owned());
    (ty, name)
}

/// Runs CPU-bound work (detection, operators over a large text) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "presidio worker failed");
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request could not be completed",
        ))
    })
}

/// Presidio's liveness answer (no key needed, as for `/healthz`).
#[utoipa::path(get, path = "/health", tag = "presidio",
    responses((status = 200, description = "the Presidio-compatible analyzer and anonymizer answer", content_type = "text/plain")))]
pub async fn health() -> &'static str {
    "privet: Presidio-compatible analyzer and anonymizer are up\n"
}

/// Query of `GET /supportedentities`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupportedQuery {
    /// Presidio's language code; privet's detectors answer the same for every language.
    #[serde(default)]
    pub language: Option<String>,
}

/// The entity names `/analyze` may answer, sorted.
#[utoipa::path(get, path = "/supportedentities", tag = "presidio", params(SupportedQuery),
    responses((status = 200, body = Vec<String>), (status = 401, body = crate::problem::Problem)),
    security((), ("bearer" = [])))]
pub async fn supported_entities(
    _caller: PresidioCaller,
    ApiQuery(_query): ApiQuery<SupportedQuery>,
) -> ApiJson<Vec<&'static str>> {
    ApiJson(entities::supported())
}

/// The operators `/anonymize` carries out.
#[utoipa::path(get, path = "/anonymizers", tag = "presidio",
    responses((status = 200, body = Vec<String>), (status = 401, body = crate::problem::Problem)),
    security((), ("bearer" = [])))]
pub async fn anonymizers(_caller: PresidioCaller) -> ApiJson<Vec<&'static str>> {
    ApiJson(anonymize::OPERATORS.to_vec())
}

/// The operators `/deanonymize` carries out.
#[utoipa::path(get, path = "/deanonymizers", tag = "presidio",
    responses((status = 200, body = Vec<String>), (status = 401, body = crate::problem::Problem)),
    security((), ("bearer" = [])))]
pub async fn deanonymizers(_caller: PresidioCaller) -> ApiJson<Vec<&'static str>> {
    ApiJson(deanonymize::DEANONYMIZERS.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_callers_are_told_apart() {
        for (addr, loopback) in [
            ("127.0.0.1", true),
            ("127.8.9.10", true),
            ("::1", true),
            ("::ffff:127.0.0.1", true),
            ("10.0.0.7", false),
            ("192.168.1.2", false),
            ("::ffff:10.0.0.7", false),
            ("2001:db8::1", false),
            ("0.0.0.0", false),
        ] {
            let ip: IpAddr = addr.parse().unwrap();
            assert_eq!(is_loopback(ip), loopback, "{addr}");
        }
    }

    #[test]
    fn detectors_are_built_once_per_setting_and_bounded() {
        let p = Presidio::new(None).unwrap();
        let a = p.detector(&[PiiType::Email], 0.5).unwrap();
        let b = p.detector(&[PiiType::Email], 0.5).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = p.detector(&[PiiType::Email], 0.7).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        for i in 0..(MAX_DETECTORS as u32 + 3) {
            p.detector(&[PiiType::Email], i as f32 / 100.0).unwrap();
        }
        assert!(p.detectors.lock().unwrap().len() <= MAX_DETECTORS);
    }
}
