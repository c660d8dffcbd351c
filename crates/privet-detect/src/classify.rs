//! Column classification: what a column or field path holds, judged from the
//! matches found in a sample of its values and from its header.
//!
//! A value can match a validator by chance: one random 16-digit id in ten
//! passes Luhn, most 9-digit numbers pass the SSN rules. What tells a card
//! column from an order-id column is the share of values that match, whether
//! the matches are whole values, and what the header says.

use privet_types::{Match, PiiType};
use serde::Serialize;

use crate::column::ColumnContext;

const TYPES: usize = PiiType::ALL.len();

/// The classifier's decision for a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The column holds this type.
    Column,
    /// Some values hold it (free text mentioning it, a mixed column).
    Scattered,
    /// The matches are coincidence (identifiers that pass a checksum) or absent.
    NotPersonal,
}

/// The classification of one column.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// The type the column is judged by (the most frequent, or the header's).
    #[serde(rename = "type")]
    pub ty: Option<PiiType>,
    /// Sampled non-empty values holding at least one match of `ty`.
    pub matched: u64,
    /// Sampled non-empty values.
    pub non_empty: u64,
    /// `matched / non_empty`.
    pub share: f32,
    /// The type the header names, if any.
    pub header_evidence: Option<PiiType>,
    /// The decision.
    pub verdict: Verdict,
    /// Confidence in the decision for `ty`, `0.0..=1.0`.
    pub confidence: f32,
}

/// Counts for one type within a column.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct TypeCounts {
    /// Values with at least one match.
    values: u64,
    /// Values whose match covers the whole (trimmed) value.
    whole: u64,
    /// Sum over matched values of the best match confidence.
    confidence: f64,
}

/// Statistics over the sampled values of one column; cheap to merge.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnStats {
    non_empty: u64,
    types: [TypeCounts; TYPES],
}

// Written out: arrays longer than 32 have no derived `Default`.
impl Default for ColumnStats {
    fn default() -> Self {
        ColumnStats {
            non_empty: 0,
            types: [TypeCounts::default(); TYPES],
        }
    }
}

/// Types whose validators random identifiers pass by chance.
fn chance_prone(ty: PiiType) -> bool {
    matches!(
        ty,
        PiiType::CardNumber | PiiType::UsSsn | PiiType::Phone | PiiType::IpAddress
    )
}

impl ColumnStats {
    /// Records one sampled value and the matches found in it.
    pub fn observe(&mut self, value: &[u8], matches: &[Match]) {
        let trimmed = value.trim_ascii();
        if trimmed.is_empty() {
            return;
        }
        self.non_empty += 1;
        let lead = value.len() - value.trim_ascii_start().len();
        let mut best = [None::<(f32, bool)>; TYPES];
        for m in matches {
            let whole = m.start <= lead && m.end >= lead + trimmed.len();
            let slot = &mut best[m.ty.index()];
            let (c, w) = slot.unwrap_or((0.0, false));
            *slot = Some((c.max(m.confidence), w || whole));
        }
        for (counts, seen) in self.types.iter_mut().zip(best) {
            if let Some((c, whole)) = seen {
                counts.values += 1;
                counts.whole += u64::from(whole);
                counts.confidence += f64::from(c);
            }
        }
    }

    /// Adds another sample's statistics (from another thread or batch).
    pub fn merge(&mut self, other: &ColumnStats) {
        self.non_empty += other.non_empty;
        for (a, b) in self.types.iter_mut().zip(&other.types) {
            a.values += b.values;
            a.whole += b.whole;
            a.confidence += b.confidence;
        }
    }

    /// Sampled non-empty values.
    pub fn non_empty(&self) -> u64 {
        self.non_empty
    }

    /// Judges the column by its most telling type.
    ///
    /// The header's type is preferred when its values match; otherwise the
    /// type matched by the most values (ties to the more confident).
    pub fn summarize(&self, ctx: &ColumnContext) -> ColumnSummary {
        let header = ctx.evidence();
        let by_header = header.filter(|t| self.types[t.index()].values > 0);
        let most = PiiType::ALL
            .into_iter()
            .filter(|t| self.types[t.index()].values > 0)
            .max_by(|a, b| {
                let (ca, cb) = (&self.types[a.index()], &self.types[b.index()]);
                ca.values
                    .cmp(&cb.values)
                    .then(ca.confidence.total_cmp(&cb.confidence))
            });
        match by_header.or(most) {
            Some(ty) => self.summarize_type(ty, ctx),
            None => ColumnSummary {
                ty: None,
                matched: 0,
                non_empty: self.non_empty,
                share: 0.0,
                header_evidence: header,
                verdict: Verdict::NotPersonal,
                confidence: if self.non_empty > 0 { 0.9 } else { 0.0 },
            },
        }
    }

    /// Judges the column for every type that matched at least one value.
    pub fn summarize_all(&self, ctx: &ColumnContext) -> Vec<ColumnSummary> {
        PiiType::ALL
            .into_iter()
            .filter(|t| self.types[t.index()].values > 0)
            .map(|t| self.summarize_type(t, ctx))
            .collect()
    }

    /// Judges the column for one type.
    pub fn summarize_type(&self, ty: PiiType, ctx: &ColumnContext) -> ColumnSummary {
        let counts = self.types[ty.index()];
        let header = ctx.evidence();
        let matched = counts.values;
        let share = if self.non_empty == 0 {
            0.0
        } else {
            (matched as f64 / self.non_empty as f64) as f32
        };
        let mean = if matched == 0 {
            0.0
        } else {
            (counts.confidence / matched as f64) as f32
        };
        let whole_share = if matched == 0 {
            0.0
        } else {
            counts.whole as f32 / matched as f32
        };
        let (verdict, confidence) = if matched == 0 {
            (Verdict::NotPersonal, 0.9)
        } else if header == Some(ty) {
            if share >= 0.3 {
                (Verdict::Column, (0.7 + 0.3 * share).max(mean))
            } else {
                (Verdict::Scattered, mean)
            }
        } else if ctx.negative() && chance_prone(ty) {
            (Verdict::NotPersonal, 0.9)
        } else if share >= 0.8 {
            (Verdict::Column, mean * (0.6 + 0.4 * share))
        } else if chance_prone(ty) && share < 0.5 && whole_share >= 0.5 {
            // Whole values that pass a checksum in a minority of rows: identifiers.
            (Verdict::NotPersonal, 0.6 + 0.4 * (1.0 - share))
        } else {
            (Verdict::Scattered, mean)
        };
        ColumnSummary {
            ty: Some(ty),
            matched,
            non_empty: self.non_empty,
            share,
            header_evidence: header,
            verdict,
            confidence: confidence.clamp(0.0, 1.0),
        }
    }
}
