//! Domain vocabulary shared by every privet crate.
//!
//! This crate does no I/O. It names the kinds of personal data privet detects
//! ([`PiiType`]), the spans a detector reports ([`Match`]), and where in an
//! input a finding sits ([`Location`], [`Finding`]). Every output format
//! (terminal table, JSON, JSONL, SARIF) speaks in these terms, so the canonical
//! type names here are a public contract: `privet scan --format jsonl` prints
//! them, and CI gates (`--fail-on card_number`) parse them.

#![forbid(unsafe_code)]

mod finding;
mod pii_type;

pub use finding::{Finding, Location, Match};
pub use pii_type::{PiiType, UnknownPiiType};
