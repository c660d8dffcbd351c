//! The redaction engine: column rules first, otherwise the detectors find spans and each span
//! is replaced by its type's operator while the rest of the value is kept byte for byte.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, PoisonError, RwLock};

use privet_crypto::SecretKey;
use privet_deid::Direction;
use privet_detect::{ColumnContext, Detector, DetectorConfig};
use privet_types::{Match, PiiType};

use crate::apply::{Operators, Target};
use crate::card_mark;
use crate::cell::{CellOut, CellRedactor, RedactError};
use crate::policy::{Op, Policy};
use crate::vault::VaultClient;

/// Times the output is scanned again for spans a replacement made detectable.
const RESCANS: usize = 3;

/// Which way the engine runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// De-identify.
    Redact,
    /// Undo the reversible operator (`fpe`); everything else stays as it is.
    Reveal,
}

/// The other values of the row a cell sits in, by column (input values, before redaction).
pub trait Row {
    /// The value of `column` in this row.
    fn get(&self, column: &str) -> Option<&str>;
}

/// Why an engine could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A configured operator needs the key and none was given.
    #[error(
        "{place} uses `{op}`, which needs a key: set PRIVET_DEID_KEY (base64 of 32 bytes) or pass --key-file"
    )]
    MissingKey {
        /// Where the operator is configured (`column ssn`, `type email`).
        place: String,
        /// The operator.
        op: &'static str,
    },
    /// `token` is configured without a vault to ask.
    #[error("{place} uses `token`, which needs --vault-url and --vault-key")]
    MissingVault {
        /// Where the operator is configured.
        place: String,
    },
    /// The detectors or the cipher could not be built.
    #[error("{0}")]
    Setup(String),
}

/// What the engine needs besides the policy.
#[derive(Debug, Default)]
pub struct Secrets {
    /// The de-identification key (hash, fpe, fake, date_shift).
    pub key: Option<SecretKey>,
    /// The vault for the `token` operator.
    pub vault: Option<VaultClient>,
}

/// Output values of the report's columns, in the order cells arrive.
struct Collector {
    /// Quasi-identifiers, then the sensitive column if any.
    columns: Vec<String>,
    values: Vec<Vec<String>>,
}

/// Applies a [`Policy`] to cells and text. Shared by all threads of an adapter.
pub struct Engine {
    detector: Detector,
    policy: Policy,
    ops: Operators,
    mode: Mode,
    contexts: RwLock<HashMap<String, ColumnContext>>,
    collector: Option<Mutex<Collector>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// An engine for `policy`; fails when an operator in it lacks its key or vault.
    pub fn new(policy: Policy, secrets: Secrets, mode: Mode) -> Result<Engine, EngineError> {
        let ops = Operators::new(secrets.key, secrets.vault).map_err(EngineError::Setup)?;
        for (place, op) in policy.operators() {
            let needed = match mode {
                Mode::Redact => op.needs_key(),
                Mode::Reveal => matches!(op, Op::Fpe { .. }),
            };
            if needed && !ops.has_key() {
                return Err(EngineError::MissingKey {
                    place,
                    op: op.name(),
                });
            }
            if mode == Mode::Redact && matches!(op, Op::Token { .. }) && !ops.has_vault() {
                return Err(EngineError::MissingVault { place });
            }
        }
        let detector = Detector::new(DetectorConfig::default())
            .map_err(|e| EngineError::Setup(e.to_string()))?;
        let spec = &policy.report;
        let collector = (!spec.quasi_identifiers.is_empty()).then(|| {
            let columns: Vec<String> = spec
                .quasi_identifiers
                .iter()
                .chain(&spec.sensitive)
                .cloned()
                .collect();
            Mutex::new(Collector {
                values: vec![Vec::new(); columns.len()],
                columns,
            })
        });
        Ok(Engine {
            detector,
            policy,
            ops,
            mode,
            contexts: RwLock::new(HashMap::new()),
            collector,
        })
    }

    /// The policy in use.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The output value of one cell, with its row for operators that read other columns
    /// (`date_shift` with a `subject`).
    pub fn cell_in_row(
        &self,
        column: &str,
        value: &str,
        row: Option<&dyn Row>,
    ) -> Result<CellOut, RedactError> {
        let out = match self.policy.for_column(column) {
            Some(op) => self.by_rule(column, op, value, row),
            None => self.by_detection(column, value),
        }
        .map_err(|reason| RedactError::Operator {
            column: column.to_owned(),
            reason,
        })?;
        self.collect(column, value, &out);
        Ok(out)
    }

    /// The quasi-identifier rows seen so far (sensitive value last when the policy names one),
    /// cut to the shortest column, and the number of quasi-identifiers.
    pub fn report_rows(&self) -> Option<(Vec<Vec<String>>, usize)> {
        let collector = self
            .collector
            .as_ref()?
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let rows = collector.values.iter().map(Vec::len).min().unwrap_or(0);
        let table = (0..rows)
            .map(|i| collector.values.iter().map(|c| c[i].clone()).collect())
            .collect();
        Some((table, self.policy.report.quasi_identifiers.len()))
    }

    fn collect(&self, column: &str, input: &str, out: &CellOut) {
        let Some(collector) = &self.collector else {
            return;
        };
        let mut collector = collector.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = collector.columns.iter().position(|c| c == column) else {
            return;
        };
        let value = match out {
            CellOut::Keep => input.to_owned(),
            CellOut::Replace(s) => s.clone(),
            CellOut::Null => String::new(),
        };
        collector.values[slot].push(value);
    }

    fn by_rule(
        &self,
        column: &str,
        op: &Op,
        value: &str,
        row: Option<&dyn Row>,
    ) -> Result<CellOut, String> {
        if value.is_empty() || *op == Op::Keep {
            return Ok(CellOut::Keep);
        }
        if self.mode == Mode::Reveal {
            let Op::Fpe { luhn_valid } = *op else {
                return Ok(CellOut::Keep);
            };
            // The same type as when redacting, so fpe walks back the way it went.
            let target = Target {
                name: column,
                ty: self.context(column).evidence(),
                subject: None,
            };
            return self
                .ops
                .fpe(&target, value, Direction::Decrypt, luhn_valid)
                .map(|s| changed(value, s));
        }
        let subject = match (op, row) {
            (
                Op::DateShift {
                    subject: Some(s), ..
                },
                Some(row),
            ) => Some(row.get(s).unwrap_or("")),
            (
                Op::DateShift {
                    subject: Some(_), ..
                },
                None,
            ) => {
                return Err(
                    "date_shift with a `subject` column needs a row-wise input (CSV, JSON, NDJSON)"
                        .into(),
                );
            }
            _ => None,
        };
        let ty = self.context(column).evidence();
        let target = Target {
            name: column,
            ty,
            subject,
        };
        Ok(match self.ops.apply(op, &target, value)? {
            Some(s) => changed(value, s),
            None => CellOut::Null,
        })
    }

    fn context(&self, column: &str) -> ColumnContext {
        if let Some(ctx) = self
            .contexts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(column)
        {
            return ctx.clone();
        }
        let ctx = ColumnContext::from_header(column);
        self.contexts
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(column.to_owned(), ctx.clone());
        ctx
    }

    fn by_detection(&self, column: &str, value: &str) -> Result<CellOut, String> {
        if value.is_empty() {
            return Ok(CellOut::Keep);
        }
        let ctx = self.context(column);
        let (out, _) =
            self.redact_all(value, |hay, out| self.detector.detect_field(&ctx, hay, out))?;
        Ok(if out.is_empty() {
            CellOut::Null
        } else {
            changed(value, out)
        })
    }

    /// `value` with every detected span replaced, until the output holds nothing detectable
    /// outside the replacements: a replacement can change the context of the text after it
    /// (a `[DATE_OF_BIRTH]` label makes the next date look like one), so the output is scanned
    /// again. Replacements themselves are never replaced twice, so `fpe` stays reversible.
    /// `value` with every detected span replaced, and how many spans were replaced.
    fn redact_all(
        &self,
        value: &str,
        detect: impl Fn(&[u8], &mut Vec<Match>),
    ) -> Result<(String, usize), String> {
        let mut matches = Vec::new();
        detect(value.as_bytes(), &mut matches);
        if self.mode == Mode::Reveal {
            self.find_marked_cards(value, &mut matches);
        }
        if matches.is_empty() {
            return Ok((value.to_owned(), 0));
        }
        let (mut out, mut replaced) = self.replace_spans(value, &matches, &[])?;
        if self.mode == Mode::Reveal {
            return Ok((out, replaced.len()));
        }
        for _ in 0..RESCANS {
            matches.clear();
            detect(out.as_bytes(), &mut matches);
            let fresh = matches
                .iter()
                .any(|m| !replaced.iter().any(|r| m.start < r.end && r.start < m.end));
            if !fresh {
                break;
            }
            (out, replaced) = self.replace_spans(&out, &matches, &replaced)?;
        }
        Ok((out, replaced.len()))
    }

    /// Default `fpe` writes card numbers that fail Luhn, which the detectors rightly pass over:
    /// when revealing, those spans are the cards, and a Luhn-valid card found in the text was
    /// never written by `fpe` and is left alone.
    fn find_marked_cards(&self, value: &str, matches: &mut Vec<Match>) {
        if *self.policy.for_type(PiiType::CardNumber) != (Op::Fpe { luhn_valid: false }) {
            return;
        }
        matches.retain(|m| m.ty != PiiType::CardNumber);
        let marked = card_mark::find_marked(value);
        if marked.is_empty() {
            return;
        }
        matches.retain(|m| !marked.iter().any(|r| m.start < r.end && r.start < m.end));
        matches.extend(marked.into_iter().map(|r| Match {
            ty: PiiType::CardNumber,
            start: r.start,
            end: r.end,
            confidence: 1.0,
        }));
        matches.sort_by_key(|m| m.start);
    }

    /// Free text with every detected span replaced, and the number of values replaced (not of
    /// lines changed).
    pub fn text_counted(&self, value: &str) -> Result<(String, usize), RedactError> {
        self.redact_all(value, |hay, out| self.detector.detect(hay, out))
            .map_err(|reason| RedactError::Operator {
                column: "text".into(),
                reason,
            })
    }

    /// `value` with every span outside `skip` replaced by its type's operator output, and the
    /// ranges of every replacement (old and new) in the result.
    fn replace_spans(
        &self,
        value: &str,
        matches: &[Match],
        skip: &[Range<usize>],
    ) -> Result<(String, Vec<Range<usize>>), String> {
        let mut out = String::with_capacity(value.len());
        let mut ranges = Vec::new();
        let mut last = 0;
        let mut kept = skip.iter().peekable();
        for m in matches {
            let (start, end) = char_bounds(value, m.start, m.end);
            if start < last || skip.iter().any(|r| start < r.end && r.start < end) {
                continue;
            }
            while let Some(r) = kept.next_if(|r| r.end <= start) {
                let shift = out.len() + r.start - last;
                ranges.push(shift..shift + r.len());
            }
            out.push_str(&value[last..start]);
            let replacement = self.span(m.ty, &value[start..end])?;
            ranges.push(out.len()..out.len() + replacement.len());
            out.push_str(&replacement);
            last = end;
        }
        for r in kept {
            let shift = out.len() + r.start - last;
            ranges.push(shift..shift + r.len());
        }
        out.push_str(&value[last..]);
        Ok((out, ranges))
    }

    fn span(&self, ty: PiiType, text: &str) -> Result<String, String> {
        let op = self.policy.for_type(ty);
        let target = Target {
            name: ty.name(),
            ty: Some(ty),
            subject: None,
        };
        match self.mode {
            Mode::Reveal => match *op {
                Op::Fpe { luhn_valid } => {
                    self.ops.fpe(&target, text, Direction::Decrypt, luhn_valid)
                }
                _ => Ok(text.to_owned()),
            },
            Mode::Redact => self
                .ops
                .apply(op, &target, text)
                .map(Option::unwrap_or_default)
                .map_err(|reason| format!("{ty}: {reason}")),
        }
    }
}

fn changed(input: &str, out: String) -> CellOut {
    if out == input {
        CellOut::Keep
    } else {
        CellOut::Replace(out)
    }
}

/// Widens a byte span to character boundaries, so a replacement never splits a character.
fn char_bounds(s: &str, start: usize, end: usize) -> (usize, usize) {
    let mut start = start.min(s.len());
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end.min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

impl CellRedactor for Engine {
    fn drops(&self, column: &str) -> bool {
        self.mode == Mode::Redact && self.policy.for_column(column) == Some(&Op::Drop)
    }

    fn cell(&self, column: &str, value: &str) -> Result<CellOut, RedactError> {
        self.cell_in_row(column, value, None)
    }

    fn text(&self, value: &str) -> Result<String, RedactError> {
        self.text_counted(value).map(|(out, _)| out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(policy: &str, key: bool) -> Result<Engine, EngineError> {
        let secrets = Secrets {
            key: key.then(|| SecretKey::from_bytes([9; 32])),
            vault: None,
        };
        Engine::new(Policy::parse(policy).unwrap(), secrets, Mode::Redact)
    }

    #[test]
    fn text_spans_are_replaced_and_the_rest_kept() {
        let e = engine("", false).unwrap();
        let input = "Mail ana.silva@example.com or call, card 4111 1111 1111 1111 ok.\nnext line\n";
        let out = e.text(input).unwrap();
        assert_eq!(
            out,
            "Mail [EMAIL] or call, card [CARD_NUMBER] ok.\nnext line\n"
        );
    }

    #[test]
    fn column_rules_win_over_detection() {
        let e = engine("[columns.ssn]\nop = \"mask\"\nkeep_last = 4\n[columns.notes]\nop = \"keep\"\n[columns.x]\nop=\"drop\"\n", false).unwrap();
        assert_eq!(
            e.cell("ssn", "123-45-6789").unwrap(),
            CellOut::Replace("***-**-6789".into())
        );
        assert_eq!(e.cell("notes", "ana@example.com").unwrap(), CellOut::Keep);
        assert_eq!(
            e.cell("other", "ana@example.com").unwrap(),
            CellOut::Replace("[EMAIL]".into())
        );
        assert_eq!(e.cell("other", "").unwrap(), CellOut::Keep);
        assert!(e.drops("x") && !e.drops("ssn"));
    }

    #[test]
    fn missing_key_is_an_error_naming_the_rule() {
        let err = engine("[columns.card]\nop = \"fpe\"\n", false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column card") && err.contains("PRIVET_DEID_KEY"),
            "{err}"
        );
        let err = engine("[defaults]\nemail = \"token\"\n", true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--vault-url"), "{err}");
    }

    #[test]
    fn fpe_columns_reveal() {
        let policy = Policy::parse("[columns.card]\nop = \"fpe\"\n").unwrap();
        let key = || Some(SecretKey::from_bytes([9; 32]));
        let fwd = Engine::new(
            policy.clone(),
            Secrets {
                key: key(),
                vault: None,
            },
            Mode::Redact,
        )
        .unwrap();
        let back = Engine::new(
            policy,
            Secrets {
                key: key(),
                vault: None,
            },
            Mode::Reveal,
        )
        .unwrap();
        let CellOut::Replace(enc) = fwd.cell("card", "4111-1111-1111-1111").unwrap() else {
            panic!("not replaced");
        };
        assert_eq!(
            back.cell("card", &enc).unwrap(),
            CellOut::Replace("4111-1111-1111-1111".into())
        );
        assert!(fwd.cell("card", "12").is_err());
    }

    struct Subject<'a>(&'a str);
    impl Row for Subject<'_> {
        fn get(&self, column: &str) -> Option<&str> {
            (column == "patient").then_some(self.0)
        }
    }

    #[test]
    fn date_shift_follows_the_subject() {
        let e = engine(
            "[columns.visit]\nop = \"date_shift\"\nsubject = \"patient\"\n",
            true,
        )
        .unwrap();
        let shift =
            |who: &str, d: &str| match e.cell_in_row("visit", d, Some(&Subject(who))).unwrap() {
                CellOut::Replace(s) => s,
                other => panic!("{other:?}"),
            };
        let a = jiff::civil::Date::strptime("%F", shift("p1", "2020-01-01")).unwrap();
        let b = jiff::civil::Date::strptime("%F", shift("p1", "2020-01-11")).unwrap();
        assert_eq!(a.until(b).unwrap().get_days(), 10);
        assert!(e.cell("visit", "2020-01-01").is_err());
    }

    #[test]
    fn report_rows_follow_the_cells() {
        let e = engine(
            "[report]\nquasi_identifiers = [\"zip\"]\nsensitive = \"dx\"\n",
            false,
        )
        .unwrap();
        for (zip, dx) in [("94107", "flu"), ("94107", "cold")] {
            e.cell("zip", zip).unwrap();
            e.cell("dx", dx).unwrap();
            e.cell("other", "x").unwrap();
        }
        let (rows, qi) = e.report_rows().unwrap();
        assert_eq!(qi, 1);
        assert_eq!(rows, vec![vec!["94107", "flu"], vec!["94107", "cold"]]);
    }
}
