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
