//! PostgreSQL tables against a real server named by `PRIVET_TEST_POSTGRES_URL`.
//! Without it the tests say why they skip, except under CI (`CI=true`),
//! where a missing server is a failure.

use crate::common::drain;
use privet_formats::{InputErrorKind, TableSelection, open_database, parse_db_url};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The test server (testkit's one rule: skip with a reason locally, fail under CI).
fn server_url() -> Option<String> {
    privet_testkit::postgres::postgres_base()
}

fn run_sql(url: &str, statements: &[String]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = PgConnection::connect(url).await.expect("connect");
        for sql in statements {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str()))
                .execute(&mut conn)
                .await
                .expect("setup statement");
        }
        conn.close().await.expect("close");
    });
}

/// A schema of our own, dropped when the test ends.
struct Schema {
    url: String,
    name: String,
}

impl Drop for Schema {
    fn drop(&mut self) {
        run_sql(
            &self.url,
            &[format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name)],
        );
    }
}

fn schema(url: &str, tag: &str) -> Schema {
    // Unique per process (pid) and per test (tag and counter).
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("privet_fmt_{tag}_{}_{n}", std::process::id());
    let s = Schema {
        url: url.to_string(),
        name: name.clone(),
    };
    run_sql(
        url,
        &[
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
        ],
    );
    s
}

#[test]
fn tables_stream_every_column_as_text() {
    let Some(url) = server_url() else { return };
    let s = schema(&url, "cols");
    let db = parse_db_url(&url).expect("postgres URL");
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
    let Some(url) = server_url() else { return };
    let s = schema(&url, "sample");
    let db = parse_db_url(&url).expect("postgres URL");
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
