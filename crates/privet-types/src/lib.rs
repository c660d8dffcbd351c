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

mod audit;
mod category;
pub mod chars;
pub mod checks;
mod clock;
mod consent;
pub mod cron;
pub mod deadline;
mod finding;
mod ids;
mod mask;
mod outbound_url;
mod pii_type;
pub mod policy;
mod request;
pub mod retention;
mod text_table;
pub mod toml_doc;
pub mod vendor;

pub use audit::{AuditAction, AuditDecision};
pub use category::{
    BUILTIN_CATEGORIES, Category, CategoryName, InvalidCategoryName, Sensitivity,
    UnknownSensitivity, builtin_category, category_for,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use consent::{ConsentSource, UnknownConsentSource};
pub use finding::{Finding, Location, Match, rounded_confidence};
pub use ids::{FieldName, InvalidId, SubjectId};
pub use mask::{MaskStyle, UnknownMaskStyle, mask_value};
pub use outbound_url::{OutboundUrl, is_loopback};
pub use pii_type::{PiiType, UnknownPiiType};
pub use policy::{
    AccessRequest, ConsentState, Decision, DenyReason, Policy, PolicyError, Training,
};
pub use request::{
    IllegalStep, RequestKind, RequestStatus, RequestStep, UnknownRequestKind, UnknownRequestStatus,
    next_status,
};
pub use text_table::text_table;

/// `n` with its noun in the right number: `1 error`, `2 errors`. Every count shown to people
/// goes through it.
pub fn counted(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}
