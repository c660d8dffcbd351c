//! Scanning database tables: SQLite always, PostgreSQL when one is given.

use sqlx::{AssertSqlSafe, Connection};

use super::*;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

const ROWS: usize = 300;

/// The statements that create and fill a customers table: names, e-mails,
/// order references that are 16 digits (some pass Luhn), timestamps.
fn customers_sql(table: &str) -> Vec<String> {
    let mut sql = vec![format!(
        "CREATE TABLE {table} (id BIGINT PRIMARY KEY, full_name TEXT, email TEXT, \
         order_ref BIGINT, signup_ts TEXT)"
    )];
    for i in 0..ROWS {
        sql.push(format!(
            "INSERT INTO {table} VALUES ({i}, 'Ada Lovelace', 'user{i}@example.com', {}, \
             '2024-01-02T03:04:05Z')",
            4_000_000_000_000_000u64 + i as u64 * 7_919
        ));
    }
    sql
}

#[test]
fn sqlite_tables_are_scanned_sampled_and_selected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shop.db");
    block_on(async {
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
        let mut sql = customers_sql("customers");
        sql.push("CREATE TABLE notes (body TEXT)".to_owned());
        sql.push(format!("INSERT INTO notes VALUES ('write to {EMAIL}')"));
        for statement in sql {
            sqlx::query(AssertSqlSafe(statement))
                .execute(&mut conn)
                .await
                .expect("fixture SQL");
        }
    });
    let url = format!("sqlite://{}", db.display());

    let (findings, stderr, code) = scan_jsonl(&["--full", &url]);
    assert_eq!(code, 0, "{stderr}");
    let emails = findings.iter().filter(|f| f["type"] == "email").count();
    assert_eq!(emails, ROWS + 1, "{stderr}");
    assert!(findings.iter().any(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("shop.db#notes"))
    }));
    assert!(
        !findings.iter().any(|f| f["column"] == "order_ref"),
        "order refs are not cards"
    );
    assert!(
        findings
            .iter()
            .any(|f| f["type"] == "person_name" && f["column"] == "full_name")
    );

    let (findings, _, _) = scan_jsonl(&["--sample", "10", "--table", "customers", &url]);
    assert_eq!(findings.iter().filter(|f| f["type"] == "email").count(), 10);
    assert!(findings.iter().all(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("#customers"))
    }));

    // Named as a file, or met in a folder, a SQLite file is a database by its header.
    let path = db.to_str().expect("utf-8").to_owned();
    let folder = dir.path().to_str().expect("utf-8").to_owned();
    for input in [&path, &folder] {
        let (findings, stderr, code) = scan_jsonl(&["--full", input]);
        assert_eq!(code, 0, "{input}: {stderr}");
        let emails = findings.iter().filter(|f| f["type"] == "email").count();
        assert_eq!(emails, ROWS + 1, "{input}: {stderr}");
        assert!(!stderr.contains("binary"), "{stderr}");
    }
}

#[test]
fn an_unreachable_database_is_an_error_without_the_password() {
    let (_, stderr, code) = scan_jsonl(&["postgres://scanner:hunter2secret@127.0.0.1:1/shop"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("127.0.0.1"), "{stderr}");
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
    let (_, stderr, code) = scan_jsonl(&["sqlite:///no/such/dir/shop.db"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("shop.db"), "{stderr}");
}

/// Runs against PostgreSQL when `PRIVET_TEST_POSTGRES_URL` names one. CI
/// always sets it (and `.ci/run` starts the server), so there the test fails
/// rather than skip when the variable is missing.
#[test]
fn postgres_tables_are_scanned() {
    let Some(base) = privet_testkit::postgres::postgres_base() else {
        return;
    };
    // A database of the test's own (testkit's fixture), dropped when the test ends.
    let db = privet_testkit::postgres::TempDatabase::create(&base);
    let schema = "shop";
    let mut sql = vec![format!("CREATE SCHEMA {schema}")];
    sql.extend(customers_sql(&format!("{schema}.customers")));
    db.execute(&sql);
    let table = format!("{schema}.customers");
    let (findings, stderr, code) = scan_jsonl(&["--table", &table, "--full", db.url()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        findings.iter().filter(|f| f["type"] == "email").count(),
        ROWS
    );
    assert!(!findings.iter().any(|f| f["column"] == "order_ref"));
    assert!(findings.iter().all(|f| {
        f["path"]
            .as_str()
            .is_some_and(|p| !p.contains("privet:privet@"))
    }));
}
