//! Domain vocabulary shared by every privet crate.
//!
//! This crate does no I/O. It names the kinds of personal data privet detects
//! ([`PiiType`]), the spans a detector reports ([`Match`]), and where in an
//! input a finding sits ([`Location`], [`Finding`]). Every output format
//! (terminal table, JSON, JSONL, SARIF) speaks in these terms, so the canonical
//! type names here are a public contract: `privet scan --format jsonl` prints
//! them, and CI gates (`--fail-on card_number`) parse them.
//!
//! It also holds the data-category taxonomy ([`Category`], [`mask_value`]),
//! the source of time ([`Clock`]) and the access policy read from privet.toml
//! ([`Policy`]).

#![forbid(unsafe_code)]

mod category;
pub mod chars;
pub mod checks;
mod clock;
mod finding;
mod ids;
mod mask;
mod pii_type;
pub mod policy;
pub mod toml_doc;

pub use category::{
    BUILTIN_CATEGORIES, Category, CategoryName, InvalidCategoryName, Sensitivity,
    UnknownSensitivity, builtin_category, category_for,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use finding::{Finding, Location, Match, rounded_confidence};
pub use ids::{FieldName, InvalidId, SubjectId};
pub use mask::{MaskStyle, UnknownMaskStyle, mask_value};
pub use pii_type::{PiiType, UnknownPiiType};
pub use policy::{
    AccessRequest, ConsentState, Decision, DenyReason, Policy, PolicyError, Training,
};

/// `n` with its noun in the right number: `1 error`, `2 errors`. Every count shown to people
/// goes through it.
pub fn counted(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}
