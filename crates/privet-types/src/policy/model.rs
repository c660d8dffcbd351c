//! The validated pieces of a policy: purposes, roles and access rules.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::category::CategoryName;

/// The lawful basis for processing under GDPR Art. 6(1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// (a) the data subject has given consent.
    Consent,
    /// (b) necessary for a contract with the data subject.
    Contract,
    /// (c) necessary to comply with a legal obligation.
    LegalObligation,
    /// (d) necessary to protect someone's vital interests.
    VitalInterests,
    /// (e) necessary for a task in the public interest.
    PublicTask,
    /// (f) necessary for legitimate interests not overridden by the subject's.
    LegitimateInterests,
}

/// A legal basis name that is not one of [`LegalBasis::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown legal basis {0:?}; known: consent, contract, legal_obligation, vital_interests, public_task, legitimate_interests"
)]
pub struct UnknownLegalBasis(pub String);

impl LegalBasis {
    /// Every basis, in the order of Art. 6(1).
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Consent,
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::VitalInterests,
        LegalBasis::PublicTask,
        LegalBasis::LegitimateInterests,
    ];

    /// The snake_case name used in privet.toml.
    pub const fn name(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::VitalInterests => "vital_interests",
            LegalBasis::PublicTask => "public_task",
            LegalBasis::LegitimateInterests => "legitimate_interests",
        }
    }
}

impl fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LegalBasis {
    type Err = UnknownLegalBasis;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LegalBasis::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| UnknownLegalBasis(s.to_owned()))
    }
}

/// Why data is used: every read names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Purpose {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) legal_basis: LegalBasis,
    pub(crate) consent_required: bool,
    pub(crate) sale_or_sharing: bool,
}

impl Purpose {
    /// The name rules and requests use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the purpose is, in words a customer understands (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The lawful basis for processing under this purpose.
    pub fn legal_basis(&self) -> LegalBasis {
        self.legal_basis
    }

    /// Whether reads under this purpose need the subject's current consent.
    pub fn consent_required(&self) -> bool {
        self.consent_required
    }

    /// Whether the purpose sells or shares personal data (CCPA/CPRA): a customer may opt out of
    /// it, a Global Privacy Control signal opts out of it, and once opted out reads under it are
    /// refused even when its legal basis needs no consent.
    pub fn sale_or_sharing(&self) -> bool {
        self.sale_or_sharing
    }

    /// Whether a decision under this purpose depends on the subject's consent state.
    pub fn consent_matters(&self) -> bool {
        self.consent_required || self.sale_or_sharing
    }
}

/// A role that staff accounts and API keys are given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) can: std::collections::BTreeSet<Operation>,
}

impl Role {
    /// Whether the role may perform `op` (granted with `can = [...]`; nothing by default).
    pub fn may(&self, op: Operation) -> bool {
        self.can.contains(&op)
    }

    /// The name rules and accounts use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the role is for (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// The role or purpose a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `"*"`: every declared one.
    Any,
    /// Exactly the one named.
    Named(String),
}

impl Selector {
    pub(crate) fn parse(s: &str) -> Self {
        if s == "*" {
            Selector::Any
        } else {
            Selector::Named(s.to_owned())
        }
    }

    /// Whether the selector covers `name`.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Selector::Any => true,
            Selector::Named(n) => n == name,
        }
    }

    pub(crate) fn is_exact(&self) -> bool {
        matches!(self, Selector::Named(_))
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Any => f.write_str("*"),
            Selector::Named(n) => f.write_str(n),
        }
    }
}

/// The categories a rule covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CategoryPattern {
    /// `"*"`: every category.
    Any,
    /// `"prefix.*"`: every category below `prefix` (not `prefix` itself).
    Prefix(CategoryName),
    /// One category.
    Exact(CategoryName),
}

/// How closely a pattern fits a category; a greater value is more specific.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PatternSpecificity {
    Any,
    Prefix(usize),
    Exact,
}

impl CategoryPattern {
    /// Parses `*`, `prefix.*` or an exact name; `None` if it is none of these.
    pub fn parse(s: &str) -> Option<Self> {
        if s == "*" {
            return Some(CategoryPattern::Any);
        }
        match s.strip_suffix(".*") {
            Some(prefix) => CategoryName::new(prefix).ok().map(CategoryPattern::Prefix),
            None => CategoryName::new(s).ok().map(CategoryPattern::Exact),
        }
    }

    /// Whether the pattern covers the category `name`.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            CategoryPattern::Any => true,
            CategoryPattern::Prefix(prefix) => name
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('.')),
            CategoryPattern::Exact(exact) => exact.as_str() == name,
        }
    }

    pub(crate) fn specificity(&self) -> PatternSpecificity {
        match self {
            CategoryPattern::Any => PatternSpecificity::Any,
            CategoryPattern::Prefix(prefix) => PatternSpecificity::Prefix(prefix.depth()),
            CategoryPattern::Exact(_) => PatternSpecificity::Exact,
        }
    }
}

impl fmt::Display for CategoryPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CategoryPattern::Any => f.write_str("*"),
            CategoryPattern::Prefix(prefix) => write!(f, "{prefix}.*"),
            CategoryPattern::Exact(exact) => write!(f, "{exact}"),
        }
    }
}

/// What a rule grants, ordered from least to most restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleDecision {
    /// The value is shown in clear.
    Allow,
    /// The value is shown masked in its category's style.
    Mask,
    /// The value is withheld.
    Deny,
}

impl RuleDecision {
    /// The name used in privet.toml.
    pub const fn name(self) -> &'static str {
        match self {
            RuleDecision::Allow => "allow",
            RuleDecision::Mask => "mask",
            RuleDecision::Deny => "deny",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [RuleDecision::Allow, RuleDecision::Mask, RuleDecision::Deny]
            .into_iter()
            .find(|d| d.name() == s)
    }
}

impl fmt::Display for RuleDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One `[[rules]]` entry: who may read which categories for which purpose, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub(crate) role: Selector,
    pub(crate) purpose: Selector,
    pub(crate) categories: Vec<CategoryPattern>,
    pub(crate) decision: RuleDecision,
}

impl Rule {
    /// The role the rule applies to.
    pub fn role(&self) -> &Selector {
        &self.role
    }

    /// The purpose the rule applies to.
    pub fn purpose(&self) -> &Selector {
        &self.purpose
    }

    /// The category patterns the rule covers.
    pub fn categories(&self) -> &[CategoryPattern] {
        &self.categories
    }

    /// What the rule grants.
    pub fn decision(&self) -> RuleDecision {
        self.decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_match() {
        let p = CategoryPattern::parse("contact.*").unwrap();
        assert!(p.matches("contact.email"));
        assert!(!p.matches("contact"));
        assert!(!p.matches("contactx.email"));
        assert_eq!(p.to_string(), "contact.*");
        assert!(
            CategoryPattern::parse("*")
                .unwrap()
                .matches("health.record")
        );
        assert!(
            CategoryPattern::parse("identity.name")
                .unwrap()
                .matches("identity.name")
        );
        for bad in ["", "contact*", "Contact.*", ".*", "*.email", "contact.*.x"] {
            assert_eq!(CategoryPattern::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn specificity_orders_any_prefix_exact() {
        let any = CategoryPattern::Any.specificity();
        let short = CategoryPattern::parse("a.*").unwrap().specificity();
        let long = CategoryPattern::parse("a.b.*").unwrap().specificity();
        let exact = CategoryPattern::parse("a.b.c").unwrap().specificity();
        assert!(any < short && short < long && long < exact);
    }

    #[test]
    fn restrictiveness_order() {
        assert!(RuleDecision::Allow < RuleDecision::Mask);
        assert!(RuleDecision::Mask < RuleDecision::Deny);
    }

    #[test]
    fn legal_bases_round_trip() {
        for b in LegalBasis::ALL {
            assert_eq!(b.name().parse::<LegalBasis>(), Ok(b));
        }
        assert!("contrac".parse::<LegalBasis>().is_err());
    }
}

/// An operation a role may perform besides reading. Reads are governed by the rules, per purpose
/// and category; these are granted per role with `can = [...]`, and a role has none by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operation {
    /// Store or replace subjects' fields.
    Write,
    /// Erase subjects.
    Erase,
    /// Create tokens.
    Tokenize,
    /// Record consent grants and withdrawals.
    Consent,
    /// Read the audit log.
    Audit,
    /// Enter and work customers' requests (access, erasure, ...).
    Requests,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 6] = [
        Operation::Write,
        Operation::Erase,
        Operation::Tokenize,
        Operation::Consent,
        Operation::Audit,
        Operation::Requests,
    ];

    /// The name used in privet.toml.
    pub const fn name(self) -> &'static str {
        match self {
            Operation::Write => "write",
            Operation::Erase => "erase",
            Operation::Tokenize => "tokenize",
            Operation::Consent => "consent",
            Operation::Audit => "audit",
            Operation::Requests => "requests",
        }
    }

    /// Parses a name from privet.toml.
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }
}
