//! `POST /deanonymize`: Presidio's deanonymizer request, undoing `encrypt`. The spans are the
//! items `/anonymize` answered (their places in the anonymized text); as in Presidio's
//! deanonymize engine they are not reconciled, only replaced from the last to the first. Each is
//! decrypted by privet redact's `fpe` in reverse under the key derived from the request's, which
//! is what `privet reveal` does with a file.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use privet_redact::spans::SpanOperators;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::anonymize::{AnonymizedItem, DEFAULT, Span, checked, operate};
use super::entities::shown;
use super::{Presidio, PresidioCaller, blocking, invalid, needs_deid_key, span_name};
use crate::AppState;
use crate::api::ApiJson;
use crate::problem::{ApiError, Problem};

/// The operators offered, as `GET /deanonymizers` lists them.
pub(crate) const DEANONYMIZERS: [&str; 1] = ["decrypt"];

/// Body of `POST /deanonymize`, Presidio's deanonymizer request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeanonymizeIn {
    /// The anonymized text.
    pub text: String,
    /// Operator per entity name, and `DEFAULT` for the rest: `{"type": "decrypt", "key":
    /// "..."}` with the key `encrypt` was given.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub deanonymizers: Option<BTreeMap<String, Value>>,
    /// The spans to decrypt: the `items` `/anonymize` answered, as they are.
    pub anonymizer_results: Vec<OperatorResultIn>,
}

/// One span to deanonymize, as `/anonymize` placed it; its other keys are accepted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorResultIn {
    /// Character offset where the span starts in the anonymized text.
    pub start: i64,
    /// Character offset just past it.
    pub end: i64,
    /// The entity name it was anonymized as (it picks the operator and the FF1 tweak).
    pub entity_type: String,
    /// Ignored (the ciphertext `/anonymize` placed there).
    #[serde(default)]
    pub text: Option<String>,
    /// Ignored (the operator `/anonymize` applied).
    #[serde(default)]
    pub operator: Option<String>,
    /// Passed through to the item answered for this span, as Presidio does.
    #[serde(default)]
    pub score: Option<f64>,
}

/// Answer of `POST /deanonymize`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeanonymizeOut {
    /// The text with the spans decrypted.
    pub text: String,
    /// One item per span decrypted, last span first (as Presidio lists them), with its place
    /// in the new text; `operator` is `decrypt`, `score` the one the span was sent with.
    pub items: Vec<AnonymizedItem>,
}

/// Reads one entry of `deanonymizers`: `decrypt` with its `key`. `entity` is repeated only when
/// it has the form of an entity name; parameter values never are.
fn parse(
    presidio: &Presidio,
    entity: &str,
    config: &Value,
) -> Result<Option<Arc<SpanOperators>>, ApiError> {
    let at = format!("deanonymizers.{}", shown(entity));
    let Value::Object(params) = config else {
        return Err(invalid(format!(
            "{at} must be an object such as {{\"type\": \"decrypt\", \"key\": \"...\"}}"
        )));
    };
    match params.get("type") {
        Some(Value::String(kind)) if kind == "decrypt" => {}
        Some(Value::String(_)) => {
            return Err(invalid(format!(
                "{at}: `type` must be decrypt, the one deanonymizer"
            )));
        }
        _ => return Err(invalid(format!("{at}: `type` must be an operator name"))),
    }
    if params.keys().any(|k| k != "type" && k != "key") {
        return Err(invalid(format!(
            "{at}: decrypt takes `key` and nothing else"
        )));
    }
    presidio.cipher(&at, params)
}

/// The decrypted text and its items; `scores` are those the spans came with, by index.
fn deanonymized(
    chars: &[char],
    spans: &[Span],
    scores: &[Option<f64>],
    ciphers: &BTreeMap<String, Option<Arc<SpanOperators>>>,
) -> Result<DeanonymizeOut, ApiError> {
    let out = operate(chars, spans, |span, value| {
        let at = format!("anonymizer_results[{}]", span.index);
        let entity = shown(&span.entity_type);
        let cipher = ciphers
            .get(&span.entity_type)
            .or_else(|| ciphers.get(DEFAULT))
            .ok_or_else(|| {
                invalid(format!(
                    "{at}: `deanonymizers` has nothing for {entity} and no DEFAULT"
                ))
            })?
            .as_ref()
            .ok_or_else(|| needs_deid_key("decrypt"))?;
        let (ty, name) = span_name(&span.entity_type);
        let plain = cipher
            .reveal(ty, &name, value)
            .map_err(|reason| invalid(format!("{at}: decrypt for {entity}: {reason}")))?;
        let score = scores.get(span.index).copied().flatten();
        Ok((plain, DEANONYMIZERS[0], score))
    })?;
    Ok(DeanonymizeOut {
        text: out.text,
        items: out.items,
    })
}

/// Decrypt the spans `/anonymize` encrypted (Presidio's deanonymizer contract).
#[utoipa::path(post, path = "/deanonymize", tag = "presidio", request_body = DeanonymizeIn,
    responses((status = 200, body = DeanonymizeOut), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn deanonymize(
    State(state): State<AppState>,
    _caller: PresidioCaller,
    ApiJson(body): ApiJson<DeanonymizeIn>,
) -> Result<ApiJson<DeanonymizeOut>, ApiError> {
    let presidio = state.presidio.clone();
    let out = blocking(move || carry_out(&presidio, &body)).await?;
    Ok(ApiJson(out))
}

/// A deanonymizer request carried out, off the async threads.
fn carry_out(presidio: &Presidio, body: &DeanonymizeIn) -> Result<DeanonymizeOut, ApiError> {
    let mut ciphers = BTreeMap::new();
    for (entity, config) in body.deanonymizers.iter().flatten() {
        ciphers.insert(entity.clone(), parse(presidio, entity, config)?);
    }
    let chars: Vec<char> = body.text.chars().collect();
    let spans = checked(
        &chars,
        "anonymizer_results",
        body.anonymizer_results
            .iter()
            .map(|r| (r.start, r.end, r.entity_type.as_str(), None)),
    )?;
    let scores: Vec<Option<f64>> = body.anonymizer_results.iter().map(|r| r.score).collect();
    deanonymized(&chars, &spans, &scores, &ciphers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use privet_crypto::SecretKey;
    use serde_json::json;

    fn presidio(key: Option<u8>) -> Presidio {
        Presidio::new(key.map(|k| SecretKey::from_bytes([k; 32]))).unwrap()
    }

    fn encrypt(p: &Presidio, text: &str, spans: Value, key: &str) -> Value {
        let body = serde_json::from_value(json!({
            "text": text, "analyzer_results": spans,
            "anonymizers": {"DEFAULT": {"type": "encrypt", "key": key}}
        }))
        .unwrap();
        serde_json::to_value(super::super::anonymize::carry_out(p, &body).unwrap()).unwrap()
    }

    fn decrypt(p: &Presidio, body: Value) -> Result<Value, ApiError> {
        let body: DeanonymizeIn = serde_json::from_value(body).unwrap();
        Ok(serde_json::to_value(carry_out(p, &body)?).unwrap())
    }

    #[test]
    fn decrypt_undoes_encrypt_under_both_keys_only() {
        let text = "Zoë Łukasiewicz paid with 4111 1111 1111 1111";
        let spans = json!([
            {"entity_type": "PERSON", "start": 0, "end": 15, "score": 0.9},
            {"entity_type": "CREDIT_CARD", "start": 26, "end": 45, "score": 1.0}]);
        let p = presidio(Some(7));
        let enc = encrypt(&p, text, spans, "WmZq4t7w!z%C&F)J");
        let anonymized = enc["text"].as_str().unwrap();
        assert_ne!(anonymized, text);
        assert_eq!(anonymized.chars().count(), text.chars().count());
        let request = |key: &str| {
            json!({"text": anonymized, "anonymizer_results": enc["items"],
                   "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": key}}})
        };
        let out = decrypt(&p, request("WmZq4t7w!z%C&F)J")).unwrap();
        assert_eq!(out["text"], text);
        assert_eq!(out["items"][0]["operator"], "decrypt");
        assert_eq!(out["items"][0]["text"], "4111 1111 1111 1111");
        // The score the item came with goes through, as in Presidio; none gives null.
        assert_eq!(out["items"][0]["score"], 1.0);
        let mut bare = request("WmZq4t7w!z%C&F)J");
        for item in bare["anonymizer_results"].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("score");
        }
        assert_eq!(decrypt(&p, bare).unwrap()["items"][0]["score"], Value::Null);
        // Another request key, or the same one under another server key, gives something else.
        let wrong = decrypt(&p, request("WmZq4t7w!z%C&F)K")).unwrap();
        assert_ne!(wrong["text"], text);
        let other_server = decrypt(&presidio(Some(8)), request("WmZq4t7w!z%C&F)J")).unwrap();
        assert_ne!(other_server["text"], text);
        let err = decrypt(&presidio(None), request("WmZq4t7w!z%C&F)J")).unwrap_err();
        assert!(
            err.problem
                .detail
                .starts_with("decrypt needs the de-identification key"),
            "{}",
            err.problem.detail
        );
    }

    #[test]
    fn bad_deanonymizers_and_spans_are_named_without_values() {
        let p = presidio(Some(7));
        let text = "call 4111 1111 1111 1111";
        for (results, deanonymizers, needle) in [
            (
                json!([{"entity_type": "CREDIT_CARD", "start": 5, "end": 24}]),
                json!({"PERSON": {"type": "decrypt", "key": "k"}}),
                "anonymizer_results[0]: `deanonymizers` has nothing for `CREDIT_CARD` and no DEFAULT",
            ),
            (
                json!([{"entity_type": "CREDIT_CARD", "start": 5, "end": 99}]),
                json!({"DEFAULT": {"type": "decrypt", "key": "k"}}),
                "anonymizer_results[0]: `end` (99) is past the end of the text",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "decrypt", "key": ""}}),
                "deanonymizers.`DEFAULT`: `key` must not be empty",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "decrypt"}}),
                "`key` is required",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "encrypt", "key": "4111 1111 1111 1111"}}),
                "`type` must be decrypt",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "decrypt", "key": "k", "4111 1111 1111 1111": 1}}),
                "decrypt takes `key` and nothing else",
            ),
            (
                json!([{"entity_type": "X", "start": 0, "end": 3}, {"entity_type": "CREDIT_CARD", "start": 5, "end": 9}]),
                json!({"DEFAULT": {"type": "decrypt", "key": "k"}}),
                "anonymizer_results[1]: decrypt for `CREDIT_CARD`: value too short",
            ),
        ] {
            let err = decrypt(
                &p,
                json!({"text": text, "deanonymizers": deanonymizers, "anonymizer_results": results}),
            )
            .unwrap_err();
            let detail = &err.problem.detail;
            assert_eq!(err.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            assert!(detail.contains(needle), "{detail} lacks {needle}");
            assert!(!detail.contains("4111"), "{detail}");
        }
    }
}
