//! privet.toml errors: each at the right line and column, all of them at once.

use privet_types::policy::{Policy, PolicyError};

fn errors(text: &str) -> Vec<PolicyError> {
    match Policy::parse(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(errors) => errors,
    }
}

/// The single error of `text`, as (line, column, message).
fn only_error(text: &str) -> (usize, usize, String) {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    (e.line, e.column, e.message.clone())
}

const HEAD: &str = "[policy]\nversion = \"2026-11-23\"\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

#[test]
fn syntax_error_points_at_the_line() {
    let text = with_head("[purposes.support]\nlegal_basis = \n");
    let (line, _, message) = only_error(&text);
    assert_eq!(line, 4);
    assert!(message.starts_with("invalid TOML"), "{message}");
}

#[test]
fn unclosed_table_header() {
    let (line, column, _) = only_error(&with_head("\n[roles.admin\n"));
    assert_eq!((line, column > 1), (4, true));
}

#[test]
fn unknown_field_points_at_the_key() {
    let text =
        with_head("[purposes.support]\nlegal_basis = \"contract\"\n  descripton = \"typo\"\n");
    let (line, column, message) = only_error(&text);
    assert_eq!((line, column), (5, 3));
    assert!(message.contains("unknown key `descripton`"), "{message}");
    assert!(message.contains("description"), "{message}");
}

#[test]
fn unknown_top_level_section() {
    let (line, column, message) = only_error(&with_head("[vendor]\nname = \"x\"\n"));
    assert_eq!((line, column), (3, 2));
    assert!(message.contains("`vendor`"), "{message}");
}

#[test]
fn unknown_role_in_rule_points_at_role_key() {
    let text = with_head(
        "[purposes.support]\nlegal_basis = \"contract\"\n[roles.admin]\n\
         [[rules]]\npurpose = \"support\"\nrole = \"admn\"\ncategories = [\"contact.*\"]\ndecision = \"allow\"\n",
    );
    let (line, column, message) = only_error(&text);
    assert_eq!((line, column), (8, 1));
    assert!(message.contains("undeclared role `admn`"), "{message}");
}

#[test]
fn unknown_purpose_in_rule() {
    let text = with_head(
        "[roles.admin]\n[[rules]]\nrole = \"admin\"\npurpose = \"support\"\ncategories = [\"*\"]\ndecision = \"deny\"\n",
    );
    let (line, _, message) = only_error(&text);
    assert_eq!(line, 6);
    assert!(
        message.contains("undeclared purpose `support`"),
        "{message}"
    );
}

#[test]
fn bad_legal_basis_points_at_the_value() {
    let text = with_head("[purposes.support]\nlegal_basis = \"contrakt\"\n");
    let (line, column, message) = only_error(&text);
    assert_eq!((line, column), (4, 15));
    assert!(message.contains("\"contrakt\""), "{message}");
    assert!(message.contains("legitimate_interests"), "{message}");
}

#[test]
fn consent_basis_without_consent_required() {
    let text = with_head("[purposes.news]\nlegal_basis = \"consent\"\nconsent_required = false\n");
    let (line, _, message) = only_error(&text);
    assert_eq!(line, 5);
    assert!(
        message.contains("consent_required must be true"),
        "{message}"
    );
}

#[test]
fn consent_required_with_another_basis_is_fine() {
    let text = with_head(
        "[purposes.research]\nlegal_basis = \"legitimate_interests\"\nconsent_required = true\n",
    );
    let policy = Policy::parse(&text).unwrap();
    assert!(policy.purpose("research").unwrap().consent_required());
}

#[test]
fn consent_basis_defaults_to_consent_required() {
    let text = with_head("[purposes.news]\nlegal_basis = \"consent\"\n");
    let policy = Policy::parse(&text).unwrap();
    assert!(policy.purpose("news").unwrap().consent_required());
}

const DECLARED: &str = "[purposes.support]\nlegal_basis = \"contract\"\n[roles.admin]\n";

fn rule(categories: &str, decision: &str) -> String {
    format!(
        "[[rules]]\nrole = \"admin\"\npurpose = \"support\"\ncategories = {categories}\ndecision = \"{decision}\"\n"
    )
}

#[test]
fn category_patterns_are_checked() {
    let text = with_head(&format!(
        "{DECLARED}{}",
        rule(
            r#"["contact.*", "contact.fax", "Contact.Email", "nothing.*", "*", 7]"#,
            "allow"
        )
    ));
    let errs = errors(&text);
    let found: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(found, [(9, 28), (9, 43), (9, 60), (9, 78)], "{errs:#?}");
    assert!(errs[0].message.contains("`contact.fax` matches no"));
    assert!(errs[1].message.contains("invalid category name"));
    assert!(errs[2].message.contains("`nothing.*` matches no"));
    assert!(errs[3].message.contains("must be strings"));
}

#[test]
fn empty_categories() {
    let (line, _, message) = only_error(&with_head(&format!("{DECLARED}{}", rule("[]", "allow"))));
    assert_eq!(line, 9);
    assert!(message.contains("at least one"), "{message}");
}

#[test]
fn bad_decision() {
    let (line, column, message) = only_error(&with_head(&format!(
        "{DECLARED}{}",
        rule(r#"["*"]"#, "permit")
    )));
    assert_eq!((line, column), (10, 12));
    assert!(message.contains("\"permit\""), "{message}");
}

#[test]
fn duplicate_rule_with_a_different_decision() {
    let text = with_head(&format!(
        "{DECLARED}{}{}",
        rule(r#"["contact.*"]"#, "allow"),
        rule(r#"["identity.name", "contact.*"]"#, "mask")
    ));
    let (line, column, message) = only_error(&text);
    assert_eq!((line, column), (14, 32));
    assert!(message.contains("line 9"), "{message}");
}

#[test]
fn missing_rule_keys_point_at_the_header() {
    let text = with_head(&format!("{DECLARED}[[rules]]\nrole = \"admin\"\n"));
    let errs = errors(&text);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(errs.iter().all(|e| (e.line, e.column) == (6, 1)));
}

#[test]
fn rules_must_be_an_array_of_tables() {
    let (line, _, message) = only_error(&with_head("[rules]\nrole = \"admin\"\n"));
    assert_eq!(line, 3);
    assert!(message.contains("[[rules]]"), "{message}");
}

#[test]
fn max_batch_bounds() {
    for (value, ok) in [
        ("0", false),
        ("1", true),
        ("100000", true),
        ("100001", false),
        ("-5", false),
        ("\"10\"", false),
    ] {
        let text = with_head(&format!("[limits]\nmax_batch = {value}\n"));
        match Policy::parse(&text) {
            Ok(p) => {
                assert!(ok, "{value} accepted");
                assert_eq!(p.max_batch().to_string(), value);
            }
            Err(errs) => {
                assert!(!ok, "{value} rejected: {errs:?}");
                assert_eq!((errs[0].line, errs[0].column), (4, 13));
            }
        }
    }
}

#[test]
fn limits_table() {
    let text = with_head(
        "[limits]\nmax_fields_per_subject = 50\nmax_subject_bytes = 4096\nmax_read_bytes = 2048\nheader_timeout_secs = 3\nrequest_timeout_secs = 9\nmisses_per_minute = 5\nauth_failures_per_minute = 2\n",
    );
    let p = Policy::parse(&text).unwrap();
    let l = p.limits();
    assert_eq!(
        (
            l.max_fields_per_subject,
            l.max_subject_bytes,
            l.max_read_bytes,
            l.header_timeout_secs,
            l.request_timeout_secs,
            l.misses_per_minute,
            l.auth_failures_per_minute
        ),
        (50, 4096, 2048, 3, 9, 5, 2)
    );
    for (key, value) in [
        ("max_fields_per_subject", "0"),
        ("max_subject_bytes", "10"),
        ("header_timeout_secs", "0"),
        ("request_timeout_secs", "99999"),
        ("misses_per_minute", "-1"),
    ] {
        let (line, column, message) =
            only_error(&with_head(&format!("[limits]\n{key} = {value}\n")));
        assert_eq!((line, column), (4, key.len() + 4), "{key}");
        assert!(
            message.contains(key) && message.contains("between"),
            "{message}"
        );
    }
    let (line, _, message) = only_error(&with_head("[limits]\nmax_feilds = 3\n"));
    assert_eq!(line, 4);
    assert!(message.contains("max_feilds"), "{message}");
}

#[test]
fn custom_categories() {
    let text = with_head(
        "[categories.\"custom.loyalty_id\"]\ndescription = \"Loyalty number\"\nsensitivity = \"normal\"\nmasking = \"last_four\"\n",
    );
    let policy = Policy::parse(&text).unwrap();
    let c = policy.category("custom.loyalty_id").unwrap();
    assert!(!c.is_builtin());
    assert_eq!(c.description(), "Loyalty number");
    assert_eq!(c.masking(), privet_types::MaskStyle::LastFour);

    let text = with_head(
        "[categories.\"contact.email\"]\nsensitivity = \"low\"\n\
         [categories.\"Bad Name\"]\nsensitivity = \"low\"\n\
         [categories.\"custom.x\"]\nsensitivity = \"secret\"\nmasking = \"stars\"\n\
         [categories.\"custom.y\"]\ndescription = \"no sensitivity\"\n",
    );
    let errs = errors(&text);
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5, 8, 9, 10], "{errs:#?}");
    assert!(errs[0].message.contains("built-in"));
    assert!(errs[1].message.contains("invalid category name"));
    assert!(errs[4].message.contains("missing `sensitivity`"));
}

#[test]
fn missing_or_bad_version() {
    let (line, column, message) = only_error("[roles.admin]\n");
    assert_eq!((line, column), (1, 1));
    assert!(message.contains("[policy]"), "{message}");
    let (line, _, _) = only_error("[policy]\nversion = \"last week\"\n");
    assert_eq!(line, 2);
    let policy = Policy::parse("[policy]\nversion = 2026-02-03\n").unwrap();
    assert_eq!(policy.reviewed_on(), jiff::civil::date(2026, 2, 3));
}

#[test]
fn invalid_role_and_purpose_names() {
    let text = with_head("[roles.\"*\"]\n[purposes.Support]\nlegal_basis = \"contract\"\n");
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(errs[0].line, 3);
    assert_eq!(errs[1].line, 4);
}

#[test]
fn wrong_types() {
    let text = with_head(
        "[purposes.support]\nlegal_basis = 3\nconsent_required = \"no\"\n[roles]\nadmin = 1\n",
    );
    let errs = errors(&text);
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [4, 5, 7], "{errs:#?}");
    assert!(errs[0].message.contains("must be a string, found integer"));
}

#[test]
fn every_error_is_reported_in_order() {
    let text = "\
[policy]
version = \"2026-11-23\"
colour = \"blue\"

[purposes.support]
legal_basis = \"contrakt\"

[roles.admin]

[[rules]]
role = \"root\"
purpose = \"support\"
categories = [\"contact.mail\"]
decision = \"maybe\"

[limits]
max_batch = 0
";
    let errs = errors(text);
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 6, 11, 13, 14, 17], "{errs:#?}");
    assert!(
        errs[0]
            .to_string()
            .starts_with("line 3, column 1: unknown key `colour`")
    );
}
