//! `POST /anonymize`: Presidio's anonymizer request. The spans are the caller's; how they are
//! reconciled (merged, dropped, cut) and where the replacements land follows Presidio 2.2's
//! anonymizer engine step by step, so the answer has the same text and items; what replaces each
//! span is privet-redact's operator for it. `encrypt` is privet redact's `fpe` (FF1) under a key
//! derived from the server's de-identification key and the request's `key`, which
//! [`super::deanonymize`] undoes.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use privet_deid::ops::HASH_LEN_MAX;
use privet_redact::policy::Op;
use privet_redact::spans::SpanOperators;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::entities::shown;
use super::{Presidio, PresidioCaller, blocking, invalid, needs_deid_key, span_name};
use crate::AppState;
use crate::api::ApiJson;
use crate::problem::{ApiError, Problem};

/// The operators offered, as `GET /anonymizers` lists them.
pub(crate) const OPERATORS: [&str; 6] = ["encrypt", "hash", "keep", "mask", "redact", "replace"];

/// The `anonymizers` key that applies to every entity without its own.
pub(super) const DEFAULT: &str = "DEFAULT";

/// Body of `POST /anonymize`, Presidio's anonymizer request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnonymizeIn {
    /// The text to anonymize.
    pub text: String,
    /// Operator per entity name, and `DEFAULT` for the rest: `{"type": "replace", "new_value":
    /// "..."}`, `{"type": "redact"}`, `{"type": "mask", "masking_char": "*", "chars_to_mask": 4,
    /// "from_end": true}`, `{"type": "hash", "hash_type": "sha256", "salt": "..."}`,
    /// `{"type": "encrypt", "key": "..."}`, `{"type": "keep"}`. Without one, an entity is
    /// replaced by `<ENTITY_TYPE>`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub anonymizers: Option<BTreeMap<String, Value>>,
    /// The spans to anonymize, as `/analyze` answers them (character offsets).
    pub analyzer_results: Vec<ResultIn>,
}

/// One span to anonymize; the keys `/analyze` adds besides these are accepted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultIn {
    /// Character offset where the span starts.
    pub start: i64,
    /// Character offset just past the span.
    pub end: i64,
    /// The entity name (any name; it picks the operator).
    pub entity_type: String,
    /// The score, which settles overlaps.
    #[serde(default)]
    pub score: Option<f64>,
    /// Ignored.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub analysis_explanation: Option<Value>,
    /// Ignored.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub recognition_metadata: Option<Value>,
}

/// Answer of `POST /anonymize`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymizeOut {
    /// The anonymized text.
    pub text: String,
    /// One item per span replaced, last span first (as Presidio lists them), with its place in
    /// the anonymized text.
    pub items: Vec<AnonymizedItem>,
}

/// Where one replacement landed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnonymizedItem {
    /// Character offset of the replacement in the anonymized text.
    pub start: usize,
    /// Character offset just past it.
    pub end: usize,
    /// The entity name of the span.
    pub entity_type: String,
    /// The replacement.
    pub text: String,
    /// The operator applied (`replace`, `redact`, `mask`, `hash`, `encrypt`, `keep`;
    /// `decrypt` in `/deanonymize`'s answer).
    pub operator: &'static str,
    /// The span's score (in `/deanonymize`'s answer, the score its item came with, as
    /// Presidio passes it through).
    pub score: Option<f64>,
}

/// A Presidio operator, checked, as privet will carry it out.
#[derive(Debug, Clone)]
enum Operator {
    Replace {
        new_value: Option<String>,
    },
    Redact,
    Mask {
        ch: char,
        chars: usize,
        from_end: bool,
    },
    Hash {
        salt: Option<String>,
    },
    /// FF1 under the key derived from the request's; `None` when the server has no
    /// de-identification key to derive it from.
    Encrypt {
        cipher: Option<Arc<SpanOperators>>,
    },
    Keep,
}

impl Operator {
    fn name(&self) -> &'static str {
        match self {
            Operator::Replace { .. } => "replace",
            Operator::Redact => "redact",
            Operator::Mask { .. } => "mask",
            Operator::Hash { .. } => "hash",
            Operator::Encrypt { .. } => "encrypt",
            Operator::Keep => "keep",
        }
    }

    /// Reads one entry of `anonymizers`; `key` is its entity name, repeated only when it has
    /// the form of one. Parameter values are never repeated.
    fn parse(presidio: &Presidio, key: &str, config: &Value) -> Result<Operator, ApiError> {
        let at = format!("anonymizers.{}", shown(key));
        let Value::Object(params) = config else {
            return Err(invalid(format!(
                "{at} must be an object such as {{\"type\": \"replace\"}}"
            )));
        };
        let kind = match params.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            _ => return Err(invalid(format!("{at}: `type` must be an operator name"))),
        };
        let allowed: &[&str] = match kind {
            "replace" => &["new_value"],
            "redact" | "keep" => &[],
            "mask" => &["masking_char", "chars_to_mask", "from_end"],
            "hash" => &["hash_type", "salt"],
            "encrypt" => &["key"],
            "decrypt" => {
                return Err(invalid(format!(
                    "{at}: `decrypt` is a deanonymizer: send it to /deanonymize"
                )));
            }
            _ => {
                return Err(invalid(format!(
                    "{at}: {} is not offered; use one of {}",
                    param_name(kind, "that operator"),
                    OPERATORS.join(", ")
                )));
            }
        };
        if let Some(extra) = params
            .keys()
            .find(|k| *k != "type" && !allowed.contains(&k.as_str()))
        {
            return Err(invalid(format!(
                "{at}: {kind} does not take {}",
                param_name(extra, "a parameter of that name")
            )));
        }
        let string = |name: &str| -> Result<Option<String>, ApiError> {
            match params.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(invalid(format!("{at}: `{name}` must be a string"))),
            }
        };
        Ok(match kind {
            "replace" => Operator::Replace {
                new_value: string("new_value")?,
            },
            "redact" => Operator::Redact,
            "keep" => Operator::Keep,
            "mask" => {
                let ch = string("masking_char")?.unwrap_or_else(|| "*".to_owned());
                let mut chars = ch.chars();
                let (Some(ch), None) = (chars.next(), chars.next()) else {
                    return Err(invalid(format!(
                        "{at}: `masking_char` must be one character"
                    )));
                };
                let chars = match params.get("chars_to_mask") {
                    Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {
                        // Presidio masks nothing for a negative count.
                        usize::try_from(n.as_i64().unwrap_or(i64::MAX).max(0)).unwrap_or(usize::MAX)
                    }
                    _ => {
                        return Err(invalid(format!(
                            "{at}: `chars_to_mask` must be a whole number"
                        )));
                    }
                };
                let from_end = match params.get("from_end") {
                    None | Some(Value::Null) => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => {
                        return Err(invalid(format!("{at}: `from_end` must be true or false")));
                    }
                };
                Operator::Mask {
                    ch,
                    chars,
                    from_end,
                }
            }
            "hash" => {
                match string("hash_type")?.as_deref() {
                    None | Some("sha256" | "sha512") => {}
                    Some(_) => {
                        return Err(invalid(format!(
                            "{at}: `hash_type` must be sha256 or sha512"
                        )));
                    }
                }
                let salt = string("salt")?;
                if salt.as_ref().is_some_and(|s| s.len() < 16) {
                    return Err(invalid(format!(
                        "{at}: `salt` must be at least 16 bytes, as Presidio requires"
                    )));
                }
                Operator::Hash { salt }
            }
            "encrypt" => Operator::Encrypt {
                cipher: presidio.cipher(&at, params)?,
            },
            _ => unreachable!("kinds were checked above"),
        })
    }

    /// The replacement of `value`, a span of `entity` from `analyzer_results[index]` (the first
    /// of the items it was merged from), by privet-redact's operators.
    fn apply(
        &self,
        presidio: &Presidio,
        index: usize,
        entity: &str,
        value: &str,
    ) -> Result<String, ApiError> {
        let (ty, name) = span_name(entity);
        let failed = |reason: String| {
            invalid(format!(
                "analyzer_results[{index}]: {} for {}: {reason}",
                self.name(),
                shown(entity)
            ))
        };
        let run = |op: &Op, part: &str| presidio.ops.apply(op, ty, &name, part).map_err(failed);
        match self {
            Operator::Replace { new_value } => {
                let label = match new_value.as_deref() {
                    Some(v) if !v.is_empty() => v.to_owned(),
                    _ => format!("<{entity}>"),
                };
                run(&Op::Redact { label: Some(label) }, value)
            }
            Operator::Redact => run(
                &Op::Redact {
                    label: Some(String::new()),
                },
                value,
            ),
            Operator::Keep => run(&Op::Keep, value),
            Operator::Mask {
                ch,
                chars,
                from_end,
            } => {
                // Presidio masks `chars` characters at one end; privet's mask (letters and
                // digits; separators stay) is applied to exactly those.
                let count = value.chars().count();
                let n = (*chars).min(count);
                let split = if *from_end { count - n } else { n };
                let at = value
                    .char_indices()
                    .nth(split)
                    .map_or(value.len(), |(b, _)| b);
                let (head, tail) = value.split_at(at);
                let mask = Op::Mask {
                    keep_last: 0,
                    ch: *ch,
                };
                Ok(if *from_end {
                    format!("{head}{}", run(&mask, tail)?)
                } else {
                    format!("{}{tail}", run(&mask, head)?)
                })
            }
            Operator::Hash { salt } => {
                if !presidio.ops.has_key() {
                    return Err(needs_deid_key("hash"));
                }
                run(
                    &Op::Hash {
                        len: HASH_LEN_MAX,
                        domain: salt.clone(),
                    },
                    value,
                )
            }
            Operator::Encrypt { cipher } => {
                let cipher = cipher.as_ref().ok_or_else(|| needs_deid_key("encrypt"))?;
                cipher
                    .apply(&Op::Fpe { luhn_valid: false }, ty, &name, value)
                    .map_err(failed)
            }
        }
    }
}

/// `name` in backquotes when it has the form of an operator or parameter name (lower-case
/// letters and underscores, at most 32), else `otherwise`: anything else could be data.
fn param_name(name: &str, otherwise: &str) -> String {
    if !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        format!("`{name}`")
    } else {
        otherwise.to_owned()
    }
}

/// A span as Presidio's engine carries it through conflict handling.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) entity_type: String,
    pub(super) score: f64,
    /// The request item it came from (of merged items, the first), for problems.
    pub(super) index: usize,
}

impl Span {
    /// Presidio's `intersects`: characters in common, spans that touch counting as 0.
    fn intersects(&self, other: &Span) -> usize {
        if self.end < other.start || other.end < self.start {
            return 0;
        }
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// Presidio's `_merge_same_entity_type_intersections`: overlapping spans of one entity merge into
/// their union with the higher score, at the position of the last one absorbed.
fn merge_same_type(spans: Vec<Span>) -> Vec<Span> {
    let mut by_type: BTreeMap<String, Vec<(usize, Span)>> = BTreeMap::new();
    let mut first_seen: Vec<String> = Vec::new();
    for (position, span) in spans.into_iter().enumerate() {
        if !by_type.contains_key(&span.entity_type) {
            first_seen.push(span.entity_type.clone());
        }
        by_type
            .entry(span.entity_type.clone())
            .or_default()
            .push((position, span));
    }
    let mut kept: Vec<(usize, Span)> = Vec::new();
    for entity in first_seen {
        let mut group = by_type.remove(&entity).unwrap_or_default();
        group.sort_by_key(|(_, s)| (s.start, s.end));
        let mut items = group.into_iter();
        let Some((mut position, mut current)) = items.next() else {
            continue;
        };
        for (next_position, span) in items {
            if current.intersects(&span) == 0 {
                kept.push((position, current));
                (position, current) = (next_position, span);
                continue;
            }
            current.start = current.start.min(span.start);
            current.end = current.end.max(span.end);
            current.score = current.score.max(span.score);
            current.index = current.index.min(span.index);
            position = position.max(next_position);
        }
        kept.push((position, current));
    }
    kept.sort_by_key(|(p, _)| *p);
    kept.into_iter().map(|(_, s)| s).collect()
}

/// Presidio's `_remove_contained_results`: a span inside another goes; of spans with the same
/// bounds the highest score stays (the last on a tie).
fn remove_contained(spans: Vec<Span>) -> Vec<Span> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].start, std::cmp::Reverse(spans[i].end)));
    let mut dropped = vec![false; spans.len()];
    let mut largest_end: Option<usize> = None;
    let mut g = 0;
    while g < order.len() {
        let first = &spans[order[g]];
        let mut e = g;
        while e < order.len()
            && spans[order[e]].start == first.start
            && spans[order[e]].end == first.end
        {
            e += 1;
        }
        let group = &order[g..e];
        if largest_end.is_some_and(|l| l >= first.end) {
            for &i in group {
                dropped[i] = true;
            }
        } else {
            let survivor = group
                .iter()
                .copied()
                .max_by(|&a, &b| spans[a].score.total_cmp(&spans[b].score).then(a.cmp(&b)));
            for &i in group {
                dropped[i] = Some(i) != survivor;
            }
        }
        if largest_end.is_none_or(|l| first.end > l) {
            largest_end = Some(first.end);
        }
        g = e;
    }
    spans
        .into_iter()
        .zip(dropped)
        .filter_map(|(s, d)| (!d).then_some(s))
        .collect()
}

/// Presidio's `_merge_entities_with_spaces_between`: neighbours of one entity separated only by
/// spaces become one span.
fn merge_across_spaces(chars: &[char], spans: Vec<Span>) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for mut span in spans {
        if let Some(prev) = merged.last() {
            let gap = chars.get(prev.end..span.start).unwrap_or_default();
            if prev.entity_type == span.entity_type
                && prev.end < span.start
                && gap.iter().all(|&c| c == ' ')
            {
                span.start = prev.start;
                span.index = span.index.min(prev.index);
                merged.pop();
            }
        }
        merged.push(span);
    }
    merged
}

/// The anonymized text and its items under the operators of `anonymizers`.
fn anonymized(
    presidio: &Presidio,
    chars: &[char],
    spans: &[Span],
    operators: &BTreeMap<String, Operator>,
) -> Result<AnonymizeOut, ApiError> {
    let default = Operator::Replace { new_value: None };
    operate(chars, spans, |span, value| {
        let op = operators
            .get(&span.entity_type)
            .or_else(|| operators.get(DEFAULT))
            .unwrap_or(&default);
        let replacement = op.apply(presidio, span.index, &span.entity_type, value)?;
        Ok((replacement, op.name(), Some(span.score)))
    })
}

/// The new text and its items, as Presidio's `_operate` builds them (for anonymizing and
/// deanonymizing alike): spans taken from the last to the first, each replacing the original
/// text up to where the one after it began. `replace` gives a span's replacement, from its
/// original text, the operator's name and the item's score.
pub(super) fn operate(
    chars: &[char],
    spans: &[Span],
    mut replace: impl FnMut(&Span, &str) -> Result<(String, &'static str, Option<f64>), ApiError>,
) -> Result<AnonymizeOut, ApiError> {
    let slice = |from: usize, to: usize| -> String { chars[from..to].iter().collect() };
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse((s.start, s.end)));
    let mut pieces: Vec<String> = Vec::with_capacity(order.len() * 2 + 1);
    let mut suffix_chars = 0usize;
    let mut last = chars.len();
    let mut placed: Vec<(usize, AnonymizedItem)> = Vec::with_capacity(order.len());
    for span in order {
        let (replacement, operator, score) = replace(span, &slice(span.start, span.end))?;
        let cut = span.end.min(last);
        let gap = slice(cut, last);
        suffix_chars += gap.chars().count();
        pieces.push(gap);
        let length = replacement.chars().count();
        suffix_chars += length;
        placed.push((
            suffix_chars,
            AnonymizedItem {
                start: 0,
                end: length,
                entity_type: span.entity_type.clone(),
                text: replacement.clone(),
                operator,
                score,
            },
        ));
        pieces.push(replacement);
        last = span.start;
    }
    pieces.push(slice(0, last));
    let total = suffix_chars + last;
    pieces.reverse();
    let items = placed
        .into_iter()
        .map(|(from_end, mut item)| {
            item.start = total - from_end;
            item.end += item.start;
            item
        })
        .collect();
    Ok(AnonymizeOut {
        text: pieces.concat(),
        items,
    })
}

/// Checks the spans against the text, then reconciles them as Presidio does.
fn spans(chars: &[char], results: &[ResultIn]) -> Result<Vec<Span>, ApiError> {
    let mut spans = checked(
        chars,
        "analyzer_results",
        results
            .iter()
            .map(|r| (r.start, r.end, r.entity_type.as_str(), r.score)),
    )?;
    spans.sort_by_key(|s| (s.start, s.end));
    let spans = remove_contained(merge_same_type(spans));
    Ok(merge_across_spaces(chars, spans))
}

/// The spans `(start, end, entity_type, score)` of the list `field`, checked against the text
/// by Presidio's rules: offsets not negative, start not past end, both within the text.
pub(super) fn checked<'a>(
    chars: &[char],
    field: &str,
    results: impl ExactSizeIterator<Item = (i64, i64, &'a str, Option<f64>)>,
) -> Result<Vec<Span>, ApiError> {
    let length = chars.len();
    let mut spans = Vec::with_capacity(results.len());
    for (i, (start, end, entity_type, score)) in results.enumerate() {
        let at = format!("{field}[{i}]");
        if entity_type.is_empty() {
            return Err(invalid(format!("{at}: `entity_type` is empty")));
        }
        let (Ok(start), Ok(end)) = (usize::try_from(start), usize::try_from(end)) else {
            return Err(invalid(format!(
                "{at}: `start` and `end` must not be negative"
            )));
        };
        if start > end {
            return Err(invalid(format!(
                "{at}: `start` ({start}) is past `end` ({end})"
            )));
        }
        if end > length {
            let unit = if length == 1 {
                "character"
            } else {
                "characters"
            };
            return Err(invalid(format!(
                "{at}: `end` ({end}) is past the end of the text ({length} {unit})"
            )));
        }
        spans.push(Span {
            start,
            end,
            entity_type: entity_type.to_owned(),
            score: score.unwrap_or(0.0),
            index: i,
        });
    }
    Ok(spans)
}

/// Replace, redact, mask, hash, encrypt or keep the spans of a text (Presidio's anonymizer
/// contract).
#[utoipa::path(post, path = "/anonymize", tag = "presidio", request_body = AnonymizeIn,
    responses((status = 200, body = AnonymizeOut), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn anonymize(
    State(state): State<AppState>,
    _caller: PresidioCaller,
    ApiJson(body): ApiJson<AnonymizeIn>,
) -> Result<ApiJson<AnonymizeOut>, ApiError> {
    let presidio = state.presidio.clone();
    let out = blocking(move || carry_out(&presidio, &body)).await?;
    Ok(ApiJson(out))
}

/// An anonymizer request carried out: operators read, spans checked and reconciled, the text
/// rebuilt. Run it off the async threads: operators over a large text take a while.
pub(super) fn carry_out(presidio: &Presidio, body: &AnonymizeIn) -> Result<AnonymizeOut, ApiError> {
    let mut operators = BTreeMap::new();
    for (entity, config) in body.anonymizers.iter().flatten() {
        operators.insert(entity.clone(), Operator::parse(presidio, entity, config)?);
    }
    let chars: Vec<char> = body.text.chars().collect();
    let spans = spans(&chars, &body.analyzer_results)?;
    anonymized(presidio, &chars, &spans, &operators)
}

#[cfg(test)]
mod tests {
    use super::*;
    use privet_crypto::SecretKey;
    use serde_json::json;

    fn run(presidio: &Presidio, body: Value) -> Result<Value, ApiError> {
        let body: AnonymizeIn = serde_json::from_value(body).unwrap();
        Ok(serde_json::to_value(carry_out(presidio, &body)?).unwrap())
    }

    fn without_scores(mut v: Value) -> Value {
        for item in v["items"].as_array_mut().into_iter().flatten() {
            item.as_object_mut().unwrap().remove("score");
        }
        v
    }

    /// The request and answer of Presidio's anonymizer REST documentation.
    #[test]
    fn presidio_documented_example() {
        let p = Presidio::new(None).unwrap();
        let out = run(
            &p,
            json!({
                "text": "hello world, my name is Jane Doe. My number is: 034453334",
                "anonymizers": {
                    "DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"},
                    "PHONE_NUMBER": {"type": "mask", "masking_char": "*", "chars_to_mask": 4, "from_end": true}
                },
                "analyzer_results": [
                    {"start": 24, "end": 32, "score": 0.8, "entity_type": "NAME"},
                    {"start": 24, "end": 28, "score": 0.8, "entity_type": "FIRST_NAME"},
                    {"start": 29, "end": 32, "score": 0.6, "entity_type": "LAST_NAME"},
                    {"start": 48, "end": 57, "score": 0.95, "entity_type": "PHONE_NUMBER"}
                ]
            }),
        )
        .unwrap();
        assert_eq!(
            without_scores(out),
            json!({
                "text": "hello world, my name is ANONYMIZED. My number is: 03445****",
                "items": [
                    {"operator": "mask", "entity_type": "PHONE_NUMBER", "start": 50, "end": 59, "text": "03445****"},
                    {"operator": "replace", "entity_type": "NAME", "start": 24, "end": 34, "text": "ANONYMIZED"}
                ]
            })
        );
    }

    /// Presidio's docstring example: two PERSON spans, replaced by one value.
    #[test]
    fn presidio_docstring_example_and_defaults() {
        let p = Presidio::new(None).unwrap();
        let out = run(
            &p,
            json!({"text": "My name is Bond, James Bond",
                   "anonymizers": {"PERSON": {"type": "replace", "new_value": "BIP"}},
                   "analyzer_results": [
                       {"entity_type": "PERSON", "start": 11, "end": 15, "score": 0.8},
                       {"entity_type": "PERSON", "start": 17, "end": 27, "score": 0.8}]}),
        )
        .unwrap();
        assert_eq!(out["text"], "My name is BIP, BIP");
        assert_eq!(
            (
                &out["items"][0]["start"],
                &out["items"][0]["end"],
                &out["items"][1]["start"]
            ),
            (&json!(16), &json!(19), &json!(11))
        );
        // No operator: `<ENTITY_TYPE>`; redact empties; keep keeps; the default applies to the
        // rest; spaces between spans of one entity join them.
        let out = run(
            &p,
            json!({"text": "Zoë Ana Silva ana@example.com 212-555-0100",
                   "anonymizers": {"DEFAULT": {"type": "keep"}, "EMAIL_ADDRESS": {"type": "redact"},
                                   "PERSON": {"type": "replace"}},
                   "analyzer_results": [
                       {"entity_type": "PERSON", "start": 0, "end": 7, "score": 0.7},
                       {"entity_type": "PERSON", "start": 8, "end": 13, "score": 0.9},
                       {"entity_type": "EMAIL_ADDRESS", "start": 14, "end": 29, "score": 1.0},
                       {"entity_type": "PHONE_NUMBER", "start": 30, "end": 42, "score": 0.75}]}),
        )
        .unwrap();
        assert_eq!(out["text"], "<PERSON>  212-555-0100");
        let ops: Vec<&str> = out["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["operator"].as_str().unwrap())
            .collect();
        assert_eq!(ops, ["keep", "redact", "replace"]);
        assert_eq!(out["items"][2]["end"], 8);
    }

    #[test]
    fn masks_count_characters_from_either_end_with_privets_mask() {
        let p = Presidio::new(None).unwrap();
        let mask = |from_end: bool, n: i64, ch: &str| {
            run(
                &p,
                json!({"text": "card 4111-1111-1111-1111 ok",
                       "anonymizers": {"CREDIT_CARD": {"type": "mask", "masking_char": ch, "chars_to_mask": n, "from_end": from_end}},
                       "analyzer_results": [{"entity_type": "CREDIT_CARD", "start": 5, "end": 24, "score": 1.0}]}),
            )
            .map(|v| v["text"].as_str().unwrap().to_owned())
        };
        assert_eq!(mask(false, 14, "#").unwrap(), "card ####-####-####-1111 ok");
        assert_eq!(mask(true, 4, "*").unwrap(), "card 4111-1111-1111-**** ok");
        assert_eq!(mask(true, 100, "*").unwrap(), "card ****-****-****-**** ok");
        assert_eq!(mask(false, -3, "*").unwrap(), "card 4111-1111-1111-1111 ok");
        assert!(mask(false, 4, "").is_err());
        assert!(mask(false, 4, "**").is_err());
    }

    #[test]
    fn hash_is_privets_keyed_pseudonym_and_needs_the_key() {
        let keyed = Presidio::new(Some(SecretKey::from_bytes([4; 32]))).unwrap();
        let body = |salt: Option<&str>| {
            let mut op = json!({"type": "hash", "hash_type": "sha256"});
            if let Some(s) = salt {
                op["salt"] = json!(s);
            }
            json!({"text": "a ana@example.com b ana@example.com",
                   "anonymizers": {"DEFAULT": op},
                   "analyzer_results": [
                       {"entity_type": "EMAIL_ADDRESS", "start": 2, "end": 17, "score": 1.0},
                       {"entity_type": "EMAIL_ADDRESS", "start": 20, "end": 35, "score": 1.0}]})
        };
        let out = run(&keyed, body(None)).unwrap();
        let a = out["items"][0]["text"].as_str().unwrap();
        assert_eq!(a, out["items"][1]["text"].as_str().unwrap());
        assert_eq!(a.len(), HASH_LEN_MAX);
        assert!(!a.contains("ana"));
        let expected = privet_deid::ops::hash(
            &SecretKey::from_bytes([4; 32]),
            "email",
            "ana@example.com",
            HASH_LEN_MAX,
        )
        .unwrap();
        assert_eq!(
            a, expected,
            "the pseudonym privet redact writes for an email"
        );
        let salted = run(&keyed, body(Some("a salt of sixteen+"))).unwrap();
        assert_ne!(salted["items"][0]["text"], out["items"][0]["text"]);
        let err = run(&keyed, body(Some("short"))).unwrap_err();
        assert!(
            err.problem.detail.contains("16 bytes"),
            "{}",
            err.problem.detail
        );

        let keyless = Presidio::new(None).unwrap();
        let err = run(&keyless, body(None)).unwrap_err();
        assert!(
            err.problem.detail.contains("PRIVET_DEID_KEY"),
            "{}",
            err.problem.detail
        );
    }

    #[test]
    fn encrypt_is_privets_fpe_and_names_the_item_it_cannot_take() {
        let body = json!({"text": "card 4111 1111 1111 1111 pin 1234, Zoë Łukasiewicz",
               "anonymizers": {"DEFAULT": {"type": "encrypt", "key": "WmZq4t7w!z%C&F)J"}},
               "analyzer_results": [
                   {"entity_type": "CREDIT_CARD", "start": 5, "end": 24, "score": 1.0},
                   {"entity_type": "PERSON", "start": 35, "end": 50, "score": 0.9},
                   {"entity_type": "PIN", "start": 29, "end": 33, "score": 0.5}]});
        let keyed = Presidio::new(Some(SecretKey::from_bytes([4; 32]))).unwrap();
        let err = run(&keyed, body.clone()).unwrap_err();
        assert_eq!(
            err.problem.detail,
            "analyzer_results[2]: encrypt for `PIN`: value too short for format-preserving encryption: 4 digits and 0 letters give fewer than 1,000,000 values"
        );
        let mut fine = body.clone();
        fine["analyzer_results"].as_array_mut().unwrap().pop();
        let out = run(&keyed, fine.clone()).unwrap();
        let text = out["text"].as_str().unwrap();
        assert_eq!(out["items"][0]["operator"], "encrypt");
        // Format kept: the card is still sixteen digits in groups, the name two words.
        assert_eq!(text.chars().count(), 50);
        assert!(
            !text.contains("4111 1111") && !text.contains("Zoë"),
            "{text}"
        );
        assert_eq!(&text[..5], "card ");
        // Deterministic under one key, like privet redact's fpe.
        assert_eq!(run(&keyed, fine.clone()).unwrap()["text"], text);

        let err = run(&Presidio::new(None).unwrap(), fine).unwrap_err();
        assert!(
            err.problem
                .detail
                .starts_with("encrypt needs the de-identification key"),
            "{}",
            err.problem.detail
        );
    }

    #[test]
    fn bad_spans_and_operators_are_named_without_values() {
        let p = Presidio::new(None).unwrap();
        let text = "call ana@example.com";
        for (results, anonymizers, needle) in [
            (
                json!([{"entity_type": "X", "start": -1, "end": 3}]),
                json!({}),
                "analyzer_results[0]: `start` and `end` must not be negative",
            ),
            (
                json!([{"entity_type": "X", "start": 0, "end": 3}, {"entity_type": "X", "start": 5, "end": 2}]),
                json!({}),
                "analyzer_results[1]: `start` (5) is past `end` (2)",
            ),
            (
                json!([{"entity_type": "X", "start": 5, "end": 99}]),
                json!({}),
                "past the end of the text (20 characters)",
            ),
            (
                json!([{"entity_type": "", "start": 0, "end": 1}]),
                json!({}),
                "`entity_type` is empty",
            ),
            (
                json!([]),
                json!({"EMAIL_ADDRESS": {"type": "decrypt", "key": "WmZq4t7w!z%C&F)J"}}),
                "`decrypt` is a deanonymizer",
            ),
            (
                json!([]),
                json!({"EMAIL_ADDRESS": {"type": "encrypt", "key": ""}}),
                "`key` must not be empty",
            ),
            (
                json!([]),
                json!({"EMAIL_ADDRESS": {"type": "encrypt"}}),
                "`key` is required",
            ),
            (
                json!([]),
                json!({"EMAIL_ADDRESS": {"type": "encrypt", "key": 16}}),
                "`key` must be a string",
            ),
            (
                json!([]),
                json!({"EMAIL_ADDRESS": {"type": "custom", "lambda": "lambda x: x"}}),
                "`custom` is not offered",
            ),
            (
                json!([]),
                json!({"ana@example.com": {"type": "shred"}}),
                "anonymizers.a name that is not an entity name",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "replace", "new_value": 4}}),
                "`new_value` must be a string",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "mask", "chars_to_mask": "4"}}),
                "`chars_to_mask` must be a whole number",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "redact", "ana@example.com": 1}}),
                "redact does not take a parameter of that name",
            ),
            (
                json!([]),
                json!({"DEFAULT": {"type": "hash", "hash_type": "md5"}}),
                "sha256 or sha512",
            ),
            (
                json!([]),
                json!({"DEFAULT": "replace"}),
                "must be an object",
            ),
        ] {
            let err = run(
                &p,
                json!({"text": text, "anonymizers": anonymizers, "analyzer_results": results}),
            )
            .unwrap_err();
            let detail = &err.problem.detail;
            assert_eq!(err.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
            assert!(detail.contains(needle), "{detail} lacks {needle}");
            assert!(
                !detail.contains("ana@") && !detail.contains("WmZq"),
                "{detail}"
            );
        }
    }

    #[test]
    fn conflicts_are_settled_as_presidio_settles_them() {
        let s = |start, end, entity_type: &str, score| Span {
            start,
            end,
            entity_type: entity_type.into(),
            score,
            index: 0,
        };
        // Same type, overlapping: one span, the union, the higher score.
        assert_eq!(
            merge_same_type(vec![
                s(0, 5, "A", 0.5),
                s(3, 8, "A", 0.9),
                s(10, 12, "A", 0.1)
            ]),
            [s(0, 8, "A", 0.9), s(10, 12, "A", 0.1)]
        );
        // Spans that only touch have no character in common and stay apart.
        assert_eq!(
            merge_same_type(vec![s(0, 5, "A", 0.5), s(5, 8, "A", 0.9)]).len(),
            2
        );
        // Contained spans go; equal bounds keep the higher score, the later on a tie.
        assert_eq!(
            remove_contained(vec![
                s(0, 10, "A", 0.5),
                s(2, 4, "B", 0.9),
                s(0, 10, "C", 0.7)
            ]),
            [s(0, 10, "C", 0.7)]
        );
        assert_eq!(
            remove_contained(vec![s(0, 3, "A", 0.5), s(0, 3, "B", 0.5)]),
            [s(0, 3, "B", 0.5)]
        );
        // Partial overlaps of different types both stay; the later one is replaced whole and
        // the earlier one up to where it begins, as Presidio's text builder does.
        let p = Presidio::new(None).unwrap();
        let chars: Vec<char> = "abcdefghij".chars().collect();
        let out = anonymized(
            &p,
            &chars,
            &[s(0, 6, "A", 0.5), s(4, 8, "B", 0.5)],
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(out.text, "<A><B>ij");
        let chars: Vec<char> = "Ana  Silva Lee".chars().collect();
        assert_eq!(
            merge_across_spaces(
                &chars,
                vec![s(0, 3, "P", 0.5), s(5, 10, "P", 0.5), s(11, 14, "Q", 0.5)]
            ),
            [s(0, 10, "P", 0.5), s(11, 14, "Q", 0.5)]
        );
    }
}
