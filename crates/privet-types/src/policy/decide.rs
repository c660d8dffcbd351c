//! The access decision: a pure function of the policy and the request.

use std::fmt;

use super::Policy;
use super::model::{PatternSpecificity, RuleDecision};
use crate::category::Sensitivity;

/// What the subject has said about processing for the requested purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConsentState {
    /// Consent is given and not withdrawn.
    Granted,
    /// Consent was given and later withdrawn.
    Withdrawn,
    /// There is no record either way.
    Unknown,
}

/// Where the caller stands on privacy training, which special categories require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Training {
    /// A person whose training is current.
    Current,
    /// A person whose training has lapsed (or who never had it).
    Lapsed,
    /// Not a person (a service's API key, the local operator): the requirement does not apply,
    /// and the audit entry says so.
    NotApplicable,
}

impl Training {
    /// Whether a special category may be read.
    pub fn satisfied(self) -> bool {
        !matches!(self, Training::Lapsed)
    }

    /// Stable name, for audit entries.
    pub fn code(self) -> &'static str {
        match self {
            Training::Current => "current",
            Training::Lapsed => "lapsed",
            Training::NotApplicable => "not_applicable",
        }
    }
}

/// One read of one category, as the policy sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessRequest<'a> {
    /// The caller's role.
    pub role: &'a str,
    /// The purpose the caller names for this read.
    pub purpose: &'a str,
    /// The data category read.
    pub category: &'a str,
    /// The subject's consent for `purpose`.
    pub consent: ConsentState,
    /// The caller's privacy training.
    pub training: Training,
    /// Whether the subject has restricted processing (GDPR Art. 18): only purposes whose legal
    /// basis is a legal obligation may then use the data.
    pub restricted: bool,
}

/// The outcome of [`Policy::decide`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Show the value in clear.
    Allow,
    /// Show the value masked in its category's style.
    Mask,
    /// Withhold the value.
    Deny(DenyReason),
}

/// Why a read was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DenyReason {
    /// The purpose is not declared in the policy.
    UnknownPurpose,
    /// The role is not declared in the policy.
    UnknownRole,
    /// The category is neither built in nor declared.
    UnknownCategory,
    /// The subject restricted processing and the purpose is not a legal obligation.
    Restricted,
    /// The field's retention period has ended; it awaits purge (set by the vault, not the rules).
    RetentionExpired,
    /// The purpose needs consent and the subject has not granted it.
    ConsentRequired,
    /// The category is special and the caller's training is not current.
    TrainingRequired,
    /// No rule covers this role, purpose and category.
    NoRule,
    /// The most specific rule says deny.
    DeniedByRule,
}

impl DenyReason {
    /// Every reason.
    pub const ALL: [DenyReason; 9] = [
        DenyReason::UnknownPurpose,
        DenyReason::UnknownRole,
        DenyReason::UnknownCategory,
        DenyReason::Restricted,
        DenyReason::RetentionExpired,
        DenyReason::ConsentRequired,
        DenyReason::TrainingRequired,
        DenyReason::NoRule,
        DenyReason::DeniedByRule,
    ];

    /// A stable snake_case code for APIs, metrics and the audit log.
    pub const fn code(self) -> &'static str {
        match self {
            DenyReason::UnknownPurpose => "unknown_purpose",
            DenyReason::UnknownRole => "unknown_role",
            DenyReason::UnknownCategory => "unknown_category",
            DenyReason::Restricted => "restricted",
            DenyReason::RetentionExpired => "retention_expired",
            DenyReason::ConsentRequired => "consent_required",
            DenyReason::TrainingRequired => "training_required",
            DenyReason::NoRule => "no_rule",
            DenyReason::DeniedByRule => "denied_by_rule",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DenyReason::UnknownPurpose => "The purpose is not declared in the policy.",
            DenyReason::UnknownRole => "The role is not declared in the policy.",
            DenyReason::UnknownCategory => "The data category is not known to the policy.",
            DenyReason::Restricted => {
                "The customer has restricted processing; only a legal obligation may use the data."
            }
            DenyReason::RetentionExpired => {
                "The data's retention period has ended; it awaits purge."
            }
            DenyReason::ConsentRequired => {
                "The purpose requires the customer's consent, which is not granted."
            }
            DenyReason::TrainingRequired => "This data category requires current privacy training.",
            DenyReason::NoRule => "No policy rule allows this access.",
            DenyReason::DeniedByRule => "A policy rule denies this access.",
        })
    }
}

impl Policy {
    /// Decides one read; see the [module documentation](super) for the order
    /// of the checks and how rules are ranked.
    pub fn decide(&self, req: &AccessRequest<'_>) -> Decision {
        let Some(purpose) = self.purpose(req.purpose) else {
            return Decision::Deny(DenyReason::UnknownPurpose);
        };
        if self.role(req.role).is_none() {
            return Decision::Deny(DenyReason::UnknownRole);
        }
        let Some(category) = self.category(req.category) else {
            return Decision::Deny(DenyReason::UnknownCategory);
        };
        if req.restricted && purpose.legal_basis() != super::LegalBasis::LegalObligation {
            return Decision::Deny(DenyReason::Restricted);
        }
        let consented = match req.consent {
            ConsentState::Granted => true,
            ConsentState::Withdrawn => false,
            // An opt-out purpose runs until the customer opts out; a consent purpose needs a yes.
            ConsentState::Unknown => !purpose.consent_required(),
        };
        if purpose.consent_matters() && !consented {
            return Decision::Deny(DenyReason::ConsentRequired);
        }
        if category.sensitivity() == Sensitivity::Special && !req.training.satisfied() {
            return Decision::Deny(DenyReason::TrainingRequired);
        }
        let mut best: Option<((bool, bool, PatternSpecificity), RuleDecision)> = None;
        let applicable = self
            .rules
            .iter()
            .filter(|r| r.role.matches(req.role) && r.purpose.matches(req.purpose));
        for rule in applicable {
            let rank = |p: &super::CategoryPattern| {
                (
                    rule.role.is_exact(),
                    rule.purpose.is_exact(),
                    p.specificity(),
                )
            };
            for pattern in rule.categories.iter().filter(|p| p.matches(req.category)) {
                let candidate = (rank(pattern), rule.decision);
                // Tuples compare rank first, then decision, and decisions are
                // ordered by restrictiveness: ties go to the stricter rule.
                if best.is_none_or(|b| candidate > b) {
                    best = Some(candidate);
                }
            }
        }
        match best.map(|(_, decision)| decision) {
            Some(RuleDecision::Allow) => Decision::Allow,
            Some(RuleDecision::Mask) => Decision::Mask,
            Some(RuleDecision::Deny) => Decision::Deny(DenyReason::DeniedByRule),
            None => Decision::Deny(DenyReason::NoRule),
        }
    }
}

impl Policy {
    /// Whether `role` could be shown anything of the `categories` for `purpose`, consent given:
    /// `Err` with the reason when every one of them is denied. A read that can show nothing is
    /// refused before the object is looked up, so a caller without the right to read learns
    /// nothing about what exists.
    pub fn may_see_any<'a>(
        &self,
        role: &str,
        training: Training,
        purpose: &str,
        categories: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), DenyReason> {
        let mut reason: Option<DenyReason> = None;
        for category in categories {
            match self.decide(&AccessRequest {
                role,
                purpose,
                category,
                consent: ConsentState::Granted,
                training,
                restricted: false,
            }) {
                Decision::Deny(r) => {
                    // One reason when they all agree; otherwise the general one.
                    reason = Some(match reason {
                        Some(prev) if prev != r => DenyReason::NoRule,
                        _ => r,
                    });
                }
                _ => return Ok(()),
            }
        }
        Err(reason.unwrap_or(DenyReason::NoRule))
    }

    /// Every category the policy knows: the built-in taxonomy and the custom ones.
    pub fn category_names(&self) -> impl Iterator<Item = &str> {
        crate::category::BUILTIN_CATEGORIES
            .iter()
            .map(|c| c.name())
            .chain(self.custom_categories().map(|c| c.name()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut codes: Vec<&str> = DenyReason::ALL.iter().map(|r| r.code()).collect();
        for code in &codes {
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), DenyReason::ALL.len());
    }

    #[test]
    fn messages_are_sentences() {
        for reason in DenyReason::ALL {
            let text = reason.to_string();
            assert!(
                text.ends_with('.') && text.chars().next().is_some_and(char::is_uppercase),
                "{text}"
            );
        }
    }
}
