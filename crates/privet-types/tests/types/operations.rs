//! `can = [...]` on roles: operations besides reading, none by default.

use privet_types::policy::{Operation, Policy, PolicyError};

const BASE: &str =
    "[policy]\nversion = \"2026-11-23\"\n[purposes.support]\nlegal_basis = \"contract\"\n";

fn parse(roles: &str) -> Result<Policy, Vec<PolicyError>> {
    Policy::parse(&format!("{BASE}{roles}"))
}

#[test]
fn permissions_table() {
    let policy = parse(
        "[roles.admin]\ncan = [\"write\", \"erase\", \"tokenize\", \"consent\", \"audit\"]\n\
         [roles.service]\ncan = [\"write\", \"tokenize\"]\n[roles.reader]\n",
    )
    .expect("valid policy");
    let table = [
        ("admin", Operation::Write, true),
        ("admin", Operation::Erase, true),
        ("admin", Operation::Audit, true),
        ("service", Operation::Write, true),
        ("service", Operation::Tokenize, true),
        ("service", Operation::Erase, false),
        ("service", Operation::Audit, false),
        ("service", Operation::Consent, false),
        ("reader", Operation::Write, false),
        ("reader", Operation::Tokenize, false),
        ("nobody", Operation::Write, false),
    ];
    for (role, op, expected) in table {
        assert_eq!(policy.permits(role, op), expected, "{role} {}", op.name());
    }
}

#[test]
fn unknown_operations_point_at_the_item() {
    let errors = parse("[roles.admin]\ncan = [\"write\", \"delete_everything\"]\n").unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 6);
    assert!(
        errors[0].message.contains("delete_everything"),
        "{}",
        errors[0].message
    );
    let errors = parse("[roles.admin]\ncan = \"write\"\n").unwrap_err();
    assert_eq!(errors[0].line, 6);
}

#[test]
fn default_policy_grants_as_documented() {
    let p = Policy::default_policy();
    assert!(p.permits("admin", Operation::Erase));
    assert!(p.permits("service", Operation::Tokenize));
    assert!(!p.permits("support_agent", Operation::Write));
    assert!(!p.permits("service", Operation::Audit));
}
