//! SQLite's write-ahead log after `Store::checkpoint`: empty, even while the writer commits, and
//! an honest error (not a silent no-op) when a long read keeps an older snapshot.

use privet_crypto::SecretKey;
use privet_store::{Location, Op, Store, StoreError, WriteUnit};
use privet_types::SubjectId;
use sqlx::{Connection, Executor, SqliteConnection};

fn ms(n: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(n).unwrap()
}

fn subject(n: usize) -> WriteUnit {
    WriteUnit {
        ops: vec![Op::UpsertSubject {
            subject: SubjectId::parse(&format!("cus_{n}")).unwrap(),
            at: ms(1_700_000_000_000),
        }],
        audit: vec![],
    }
}

fn wal_len(dir: &std::path::Path) -> u64 {
    std::fs::metadata(dir.join("privet.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

async fn started(dir: &std::path::Path) -> Store {
    let key = SecretKey::from_bytes([9; 32]);
    let store = Store::open(&Location::new(dir, None).unwrap())
        .await
        .unwrap();
    store
        .insert_audit_secret(1, b"wrapped", &key)
        .await
        .unwrap();
    store.start_writer(key).await.unwrap();
    store
}

#[tokio::test]
async fn a_checkpoint_empties_the_wal_while_the_writer_keeps_committing() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(started(dir.path()).await);
    for n in 0..200 {
        store.commit(subject(n)).await.unwrap();
    }
    assert!(wal_len(dir.path()) > 0, "commits went to the WAL");
    // Writes queued around the checkpoint are neither lost nor blocked for good.
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for n in 200..400 {
                store.commit(subject(n)).await.unwrap();
            }
        })
    };
    store.checkpoint().await.unwrap();
    writer.await.unwrap();
    store.checkpoint().await.unwrap();
    assert_eq!(wal_len(dir.path()), 0, "the WAL file is cut to nothing");
}

#[tokio::test]
async fn a_reader_on_an_old_snapshot_makes_the_checkpoint_fail_not_pass_silently() {
    let dir = tempfile::tempdir().unwrap();
    let store = started(dir.path()).await;
    store.commit(subject(0)).await.unwrap();
    // A long read (as a backup is) opens its snapshot before the next commits.
    let url = format!("sqlite://{}", dir.path().join("privet.db").display());
    let mut reader = SqliteConnection::connect(&url).await.unwrap();
    reader.execute("BEGIN").await.unwrap();
    reader
        .execute("SELECT count(*) FROM subjects")
        .await
        .unwrap();
    for n in 1..50 {
        store.commit(subject(n)).await.unwrap();
    }
    let held = store.checkpoint().await;
    assert!(
        matches!(held, Err(StoreError::WalBusy)),
        "expected WalBusy, got {held:?}"
    );
    // Writes go on meanwhile, and once the read ends the WAL empties.
    store.commit(subject(50)).await.unwrap();
    reader.execute("COMMIT").await.unwrap();
    store.checkpoint().await.unwrap();
    assert_eq!(wal_len(dir.path()), 0);
}
