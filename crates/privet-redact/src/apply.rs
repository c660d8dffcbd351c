//! Applying one operator to one value, with the key material the operators need.

use privet_crypto::SecretKey;
use privet_deid::fake::{FakeKind, fake};
use privet_deid::ops;
use privet_deid::{Direction, Ff1, fpe_string};
use privet_types::PiiType;

use crate::card_mark::{self, CardClass};
use crate::dates;
use crate::policy::{Generalize, Op};
use crate::vault::VaultClient;

/// What the value is, for operators whose behaviour depends on it.
pub(crate) struct Target<'a> {
    /// Column name (rules) or type name (detected spans): the FPE tweak and hash domain.
    pub(crate) name: &'a str,
    /// The detected or header-given type, if known.
    pub(crate) ty: Option<PiiType>,
    /// The subject id for `date_shift`, read from the row.
    pub(crate) subject: Option<&'a str>,
}

/// Key material and clients; built once per run.
pub(crate) struct Operators {
    key: Option<SecretKey>,
    ff1: Option<Ff1>,
    vault: Option<VaultClient>,
}

impl Operators {
    pub(crate) fn new(key: Option<SecretKey>, vault: Option<VaultClient>) -> Result<Self, String> {
        let ff1 = match &key {
            Some(k) => Some(Ff1::new(k, 10).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(Operators { key, ff1, vault })
    }

    pub(crate) fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// The de-identification key, for deriving keys from it.
    pub(crate) fn secret_key(&self) -> Option<&SecretKey> {
        self.key.as_ref()
    }

    pub(crate) fn has_vault(&self) -> bool {
        self.vault.is_some()
    }

    fn key(&self) -> Result<&SecretKey, String> {
        self.key
            .as_ref()
            .ok_or_else(|| "no de-identification key".to_owned())
    }

    /// FPE in either direction; the reveal path uses it too. Card numbers come out marked
    /// (failing Luhn, see [`card_mark`]) unless `luhn_valid` asks for real-looking ones.
    pub(crate) fn fpe(
        &self,
        t: &Target<'_>,
        value: &str,
        direction: Direction,
        luhn_valid: bool,
    ) -> Result<String, String> {
        let ff1 = self
            .ff1
            .as_ref()
            .ok_or_else(|| "no de-identification key".to_owned())?;
        let step =
            |v: &str| fpe_string(ff1, t.name.as_bytes(), v, direction).map_err(|e| e.to_string());
        match t.ty {
            Some(PiiType::CardNumber) if !luhn_valid => {
                // The same formula both ways: a card is walked and marked, a marked value is
                // unmarked and walked, so each direction undoes the other.
                match card_mark::class(value) {
                    CardClass::Card => Ok(card_mark::toggle(&walk_within(
                        step,
                        value,
                        card_mark::class,
                        CardClass::Card,
                    )?)),
                    CardClass::Marked => walk_within(
                        step,
                        &card_mark::toggle(value),
                        card_mark::class,
                        CardClass::Card,
                    ),
                    CardClass::Other => {
                        walk_within(step, value, card_mark::class, CardClass::Other)
                    }
                }
            }
            // For a type with a validator, keep the result in the input's class (validating,
            // or not), so a value that did not validate cannot turn into one that does.
            Some(ty) => {
                let class = |v: &str| privet_detect::validates(ty, v);
                walk_within(step, value, class, class(value))
            }
            None => step(value),
        }
    }

    /// The output of `op` for `value`: `None` means empty (null in typed columns). Errors
    /// describe the failure without the value.
    pub(crate) fn apply(
        &self,
        op: &Op,
        t: &Target<'_>,
        value: &str,
    ) -> Result<Option<String>, String> {
        let out = match op {
            Op::Keep => value.to_owned(),
            Op::Drop => return Ok(None),
            Op::Redact { label } => match label {
                Some(l) if l.is_empty() => return Ok(None),
                Some(l) => l.clone(),
                None => match t.ty {
                    Some(ty) => format!("[{}]", ty.label()),
                    None => ops::redact(t.name),
                },
            },
            Op::Mask { keep_last, ch } => ops::mask(value, *keep_last, *ch),
            Op::Hash { len, domain } => {
                let domain = domain.as_deref().unwrap_or(t.name);
                ops::hash(self.key()?, domain, value, *len).map_err(|e| e.to_string())?
            }
            Op::Fpe { luhn_valid } => self.fpe(t, value, Direction::Encrypt, *luhn_valid)?,
            Op::Token { kind } => {
                let vault = self.vault.as_ref().ok_or_else(|| {
                    "the token operator needs --vault-url and --vault-key".to_owned()
                })?;
                let kind = kind
                    .as_deref()
                    .or(t.ty.map(PiiType::name))
                    .unwrap_or(t.name);
                vault.tokenize(kind, value)?
            }
            Op::Generalize(g) => generalize(*g, value)?,
            Op::DateShift { max_days, .. } => {
                let written = dates::parse(value).ok_or("date_shift: not a date")?;
                let shifted = ops::date_shift(
                    self.key()?,
                    t.subject.unwrap_or(""),
                    written.date,
                    *max_days,
                )
                .map_err(|e| e.to_string())?;
                written.write(shifted)
            }
            Op::Fake { kind } => {
                let kind: FakeKind = kind
                    .or(t.ty.and_then(crate::policy::fake_kind))
                    .ok_or("fake: no generator for this type")?;
                fake(self.key()?, kind, value).map_err(|e| e.to_string())?
            }
        };
        Ok(Some(out))
    }
}

/// Cycle-walking: applies `step` until the result is in `want` again. Inside any class this is
/// a permutation, because `step` is one of the whole domain, and walking the inverse step undoes
/// it; the limit only guards against a class too small to hold anything.
fn walk_within<C: PartialEq>(
    step: impl Fn(&str) -> Result<String, String>,
    value: &str,
    class: impl Fn(&str) -> C,
    want: C,
) -> Result<String, String> {
    let mut out = step(value)?;
    let mut steps = 0u32;
    while class(&out) != want {
        steps += 1;
        if steps > 100_000 {
            return Err("fpe: no value of the same class within the cycle-walking limit".into());
        }
        out = step(&out)?;
    }
    Ok(out)
}

fn generalize(g: Generalize, value: &str) -> Result<String, String> {
    match g {
        Generalize::Date(precision) => {
            let written = dates::parse(value).ok_or("generalize: not a date")?;
            Ok(ops::generalize_date(written.date, precision))
        }
        Generalize::Band(width) => {
            let trimmed = value.trim();
            let n = match trimmed.parse::<i64>() {
                Ok(n) => n,
                Err(_) => match trimmed.parse::<f64>() {
                    // Saturating float-to-int conversion is what is wanted for a band.
                    Ok(f) if f.is_finite() => f.floor() as i64,
                    _ => return Err("generalize: not a number".into()),
                },
            };
            ops::number_range(n, width).map_err(|e| e.to_string())
        }
        Generalize::Prefix(keep) => Ok(ops::postal_prefix(value, keep)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use privet_deid::ops::DatePrecision;

    fn t(name: &str) -> Target<'_> {
        Target {
            name,
            ty: None,
            subject: None,
        }
    }

    #[test]
    fn operators_without_a_key() {
        let ops = Operators::new(None, None).unwrap();
        let redact = Op::Redact { label: None };
        assert_eq!(
            ops.apply(&redact, &t("ssn"), "x").unwrap().as_deref(),
            Some("[SSN]")
        );
        let typed = Target {
            name: "email",
            ty: Some(PiiType::Email),
            subject: None,
        };
        assert_eq!(
            ops.apply(&redact, &typed, "x").unwrap().as_deref(),
            Some("[EMAIL]")
        );
        let empty = Op::Redact {
            label: Some(String::new()),
        };
        assert_eq!(ops.apply(&empty, &t("a"), "x").unwrap(), None);
        let band = Op::Generalize(Generalize::Band(10));
        assert_eq!(
            ops.apply(&band, &t("age"), " 34 ").unwrap().as_deref(),
            Some("30-39")
        );
        assert_eq!(
            ops.apply(&band, &t("age"), "34.9").unwrap().as_deref(),
            Some("30-39")
        );
        assert!(ops.apply(&band, &t("age"), "old").is_err());
        let month = Op::Generalize(Generalize::Date(DatePrecision::Month));
        assert_eq!(
            ops.apply(&month, &t("d"), "03/09/2024").unwrap().as_deref(),
            Some("2024-03")
        );
        let err = ops
            .apply(
                &Op::Fpe { luhn_valid: false },
                &t("card"),
                "4111111111111111",
            )
            .unwrap_err();
        assert!(err.contains("key"));
        let err = ops
            .apply(&Op::Token { kind: None }, &t("card"), "4111")
            .unwrap_err();
        assert!(err.contains("--vault-url"));
    }

    #[test]
    fn keyed_operators() {
        let ops = Operators::new(Some(SecretKey::from_bytes([3; 32])), None).unwrap();
        let enc = ops
            .apply(
                &Op::Fpe { luhn_valid: false },
                &t("card"),
                "4111 1111 1111 1111",
            )
            .unwrap()
            .unwrap();
        assert_ne!(enc, "4111 1111 1111 1111");
        assert_eq!(enc.len(), 19);
        assert_eq!(
            ops.fpe(&t("card"), &enc, Direction::Decrypt, false)
                .unwrap(),
            "4111 1111 1111 1111"
        );
        let shift = Op::DateShift {
            max_days: 10,
            subject: None,
        };
        let a = ops
            .apply(
                &shift,
                &Target {
                    name: "d",
                    ty: None,
                    subject: Some("s1"),
                },
                "2020-01-01",
            )
            .unwrap()
            .unwrap();
        assert_ne!(a, "2020-01-01");
        assert_eq!(a.len(), 10);
        let f = ops
            .apply(
                &Op::Fake { kind: None },
                &Target {
                    name: "e",
                    ty: Some(PiiType::Email),
                    subject: None,
                },
                "a@b.co",
            )
            .unwrap()
            .unwrap();
        assert!(f.contains('@'));
    }

    #[test]
    fn card_fpe_fails_luhn_by_default_and_round_trips_in_every_class() {
        let ops = Operators::new(Some(SecretKey::from_bytes([5; 32])), None).unwrap();
        let card = Target {
            name: "card_number",
            ty: Some(PiiType::CardNumber),
            subject: None,
        };
        let valid = |v: &str| privet_detect::validates(PiiType::CardNumber, v);
        // Luhn-valid Visa numbers 4000 0000 0000 00xx, then every class at once.
        let cards: Vec<String> = (0..1000u32)
            .map(|i| format!("4000 0000 0000 {i:04}"))
            .collect();
        let mut seen = [0usize; 3];
        for input in &cards {
            let before = card_mark::class(input);
            let out = ops
                .fpe(&card, input, Direction::Encrypt, false)
                .expect("encrypts");
            assert_eq!(out.len(), input.len());
            let after = card_mark::class(&out);
            let expected = match before {
                CardClass::Card => CardClass::Marked,
                CardClass::Marked => CardClass::Card,
                CardClass::Other => CardClass::Other,
            };
            assert_eq!(after, expected, "{input} -> {out}");
            seen[before as usize] += 1;
            let back = ops.fpe(&card, &out, Direction::Decrypt, false).unwrap();
            assert_eq!(&back, input);

            let kept = ops.fpe(&card, input, Direction::Encrypt, true).unwrap();
            assert_eq!(valid(&kept), valid(input), "{input} -> {kept}");
            let back = ops.fpe(&card, &kept, Direction::Decrypt, true).unwrap();
            assert_eq!(&back, input);
        }
        assert!(
            seen.iter().all(|&n| n > 50),
            "every class exercised: {seen:?}"
        );
    }
}
