//! Validators: pure functions that confirm or reject a candidate span.
//!
//! Each one knows one standard (Luhn and IIN ranges, SSA rules, ISO 13616,
//! RFC 5321, the calendar, libphonenumber's metadata) and nothing about
//! context; the engine scores context separately.

pub(crate) mod card;
pub(crate) mod date;
pub(crate) mod email;
pub(crate) mod iban;
pub(crate) mod ids;
pub(crate) mod ip;
pub(crate) mod phone;
pub(crate) mod phone_form;
pub(crate) mod phone_plan;
pub(crate) mod phone_region;
pub(crate) mod provider;
pub(crate) mod secret;
pub(crate) mod ssn;
pub(crate) mod url;
