//! k-anonymity over rows of quasi-identifier values: equivalence classes, k, l-diversity of a
//! sensitive column, re-identification risk, and suppression until k holds.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

use crate::DeidError;

/// What [`suppress_to_k`] writes in place of a quasi-identifier value.
pub const SUPPRESSED: &str = "*";

/// Rows that share the same quasi-identifier values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EquivalenceClass {
    /// The shared values.
    pub values: Vec<String>,
    /// Zero-based indexes of the rows in the class, ascending.
    pub rows: Vec<usize>,
}

impl EquivalenceClass {
    /// Number of rows in the class.
    pub fn size(&self) -> usize {
        self.rows.len()
    }
}

/// The re-identification risk of a table under the prosecutor model (the attacker knows the
/// subject is in the table): a row in a class of size `s` is re-identified with probability 1/s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskSummary {
    /// Number of rows.
    pub rows: usize,
    /// Number of equivalence classes.
    pub classes: usize,
    /// Size of the smallest class (0 for no rows).
    pub k: usize,
    /// Highest risk of any row: 1/k.
    pub max_risk: f64,
    /// Mean risk over rows: the sum of 1/s over rows is one per class, so classes/rows.
    pub average_risk: f64,
    /// Share of rows that are alone in their class.
    pub unique_share: f64,
}

/// Groups row indexes by key, classes in order of first appearance.
fn group<K: Hash + Eq + Clone>(keys: impl Iterator<Item = K>) -> Vec<(K, Vec<usize>)> {
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (row, key) in keys.enumerate() {
        match index.entry(key) {
            Entry::Occupied(at) => groups[*at.get()].1.push(row),
            Entry::Vacant(slot) => {
                groups.push((slot.key().clone(), vec![row]));
                slot.insert(groups.len() - 1);
            }
        }
    }
    groups
}

/// The equivalence classes of `rows`, in order of each class's first row.
pub fn equivalence_classes(rows: &[Vec<String>]) -> Vec<EquivalenceClass> {
    group(rows.iter().map(Vec::as_slice))
        .into_iter()
        .map(|(values, rows)| EquivalenceClass {
            values: values.to_vec(),
            rows,
        })
        .collect()
}

/// The k of the table: the size of its smallest equivalence class, 0 when there are no rows.
pub fn k(rows: &[Vec<String>]) -> usize {
    equivalence_classes(rows)
        .iter()
        .map(EquivalenceClass::size)
        .min()
        .unwrap_or(0)
}

/// How many rows sit in classes smaller than `k`.
pub fn rows_below(rows: &[Vec<String>], k: usize) -> usize {
    equivalence_classes(rows)
        .iter()
        .map(EquivalenceClass::size)
        .filter(|&size| size < k)
        .sum()
}

/// Distinct l-diversity: classes are formed on every column except `sensitive_col`, and the
/// result is the fewest distinct sensitive values any class has (0 when there are no rows).
pub fn l_diversity(rows: &[Vec<String>], sensitive_col: usize) -> Result<usize, DeidError> {
    let mut sensitive = Vec::with_capacity(rows.len());
    for (row, values) in rows.iter().enumerate() {
        let value = values
            .get(sensitive_col)
            .ok_or(DeidError::ColumnOutOfRange {
                row,
                column: sensitive_col,
            })?;
        sensitive.push(value.as_str());
    }
    let keys = rows.iter().map(|values| {
        values
            .iter()
            .enumerate()
            .filter(|&(column, _)| column != sensitive_col)
            .map(|(_, value)| value.as_str())
            .collect::<Vec<_>>()
    });
    Ok(group(keys)
        .iter()
        .map(|(_, members)| {
            let mut distinct: Vec<&str> = members.iter().map(|&row| sensitive[row]).collect();
            distinct.sort_unstable();
            distinct.dedup();
            distinct.len()
        })
        .min()
        .unwrap_or(0))
}

/// The re-identification risk summary of `rows`.
pub fn risk(rows: &[Vec<String>]) -> RiskSummary {
    let classes = equivalence_classes(rows);
    let sizes: Vec<usize> = classes.iter().map(EquivalenceClass::size).collect();
    let k = sizes.iter().copied().min().unwrap_or(0);
    let unique = sizes.iter().filter(|&&size| size == 1).count();
    let ratio = |part: usize, whole: usize| {
        if whole == 0 {
            0.0
        } else {
            part as f64 / whole as f64
        }
    };
    RiskSummary {
        rows: rows.len(),
        classes: classes.len(),
        k,
        max_risk: if k == 0 { 0.0 } else { 1.0 / k as f64 },
        average_risk: ratio(classes.len(), rows.len()),
        unique_share: ratio(unique, rows.len()),
    }
}

fn is_suppressed(values: &[String]) -> bool {
    values.iter().all(|v| v == SUPPRESSED)
}

/// Replaces every quasi-identifier value of rows in classes smaller than `k` with
/// [`SUPPRESSED`], returning the new rows and how many rows changed. The suppressed rows form
/// one class of their own; while that class is still smaller than `k`, the smallest remaining
/// class is suppressed too. The result has k of at least `k` whenever the table has at least
/// `k` rows of equal width.
pub fn suppress_to_k(rows: &[Vec<String>], k: usize) -> (Vec<Vec<String>>, usize) {
    let mut out = rows.to_vec();
    loop {
        let classes = equivalence_classes(&out);
        let small: Vec<&EquivalenceClass> = classes.iter().filter(|c| c.size() < k).collect();
        if small.is_empty() {
            break;
        }
        let open: Vec<&EquivalenceClass> = small
            .iter()
            .copied()
            .filter(|c| !is_suppressed(&c.values))
            .collect();
        let targets = if open.is_empty() {
            // Only the suppressed class is short: grow it by the smallest class still in clear.
            match classes
                .iter()
                .filter(|c| !is_suppressed(&c.values))
                .min_by_key(|c| c.size())
            {
                Some(class) => vec![class],
                None => break,
            }
        } else {
            open
        };
        for class in targets {
            for &row in &class.rows {
                for value in &mut out[row] {
                    SUPPRESSED.clone_into(value);
                }
            }
        }
    }
    let changed = rows.iter().zip(&out).filter(|(a, b)| a != b).count();
    (out, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|v| (*v).to_owned()).collect())
            .collect()
    }

    #[test]
    fn empty_table() {
        let rows: Vec<Vec<String>> = Vec::new();
        assert_eq!(k(&rows), 0);
        assert_eq!(rows_below(&rows, 3), 0);
        assert_eq!(l_diversity(&rows, 0).unwrap(), 0);
        let r = risk(&rows);
        assert_eq!((r.rows, r.classes, r.k), (0, 0, 0));
        assert_eq!(
            (r.max_risk, r.average_risk, r.unique_share),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(suppress_to_k(&rows, 2), (Vec::new(), 0));
    }

    #[test]
    fn a_short_suppressed_class_absorbs_the_smallest_other_class() {
        // a:2, b:2, c:1 with k = 2: c alone is suppressed, but one "*" row is still below 2,
        // so the first smallest class in clear (a) joins it: 3 rows change.
        let rows = table(&[&["a"], &["b"], &["a"], &["b"], &["c"]]);
        let (out, changed) = suppress_to_k(&rows, 2);
        assert_eq!(changed, 3);
        assert_eq!(out, table(&[&["*"], &["b"], &["*"], &["b"], &["*"]]));
        assert_eq!(k(&out), 2);
    }

    #[test]
    fn fewer_rows_than_k_suppresses_everything() {
        let rows = table(&[&["a", "1"], &["b", "2"]]);
        let (out, changed) = suppress_to_k(&rows, 5);
        assert_eq!(changed, 2);
        assert_eq!(out, table(&[&["*", "*"], &["*", "*"]]));
    }

    #[test]
    fn l_diversity_needs_the_column() {
        let rows = table(&[&["a", "x"], &["a"]]);
        assert_eq!(
            l_diversity(&rows, 1),
            Err(DeidError::ColumnOutOfRange { row: 1, column: 1 })
        );
    }
}
