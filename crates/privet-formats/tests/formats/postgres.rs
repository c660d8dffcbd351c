//! PostgreSQL tables against a real server named by `PRIVET_TEST_POSTGRES_URL`.
//! Without it the tests say why they skip, except under CI (`CI=true`),
//! where a missing server is a failure.

use crate::common::drain;
use privet_formats::{InputErrorKind, TableSelection, open_database, parse_db_url};
use privet_testkit::postgres::{TempDatabase, postgres_base};

/// A database of the test's own (testkit's fixture, dropped when the test ends) with a schema
/// holding a `customers` table of the common column types and a 9000-row `big` one.
struct Schema {
    db: TempDatabase,
    name: &'static str,
}

/// `None` (with the reason on stderr) when no server is configured; under CI that fails.
fn schema() -> Option<Schema> {
    let db = TempDatabase::create(&postgres_base()?);
    let name = "shop";
    db.execute(&[
        format!("CREATE SCHEMA {name}"),
        format!(
            "CREATE TABLE {name}.customers (id BIGINT, email TEXT, born DATE, \
             balance NUMERIC(10,2), active BOOLEAN, photo BYTEA, tags TEXT[], \"Odd \"\"Col\"\"\" VARCHAR(20))"
        ),
        format!(
            "INSERT INTO {name}.customers VALUES \
             (1, 'ada@example.com', '1990-05-17', 12.50, true, '\\x00ff', ARRAY['a','b'], 'q'), \
             (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL), \
             (3, 'bob@example.com', '1985-01-02', -3.00, false, NULL, '{{}}', '')"
        ),
        format!("CREATE TABLE {name}.big AS SELECT g AS n FROM generate_series(1, 9000) g"),
    ]);
    Some(Schema { db, name })
}

#[test]
fn tables_stream_every_column_as_text() {
    let Some(s) = schema() else { return };
    let db = parse_db_url(s.db.url()).expect("postgres URL");
    let sel = TableSelection {
        tables: vec![format!("{}.customers", s.name), format!("{}.big", s.name)],
        sample: None,
    };
    let sources = open_database(&db, &sel).expect("opens");
    let names: Vec<String> = sources.iter().map(|x| x.name().to_string()).collect();
    assert_eq!(names.len(), 2);
    for n in &names {
        assert!(
            n.starts_with("postgres://") || n.starts_with("postgresql://"),
            "{n}"
        );
        assert!(!n.contains('@'), "no user or password in {n}");
    }
    assert!(names[1].ends_with(&format!("#{}.customers", s.name)));
    let mut it = sources.into_iter();
    let big = drain(it.next().expect("big"));
    assert_eq!(big.fields.len(), 9000);
    let customers = it.next().expect("customers");
    let cols: Vec<String> = customers.columns().iter().map(|c| c.to_string()).collect();
    // bytea is left out.
    assert_eq!(
        cols,
        vec![
            "id",
            "email",
            "born",
            "balance",
            "active",
            "tags",
            "Odd \"Col\""
        ]
    );
    let c = drain(customers);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.column("email"),
        vec!["ada@example.com", "bob@example.com"]
    );
    assert_eq!(c.column("born"), vec!["1990-05-17", "1985-01-02"]);
    assert_eq!(c.column("balance"), vec!["12.50", "-3.00"]);
    assert_eq!(c.column("active"), vec!["true", "false"]);
    assert_eq!(c.column("tags"), vec!["{a,b}", "{}"]);
    assert_eq!(c.column("Odd \"Col\""), vec!["q"]);
}

#[test]
fn sample_limits_rows_and_bare_table_names_match_any_schema() {
    let Some(s) = schema() else { return };
    let db = parse_db_url(s.db.url()).expect("postgres URL");
    let all = open_database(&db, &TableSelection::default()).expect("lists");
    let ours = format!("#{}.big", s.name);
    assert!(all.iter().any(|x| x.name().ends_with(&ours)));
    let sel = TableSelection {
        tables: vec![format!("{}.big", s.name)],
        sample: Some(50),
    };
    let sources = open_database(&db, &sel).expect("opens");
    let c = drain(sources.into_iter().next().expect("one"));
    assert_eq!(c.fields.len(), 50);
}

#[test]
fn unreachable_server_is_fatal_and_keeps_the_password_out() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let db = parse_db_url("postgres://app:hunter2secret@127.0.0.1:1/shop").expect("postgres URL");
    let err = open_database(&db, &TableSelection::default())
        .err()
        .expect("unreachable");
    assert!(err.is_fatal());
    assert!(matches!(err.kind, InputErrorKind::Database(_)));
    let text = format!("{err} {err:?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
}
