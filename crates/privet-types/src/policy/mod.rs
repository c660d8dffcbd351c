//! The access policy: the privet.toml schema, its validation and the access decision.
//!
//! [`Policy::parse`] reads privet.toml and validates it as a whole, returning
//! every problem found, each at the line and column of the key or value at
//! fault. A [`Policy`] that exists is valid and never changes; reloading the
//! file makes a new one.
//!
//! Beside the access rules the file may carry deployment settings, `[server]` and `[tokens]`
//! ([`ServerSection`], [`TokenSection`]); they are read once when the server starts.
//!
//! # How a read is decided
//!
//! [`Policy::decide`] is a pure function of the policy and an
//! [`AccessRequest`] (role, purpose, category, consent state, training
//! state). It checks, in this order, and the first check that fails decides:
//!
//! 1. The purpose must be declared, else `Deny(UnknownPurpose)`; the role
//!    must be declared, else `Deny(UnknownRole)`; the category must be built
//!    in or declared, else `Deny(UnknownCategory)`.
//! 2. A purpose with `consent_required` needs consent `Granted`; withdrawn or
//!    unknown consent gives `Deny(ConsentRequired)`.
//! 3. A category of [`Sensitivity::Special`](crate::Sensitivity::Special)
//!    needs current training, else `Deny(TrainingRequired)`.
//! 4. Of the rules whose role, purpose and category pattern all match, the
//!    most specific wins. Specificity compares the role first (a named role
//!    beats `"*"`), then the purpose (a named purpose beats `"*"`), then the
//!    category (an exact name beats `prefix.*`, a deeper prefix beats a
//!    shallower one, and any prefix beats `"*"`). Among equally specific
//!    rules the most restrictive wins: deny over mask over allow. A winning
//!    deny gives `Deny(DeniedByRule)`.
//! 5. No matching rule gives `Deny(NoRule)`: what is not allowed is denied.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::category::{Category, builtin_category};
use crate::deadline::RegulationRule;

mod decide;
mod model;
mod parse;
mod settings;

/// A problem in privet.toml, at its line and column.
pub use crate::toml_doc::TomlError as PolicyError;
pub use decide::{AccessRequest, ConsentState, Decision, DenyReason, Training};
pub use model::{
    CategoryPattern, LegalBasis, Operation, Purpose, Role, Rule, RuleDecision, Selector,
    UnknownLegalBasis,
};
pub use settings::{
    MAX_CARD_KEEP_FIRST, MAX_CARD_KEEP_LAST, PresidioSection, ServerSection, TokenSection,
};

/// The commented privet.toml that `privet init` writes.
pub const DEFAULT_POLICY_TOML: &str = include_str!("default_privet.toml");

/// `[limits] max_batch` when the file does not set it.
pub const DEFAULT_MAX_BATCH: usize = 1000;

/// The largest `[limits] max_batch` accepted.
pub const MAX_BATCH_LIMIT: usize = 100_000;

/// `[limits]`: how much one caller, request or subject may use. Each bounds a way to exhaust
/// the server's memory, time or a guessing budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most records one call may read or write.
    pub max_batch: usize,
    /// Most fields one subject may hold.
    pub max_fields_per_subject: usize,
    /// Most bytes of sealed values one subject may hold.
    pub max_subject_bytes: usize,
    /// Most bytes of values one batch read may return; items past it are refused (413 each).
    pub max_read_bytes: usize,
    /// Seconds a client may take to send a request's headers (and an idle keep-alive
    /// connection may stay open).
    pub header_timeout_secs: u64,
    /// Seconds a request may take from its headers to its answer.
    pub request_timeout_secs: u64,
    /// Look-ups finding nothing regained per minute, per API key and per client address.
    pub misses_per_minute: u32,
    /// Failed authentications regained per minute, per client address.
    pub auth_failures_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_batch: DEFAULT_MAX_BATCH,
            max_fields_per_subject: 10_000,
            max_subject_bytes: 16 * 1024 * 1024,
            max_read_bytes: 64 * 1024 * 1024,
            header_timeout_secs: 10,
            request_timeout_secs: 60,
            misses_per_minute: 60,
            auth_failures_per_minute: 20,
        }
    }
}

/// A validated access policy.
#[derive(Clone, Debug)]
pub struct Policy {
    reviewed_on: Date,
    /// `[policy] require_retention`: refuse to store a category no retention rule covers.
    require_retention: bool,
    /// Custom categories only; built-in ones are looked up in the taxonomy.
    categories: BTreeMap<String, Category>,
    purposes: BTreeMap<String, Purpose>,
    roles: BTreeMap<String, Role>,
    rules: Vec<Rule>,
    limits: Limits,
    server: ServerSection,
    tokens: TokenSection,
    presidio: PresidioSection,
    rights: Rights,
}

/// Why a write of a category is refused at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unjustified {
    /// No access rule lets any purpose read the category.
    NoPurpose,
    /// No retention rule says when the category goes.
    NoRetention,
}

impl Unjustified {
    /// The stable reason code (`no_purpose`, `no_retention`).
    pub fn code(self) -> &'static str {
        match self {
            Unjustified::NoPurpose => "no_purpose",
            Unjustified::NoRetention => "no_retention",
        }
    }
}

/// `[organization]` and `[regulations.*]`: who answers customers' requests, in which time zone
/// their deadlines run, and each regulation's deadline rules.
#[derive(Clone, Debug)]
pub struct Rights {
    /// The organisation's name, shown on exports (may be empty).
    pub organization: String,
    /// The IANA name of the time zone (`UTC` by default).
    pub timezone_name: String,
    /// The time zone deadlines are computed in.
    pub timezone: jiff::tz::TimeZone,
    /// Rules by regulation name: `gdpr` and `ccpa` built in, others from privet.toml.
    pub regulations: BTreeMap<String, RegulationRule>,
    /// The vendors that receive personal data, by name.
    pub vendors: Vec<crate::vendor::Vendor>,
    /// The retention rules, by name.
    pub retention: Vec<crate::retention::RetentionRule>,
    /// `[outbox] max_attempts`: attempts before a vendor notice is given up (default 12).
    pub outbox_max_attempts: u32,
    /// `[outbox] max_age`: how long after the erasure a notice is still tried (default 3 days).
    pub outbox_max_age: crate::deadline::Period,
    /// `[backups] keys_keep_for`: how long key-store backups are kept and restorable (default 30
    /// days). An erased subject's key is in no restorable backup once this has passed.
    pub backup_keys_keep_for: crate::deadline::Period,
    /// `[backups] data_keep_for`: how long data backups are kept (default 90 days).
    pub backup_data_keep_for: crate::deadline::Period,
}

impl Rights {
    /// When the last key-store backup that could decrypt a subject erased at `erased_at` stops
    /// being restorable: backups are taken before the erasure and kept `keys_keep_for`.
    pub fn unreadable_after(&self, erased_at: jiff::Timestamp) -> Option<jiff::Timestamp> {
        self.backup_keys_keep_for.after(erased_at)
    }

    /// When nothing a purge finished at `at` deleted can be read any more: fields deleted from
    /// subjects that remain are in data backups, readable under the subject's live key, for
    /// `data_keep_for`; erased subjects' keys in key-store backups for `keys_keep_for`.
    pub fn purge_unreadable_after(&self, at: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let keys = self.backup_keys_keep_for.after(at)?;
        let data = self.backup_data_keep_for.after(at)?;
        Some(keys.max(data))
    }
}

impl Default for Rights {
    fn default() -> Self {
        let regulations = [RegulationRule::gdpr(), RegulationRule::ccpa()]
            .into_iter()
            .map(|r| (r.name.clone(), r))
            .collect();
        Rights {
            organization: String::new(),
            timezone_name: "UTC".into(),
            timezone: jiff::tz::TimeZone::UTC,
            regulations,
            vendors: Vec::new(),
            retention: Vec::new(),
            outbox_max_attempts: 12,
            outbox_max_age: crate::deadline::Period::Days(3),
            backup_keys_keep_for: crate::deadline::Period::Days(30),
            backup_data_keep_for: crate::deadline::Period::Days(90),
        }
    }
}

impl Policy {
    /// Parses and validates privet.toml, returning every error found, in
    /// order of position.
    pub fn parse(text: &str) -> Result<Policy, Vec<PolicyError>> {
        parse::parse(text)
    }

    /// The policy of [`DEFAULT_POLICY_TOML`].
    pub fn default_policy() -> Policy {
        match Policy::parse(DEFAULT_POLICY_TOML) {
            Ok(policy) => policy,
            // A unit test parses the constant, so this is unreachable in a
            // tested build.
            Err(errors) => panic!("the built-in default policy is invalid: {errors:?}"),
        }
    }

    /// When the policy was last reviewed (`[policy] version`).
    pub fn reviewed_on(&self) -> Date {
        self.reviewed_on
    }

    /// Whether a write of `category` is justified: some purpose may read it (an access rule that
    /// allows or masks it) and, unless `[policy] require_retention = false`, a retention rule
    /// says when it goes. Data that nothing justifies is never collected.
    pub fn justifies(&self, category: &str) -> Result<(), Unjustified> {
        let used = self.rules.iter().any(|r| {
            r.decision() != RuleDecision::Deny && r.categories().iter().any(|p| p.matches(category))
        });
        if !used {
            return Err(Unjustified::NoPurpose);
        }
        if self.require_retention && !self.rights.retention.iter().any(|r| r.covers(category)) {
            return Err(Unjustified::NoRetention);
        }
        Ok(())
    }

    /// `[policy] require_retention` (true unless the file turns it off).
    pub fn require_retention(&self) -> bool {
        self.require_retention
    }

    /// Categories that an access rule lets some purpose use but no retention rule covers, when
    /// the policy has retention rules at all: data kept with no end, for `privet check` to warn.
    pub fn categories_without_retention(&self) -> Vec<String> {
        let retention = &self.rights.retention;
        if retention.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<String> = crate::category::BUILTIN_CATEGORIES
            .iter()
            .map(|c| c.name().to_owned())
            .chain(self.custom_categories().map(|c| c.name().to_owned()))
            .filter(|c| {
                self.rules
                    .iter()
                    .any(|r| r.categories().iter().any(|p| p.matches(c)))
            })
            .filter(|c| !retention.iter().any(|r| r.covers(c)))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The organisation, its time zone and the regulations' deadline rules.
    pub fn rights(&self) -> &Rights {
        &self.rights
    }

    /// The purpose named `name`.
    pub fn purpose(&self, name: &str) -> Option<&Purpose> {
        self.purposes.get(name)
    }

    /// Every declared purpose, by name.
    pub fn purposes(&self) -> impl Iterator<Item = &Purpose> {
        self.purposes.values()
    }

    /// Whether `role` may perform `op` (an undeclared role may do nothing).
    pub fn permits(&self, role: &str, op: Operation) -> bool {
        self.role(role).is_some_and(|r| r.may(op))
    }

    /// The role named `name`.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// Every declared role, by name.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    /// The category named `name`, built in or custom.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.get(name).or_else(|| builtin_category(name))
    }

    /// The custom categories declared in the policy, by name.
    pub fn custom_categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.values()
    }

    /// The access rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The most records one call may read or write.
    pub fn max_batch(&self) -> usize {
        self.limits.max_batch
    }

    /// The `[limits]` table.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The `[server]` settings: where `privet serve` listens and keeps its data. Read once at
    /// start; a reload does not move a running server.
    pub fn server(&self) -> &ServerSection {
        &self.server
    }

    /// The `[tokens]` settings: how tokens are made. Read once at start, since changing them
    /// under a running vault would give one value two kinds of token.
    pub fn tokens(&self) -> &TokenSection {
        &self.tokens
    }

    /// The `[presidio]` settings of the Presidio-compatible endpoints.
    pub fn presidio(&self) -> &PresidioSection {
        &self.presidio
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_parses() {
        let policy = Policy::default_policy();
        assert_eq!(policy.max_batch(), DEFAULT_MAX_BATCH);
        assert_eq!(policy.limits(), &Limits::default());
        assert_eq!(policy.reviewed_on(), jiff::civil::date(2026, 11, 23));
        assert_eq!(policy.purposes().count(), 5);
        assert_eq!(policy.roles().count(), 3);
    }
}
