//! SQLite tables through a real database file.

use std::path::Path;

use crate::common::drain;
use privet_formats::{DbUrl, InputErrorKind, TableSelection, open_database, parse_db_url};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

fn make_db(path: &Path) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut conn = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .connect()
            .await
            .expect("create db");
        for sql in [
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, score REAL, avatar BLOB, misc)",
            "INSERT INTO customers VALUES (1, 'ada@example.com', 4.5, X'00FF10', 42)",
            "INSERT INTO customers VALUES (2, NULL, NULL, NULL, 'text in untyped')",
            "INSERT INTO customers VALUES (3, 'bob@example.com', 7, NULL, 1.25)",
            "INSERT INTO customers VALUES (4, '', -1, NULL, X'41')",
            "CREATE TABLE \"we\"\"ird name\" (\"col \"\"q\"\"\" TEXT)",
            "INSERT INTO \"we\"\"ird name\" VALUES ('x')",
            "CREATE TABLE big (n INTEGER)",
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 9000) \
             INSERT INTO big SELECT n FROM c",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .expect("setup statement");
        }
        conn.close().await.expect("close");
    });
}

fn db() -> (tempfile::TempDir, DbUrl) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shop.db");
    make_db(&path);
    let url = parse_db_url(&format!("sqlite://{}", path.display())).expect("sqlite URL");
    (dir, url)
}

#[test]
fn every_table_with_mixed_storage_classes_as_text() {
    let (_dir, url) = db();
    let sources = open_database(&url, &TableSelection::default()).expect("opens");
    let names: Vec<String> = sources.iter().map(|s| s.name().to_string()).collect();
    let base = url.display_name();
    assert_eq!(
        names,
        vec![
            format!("{base}#big"),
            format!("{base}#customers"),
            format!("{base}#we\"ird name"),
        ]
    );
    let mut sources = sources.into_iter();
    let big = drain(sources.next().expect("big"));
    assert_eq!(big.fields.len(), 9000);
    let customers = sources.next().expect("customers");
    let cols: Vec<String> = customers.columns().iter().map(|c| c.to_string()).collect();
    assert_eq!(cols, vec!["id", "email", "score", "avatar", "misc"]);
    let c = drain(customers);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    assert_eq!(
        c.column("email"),
        vec!["ada@example.com", "bob@example.com"]
    );
    assert_eq!(c.column("score"), vec!["4.5", "7.0", "-1.0"]);
    // Blobs are skipped, whatever the column's declared type.
    assert!(c.column("avatar").is_empty());
    assert_eq!(c.column("misc"), vec!["42", "text in untyped", "1.25"]);
    let rows: Vec<u64> = c
        .fields
        .iter()
        .filter(|f| &*f.column == "misc")
        .map(|f| f.row)
        .collect();
    assert_eq!(rows, vec![1, 2, 3]);
    let weird = drain(sources.next().expect("weird"));
    assert_eq!(weird.column("col \"q\""), vec!["x"]);
}

#[test]
fn sample_takes_the_first_rows_and_tables_can_be_chosen() {
    let (_dir, url) = db();
    let sel = TableSelection {
        tables: vec!["big".into()],
        sample: Some(100),
    };
    let sources = open_database(&url, &sel).expect("opens");
    assert_eq!(sources.len(), 1);
    let c = drain(sources.into_iter().next().expect("one"));
    let expected: Vec<String> = (1..=100).map(|n| n.to_string()).collect();
    assert_eq!(c.column("n"), expected);
}

#[test]
fn unknown_table_is_an_error() {
    let (_dir, url) = db();
    let sel = TableSelection {
        tables: vec!["nope".into()],
        sample: None,
    };
    let err = open_database(&url, &sel).err().expect("unknown table");
    assert!(matches!(err.kind, InputErrorKind::Database(_)));
    assert!(err.to_string().contains("nope"));
}

#[test]
fn missing_file_is_a_fatal_error_and_is_not_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing.db");
    let url = parse_db_url(&format!("sqlite:{}", path.display())).expect("sqlite URL");
    let err = open_database(&url, &TableSelection::default())
        .err()
        .expect("missing");
    assert!(err.is_fatal());
    assert!(matches!(err.kind, InputErrorKind::Database(_)));
    assert!(err.to_string().contains("missing.db"), "{err}");
    assert!(!path.exists());
}

#[test]
fn a_file_that_is_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::common::write(
        dir.path(),
        "notes.db",
        b"just some text, not sqlite at all\n",
    );
    let url = DbUrl::Sqlite(path);
    let err = open_database(&url, &TableSelection::default())
        .err()
        .expect("not a db");
    assert!(matches!(err.kind, InputErrorKind::Database(_)));
}

#[test]
fn dropping_a_source_midway_stops_its_reader() {
    let (_dir, url) = db();
    let sources = open_database(&url, &TableSelection::default()).expect("opens");
    for mut s in sources {
        // One batch, then drop: the worker sees the closed channel and ends.
        let _ = s.next_batch();
    }
}
