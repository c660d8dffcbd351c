//! The `[server]`, `[tokens]` and `[presidio]` tables: values read, defaults kept, and each mistake
//! at its line.

use std::net::SocketAddr;
use std::path::PathBuf;

use privet_types::policy::{Policy, PolicyError, PresidioSection, ServerSection, TokenSection};

const HEAD: &str = "[policy]\nversion = \"2026-11-23\"\n";

fn parse(rest: &str) -> Result<Policy, Vec<PolicyError>> {
    Policy::parse(&format!("{HEAD}{rest}"))
}

/// The single error of the policy, as (line, column, message).
#[track_caller]
fn only_error(rest: &str) -> (usize, usize, String) {
    let errs = parse(rest)
        .err()
        .unwrap_or_else(|| panic!("accepted:\n{rest}"));
    assert_eq!(errs.len(), 1, "{errs:#?}");
    (errs[0].line, errs[0].column, errs[0].message.clone())
}

#[test]
fn absent_tables_give_the_defaults() {
    let policy = parse("").unwrap();
    assert_eq!(policy.server(), &ServerSection::default());
    assert_eq!(policy.server().listen, None);
    assert_eq!(policy.tokens(), &TokenSection::default());
    assert_eq!(policy.tokens().card_keep_first, 6);
    assert_eq!(policy.tokens().card_keep_last, 4);
}

#[test]
fn server_table_is_read() {
    let policy = parse(
        "[server]\nlisten = \"[::1]:9000\"\ndata_dir = \"/var/lib/privet\"\n\
         database = \"postgresql://privet@db/privet\"\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n",
    )
    .unwrap();
    let server = policy.server();
    assert_eq!(
        server.listen,
        Some("[::1]:9000".parse::<SocketAddr>().unwrap())
    );
    assert_eq!(server.data_dir, Some(PathBuf::from("/var/lib/privet")));
    assert_eq!(
        server.database.as_deref(),
        Some("postgresql://privet@db/privet")
    );
    assert_eq!(server.tls_cert, Some(PathBuf::from("cert.pem")));
    assert_eq!(server.tls_key, Some(PathBuf::from("key.pem")));
}

#[test]
fn server_settings_may_be_given_one_by_one() {
    let policy = parse("[server]\ndata_dir = \"d\"\n").unwrap();
    assert_eq!(policy.server().data_dir, Some(PathBuf::from("d")));
    assert_eq!(policy.server().listen, None);
    assert_eq!(policy.server().tls_cert, None);
}

#[test]
fn tokens_table_is_read() {
    let policy = parse(
        "[categories.\"custom.loyalty_id\"]\nsensitivity = \"normal\"\n\
         [tokens]\ncard_keep_first = 0\ncard_keep_last = 4\n\
         deterministic = [\"card_number\", \"contact.email\", \"custom.loyalty_id\", \"card_number\"]\n",
    )
    .unwrap();
    let tokens = policy.tokens();
    assert_eq!((tokens.card_keep_first, tokens.card_keep_last), (0, 4));
    assert_eq!(
        tokens.deterministic,
        ["card_number", "contact.email", "custom.loyalty_id"]
    );
    let partial = parse("[tokens]\ncard_keep_last = 0\n").unwrap();
    assert_eq!(
        (
            partial.tokens().card_keep_first,
            partial.tokens().card_keep_last
        ),
        (6, 0)
    );
}

#[test]
fn unknown_keys_are_refused() {
    let (line, column, message) = only_error("[server]\nlisten = \"127.0.0.1:1\"\n port = 8700\n");
    assert_eq!((line, column), (5, 2));
    assert!(
        message.contains("unknown key `port` in [server]"),
        "{message}"
    );
    assert!(message.contains("listen, data_dir"), "{message}");

    let (line, _, message) = only_error("[tokens]\nkeep_first = 6\n");
    assert_eq!(line, 4);
    assert!(
        message.contains("unknown key `keep_first` in [tokens]"),
        "{message}"
    );
}

#[test]
fn unparsable_listen_address() {
    for bad in [
        "\"localhost:8700\"",
        "\"127.0.0.1\"",
        "\"127.0.0.1:99999\"",
        "\":8700\"",
    ] {
        let (line, column, message) = only_error(&format!("[server]\nlisten = {bad}\n"));
        assert_eq!((line, column), (4, 10), "{bad}");
        assert!(message.contains("ADDR:PORT"), "{message}");
    }
}

#[test]
fn wrong_types_point_at_the_value() {
    let text = "[server]\nlisten = 8700\ndata_dir = [\"a\"]\ntls_cert = true\ntls_key = 1\n\
                [tokens]\ncard_keep_first = \"6\"\ndeterministic = \"card_number\"\n";
    let errs = parse(text).unwrap_err();
    let found: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        found,
        [(4, 10), (5, 12), (6, 12), (7, 11), (9, 19), (10, 17)],
        "{errs:#?}"
    );
    assert!(
        errs[0]
            .message
            .contains("`listen` in [server] must be a string, found integer")
    );
    assert!(errs[4].message.contains("must be an integer, found string"));
    assert!(errs[5].message.contains("must be an array of token kinds"));
}

#[test]
fn server_must_be_a_table() {
    let errs = Policy::parse(&format!("server = \"127.0.0.1:8700\"\n{HEAD}")).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let (line, message) = (errs[0].line, &errs[0].message);
    assert_eq!(line, 1);
    assert!(message.contains("[server] must be a table"), "{message}");
}

#[test]
fn empty_paths_are_refused() {
    let (line, column, message) = only_error("[server]\ndata_dir = \"\"\n");
    assert_eq!((line, column), (4, 12));
    assert!(
        message.contains("`data_dir` in [server] must not be empty"),
        "{message}"
    );
}

#[test]
fn database_must_be_postgres_and_is_not_echoed() {
    let (line, column, message) =
        only_error("[server]\ndatabase = \"mysql://root:hunter2@db/privet\"\n");
    assert_eq!((line, column), (4, 12));
    assert!(message.contains("postgres://"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn tls_needs_both_halves() {
    let (line, column, message) = only_error("[server]\ndata_dir = \"d\"\ntls_cert = \"c.pem\"\n");
    assert_eq!((line, column), (5, 1));
    assert!(
        message.contains("`tls_cert` in [server] needs `tls_key`"),
        "{message}"
    );

    let (line, _, message) = only_error("[server]\n\ntls_key = \"k.pem\"\n");
    assert_eq!(line, 5);
    assert!(
        message.contains("`tls_key` in [server] needs `tls_cert`"),
        "{message}"
    );
}

#[test]
fn card_digits_kept_are_bounded() {
    for (key, value, ok) in [
        ("card_keep_first", "0", true),
        ("card_keep_first", "6", true),
        ("card_keep_first", "7", false),
        ("card_keep_first", "-1", false),
        ("card_keep_last", "0", true),
        ("card_keep_last", "4", true),
        ("card_keep_last", "5", false),
    ] {
        match parse(&format!("[tokens]\n{key} = {value}\n")) {
            Ok(_) => assert!(ok, "{key} = {value} accepted"),
            Err(errs) => {
                assert!(!ok, "{key} = {value} refused: {errs:?}");
                assert_eq!(errs.len(), 1, "{errs:#?}");
                assert_eq!((errs[0].line, errs[0].column), (4, key.len() + 4));
                assert!(
                    errs[0].message.contains("must be between 0 and"),
                    "{errs:?}"
                );
                assert!(errs[0].message.contains("PCI DSS"), "{errs:?}");
            }
        }
    }
}

#[test]
fn deterministic_kinds_must_be_known() {
    let text = "[tokens]\ndeterministic = [\"card_number\", \"contact.fax\", 3, \"custom.nope\"]\n";
    let errs = parse(text).unwrap_err();
    let found: Vec<(usize, usize)> = errs.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(found, [(4, 33), (4, 48), (4, 51)], "{errs:#?}");
    assert!(
        errs[0]
            .message
            .contains("unknown token kind \"contact.fax\"")
    );
    assert!(errs[1].message.contains("must be strings"));
    assert!(errs[2].message.contains("\"custom.nope\""));
}

#[test]
fn settings_errors_join_the_others_in_order() {
    let text = "\
[policy]
version = \"2026-11-23\"

[server]
listen = \"nowhere\"
tls_key = \"k.pem\"

[tokens]
card_keep_last = 9

[limits]
max_batch = 0
";
    let errs = Policy::parse(text).unwrap_err();
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [5, 6, 9, 12], "{errs:#?}");
}

#[test]
fn presidio_table_is_read_and_anonymous_access_is_off_by_default() {
    assert_eq!(parse("").unwrap().presidio(), &PresidioSection::default());
    assert!(!parse("").unwrap().presidio().allow_anonymous);
    assert!(
        parse("[presidio]\nallow_anonymous = true\n")
            .unwrap()
            .presidio()
            .allow_anonymous
    );
    assert!(
        !parse("[presidio]\nallow_anonymous = false\n")
            .unwrap()
            .presidio()
            .allow_anonymous
    );
}

#[test]
fn presidio_mistakes_point_at_their_line() {
    let (line, column, message) = only_error("[presidio]\nallow_anonymous = \"yes\"\n");
    assert_eq!((line, column), (4, 19));
    assert!(
        message.contains("`allow_anonymous` in [presidio] must be true or false, found string"),
        "{message}"
    );
    let (line, column, message) = only_error("[presidio]\nallow_anonymus = true\n");
    assert_eq!((line, column), (4, 1));
    assert!(
        message.contains(
            "unknown key `allow_anonymus` in [presidio]; expected one of: allow_anonymous"
        ),
        "{message}"
    );
    // A top-level key has to come before the `[policy]` header to stay at the top level.
    let errs = Policy::parse(&format!("presidio = true\n{HEAD}")).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].line, 1);
    let message = &errs[0].message;
    assert!(message.contains("[presidio] must be a table"), "{message}");
}

#[test]
fn organization_and_regulations_default_to_utc_gdpr_and_ccpa() {
    use privet_types::deadline::{Period, RegulationRule};
    let policy = parse("").unwrap();
    let rights = policy.rights();
    assert_eq!(rights.timezone_name, "UTC");
    assert_eq!(rights.regulations["gdpr"], RegulationRule::gdpr());
    assert_eq!(rights.regulations["ccpa"], RegulationRule::ccpa());

    let policy = parse(
        "[organization]\nname = \"Acme GmbH\"\ntimezone = \"Europe/Berlin\"\n\
         [regulations.gdpr]\nrespond_within = \"30 days\"\n\
         [regulations.lgpd]\nrespond_within = \"15 days\"\n\
         [regulations.pipeda]\nrespond_within = \"30 days\"\nextension = \"30 days\"\nconfirm_receipt_within = \"5 business days\"\n",
    )
    .unwrap();
    let rights = policy.rights();
    assert_eq!(rights.organization, "Acme GmbH");
    assert_eq!(rights.timezone_name, "Europe/Berlin");
    // An override keeps what it does not name.
    let gdpr = &rights.regulations["gdpr"];
    assert_eq!(gdpr.respond_within, Period::Days(30));
    assert_eq!(gdpr.extension, Some(Period::Months(2)));
    let lgpd = &rights.regulations["lgpd"];
    assert_eq!((lgpd.extension, lgpd.max_extensions), (None, 0));
    let pipeda = &rights.regulations["pipeda"];
    assert_eq!(
        (pipeda.extension, pipeda.max_extensions),
        (Some(Period::Days(30)), 1)
    );
    assert_eq!(pipeda.confirm_receipt_within, Some(Period::BusinessDays(5)));
}

#[test]
fn regulation_mistakes_point_at_their_line() {
    let (line, _, msg) = only_error("[organization]\ntimezone = \"Mars/Olympus\"\n");
    assert_eq!(line, 4);
    assert!(msg.contains("unknown time zone"), "{msg}");
    let (line, _, msg) = only_error("[regulations.lgpd]\nextension = \"15 days\"\n");
    assert_eq!(line, 3);
    assert!(msg.contains("missing `respond_within`"), "{msg}");
    let (line, _, msg) = only_error("[regulations.gdpr]\nrespond_within = \"a fortnight\"\n");
    assert_eq!(line, 4);
    assert!(msg.contains("not a period"), "{msg}");
    let (_, _, msg) = only_error("[regulations.gdpr]\nmax_extensions = 99\n");
    assert!(msg.contains("between 0 and 10"), "{msg}");
    let (_, _, msg) = only_error("[regulations.gdpr]\nwithin = \"1 month\"\n");
    assert!(msg.contains("within"), "{msg}");
}

#[test]
fn vendors_are_read_and_checked() {
    use privet_types::deadline::Period;
    let policy = parse(
        "[purposes.marketing]\nlegal_basis = \"consent\"\n\
         [vendors.mailer]\ncontact = \"dpo@mailer.example\"\ncountry = \"IE\"\n\
         categories = [\"contact.*\"]\npurposes = [\"marketing\"]\ndpa_signed = \"2025-01-10\"\n\
         dpa_expires = \"2027-01-10\"\nlast_assessment = \"2025-06-01\"\nassessment_every = \"12 months\"\n\
         erasure_webhook = \"https://mailer.example/privet/erasures\"\nsecret_env = \"MAILER_WEBHOOK_SECRET\"\n",
    )
    .unwrap();
    let v = &policy.rights().vendors[0];
    assert_eq!((v.name.as_str(), v.country.as_str()), ("mailer", "IE"));
    assert!(v.receives("contact.email") && !v.receives("financial.card_number"));
    assert_eq!(v.assessment_every, Some(Period::Months(12)));
    assert_eq!(v.secret_env.as_deref(), Some("MAILER_WEBHOOK_SECRET"));

    let base =
        "[vendors.crm]\ncontact = \"x\"\ncountry = \"US\"\ncategories = [\"contact.email\"]\n";
    for (extra, needle) in [
        (
            "erasure_webhook = \"http://crm.example/hook\"\nsecret_env = \"S\"\n",
            "https://",
        ),
        (
            "erasure_webhook = \"https://crm.example/hook\"\n",
            "no secret_env",
        ),
        ("purposes = [\"astrology\"]\n", "not declared"),
        ("dpa_expires = \"soon\"\n", "a date"),
        ("secret_env = \"lower\"\n", "environment variable"),
        ("assessment_every = \"often\"\n", "not a period"),
    ] {
        let (_, _, msg) = only_error(&format!("{base}{extra}"));
        assert!(msg.contains(needle), "{extra}: {msg}");
    }
    let (_, _, msg) = only_error("[vendors.crm]\ncontact = \"x\"\ncountry = \"US\"\n");
    assert!(msg.contains("missing `categories`"), "{msg}");
}

#[test]
fn retention_rules_are_read_and_checked() {
    use privet_types::deadline::Period;
    use privet_types::retention::{Anchor, RetentionAction, Schedule};
    let policy = parse(
        "[retention.contact_details]\ncategories = [\"contact.email\", \"contact.phone\"]\nkeep_for = \"365d\"\n\
         from = \"collected_at\"\nowner = \"Privacy Lead <privacy@example.org>\"\nevery = \"1d\"\n\
         [retention.closed]\ncategories = [\"identity.*\"]\nkeep_for = \"2y\"\nfrom = \"account_closed\"\n\
         action = \"erase_subject\"\nowner = \"DPO\"\ncron = \"0 3 * * *\"\n\
         [retention.quiet]\ncategories = [\"online.*\"]\nkeep_for = \"18m\"\nfrom = \"last_order\"\n\
         inactive_for = \"12w\"\nowner = \"DPO\"\nevery = \"12 weeks\"\n",
    )
    .unwrap();
    let rules = &policy.rights().retention;
    let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["closed", "contact_details", "quiet"]);
    assert_eq!(rules[1].keep_for, Period::Days(365));
    assert_eq!(rules[1].action, RetentionAction::DeleteFields);
    assert_eq!(rules[0].from, Anchor::AccountClosed);
    assert_eq!(rules[0].action, RetentionAction::EraseSubject);
    assert_eq!(
        rules[0].schedule,
        Schedule::Cron(privet_types::cron::Cron::parse("0 3 * * *").unwrap())
    );
    assert_eq!(rules[2].from, Anchor::Event("last_order".into()));
    assert_eq!(rules[2].inactive_for, Some(Period::Days(84)));

    let base = "[retention.a]\ncategories = [\"contact.*\"]\nkeep_for = \"1y\"\nowner = \"DPO\"\n";
    for (rest, needle) in [
        ("", "needs a schedule"),
        (
            "every = \"1d\"\ncron = \"0 3 * * *\"\n",
            "both `every` and `cron`",
        ),
        ("cron = \"every night\"\n", "five fields"),
        ("cron = \"0 25 * * *\"\n", "hour"),
        ("every = \"1d\"\naction = \"shred\"\n", "delete_fields"),
        (
            "every = \"1d\"\n[retention.b]\ncategories = [\"contact.email\"]\nkeep_for = \"2y\"\nowner = \"DPO\"\nevery = \"1d\"\n",
            "disagree",
        ),
    ] {
        let (_, _, msg) = only_error(&format!("{base}{rest}"));
        assert!(msg.contains(needle), "{rest}: {msg}");
    }
    // Rules that cover the same category and agree are fine.
    assert!(
        parse(&format!(
            "{base}every = \"1d\"\n[retention.b]\ncategories = [\"contact.email\"]\nkeep_for = \"12m\"\nowner = \"DPO\"\nevery = \"7d\"\n"
        ))
        .is_ok()
    );
    let (_, _, msg) = only_error(
        "[retention.a]\ncategories = [\"contact.*\"]\nowner = \"DPO\"\nevery = \"1d\"\n",
    );
    assert!(msg.contains("missing `keep_for`"), "{msg}");
}

#[test]
fn categories_the_rules_use_without_retention_are_named() {
    let none = parse("[purposes.support]\nlegal_basis = \"contract\"\n[roles.agent]\n[[rules]]\nrole = \"agent\"\npurpose = \"support\"\ncategories = [\"contact.*\"]\ndecision = \"allow\"\n").unwrap();
    assert!(
        none.categories_without_retention().is_empty(),
        "no retention rules: one warning elsewhere"
    );
    let some = parse(
        "[purposes.support]\nlegal_basis = \"contract\"\n[roles.agent]\n[[rules]]\nrole = \"agent\"\npurpose = \"support\"\n\
         categories = [\"contact.email\", \"contact.phone\", \"financial.card_number\"]\ndecision = \"allow\"\n\
         [retention.contact]\ncategories = [\"contact.*\"]\nkeep_for = \"1y\"\nowner = \"DPO\"\nevery = \"1d\"\n",
    )
    .unwrap();
    assert_eq!(
        some.categories_without_retention(),
        ["financial.card_number"]
    );
}

#[test]
fn writes_are_justified_by_a_purpose_and_a_retention_rule() {
    use privet_types::policy::Unjustified::{NoPurpose, NoRetention};
    const BASE: &str = "[purposes.support]\nlegal_basis = \"contract\"\n[roles.agent]\n\
        [[rules]]\nrole = \"agent\"\npurpose = \"support\"\ncategories = [\"contact.*\", \"financial.card_number\"]\ndecision = \"mask\"\n\
        [[rules]]\nrole = \"agent\"\npurpose = \"support\"\ncategories = [\"health.*\"]\ndecision = \"deny\"\n\
        [retention.contact]\ncategories = [\"contact.*\", \"health.*\"]\nkeep_for = \"1y\"\nowner = \"DPO\"\nevery = \"1d\"\n";
    let on = parse(BASE).unwrap();
    let off = Policy::parse(&format!(
        "[policy]\nversion = \"2026-01-01\"\nrequire_retention = false\n{BASE}"
    ))
    .unwrap();
    assert!(on.require_retention());
    assert!(!off.require_retention());
    // (category, with require_retention, without it)
    let table = [
        ("contact.email", Ok(()), Ok(())),
        ("contact.phone", Ok(()), Ok(())),
        ("financial.card_number", Err(NoRetention), Ok(())),
        // Only a deny rule names it: no purpose uses it.
        ("health.record", Err(NoPurpose), Err(NoPurpose)),
        ("identity.name", Err(NoPurpose), Err(NoPurpose)),
    ];
    for (category, with, without) in table {
        assert_eq!(on.justifies(category), with, "{category}");
        assert_eq!(
            off.justifies(category),
            without,
            "{category}, require_retention = false"
        );
    }
    assert_eq!(NoPurpose.code(), "no_purpose");
    assert_eq!(NoRetention.code(), "no_retention");
    // The built-in policy justifies what its rules use.
    let default = Policy::default_policy();
    for category in [
        "contact.email",
        "identity.name",
        "financial.card_number",
        "identity.government_id",
    ] {
        assert_eq!(default.justifies(category), Ok(()), "{category}");
    }
    assert!(default.categories_without_retention().is_empty());
    let wrong = Policy::parse("[policy]\nversion = \"2026-01-01\"\nrequire_retention = \"no\"\n");
    let errors = wrong.unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.to_string().contains("require_retention")),
        "{errors:?}"
    );
}

#[test]
fn backup_retention_is_read_and_names_when_copies_end() {
    use privet_types::deadline::Period;
    let defaults = parse("").unwrap();
    assert_eq!(defaults.rights().backup_keys_keep_for, Period::Days(30));
    assert_eq!(defaults.rights().backup_data_keep_for, Period::Days(90));
    let set = parse("[backups]\nkeys_keep_for = \"2w\"\ndata_keep_for = \"6m\"\n").unwrap();
    let rights = set.rights();
    assert_eq!(rights.backup_keys_keep_for, Period::Days(14));
    assert_eq!(rights.backup_data_keep_for, Period::Months(6));
    let at: jiff::Timestamp = "2026-01-31T12:00:00Z".parse().unwrap();
    assert_eq!(
        rights.unreadable_after(at),
        Some("2026-02-14T12:00:00Z".parse().unwrap())
    );
    // A purge's deleted fields live on in data backups, its erased keys in key-store ones.
    assert_eq!(
        rights.purge_unreadable_after(at),
        Some("2026-07-31T12:00:00Z".parse().unwrap())
    );
    for (rest, needle) in [
        ("[backups]\nkeys_keep_for = \"soon\"\n", "not a period"),
        (
            "[backups]\nkeep = \"1d\"\n",
            "unknown key `keep` in [backups]",
        ),
    ] {
        let (_, _, msg) = only_error(rest);
        assert!(msg.contains(needle), "{rest}: {msg}");
    }
}

#[test]
fn outbox_limits_are_read() {
    use privet_types::deadline::Period;
    let defaults = parse("").unwrap();
    assert_eq!(defaults.rights().outbox_max_attempts, 12);
    assert_eq!(defaults.rights().outbox_max_age, Period::Days(3));
    let set = parse("[outbox]\nmax_attempts = 5\nmax_age = \"12 hours\"\n");
    assert!(set.is_err(), "hours are not a period privet knows");
    let set = parse("[outbox]\nmax_attempts = 5\nmax_age = \"2d\"\n").unwrap();
    assert_eq!(
        (
            set.rights().outbox_max_attempts,
            set.rights().outbox_max_age
        ),
        (5, Period::Days(2))
    );
    let (_, _, msg) = only_error("[outbox]\nmax_attempts = 0\n");
    assert!(msg.contains("between 1 and 100"), "{msg}");
}
