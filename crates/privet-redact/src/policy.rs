//! deid.toml: which operator each detected type and each named column gets, and which columns
//! the k-anonymity report looks at.
//!
//! The file is walked as a spanned TOML tree (like privet.toml) so that every problem, all of
//! them at once, points at its line.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use privet_deid::fake::FakeKind;
use privet_deid::ops::{DatePrecision, HASH_LEN_MAX, HASH_LEN_MIN};
use privet_detect::ColumnContext;
use privet_types::PiiType;
use privet_types::toml_doc::{self, LineIndex};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Pseudonym length when a `hash` rule gives none.
pub const DEFAULT_HASH_LEN: usize = 16;
/// Largest shift when a `date_shift` rule gives no `max_days`.
pub const DEFAULT_MAX_DAYS: u32 = 30;

const FF3_WITHDRAWN: &str = "`fpe-ff3-1` is not offered: NIST's 2025 draft of SP 800-38G (Rev. 2) withdraws FF3-1; use `fpe` (FF1)";

/// One de-identification operator with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Replace by a label (`[EMAIL]`); `Some("")` empties the value.
    Redact {
        /// The label; `None` is the type's (or column's) upper-case name in brackets.
        label: Option<String>,
    },
    /// Mask letters and digits but the last `keep_last`.
    Mask {
        /// Characters left in clear at the end.
        keep_last: usize,
        /// The mask character.
        ch: char,
    },
    /// Remove the column (columns only).
    Drop,
    /// Keyed HMAC-SHA256 pseudonym.
    Hash {
        /// Pseudonym length.
        len: usize,
        /// Join domain: values hashed under the same domain and key join.
        domain: Option<String>,
    },
    /// Format-preserving encryption (FF1), tweaked by the column or type name; reversible.
    Fpe {
        /// Card numbers come out passing Luhn, for test systems that validate them; by default
        /// they fail it, so nothing downstream takes them for real cards.
        luhn_valid: bool,
    },
    /// A vault token from a running `privet serve`.
    Token {
        /// The token kind the vault is asked for (`card_number` or a data category).
        kind: Option<String>,
    },
    /// Coarsen the value.
    Generalize(Generalize),
    /// Shift dates by a keyed per-subject number of days.
    DateShift {
        /// Largest shift in days.
        max_days: u32,
        /// Column holding the subject id; all dates of one subject move together.
        subject: Option<String>,
    },
    /// A realistic replacement of the same kind.
    Fake {
        /// What to fake; for columns without one, the header or the detected type decides.
        kind: Option<FakeKind>,
    },
    /// Leave the value as it is.
    Keep,
}

/// How `generalize` coarsens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generalize {
    /// A date to its month or year.
    Date(DatePrecision),
    /// A number to its band of this width (ages, amounts).
    Band(u64),
    /// A postal code to this many leading characters.
    Prefix(usize),
}

impl Op {
    /// The operator's name in deid.toml.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Redact { .. } => "redact",
            Op::Mask { .. } => "mask",
            Op::Drop => "drop",
            Op::Hash { .. } => "hash",
            Op::Fpe { .. } => "fpe",
            Op::Token { .. } => "token",
            Op::Generalize(_) => "generalize",
            Op::DateShift { .. } => "date_shift",
            Op::Fake { .. } => "fake",
            Op::Keep => "keep",
        }
    }

    /// Whether the operator needs the de-identification key.
    pub fn needs_key(&self) -> bool {
        matches!(
            self,
            Op::Hash { .. } | Op::Fpe { .. } | Op::DateShift { .. } | Op::Fake { .. }
        )
    }
}

/// Which columns the k-anonymity report groups by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSpec {
    /// The quasi-identifier columns.
    pub quasi_identifiers: Vec<String>,
    /// The sensitive column whose l-diversity is reported.
    pub sensitive: Option<String>,
    /// The target k.
    pub k: Option<usize>,
}

/// A parsed deid.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    defaults: BTreeMap<PiiType, Op>,
    columns: BTreeMap<String, Op>,
    /// The `[report]` section.
    pub report: ReportSpec,
}

impl Default for Policy {
    /// Every detected identifier replaced by its label, which needs no key.
    fn default() -> Self {
        Policy {
            defaults: PiiType::ALL
                .into_iter()
                .map(|t| (t, Op::Redact { label: None }))
                .collect(),
            columns: BTreeMap::new(),
            report: ReportSpec::default(),
        }
    }
}

impl Policy {
    /// The operator for detected spans of `ty`.
    pub fn for_type(&self, ty: PiiType) -> &Op {
        self.defaults
            .get(&ty)
            .unwrap_or(&Op::Redact { label: None })
    }

    /// The rule of a named column, if the policy has one.
    pub fn for_column(&self, column: &str) -> Option<&Op> {
        self.columns.get(column)
    }

    /// Every column rule.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Op)> {
        self.columns.iter().map(|(c, op)| (c.as_str(), op))
    }

    /// Every operator in use, with where it is configured (`column ssn`, `type email`).
    pub fn operators(&self) -> Vec<(String, &Op)> {
        let types = self
            .defaults
            .iter()
            .map(|(t, op)| (format!("type {t}"), op));
        let columns = self
            .columns
            .iter()
            .map(|(c, op)| (format!("column {c}"), op));
        types.chain(columns).collect()
    }

    /// Parses deid.toml text. Unset types keep the default `redact`.
    pub fn parse(text: &str) -> Result<Policy, PolicyErrors> {
        let (root, lines) = toml_doc::parse(text).map_err(|e| PolicyErrors(vec![e]))?;
        let mut parser = Parser {
            lines,
            errors: Vec::new(),
        };
        let mut policy = Policy::default();
        parser.document(root.get_ref(), &mut policy);
        let mut errors = parser.errors;
        if errors.is_empty() {
            Ok(policy)
        } else {
            errors.sort_by_key(|e| (e.line, e.column));
            Err(PolicyErrors(errors))
        }
    }
}

/// One problem in deid.toml, at the line and column of the key or value at fault.
pub use privet_types::toml_doc::TomlError as PolicyError;

/// Every problem found in a deid.toml.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyErrors(pub Vec<PolicyError>);

impl fmt::Display for PolicyErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

type Key<'i> = Spanned<Cow<'i, str>>;
type Value<'i> = Spanned<DeValue<'i>>;

struct Parser<'s> {
    lines: LineIndex<'s>,
    errors: Vec<PolicyError>,
}

/// Parameters each operator accepts.
fn params_of(op: &str) -> &'static [&'static str] {
    match op {
        "redact" => &["label"],
        "mask" => &["keep_last", "char"],
        "hash" => &["len", "domain"],
        "token" => &["kind"],
        "generalize" => &["to", "band", "keep"],
        "date_shift" => &["max_days", "subject"],
        "fake" => &["kind"],
        "fpe" => &["luhn_valid"],
        _ => &[],
    }
}

const OPS: &[&str] = &[
    "redact",
    "mask",
    "drop",
    "hash",
    "fpe",
    "token",
    "generalize",
    "date_shift",
    "fake",
    "keep",
];

/// Where a rule applies, for the checks that depend on it.
enum Target<'a> {
    Type(PiiType),
    Column(&'a str),
}

impl Parser<'_> {
    fn error(&mut self, span: Range<usize>, message: String) {
        self.errors.push(self.lines.error(span, message));
    }

    fn document(&mut self, root: &DeTable<'_>, policy: &mut Policy) {
        for (key, value) in root.iter() {
            match key.get_ref().as_ref() {
                "defaults" => self.defaults(value, policy),
                "columns" => self.columns(value, policy),
                "report" => policy.report = self.report(value),
                other => self.error(
                    key.span(),
                    format!(
                        "unknown section `{other}`; expected one of: defaults, columns, report"
                    ),
                ),
            }
        }
    }

    fn table<'a, 'i>(&mut self, value: &'a Value<'i>, place: &str) -> Option<&'a DeTable<'i>> {
        toml_doc::expect_table(value, place)
            .map_err(|(span, message)| self.error(span, message))
            .ok()
    }

    fn defaults(&mut self, value: &Value<'_>, policy: &mut Policy) {
        let Some(table) = self.table(value, "[defaults]") else {
            return;
        };
        for (key, value) in table.iter() {
            let ty = match key.get_ref().parse::<PiiType>() {
                Ok(ty) => ty,
                Err(e) => {
                    self.error(key.span(), e.to_string());
                    continue;
                }
            };
            if let Some(op) = self.rule(key, value, &Target::Type(ty)) {
                policy.defaults.insert(ty, op);
            }
        }
    }

    fn columns(&mut self, value: &Value<'_>, policy: &mut Policy) {
        let Some(table) = self.table(value, "[columns]") else {
            return;
        };
        for (key, value) in table.iter() {
            let name = key.get_ref().to_string();
            if let Some(op) = self.rule(key, value, &Target::Column(&name)) {
                policy.columns.insert(name, op);
            }
        }
    }

    /// A rule: an operator name, or a table with `op` and its parameters.
    fn rule(&mut self, key: &Key<'_>, value: &Value<'_>, target: &Target<'_>) -> Option<Op> {
        let empty = DeTable::default();
        let (op_name, op_span, params) = match value.get_ref() {
            DeValue::String(s) => (s.to_string(), value.span(), &empty),
            DeValue::Table(t) => {
                let Some((_, op)) = t.iter().find(|(k, _)| k.get_ref() == "op") else {
                    self.error(key.span(), format!("`{}` has no `op`", key.get_ref()));
                    return None;
                };
                let Some(name) = op.get_ref().as_str() else {
                    self.error(op.span(), "`op` must be a string".into());
                    return None;
                };
                (name.to_owned(), op.span(), t)
            }
            _ => {
                self.error(
                    value.span(),
                    "expected an operator name or a table with `op`".into(),
                );
                return None;
            }
        };
        if op_name == "fpe-ff3-1" {
            self.error(op_span, FF3_WITHDRAWN.into());
            return None;
        }
        if !OPS.contains(&op_name.as_str()) {
            self.error(
                op_span,
                format!(
                    "unknown operator `{op_name}`; expected one of: {}",
                    OPS.join(", ")
                ),
            );
            return None;
        }
        let allowed = params_of(&op_name);
        let before = self.errors.len();
        for (k, _) in params.iter() {
            let name = k.get_ref().as_ref();
            if name != "op" && !allowed.contains(&name) {
                let expected = if allowed.is_empty() {
                    "it takes none".to_owned()
                } else {
                    format!("expected: {}", allowed.join(", "))
                };
                self.error(
                    k.span(),
                    format!("unknown parameter `{name}` for `{op_name}`; {expected}"),
                );
            }
        }
        let op = self.build(&op_name, op_span.clone(), params, target);
        if self.errors.len() > before {
            return None;
        }
        op
    }

    fn param<'a, 'i>(table: &'a DeTable<'i>, name: &str) -> Option<&'a Value<'i>> {
        table
            .iter()
            .find(|(k, _)| k.get_ref() == name)
            .map(|(_, v)| v)
    }

    fn string_param(&mut self, table: &DeTable<'_>, name: &str) -> Option<String> {
        let value = Self::param(table, name)?;
        match value.get_ref().as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                self.error(value.span(), format!("`{name}` must be a string"));
                None
            }
        }
    }

    fn bool_param(&mut self, table: &DeTable<'_>, name: &str) -> Option<bool> {
        let value = Self::param(table, name)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.error(value.span(), format!("`{name}` must be true or false"));
                None
            }
        }
    }

    fn int_param(&mut self, table: &DeTable<'_>, name: &str, min: u64, max: u64) -> Option<u64> {
        let value = Self::param(table, name)?;
        let parsed = match value.get_ref() {
            DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix()).ok(),
            _ => None,
        };
        match parsed {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.error(
                    value.span(),
                    format!("`{name}` must be a whole number from {min} to {max}"),
                );
                None
            }
        }
    }

    fn build(
        &mut self,
        op: &str,
        span: Range<usize>,
        params: &DeTable<'_>,
        target: &Target<'_>,
    ) -> Option<Op> {
        let usize_max = u64::try_from(usize::MAX).unwrap_or(u64::MAX);
        Some(match op {
            "redact" => Op::Redact {
                label: self.string_param(params, "label"),
            },
            "mask" => {
                let keep_last = self
                    .int_param(params, "keep_last", 0, usize_max)
                    .unwrap_or(0);
                let ch = match self.string_param(params, "char") {
                    None => '*',
                    Some(s) => {
                        let mut chars = s.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) => c,
                            _ => {
                                let at =
                                    Self::param(params, "char").map_or(span.clone(), |v| v.span());
                                self.error(at, "`char` must be one character".into());
                                '*'
                            }
                        }
                    }
                };
                Op::Mask {
                    keep_last: usize::try_from(keep_last).unwrap_or(usize::MAX),
                    ch,
                }
            }
            "drop" => {
                if let Target::Type(ty) = target {
                    self.error(
                        span,
                        format!(
                            "`drop` removes columns; for type {ty} use `redact` with `label = \"\"`"
                        ),
                    );
                    return None;
                }
                Op::Drop
            }
            "hash" => Op::Hash {
                len: self
                    .int_param(params, "len", HASH_LEN_MIN as u64, HASH_LEN_MAX as u64)
                    .map_or(DEFAULT_HASH_LEN, |n| n as usize),
                domain: self.string_param(params, "domain"),
            },
            "fpe" => {
                let luhn_valid = self.bool_param(params, "luhn_valid").unwrap_or(false);
                if luhn_valid
                    && let Target::Type(ty) = target
                    && *ty != PiiType::CardNumber
                {
                    let at = Self::param(params, "luhn_valid").map_or(span.clone(), |v| v.span());
                    self.error(
                        at,
                        format!("`luhn_valid` is for card numbers; {ty} has no Luhn check digit"),
                    );
                }
                Op::Fpe { luhn_valid }
            }
            "token" => Op::Token {
                kind: self.string_param(params, "kind"),
            },
            "generalize" => self.generalize(span, params, target)?,
            "date_shift" => Op::DateShift {
                max_days: self
                    .int_param(params, "max_days", 1, 36_500)
                    .map_or(DEFAULT_MAX_DAYS, |n| n as u32),
                subject: self.string_param(params, "subject"),
            },
            "fake" => {
                let kind = match self.string_param(params, "kind") {
                    Some(name) => match name.parse::<PiiType>().ok().and_then(fake_kind) {
                        Some(kind) => Some(kind),
                        None => {
                            let at = Self::param(params, "kind").map_or(span.clone(), |v| v.span());
                            self.error(at, fake_kinds_message(&name));
                            return None;
                        }
                    },
                    None => None,
                };
                let inferred = match target {
                    Target::Type(ty) => fake_kind(*ty),
                    Target::Column(c) => {
                        ColumnContext::from_header(c).evidence().and_then(fake_kind)
                    }
                };
                if kind.is_none() && inferred.is_none() {
                    let what = match target {
                        Target::Type(ty) => ty.name().to_owned(),
                        Target::Column(c) => format!("column {c} (give `kind`)"),
                    };
                    self.error(span, fake_kinds_message(&what));
                    return None;
                }
                Op::Fake {
                    kind: kind.or(inferred),
                }
            }
            _ => Op::Keep,
        })
    }

    fn generalize(
        &mut self,
        span: Range<usize>,
        params: &DeTable<'_>,
        target: &Target<'_>,
    ) -> Option<Op> {
        let given: Vec<&str> = ["to", "band", "keep"]
            .into_iter()
            .filter(|p| Self::param(params, p).is_some())
            .collect();
        let way = match given.as_slice() {
            [one] => *one,
            [] if matches!(target, Target::Type(PiiType::DateOfBirth)) => {
                return Some(Op::Generalize(Generalize::Date(DatePrecision::Year)));
            }
            _ => {
                self.error(
                    span,
                    "`generalize` takes exactly one of `to` (month|year), `band` (number width) or `keep` (postal code prefix length)".into(),
                );
                return None;
            }
        };
        let g = match way {
            "to" => match self.string_param(params, "to").as_deref() {
                Some("month") => Generalize::Date(DatePrecision::Month),
                Some("year") => Generalize::Date(DatePrecision::Year),
                _ => {
                    let at = Self::param(params, "to").map_or(span, |v| v.span());
                    self.error(at, "`to` must be \"month\" or \"year\"".into());
                    return None;
                }
            },
            "band" => Generalize::Band(self.int_param(params, "band", 1, u64::MAX)?),
            _ => Generalize::Prefix(self.int_param(params, "keep", 0, 64)? as usize),
        };
        Some(Op::Generalize(g))
    }

    fn report(&mut self, value: &Value<'_>) -> ReportSpec {
        let mut spec = ReportSpec::default();
        let Some(table) = self.table(value, "[report]") else {
            return spec;
        };
        for (key, value) in table.iter() {
            match key.get_ref().as_ref() {
                "quasi_identifiers" => match value.get_ref() {
                    DeValue::Array(items) => {
                        for item in items.iter() {
                            match item.get_ref().as_str() {
                                Some(s) => spec.quasi_identifiers.push(s.to_owned()),
                                None => self.error(item.span(), "quasi-identifiers are column names (strings)".into()),
                            }
                        }
                    }
                    _ => self.error(value.span(), "`quasi_identifiers` must be an array of column names".into()),
                },
                "sensitive" => spec.sensitive = self.string_param(table, "sensitive"),
                "k" => {
                    spec.k = self
                        .int_param(table, "k", 1, 1 << 32)
                        .map(|k| usize::try_from(k).unwrap_or(usize::MAX));
                }
                other => self.error(
                    key.span(),
                    format!("unknown key `{other}` in [report]; expected one of: quasi_identifiers, sensitive, k"),
                ),
            }
        }
        spec
    }
}

/// The fake kind for a detected type, where the fake library has one.
pub fn fake_kind(ty: PiiType) -> Option<FakeKind> {
    match ty {
        PiiType::Email => Some(FakeKind::Email),
        PiiType::PersonName => Some(FakeKind::PersonName),
        PiiType::Phone => Some(FakeKind::Phone),
        PiiType::CardNumber => Some(FakeKind::CardNumber),
        PiiType::UsSsn => Some(FakeKind::UsSsn),
        _ => None,
    }
}

fn fake_kinds_message(what: &str) -> String {
    format!(
        "`fake` has no generator for {what}; it fakes email, person_name, phone, card_number and us_ssn"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let text = r##"
[defaults]
email = "hash"
card_number = "fpe"
phone = { op = "mask", keep_last = 2, char = "#" }

[columns.ssn]
op = "mask"
keep_last = 4

[columns.birth_date]
op = "generalize"
to = "year"

[columns.internal_notes]
op = "drop"

[report]
quasi_identifiers = ["zip", "birth_date", "gender"]
sensitive = "diagnosis"
k = 5
"##;
        let p = Policy::parse(text).unwrap();
        assert_eq!(
            p.for_type(PiiType::Email),
            &Op::Hash {
                len: 16,
                domain: None
            }
        );
        assert_eq!(
            p.for_type(PiiType::CardNumber),
            &Op::Fpe { luhn_valid: false }
        );
        assert_eq!(
            p.for_type(PiiType::Phone),
            &Op::Mask {
                keep_last: 2,
                ch: '#'
            }
        );
        assert_eq!(p.for_type(PiiType::Iban), &Op::Redact { label: None });
        assert_eq!(
            p.for_column("ssn"),
            Some(&Op::Mask {
                keep_last: 4,
                ch: '*'
            })
        );
        assert_eq!(
            p.for_column("birth_date"),
            Some(&Op::Generalize(Generalize::Date(DatePrecision::Year)))
        );
        assert_eq!(p.for_column("internal_notes"), Some(&Op::Drop));
        assert_eq!(p.report.quasi_identifiers, ["zip", "birth_date", "gender"]);
        assert_eq!(p.report.sensitive.as_deref(), Some("diagnosis"));
        assert_eq!(p.report.k, Some(5));
    }

    fn errors(text: &str) -> Vec<(usize, String)> {
        Policy::parse(text)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.line, e.message))
            .collect()
    }

    #[test]
    fn problems_point_at_their_line() {
        let errs = errors(
            "[defaults]\nemail = \"hash\"\ncard = \"fpe\"\n\n[columns.x]\nop = \"mask\"\nkeep = 3\n[columns.y]\nop = \"shred\"\n[other]\n",
        );
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert_eq!(errs[0].0, 3);
        assert!(errs[0].1.contains("unknown data type"), "{errs:?}");
        assert_eq!(errs[1].0, 7);
        assert!(errs[1].1.contains("unknown parameter `keep` for `mask`"));
        assert_eq!(errs[2].0, 9);
        assert!(errs[2].1.contains("unknown operator `shred`"));
        assert_eq!(errs[3].0, 10);
    }

    #[test]
    fn ff3_is_refused_with_the_reason() {
        let errs = errors("[columns.card]\nop = \"fpe-ff3-1\"\n");
        assert_eq!(errs[0].0, 2);
        assert!(errs[0].1.contains("NIST") && errs[0].1.contains("withdraws FF3-1"));
    }

    #[test]
    fn fake_and_drop_are_checked_against_their_target() {
        assert!(
            errors("[defaults]\niban = \"fake\"\n")[0]
                .1
                .contains("no generator")
        );
        assert!(
            errors("[defaults]\nemail = \"drop\"\n")[0]
                .1
                .contains("removes columns")
        );
        assert!(
            errors("[columns.notes]\nop = \"fake\"\n")[0]
                .1
                .contains("give `kind`")
        );
        let p = Policy::parse("[columns.customer_email]\nop = \"fake\"\n").unwrap();
        assert_eq!(
            p.for_column("customer_email"),
            Some(&Op::Fake {
                kind: Some(FakeKind::Email)
            })
        );
        assert!(
            errors("[columns.age]\nop = \"generalize\"\n")[0]
                .1
                .contains("exactly one")
        );
        assert!(
            errors("[columns.h]\nop = \"hash\"\nlen = 4\n")[0]
                .1
                .contains("from 8 to 52")
        );
        assert!(errors("not toml = \n")[0].1.contains("invalid TOML"));
    }

    #[test]
    fn the_default_needs_no_key() {
        let p = Policy::default();
        assert!(p.operators().iter().all(|(_, op)| !op.needs_key()));
    }
}
