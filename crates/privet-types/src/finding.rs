//! Detector matches and located findings.

use serde::{Deserialize, Serialize};

use crate::PiiType;

/// A span a detector reports inside one haystack (a line, a cell, a chunk).
///
/// Offsets are byte offsets into the haystack the detector was given, `end`
/// exclusive. The matched bytes themselves are not copied: callers that need
/// them slice the haystack, so a `Match` never carries personal data.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// What kind of personal data the span holds.
    pub ty: PiiType,
    /// Start byte offset, inclusive.
    pub start: usize,
    /// End byte offset, exclusive.
    pub end: usize,
    /// How sure the detector is, in `0.0..=1.0`.
    pub confidence: f32,
}

impl Match {
    /// Length of the span in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span is empty (detectors never report such spans).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Match) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Where in an input a finding sits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Location {
    /// A span in a line of text: `line` is 1-based, `start`/`end` are 0-based
    /// byte offsets within that line, `end` exclusive.
    Text {
        /// 1-based line number.
        line: u64,
        /// Byte offset within the line where the span starts.
        start: usize,
        /// Byte offset within the line where the span ends (exclusive).
        end: usize,
    },
    /// A span in a cell of a table or a field of a structured record.
    Cell {
        /// 1-based data row (CSV row after the header, NDJSON line, array
        /// element, database row in scan order).
        row: u64,
        /// Header name, or dotted field path such as `customer.billing.email`.
        column: String,
        /// Byte offset within the cell value where the span starts.
        start: usize,
        /// Byte offset within the cell value where the span ends (exclusive).
        end: usize,
    },
}

/// A located, classified piece of personal data, ready for a sink.
///
/// `masked` is always safe to print. `value` is `Some` only when the user asked
/// for raw values (`--show-values`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The file path, or a source name such as `sqlite://shop.db#customers`.
    pub path: String,
    /// Where inside that input.
    #[serde(flatten)]
    pub location: Location,
    /// The kind of data.
    #[serde(rename = "type")]
    pub ty: PiiType,
    /// Confidence in `0.0..=1.0`, written with two decimals (`0.95`, not `0.949999988`).
    #[serde(serialize_with = "serialize_confidence")]
    pub confidence: f32,
    /// A masked rendering of the value, such as `j***@e***.com`.
    pub masked: String,
    /// The raw value, only when explicitly requested.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
}

/// A confidence as it is shown everywhere: two decimals, as a number.
pub fn rounded_confidence(confidence: f32) -> f64 {
    (f64::from(confidence) * 100.0).round() / 100.0
}

fn serialize_confidence<S: serde::Serializer>(c: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(rounded_confidence(*c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_finding_has_the_contract_keys() {
        let f = Finding {
            path: "a.log".into(),
            location: Location::Text {
                line: 3,
                start: 4,
                end: 9,
            },
            ty: PiiType::Email,
            confidence: 0.9,
            masked: "a***@b***.com".into(),
            value: None,
        };
        let v = serde_json::to_value(&f).expect("serializes");
        for key in ["path", "line", "start", "end", "type", "confidence"] {
            assert!(v.get(key).is_some(), "missing {key} in {v}");
        }
        assert_eq!(v["type"], "email");
        assert!(v.get("value").is_none());
    }

    #[test]
    fn cell_finding_has_the_contract_keys() {
        let f = Finding {
            path: "c.csv".into(),
            location: Location::Cell {
                row: 1,
                column: "email".into(),
                start: 0,
                end: 5,
            },
            ty: PiiType::Email,
            confidence: 0.9,
            masked: "x".into(),
            value: Some("raw".into()),
        };
        let v = serde_json::to_value(&f).expect("serializes");
        for key in ["path", "row", "column", "type", "confidence", "value"] {
            assert!(v.get(key).is_some(), "missing {key} in {v}");
        }
    }

    #[test]
    fn overlap_is_symmetric_and_exclusive_at_the_end() {
        let m = |start, end| Match {
            ty: PiiType::Email,
            start,
            end,
            confidence: 1.0,
        };
        assert!(m(0, 5).overlaps(&m(4, 8)));
        assert!(m(4, 8).overlaps(&m(0, 5)));
        assert!(!m(0, 5).overlaps(&m(5, 8)));
    }

    #[test]
    fn confidences_are_written_with_two_decimals() {
        let f = Finding {
            path: "a.log".into(),
            location: Location::Text {
                line: 1,
                start: 0,
                end: 1,
            },
            ty: PiiType::Email,
            confidence: 0.95_f32,
            masked: "x".into(),
            value: None,
        };
        let text = serde_json::to_string(&f).unwrap();
        assert!(text.contains("\"confidence\":0.95,"), "{text}");
        assert_eq!(rounded_confidence(0.95_f32), 0.95);
        assert_eq!(rounded_confidence(0.874_f32), 0.87);
        assert_eq!(rounded_confidence(1.0), 1.0);
    }
}
