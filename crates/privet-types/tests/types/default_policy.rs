//! The policy `privet init` writes.

use privet_types::policy::{DEFAULT_POLICY_TOML, LegalBasis, Policy, ServerSection, TokenSection};

#[test]
fn default_policy_declares_the_documented_purposes_and_roles() {
    let policy = Policy::parse(DEFAULT_POLICY_TOML).unwrap();
    let purpose = |name| {
        let p = policy.purpose(name).unwrap();
        (p.legal_basis(), p.consent_required())
    };
    assert_eq!(purpose("support"), (LegalBasis::Contract, false));
    assert_eq!(purpose("marketing"), (LegalBasis::Consent, true));
    assert_eq!(purpose("billing"), (LegalBasis::Contract, false));
    assert_eq!(
        purpose("fraud_prevention"),
        (LegalBasis::LegitimateInterests, false)
    );
    assert_eq!(purpose("ad_partners"), (LegalBasis::Consent, true));
    let sold: Vec<&str> = policy
        .purposes()
        .filter(|p| p.sale_or_sharing())
        .map(|p| p.name())
        .collect();
    assert_eq!(sold, ["ad_partners"]);
    for role in ["admin", "support_agent", "service"] {
        assert!(policy.role(role).is_some(), "{role}");
    }
    assert!(policy.category("contact.email").is_some());
    assert_eq!(policy.custom_categories().count(), 0);
    assert_eq!(policy.max_batch(), 1000);
    assert_eq!(policy.server(), &ServerSection::default());
    assert_eq!(policy.tokens(), &TokenSection::default());
}

#[test]
fn default_policy_comments_every_section() {
    let lines: Vec<&str> = DEFAULT_POLICY_TOML.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let header = line.starts_with("[policy]")
            || line.starts_with("[limits]")
            || line.starts_with("[purposes.support]")
            || line.starts_with("[roles.admin]");
        if header {
            let before = &lines[..i];
            let comment = before.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
            assert!(comment.starts_with('#'), "no comment before {line}");
        }
    }
}

#[test]
fn commented_examples_are_valid_when_uncommented() {
    let uncommented: String = DEFAULT_POLICY_TOML
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest) if rest.starts_with('[') || is_assignment(rest) => rest,
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let policy = Policy::parse(&uncommented).unwrap_or_else(|e| panic!("{e:?}\n{uncommented}"));
    assert!(policy.category("custom.loyalty_id").is_some());
    assert_eq!(policy.rules().len(), 7);
    assert_eq!(
        policy.rights().regulations["lgpd"].respond_within,
        privet_types::deadline::Period::Days(15)
    );
    let server = policy.server();
    assert_eq!(server.listen, Some("127.0.0.1:8700".parse().unwrap()));
    assert_eq!(server.data_dir, Some("privet-data".into()));
    assert!(server.database.is_some());
    assert!(server.tls_cert.is_some() && server.tls_key.is_some());
    assert_eq!(policy.tokens().deterministic, ["card_number"]);
}

/// `key = value` with a bare lower-case key, as opposed to prose.
fn is_assignment(line: &str) -> bool {
    line.split_once(" = ").is_some_and(|(key, _)| {
        !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    })
}
