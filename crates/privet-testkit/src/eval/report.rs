//! Per-type counts and the printed accuracy table.

use std::fmt;

use privet_types::PiiType;
use serde::Serialize;

use super::{PERSONAL, STRUCTURED};

/// True positives, false positives and false negatives for one type or a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Predictions that matched a gold label.
    pub tp: u64,
    /// Predictions that matched nothing.
    pub fp: u64,
    /// Gold labels that no prediction matched.
    #[serde(rename = "fn")]
    pub fn_: u64,
}

impl Counts {
    /// `tp / (tp + fp)`, 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// `tp / (tp + fn)`, 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }

    /// `2tp / (2tp + fp + fn)`, 1 when there was nothing to find and nothing was predicted.
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// Accuracy per type, with micro averages over the ten personal-data types and
/// over the seven structured ones. `secret` has its own row and is in neither.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    per_type: [Counts; PiiType::ALL.len()],
}

// Written out: arrays longer than 32 have no derived `Default`.
impl Default for Report {
    fn default() -> Self {
        Report {
            per_type: [Counts::default(); PiiType::ALL.len()],
        }
    }
}

impl Report {
    /// The counts of one type.
    pub fn counts(&self, ty: PiiType) -> Counts {
        self.per_type[ty.index()]
    }

    pub(crate) fn counts_mut(&mut self, ty: PiiType) -> &mut Counts {
        &mut self.per_type[ty.index()]
    }

    /// F1 of one type.
    pub fn f1(&self, ty: PiiType) -> f64 {
        self.counts(ty).f1()
    }

    fn sum(&self, types: &[PiiType]) -> Counts {
        let mut total = Counts::default();
        for ty in types {
            total.add(self.counts(*ty));
        }
        total
    }

    /// Counts summed over the ten personal-data types (everything but `secret`).
    pub fn micro_personal(&self) -> Counts {
        self.sum(&PERSONAL)
    }

    /// Counts summed over the seven structured types.
    pub fn micro_structured(&self) -> Counts {
        self.sum(&STRUCTURED)
    }

    /// A JSON summary: per-type counts and scores and both micro averages.
    pub fn to_json(&self) -> serde_json::Value {
        let row = |c: Counts| {
            serde_json::json!({
                "tp": c.tp, "fp": c.fp, "fn": c.fn_,
                "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
            })
        };
        let types: serde_json::Map<String, serde_json::Value> = PiiType::ALL
            .iter()
            .map(|t| (t.name().to_string(), row(self.counts(*t))))
            .collect();
        serde_json::json!({
            "types": types,
            "micro_10": row(self.micro_personal()),
            "micro_7": row(self.micro_structured()),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, name: &str, c: Counts| {
            writeln!(
                f,
                "{name:<16} {:>8} {:>8} {:>8} {:>9.4} {:>9.4} {:>9.4}",
                c.tp,
                c.fp,
                c.fn_,
                c.precision(),
                c.recall(),
                c.f1()
            )
        };
        writeln!(
            f,
            "{:<16} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9}",
            "type", "tp", "fp", "fn", "precision", "recall", "f1"
        )?;
        writeln!(f, "{}", "-".repeat(71))?;
        for ty in PERSONAL {
            line(f, ty.name(), self.counts(ty))?;
        }
        writeln!(f, "{}", "-".repeat(71))?;
        line(f, "micro (10 types)", self.micro_personal())?;
        line(f, "micro (7 struct)", self.micro_structured())?;
        writeln!(f, "{}", "-".repeat(71))?;
        line(f, "secret", self.counts(PiiType::Secret))?;
        // The identifier types beyond the eleven, where anything was
        // labelled or predicted.
        for ty in PiiType::ALL.into_iter().skip(PERSONAL.len() + 1) {
            let c = self.counts(ty);
            if c.tp + c.fp + c.fn_ > 0 {
                line(f, ty.name(), c)?;
            }
        }
        Ok(())
    }
}
