//! `POST /analyze`: Presidio's analyzer request, answered by privet's detectors.

use std::collections::HashSet;

use axum::extract::State;
use privet_types::chars::CharCursor;
use privet_types::{Match, PiiType, rounded_confidence};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::entities::{presidio_name_of, privet_type, shown, well_formed};
use super::{PresidioCaller, blocking, invalid};
use crate::AppState;
use crate::api::ApiJson;
use crate::problem::{ApiError, Problem};

/// privet's own floor when the request names no `score_threshold` (Presidio's is 0): the
/// confidence `privet scan` reports from, at which its accuracy is measured.
const DEFAULT_THRESHOLD: f64 = 0.5;

/// Body of `POST /analyze`, Presidio's analyzer request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeIn {
    /// The text to analyze.
    pub text: String,
    /// Presidio's language code (`en`); required as by Presidio. privet's detectors do not
    /// depend on it.
    pub language: String,
    /// Entity names to look for (Presidio's, e.g. `EMAIL_ADDRESS`); all when absent or empty.
    /// Names of Presidio entities privet has no detector for are passed over.
    #[serde(default)]
    pub entities: Option<Vec<String>>,
    /// Results below this score are left out (0 to 1; privet's default is 0.5).
    #[serde(default)]
    pub score_threshold: Option<f64>,
    /// Presidio's request id for its logs; accepted and not used.
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// Accepted; `analysis_explanation` is always null.
    #[serde(default)]
    pub return_decision_process: Option<bool>,
    /// Presidio's context words; accepted and not used (privet scores by the words it knows).
    #[serde(default)]
    pub context: Option<Vec<String>>,
    /// Values that are never reported.
    #[serde(default)]
    pub allow_list: Option<Vec<String>>,
    /// How `allow_list` matches: `exact` (the only one offered).
    #[serde(default)]
    pub allow_list_match: Option<String>,
    /// Flags of Presidio's regex allow lists; accepted and not used.
    #[serde(default)]
    pub regex_flags: Option<i64>,
    /// Presidio's request-time recognizers: not offered, an empty list or null only.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    pub ad_hoc_recognizers: Option<Vec<serde_json::Value>>,
}

/// Which recognizer found a result, in Presidio's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecognitionMetadata {
    /// `privet.TYPE`: privet's detector of that type.
    pub recognizer_identifier: String,
    /// `privet`.
    pub recognizer_name: &'static str,
}

/// One result, in Presidio's shape (its keys in Presidio's order).
#[derive(Debug, Serialize, ToSchema)]
pub struct Recognized {
    /// Always null: privet does not explain its decisions this way.
    #[schema(value_type = Option<Object>)]
    pub analysis_explanation: Option<serde_json::Value>,
    /// Character offset just past the value.
    pub end: usize,
    /// Presidio's entity name.
    pub entity_type: &'static str,
    /// Which detector found it.
    pub recognition_metadata: RecognitionMetadata,
    /// Confidence, 0 to 1, two decimals.
    pub score: f64,
    /// Character offset where the value starts.
    pub start: usize,
}

/// The checked request: which types, from which confidence, and what never to report.
struct Settings {
    types: Vec<PiiType>,
    threshold: f32,
    allow: HashSet<String>,
}

fn settings(body: &AnalyzeIn) -> Result<Settings, ApiError> {
    if body.language.trim().is_empty() {
        return Err(invalid("`language` is empty; Presidio's clients send `en`"));
    }
    let threshold = body.score_threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(invalid("`score_threshold` must be between 0 and 1"));
    }
    if body
        .ad_hoc_recognizers
        .as_ref()
        .is_some_and(|r| !r.is_empty())
    {
        return Err(invalid(
            "`ad_hoc_recognizers` are not offered: privet's detectors are built in (GET /supportedentities lists them)",
        ));
    }
    match body.allow_list_match.as_deref() {
        None | Some("exact") => {}
        Some(_) => {
            return Err(invalid(
                "`allow_list_match` must be `exact`: regular-expression allow lists are not offered",
            ));
        }
    }
    let types = match body.entities.as_deref() {
        None | Some([]) => PiiType::ALL.to_vec(),
        Some(names) => {
            let mut types = Vec::new();
            for (i, name) in names.iter().enumerate() {
                match privet_type(name) {
                    Some(t) if !types.contains(&t) => types.push(t),
                    Some(_) => {}
                    // Presidio answers nothing for an entity it has no recognizer for; so does
                    // privet, for names that look like one.
                    None if well_formed(name) => {}
                    None => {
                        return Err(invalid(format!("entities[{i}] is {}", shown(name))));
                    }
                }
            }
            if types.is_empty() {
                return Err(invalid(
                    "none of `entities` is one privet detects; GET /supportedentities lists them",
                ));
            }
            types
        }
    };
    Ok(Settings {
        types,
        // The detectors' confidences are f32; `privet scan --min-confidence` converts the same way.
        threshold: threshold as f32,
        allow: body.allow_list.iter().flatten().cloned().collect(),
    })
}

/// The results of one text with character offsets, allowed values left out.
fn recognize(text: &str, matches: &[Match], allow: &HashSet<String>) -> Vec<Recognized> {
    let mut cursor = CharCursor::new(text);
    let mut out = Vec::with_capacity(matches.len());
    for m in matches {
        let value = text.get(m.start..m.end).unwrap_or_default();
        let start = cursor.chars_at(m.start);
        let end = cursor.chars_at(m.end);
        if allow.contains(value) {
            continue;
        }
        out.push(Recognized {
            analysis_explanation: None,
            end,
            entity_type: presidio_name_of(m.ty, value),
            recognition_metadata: RecognitionMetadata {
                recognizer_identifier: format!("privet.{}", m.ty.name()),
                recognizer_name: "privet",
            },
            score: rounded_confidence(m.confidence),
            start,
        });
    }
    out
}

/// Find personal data in a text (Presidio's analyzer contract).
#[utoipa::path(post, path = "/analyze", tag = "presidio", request_body = AnalyzeIn,
    responses((status = 200, body = Vec<Recognized>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn analyze(
    State(state): State<AppState>,
    _caller: PresidioCaller,
    ApiJson(body): ApiJson<AnalyzeIn>,
) -> Result<ApiJson<Vec<Recognized>>, ApiError> {
    let settings = settings(&body)?;
    let presidio = state.presidio.clone();
    let text = body.text;
    let found = blocking(move || {
        let detector = presidio.detector(&settings.types, settings.threshold)?;
        let mut matches = Vec::new();
        detector.detect(text.as_bytes(), &mut matches);
        Ok(recognize(&text, &matches, &settings.allow))
    })
    .await?;
    Ok(ApiJson(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: serde_json::Value) -> AnalyzeIn {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn settings_follow_presidio_and_refuse_what_privet_cannot_do() {
        let s = settings(&body(serde_json::json!({"text": "x", "language": "en"}))).unwrap();
        assert_eq!(s.types.len(), PiiType::ALL.len());
        assert_eq!(s.threshold, 0.5);
        let s = settings(&body(serde_json::json!({"text": "x", "language": "en",
            "entities": ["EMAIL_ADDRESS", "NRP", "email", "ES_NIE", "ES_NIF"], "score_threshold": 0.3})))
        .unwrap();
        assert_eq!(s.types, [PiiType::Email, PiiType::EsDni]);
        assert_eq!(s.threshold, 0.3);
        for (extra, needle) in [
            (
                serde_json::json!({"score_threshold": 1.5}),
                "between 0 and 1",
            ),
            (
                serde_json::json!({"entities": ["NRP"]}),
                "none of `entities`",
            ),
            (
                serde_json::json!({"entities": ["ana@example.com"]}),
                "entities[0] is a name that is not",
            ),
            (
                serde_json::json!({"allow_list_match": "regex"}),
                "must be `exact`",
            ),
            (
                serde_json::json!({"ad_hoc_recognizers": [{"name": "x"}]}),
                "not offered",
            ),
            (serde_json::json!({"language": " "}), "`language` is empty"),
        ] {
            let mut b = serde_json::json!({"text": "x", "language": "en"});
            for (k, v) in extra.as_object().unwrap() {
                b[k] = v.clone();
            }
            let err = settings(&body(b)).err().expect("refused");
            assert!(
                err.problem.detail.contains(needle),
                "{}",
                err.problem.detail
            );
            assert!(
                !err.problem.detail.contains("ana@"),
                "{}",
                err.problem.detail
            );
        }
    }

    #[test]
    fn offsets_count_characters_and_allowed_values_are_left_out() {
        let text = "Zoë: ana@example.com, bob@example.org";
        let at = |s: &str| text.find(s).unwrap();
        let matches = [
            Match {
                ty: PiiType::Email,
                start: at("ana"),
                end: at(","),
                confidence: 0.949,
            },
            Match {
                ty: PiiType::Email,
                start: at("bob"),
                end: text.len(),
                confidence: 0.9,
            },
        ];
        let out = recognize(text, &matches, &HashSet::new());
        assert_eq!((out[0].start, out[0].end), (5, 20));
        assert_eq!(out[0].score, 0.95);
        assert_eq!(out[0].entity_type, "EMAIL_ADDRESS");
        let allow = HashSet::from(["ana@example.com".to_owned()]);
        let out = recognize(text, &matches, &allow);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start, out[0].end), (22, 37));
    }
}
