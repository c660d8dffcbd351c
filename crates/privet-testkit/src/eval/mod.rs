//! Scoring predictions against gold labels: TP/FP/FN, precision, recall, F1.
//!
//! Text rule: a prediction matches a gold label when it is on the same line,
//! has the same type, and overlaps at least half of the gold span; each gold
//! label and each prediction is matched at most once. Cell rule: same row,
//! column and type (duplicates on either side count once).

mod report;

use std::collections::{HashMap, HashSet};

use privet_types::PiiType;

use crate::label::{CellLabel, Label};
pub use report::{Counts, Report};

/// The seven types whose values a validator can confirm.
pub const STRUCTURED: [PiiType; 7] = [
    PiiType::Email,
    PiiType::Phone,
    PiiType::CardNumber,
    PiiType::UsSsn,
    PiiType::Iban,
    PiiType::IpAddress,
    PiiType::Url,
];

/// The ten personal-data types of the micro average (`secret` is scored apart).
pub const PERSONAL: [PiiType; 10] = [
    PiiType::Email,
    PiiType::Phone,
    PiiType::CardNumber,
    PiiType::UsSsn,
    PiiType::Iban,
    PiiType::IpAddress,
    PiiType::Url,
    PiiType::DateOfBirth,
    PiiType::PersonName,
    PiiType::StreetAddress,
];

/// True when `p` covers at least half of `gold` (on the same line and type).
fn matches(gold: &Label, p: &Label) -> bool {
    let overlap = gold.end.min(p.end).saturating_sub(gold.start.max(p.start));
    let gold_len = gold.end.saturating_sub(gold.start);
    overlap > 0 && overlap * 2 >= gold_len
}

/// The labels a detector got wrong: gold spans it missed and predictions
/// that matched nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Errors {
    /// Gold labels no prediction matched (false negatives).
    pub missed: Vec<Label>,
    /// Predictions that matched no gold label (false positives).
    pub spurious: Vec<Label>,
}

/// Score text predictions against gold labels.
pub fn evaluate(gold: &[Label], predicted: &[Label]) -> Report {
    score(gold, predicted).0
}

/// The false negatives and false positives behind [`evaluate`]'s counts.
pub fn errors(gold: &[Label], predicted: &[Label]) -> Errors {
    score(gold, predicted).1
}

fn score(gold: &[Label], predicted: &[Label]) -> (Report, Errors) {
    let mut report = Report::default();
    let mut errors = Errors::default();
    let mut by_key: HashMap<(u64, PiiType), Vec<(usize, bool)>> = HashMap::new();
    for (i, g) in gold.iter().enumerate() {
        by_key.entry((g.line, g.ty)).or_default().push((i, false));
    }
    // Each prediction takes the free gold label it overlaps most.
    for p in predicted {
        let slot = by_key.get_mut(&(p.line, p.ty)).and_then(|cands| {
            cands
                .iter_mut()
                .filter(|(i, used)| !*used && matches(&gold[*i], p))
                .max_by_key(|(i, _)| {
                    let g = &gold[*i];
                    g.end.min(p.end).saturating_sub(g.start.max(p.start))
                })
        });
        match slot {
            Some(slot) => {
                slot.1 = true;
                report.counts_mut(p.ty).tp += 1;
            }
            None => {
                report.counts_mut(p.ty).fp += 1;
                errors.spurious.push(*p);
            }
        }
    }
    for cands in by_key.values() {
        for (i, used) in cands {
            if !used {
                report.counts_mut(gold[*i].ty).fn_ += 1;
                errors.missed.push(gold[*i]);
            }
        }
    }
    errors.missed.sort();
    (report, errors)
}

/// Score cell predictions against gold cell labels.
pub fn evaluate_cells(gold: &[CellLabel], predicted: &[CellLabel]) -> Report {
    let mut report = Report::default();
    let gold: HashSet<&CellLabel> = gold.iter().collect();
    let predicted: HashSet<&CellLabel> = predicted.iter().collect();
    for p in &predicted {
        if gold.contains(p) {
            report.counts_mut(p.ty).tp += 1;
        } else {
            report.counts_mut(p.ty).fp += 1;
        }
    }
    for g in gold.difference(&predicted) {
        report.counts_mut(g.ty).fn_ += 1;
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(line: u64, start: usize, end: usize, ty: PiiType) -> Label {
        Label {
            line,
            start,
            end,
            ty,
        }
    }

    #[test]
    fn exact_match_is_true_positive() {
        let gold = [l(1, 0, 10, PiiType::Email)];
        let r = evaluate(&gold, &gold);
        assert_eq!(
            r.counts(PiiType::Email),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(r.counts(PiiType::Email).f1(), 1.0);
    }

    #[test]
    fn half_overlap_counts_and_less_does_not() {
        let gold = [l(1, 10, 20, PiiType::Phone)];
        assert_eq!(
            evaluate(&gold, &[l(1, 15, 30, PiiType::Phone)])
                .counts(PiiType::Phone)
                .tp,
            1
        );
        let r = evaluate(&gold, &[l(1, 16, 30, PiiType::Phone)]);
        assert_eq!(
            r.counts(PiiType::Phone),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
        // A superset covers the whole gold span.
        assert_eq!(
            evaluate(&gold, &[l(1, 0, 40, PiiType::Phone)])
                .counts(PiiType::Phone)
                .tp,
            1
        );
    }

    #[test]
    fn wrong_line_or_type_does_not_match() {
        let gold = [l(2, 0, 5, PiiType::UsSsn)];
        let r = evaluate(
            &gold,
            &[l(3, 0, 5, PiiType::UsSsn), l(2, 0, 5, PiiType::Phone)],
        );
        assert_eq!(
            r.counts(PiiType::UsSsn),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            r.counts(PiiType::Phone),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
    }

    #[test]
    fn errors_list_the_misses_and_the_spurious() {
        let gold = [l(1, 0, 10, PiiType::Email), l(2, 0, 10, PiiType::Email)];
        let e = errors(
            &gold,
            &[l(1, 0, 10, PiiType::Email), l(3, 0, 4, PiiType::Url)],
        );
        assert_eq!(e.missed, vec![l(2, 0, 10, PiiType::Email)]);
        assert_eq!(e.spurious, vec![l(3, 0, 4, PiiType::Url)]);
    }

    #[test]
    fn each_gold_matches_once() {
        let gold = [l(1, 0, 10, PiiType::Url)];
        let r = evaluate(
            &gold,
            &[l(1, 0, 10, PiiType::Url), l(1, 0, 9, PiiType::Url)],
        );
        assert_eq!(
            r.counts(PiiType::Url),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
    }

    #[test]
    fn two_golds_two_predictions_pair_up() {
        let gold = [l(1, 0, 10, PiiType::Email), l(1, 20, 30, PiiType::Email)];
        let r = evaluate(
            &gold,
            &[l(1, 21, 30, PiiType::Email), l(1, 0, 10, PiiType::Email)],
        );
        assert_eq!(
            r.counts(PiiType::Email),
            Counts {
                tp: 2,
                fp: 0,
                fn_: 0
            }
        );
    }

    #[test]
    fn empty_inputs_score_perfect_and_missing_all_scores_zero() {
        let r = evaluate(&[], &[]);
        assert_eq!(r.micro_personal().f1(), 1.0);
        let gold = [l(1, 0, 4, PiiType::Iban)];
        let r = evaluate(&gold, &[]);
        assert_eq!(r.counts(PiiType::Iban).f1(), 0.0);
        assert_eq!(r.counts(PiiType::Iban).recall(), 0.0);
        assert_eq!(r.counts(PiiType::Iban).precision(), 1.0);
    }

    #[test]
    fn secret_is_left_out_of_the_micro_averages() {
        let gold = [l(1, 0, 4, PiiType::Secret), l(2, 0, 4, PiiType::Email)];
        let r = evaluate(&gold, &[l(2, 0, 4, PiiType::Email)]);
        assert_eq!(
            r.micro_personal(),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            r.micro_structured(),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(r.counts(PiiType::Secret).fn_, 1);
    }

    #[test]
    fn structured_micro_leaves_out_names() {
        let gold = [l(1, 0, 4, PiiType::PersonName), l(2, 0, 4, PiiType::Email)];
        let r = evaluate(
            &gold,
            &[l(2, 0, 4, PiiType::Email), l(3, 0, 4, PiiType::PersonName)],
        );
        assert_eq!(
            r.micro_structured(),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            r.micro_personal(),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
    }

    #[test]
    fn cells_match_on_row_column_type_and_dedupe() {
        let c = |row, column: &str, ty| CellLabel {
            row,
            column: column.into(),
            ty,
        };
        let gold = [
            c(1, "email", PiiType::Email),
            c(2, "email", PiiType::Email),
            c(1, "notes", PiiType::Phone),
        ];
        let pred = [
            c(1, "email", PiiType::Email),
            c(1, "email", PiiType::Email),
            c(1, "notes", PiiType::Phone),
            c(1, "order_id", PiiType::UsSsn),
        ];
        let r = evaluate_cells(&gold, &pred);
        assert_eq!(
            r.counts(PiiType::Email),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 1
            }
        );
        assert_eq!(
            r.counts(PiiType::Phone),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!(
            r.counts(PiiType::UsSsn),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
    }
}
