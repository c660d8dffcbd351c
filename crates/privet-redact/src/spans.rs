//! Operators applied to spans found elsewhere: the Presidio-compatible `/anonymize` of
//! `privet serve` is handed the spans and an operator for each; the operators are these, the
//! ones `privet redact` applies to what its own detectors find. Its `/deanonymize` undoes `fpe`
//! with [`SpanOperators::reveal`], as `privet reveal` does.

use privet_crypto::SecretKey;
use privet_deid::Direction;
use privet_types::PiiType;

use crate::apply::{Operators, Target};
use crate::engine::EngineError;
use crate::policy::Op;

/// privet's operators over values the caller located, with the de-identification key when
/// there is one. Shared by all threads.
pub struct SpanOperators {
    ops: Operators,
}

impl std::fmt::Debug for SpanOperators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanOperators")
            .field("has_key", &self.ops.has_key())
            .finish_non_exhaustive()
    }
}

impl SpanOperators {
    /// Operators keyed by `key` (`hash`, `fpe`, `fake` and `date_shift` need it; the others do
    /// not). The `token` operator is not offered here.
    pub fn new(key: Option<SecretKey>) -> Result<SpanOperators, EngineError> {
        Ok(SpanOperators {
            ops: Operators::new(key, None).map_err(EngineError::Setup)?,
        })
    }

    /// Whether the de-identification key is there.
    pub fn has_key(&self) -> bool {
        self.ops.has_key()
    }

    /// Operators under a key derived from this de-identification key and a caller's `secret`
    /// ([`SecretKey::derive`] in `domain`), or `None` when there is no de-identification key.
    /// Undoing their `fpe` takes both: the caller's secret alone is not enough, and neither is
    /// the de-identification key.
    pub fn derived(
        &self,
        domain: &[u8],
        secret: &[u8],
    ) -> Result<Option<SpanOperators>, EngineError> {
        self.ops
            .secret_key()
            .map(|key| SpanOperators::new(Some(key.derive(domain, secret))))
            .transpose()
    }

    /// Undoes `fpe` (written with `luhn_valid = false`, as for spans) on `value`, a span of
    /// type `ty` named `name` as [`SpanOperators::apply`] took it. Under another key the output
    /// is some other value of the same form, not an error: FF1 carries no integrity check.
    pub fn reveal(&self, ty: Option<PiiType>, name: &str, value: &str) -> Result<String, String> {
        let target = Target {
            name,
            ty,
            subject: None,
        };
        self.ops.fpe(&target, value, Direction::Decrypt, false)
    }

    /// The output of `op` for `value`, a span of type `ty` when privet knows it. `name` is what
    /// `privet redact` would use for the span: the hash domain and FPE tweak (the type's name,
    /// so the same value gives the same pseudonym as `privet redact` under the same key). An
    /// empty output is an empty string. Errors describe the failure, never the value.
    pub fn apply(
        &self,
        op: &Op,
        ty: Option<PiiType>,
        name: &str,
        value: &str,
    ) -> Result<String, String> {
        if matches!(op, Op::Token { .. } | Op::Drop) {
            return Err(format!("`{}` is not offered for spans", op.name()));
        }
        let target = Target {
            name,
            ty,
            subject: None,
        };
        self.ops
            .apply(op, &target, value)
            .map(Option::unwrap_or_default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_get_the_same_operators_as_privet_redact() {
        let key = || Some(SecretKey::from_bytes([9; 32]));
        let ops = SpanOperators::new(key()).unwrap();
        assert!(ops.has_key());
        let mask = Op::Mask {
            keep_last: 0,
            ch: '#',
        };
        assert_eq!(ops.apply(&mask, None, "x", "ab-12").unwrap(), "##-##");
        let empty = Op::Redact {
            label: Some(String::new()),
        };
        assert_eq!(ops.apply(&empty, None, "x", "secret").unwrap(), "");
        let hash = Op::Hash {
            len: 16,
            domain: None,
        };
        let pseudonym = ops
            .apply(&hash, Some(PiiType::Email), "email", "ana@example.com")
            .unwrap();
        // What `privet redact` writes for an e-mail address under `email = "hash"`.
        let policy = crate::policy::Policy::parse("[defaults]\nemail = \"hash\"\n").unwrap();
        let engine = crate::engine::Engine::new(
            policy,
            crate::engine::Secrets {
                key: key(),
                vault: None,
            },
            crate::engine::Mode::Redact,
        )
        .unwrap();
        use crate::cell::CellRedactor;
        assert_eq!(engine.text("ana@example.com").unwrap(), pseudonym);

        // fpe under a key derived from the caller's secret: reveal undoes it under the same
        // derivation only.
        let fpe = Op::Fpe { luhn_valid: false };
        let derived = ops.derived(b"test", b"caller secret").unwrap().unwrap();
        for (ty, name, value) in [
            (
                Some(PiiType::CardNumber),
                "card_number",
                "4111 1111 1111 1111",
            ),
            (Some(PiiType::PersonName), "person_name", "Zoë Łukasiewicz"),
            (None, "customer_id", "C-0042-77x"),
        ] {
            let enc = derived.apply(&fpe, ty, name, value).unwrap();
            assert_ne!(enc, value);
            assert_ne!(enc, ops.apply(&fpe, ty, name, value).unwrap());
            assert_eq!(derived.reveal(ty, name, &enc).unwrap(), value);
            let other = ops.derived(b"test", b"another secret").unwrap().unwrap();
            assert_ne!(other.reveal(ty, name, &enc).unwrap(), value);
        }

        let keyless = SpanOperators::new(None).unwrap();
        assert!(
            keyless
                .derived(b"test", b"caller secret")
                .unwrap()
                .is_none()
        );
        let err = keyless
            .apply(&hash, Some(PiiType::Email), "email", "ana@example.com")
            .unwrap_err();
        assert!(err.contains("key") && !err.contains("ana"), "{err}");
        assert!(
            keyless
                .apply(&Op::Token { kind: None }, None, "x", "v")
                .is_err()
        );
    }
}
