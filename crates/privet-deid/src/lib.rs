//! De-identification operators for `privet redact`, as a pure library: no I/O, no clock, keys
//! passed in as [`privet_crypto::SecretKey`].
//!
//! - [`Ff1`] and [`fpe_string`]: format-preserving encryption (NIST SP 800-38G FF1), reversible
//!   with the key.
//! - [`ops`]: redact, mask, keyed hash pseudonyms, generalization and per-subject date shifts.
//! - [`fake`]: deterministic realistic replacements of the same kind.
//! - [`kanon`]: k-anonymity, l-diversity, re-identification risk and suppression to k.
//!
//! Errors ([`DeidError`]) carry sizes and positions, never the values being de-identified.

mod alphabet;
mod error;
pub mod fake;
pub mod kanon;
pub mod ops;

pub use alphabet::fpe_string;
pub use error::DeidError;
pub use privet_crypto::ff1::{Direction, Ff1, Ff1Error, MIN_DOMAIN};
