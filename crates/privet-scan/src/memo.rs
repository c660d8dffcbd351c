//! Per-column reuse of the engine's answer for values a column repeats.
//!
//! A table's low-cardinality columns (given names, surnames, cities,
//! postcodes, statuses) hold the same few hundred values in every row. The
//! engine's answer for a cell depends only on the column's header and the
//! cell's bytes, so a column remembers the answer for each short value it
//! has seen and hands it back when the value comes again: findings are
//! exactly those of the full engine. A column whose recent values rarely
//! repeat (e-mails, card numbers, ids) stops remembering after one window,
//! so unique columns pay one hash lookup per cell for a few thousand cells.

use std::collections::HashMap;

use privet_types::Match;

/// Longer values are rarely repeated whole; they are never remembered.
const MAX_VALUE: usize = 64;
/// Most values remembered per column (bounds memory whatever the input).
const MAX_ENTRIES: usize = 8192;
/// Most values remembered per worker thread over all columns of all
/// sources: a table of thousands of short columns stays within a few
/// megabytes.
pub(crate) const THREAD_ENTRIES: usize = 1 << 16;
/// Lookups per window after which the hit rate is judged.
const WINDOW: u32 = 4096;
/// A window with fewer hits than this turns the column's memo off: a miss
/// costs a hash and a copy on top of the engine, a hit saves the engine.
const MIN_HITS: u32 = WINDOW / 8;

/// What one column remembers.
#[derive(Default)]
pub(crate) struct ColumnMemo {
    answers: HashMap<Box<[u8]>, Box<[Match]>>,
    lookups: u32,
    hits: u32,
    off: bool,
}

impl ColumnMemo {
    /// The engine's answer for `value`: remembered, or computed by `detect`
    /// (which appends to `out`) and remembered while `room` (the thread's
    /// remaining entries) lasts. `out` must be empty.
    pub(crate) fn answer(
        &mut self,
        room: &mut usize,
        value: &[u8],
        out: &mut Vec<Match>,
        detect: impl FnOnce(&mut Vec<Match>),
    ) {
        if self.off || value.len() > MAX_VALUE {
            detect(out);
            return;
        }
        self.lookups += 1;
        if let Some(found) = self.answers.get(value) {
            self.hits += 1;
            out.extend_from_slice(found);
        } else {
            detect(out);
            if self.answers.len() < MAX_ENTRIES && *room > 0 {
                *room -= 1;
                self.answers.insert(value.into(), out.as_slice().into());
            }
        }
        if self.lookups == WINDOW {
            if self.hits < MIN_HITS {
                self.off = true;
                *room += self.answers.len();
                self.answers = HashMap::new();
            }
            self.lookups = 0;
            self.hits = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use privet_types::PiiType;

    use super::*;

    fn name_at(len: usize) -> Match {
        Match {
            ty: PiiType::PersonName,
            start: 0,
            end: len,
            confidence: 0.9,
        }
    }

    #[test]
    fn a_repeated_value_gets_the_first_answer_without_the_engine() {
        let mut memo = ColumnMemo::default();
        let mut room = THREAD_ENTRIES;
        let mut runs = 0;
        for _ in 0..3 {
            let mut out = Vec::new();
            memo.answer(&mut room, b"Ada", &mut out, |o| {
                runs += 1;
                o.push(name_at(3));
            });
            assert_eq!(out, vec![name_at(3)]);
        }
        assert_eq!(runs, 1);
    }

    #[test]
    fn an_empty_answer_is_remembered_too() {
        let mut memo = ColumnMemo::default();
        let mut room = THREAD_ENTRIES;
        let mut runs = 0;
        for _ in 0..2 {
            let mut out = Vec::new();
            memo.answer(&mut room, b"Paris", &mut out, |_| runs += 1);
            assert!(out.is_empty());
        }
        assert_eq!(runs, 1);
    }

    #[test]
    fn long_values_always_run_the_engine() {
        let mut memo = ColumnMemo::default();
        let mut room = THREAD_ENTRIES;
        let long = vec![b'a'; MAX_VALUE + 1];
        let mut runs = 0;
        for _ in 0..2 {
            memo.answer(&mut room, &long, &mut Vec::new(), |_| runs += 1);
        }
        assert_eq!(runs, 2);
    }

    #[test]
    fn a_column_of_unique_values_stops_remembering_after_one_window() {
        let mut memo = ColumnMemo::default();
        let mut room = THREAD_ENTRIES;
        for i in 0..WINDOW {
            memo.answer(&mut room, i.to_string().as_bytes(), &mut Vec::new(), |_| {});
        }
        assert!(memo.off);
        assert!(memo.answers.is_empty());
        let mut runs = 0;
        memo.answer(&mut room, b"0", &mut Vec::new(), |_| runs += 1);
        assert_eq!(runs, 1, "an unremembering column runs the engine");
    }

    #[test]
    fn a_repetitive_column_keeps_remembering_and_stays_bounded() {
        let mut memo = ColumnMemo::default();
        let mut room = THREAD_ENTRIES;
        for i in 0..(3 * WINDOW) {
            let v = (i % 100).to_string();
            memo.answer(&mut room, v.as_bytes(), &mut Vec::new(), |_| {});
        }
        assert!(!memo.off);
        assert_eq!(memo.answers.len(), 100);
        for i in 0..(2 * MAX_ENTRIES as u32) {
            memo.answer(
                &mut room,
                format!("x{i}").as_bytes(),
                &mut Vec::new(),
                |_| {},
            );
        }
        assert!(memo.answers.len() <= MAX_ENTRIES);
        assert_eq!(room, THREAD_ENTRIES - memo.answers.len());
    }

    #[test]
    fn the_thread_budget_caps_what_all_columns_remember() {
        let mut room = 3;
        let mut memo = ColumnMemo::default();
        for v in ["a", "b", "c", "d", "e"] {
            memo.answer(&mut room, v.as_bytes(), &mut Vec::new(), |_| {});
        }
        assert_eq!(memo.answers.len(), 3);
        assert_eq!(room, 0);
    }
}
