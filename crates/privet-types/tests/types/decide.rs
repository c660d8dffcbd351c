//! The access decision as a table: role, purpose, category, consent, training -> decision.

use privet_types::policy::{AccessRequest, ConsentState, Decision, DenyReason, Policy, Training};

const POLICY: &str = r#"
[policy]
version = "2026-01-01"

[categories."custom.loyalty_id"]
sensitivity = "normal"

[categories."custom.deep.thing"]
sensitivity = "low"

[purposes.support]
legal_basis = "contract"

[purposes.billing]
legal_basis = "contract"

[purposes.marketing]
legal_basis = "consent"

[purposes.research]
legal_basis = "legitimate_interests"
consent_required = true

# Sold or shared: an opt-out purpose (runs until the customer opts out, by request or by a
# Global Privacy Control signal), and one that also needs a yes first.
[purposes.ad_sharing]
legal_basis = "legitimate_interests"
sale_or_sharing = true

[purposes.partners]
legal_basis = "consent"
sale_or_sharing = true

[purposes.tax]
legal_basis = "legal_obligation"

[roles.admin]
[roles.agent]
[roles.auditor]

[[rules]]
role = "admin"
purpose = "support"
categories = ["contact.*", "identity.name"]
decision = "allow"

[[rules]]
role = "admin"
purpose = "support"
categories = ["financial.card_number"]
decision = "mask"

# The same rule twice with the same decision is harmless.
[[rules]]
role = "admin"
purpose = "support"
categories = ["financial.card_number"]
decision = "mask"

[[rules]]
role = "admin"
purpose = "support"
categories = ["contact.postal_address"]
decision = "deny"

[[rules]]
role = "admin"
purpose = "support"
categories = ["custom.*"]
decision = "allow"

[[rules]]
role = "admin"
purpose = "support"
categories = ["custom.deep.*"]
decision = "mask"

[[rules]]
role = "admin"
purpose = "*"
categories = ["*"]
decision = "deny"

[[rules]]
role = "admin"
purpose = "*"
categories = ["identity.*"]
decision = "mask"

[[rules]]
role = "admin"
purpose = "marketing"
categories = ["contact.email"]
decision = "allow"

[[rules]]
role = "admin"
purpose = "tax"
categories = ["contact.*", "financial.*"]
decision = "allow"

[[rules]]
role = "admin"
purpose = "ad_sharing"
categories = ["contact.email"]
decision = "allow"

[[rules]]
role = "admin"
purpose = "partners"
categories = ["contact.email"]
decision = "allow"

[[rules]]
role = "*"
purpose = "support"
categories = ["contact.*"]
decision = "mask"

[[rules]]
role = "agent"
purpose = "*"
categories = ["identity.name"]
decision = "allow"

[[rules]]
role = "*"
purpose = "support"
categories = ["identity.name"]
decision = "deny"

[[rules]]
role = "agent"
purpose = "support"
categories = ["health.*"]
decision = "allow"

[[rules]]
role = "*"
purpose = "*"
categories = ["online.*"]
decision = "allow"

[[rules]]
role = "auditor"
purpose = "research"
categories = ["*"]
decision = "mask"
"#;

use ConsentState::{Granted as G, Unknown as U, Withdrawn as W};
use Decision::{Allow, Deny, Mask};
use DenyReason::*;

#[rustfmt::skip]
const TABLE: &[(&str, &str, &str, ConsentState, bool, Decision)] = &[
    // Exact role and purpose, prefix and exact categories.
    ("admin",   "support",   "contact.email",          U, false, Allow),
    ("admin",   "support",   "contact.phone",          U, false, Allow),
    ("admin",   "support",   "identity.name",          U, false, Allow),
    ("admin",   "support",   "financial.card_number",  U, false, Mask),
    // Exact category beats prefix.* under the same role and purpose.
    ("admin",   "support",   "contact.postal_address", U, false, Deny(DeniedByRule)),
    // Longer prefix beats shorter; custom categories take part.
    ("admin",   "support",   "custom.loyalty_id",      U, false, Allow),
    ("admin",   "support",   "custom.deep.thing",      U, false, Mask),
    // Exact purpose beats "*": admin/support/* rules beat admin/*/identity.*.
    ("admin",   "support",   "identity.government_id", U, true,  Mask),
    // prefix.* beats "*" under the same role and purpose.
    ("admin",   "billing",   "identity.passport",      U, false, Mask),
    ("admin",   "billing",   "contact.email",          U, false, Deny(DeniedByRule)),
    // Exact role beats "*" role: admin/*/* deny beats */*/online.* allow.
    ("admin",   "billing",   "online.ip_address",      U, false, Deny(DeniedByRule)),
    ("auditor", "billing",   "online.ip_address",      U, false, Allow),
    // "*" role applies to roles without their own rule.
    ("agent",   "support",   "contact.email",          U, false, Mask),
    ("auditor", "support",   "contact.phone",          U, false, Mask),
    // Role is compared before purpose: agent/*/x beats */support/x.
    ("agent",   "support",   "identity.name",          U, false, Allow),
    ("auditor", "support",   "identity.name",          U, false, Deny(DeniedByRule)),
    // Nothing matches: deny on doubt.
    ("auditor", "billing",   "contact.email",          G, true,  Deny(NoRule)),
    ("agent",   "marketing", "contact.email",          G, true,  Deny(NoRule)),
    // Consent.
    ("admin",   "marketing", "contact.email",          G, false, Allow),
    ("admin",   "marketing", "contact.email",          W, false, Deny(ConsentRequired)),
    ("admin",   "marketing", "contact.email",          U, false, Deny(ConsentRequired)),
    ("auditor", "research",  "contact.email",          U, true,  Deny(ConsentRequired)),
    ("auditor", "research",  "contact.email",          G, false, Mask),
    ("admin",   "support",   "contact.email",          W, false, Allow),
    // Sale or sharing: never asked runs until an opt-out; an opt-out (a withdrawal, a GPC signal
    // is recorded as one) stops it; consent-based ones still need the yes.
    ("admin",   "ad_sharing","contact.email",          U, false, Allow),
    ("admin",   "ad_sharing","contact.email",          G, false, Allow),
    ("admin",   "ad_sharing","contact.email",          W, false, Deny(ConsentRequired)),
    ("admin",   "ad_sharing","identity.name",          W, false, Deny(ConsentRequired)),
    ("admin",   "partners",  "contact.email",          U, false, Deny(ConsentRequired)),
    ("admin",   "partners",  "contact.email",          G, false, Allow),
    ("admin",   "partners",  "contact.email",          W, false, Deny(ConsentRequired)),
    // Special categories need training, whatever the rules say.
    ("agent",   "support",   "health.record",          U, true,  Allow),
    ("agent",   "support",   "health.record",          U, false, Deny(TrainingRequired)),
    ("admin",   "support",   "biometric.template",     U, false, Deny(TrainingRequired)),
    ("admin",   "support",   "health.record",          U, true,  Deny(DeniedByRule)),
    // Consent is checked before training.
    ("admin",   "marketing", "health.record",          U, false, Deny(ConsentRequired)),
    // Unknown names, checked purpose, role, category in that order.
    ("admin",   "sales",     "contact.email",          G, true,  Deny(UnknownPurpose)),
    ("intern",  "support",   "contact.email",          G, true,  Deny(UnknownRole)),
    ("admin",   "support",   "contact.fax",            G, true,  Deny(UnknownCategory)),
    ("admin",   "support",   "contact.*",              G, true,  Deny(UnknownCategory)),
    ("intern",  "sales",     "contact.fax",            G, true,  Deny(UnknownPurpose)),
    ("intern",  "support",   "contact.fax",            G, true,  Deny(UnknownRole)),
    ("*",       "support",   "contact.email",          G, true,  Deny(UnknownRole)),
    ("admin",   "*",         "contact.email",          G, true,  Deny(UnknownPurpose)),
];

#[test]
fn decision_table() {
    let policy = Policy::parse(POLICY).unwrap();
    let mut failures = Vec::new();
    for &(role, purpose, category, consent, trained, expected) in TABLE {
        let req = AccessRequest {
            role,
            purpose,
            category,
            consent,
            training: if trained {
                Training::Current
            } else {
                Training::Lapsed
            },
            restricted: false,
        };
        let got = policy.decide(&req);
        if got != expected {
            failures.push(format!("{req:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_covers_every_deny_reason() {
    for reason in DenyReason::ALL {
        if reason == RetentionExpired {
            // Decided by the vault from the retention rules, before the access rules: see
            // privet-types' retention table and the vault's retention tests.
            continue;
        }
        assert!(
            TABLE.iter().any(|row| row.5 == Deny(reason))
                || RESTRICTED.iter().any(|row| row.4 == Deny(reason)),
            "{reason:?} not covered"
        );
    }
}

#[test]
fn default_policy_decisions() {
    let policy = Policy::default_policy();
    let decide = |role, purpose, category, consent| {
        policy.decide(&AccessRequest {
            role,
            purpose,
            category,
            consent,
            training: Training::Lapsed,
            restricted: false,
        })
    };
    assert_eq!(decide("admin", "support", "contact.email", U), Allow);
    assert_eq!(decide("admin", "support", "identity.name", U), Allow);
    assert_eq!(decide("admin", "support", "financial.card_number", U), Mask);
    assert_eq!(
        decide("admin", "support", "identity.government_id", U),
        Mask
    );
    assert_eq!(decide("support_agent", "support", "contact.phone", U), Mask);
    assert_eq!(
        decide("support_agent", "support", "identity.name", U),
        Deny(NoRule)
    );
    assert_eq!(
        decide("service", "billing", "financial.card_number", U),
        Allow
    );
    assert_eq!(decide("admin", "marketing", "contact.email", G), Allow);
    assert_eq!(
        decide("admin", "marketing", "contact.email", W),
        Deny(ConsentRequired)
    );
    assert_eq!(
        decide("service", "fraud_prevention", "online.ip_address", U),
        Deny(NoRule)
    );
}

#[test]
fn training_is_an_input_of_the_decision() {
    let policy = Policy::parse(POLICY).unwrap();
    let decide = |training| {
        policy.decide(&AccessRequest {
            role: "agent",
            purpose: "support",
            category: "health.record",
            consent: U,
            training,
            restricted: false,
        })
    };
    assert_eq!(decide(Training::Current), Allow);
    assert_eq!(decide(Training::Lapsed), Deny(TrainingRequired));
    // A service's key is not a person: the requirement does not apply to it.
    assert_eq!(decide(Training::NotApplicable), Allow);
    // Not a non-special category's concern.
    let plain = |training| {
        policy.decide(&AccessRequest {
            role: "agent",
            purpose: "support",
            category: "contact.email",
            consent: U,
            training,
            restricted: false,
        })
    };
    assert_eq!(plain(Training::Lapsed), plain(Training::Current));
    // A caller that may see nothing of a purpose is known before any look-up.
    assert!(
        policy
            .may_see_any("agent", Training::Lapsed, "support", ["health.record"])
            .is_err()
    );
    assert!(
        policy
            .may_see_any("agent", Training::Current, "support", ["health.record"])
            .is_ok()
    );
}

/// A subject who restricted processing (GDPR Art. 18): only purposes whose legal basis is a legal
/// obligation still read; the restriction is checked after unknown names and before consent.
#[rustfmt::skip]
const RESTRICTED: &[(&str, &str, &str, ConsentState, Decision)] = &[
    ("admin",  "tax",       "contact.email",         U, Allow),
    ("admin",  "tax",       "financial.card_number", U, Allow),
    ("admin",  "support",   "contact.email",         U, Deny(Restricted)),
    ("admin",  "support",   "financial.card_number", U, Deny(Restricted)),
    ("admin",  "marketing", "contact.email",         G, Deny(Restricted)),
    ("admin",  "marketing", "contact.email",         W, Deny(Restricted)),
    ("agent",  "support",   "health.record",         U, Deny(Restricted)),
    ("admin",  "sales",     "contact.email",         U, Deny(UnknownPurpose)),
    ("intern", "tax",       "contact.email",         U, Deny(UnknownRole)),
    ("admin",  "tax",       "contact.fax",           U, Deny(UnknownCategory)),
    ("admin",  "tax",       "identity.name",         U, Mask),
];

#[test]
fn restriction_table() {
    let policy = Policy::parse(POLICY).unwrap();
    for &(role, purpose, category, consent, expected) in RESTRICTED {
        let req = AccessRequest {
            role,
            purpose,
            category,
            consent,
            training: Training::Current,
            restricted: true,
        };
        assert_eq!(policy.decide(&req), expected, "{req:?}");
    }
}
