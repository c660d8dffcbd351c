//! privet's storage layer: one schema for SQLite (the embedded default) and PostgreSQL, a
//! group-commit writer through which every change and its audit entries pass, the hash-chained
//! audit log, and logical backups of the data tables and of the key store.
//!
//! Key material (`keystore_*` tables: wrapped data keys, wrapped secrets, the erasure ledger) is
//! kept apart from the data: data backups never contain a key (only the erasure ledger's ids and
//! times), restoring a data backup keeps the live key store, and every restore merges the ledgers
//! and replays the result.

mod audit;
mod backup;
mod error;
mod model;
mod open;
mod read;
mod writer;

use std::sync::OnceLock;

use privet_crypto::SecretKey;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyPool, Connection, Executor};

pub use audit::{
    AuditDraft, AuditEntry, ChainBreak, Verifier, chain_hash, check_tail, encode as encode_audit,
    head_mac,
};
pub use backup::{BackupSummary, DATA_TABLES, KEY_TABLES};
pub use error::{Result, StoreError};
pub use model::{
    ApiKeyRow, ConsentEntry, ConsentRow, DekRow, DeliveryRow, DeliveryStatus, FieldRow, HoldRow,
    PurgeReceipt, RequestRow, RetainedField, RetentionFacts, SecretRow, SubjectRecord, TokenRow,
};
pub use open::{DB_FILE, Dialect, Location, redact_url};
pub use read::{Counts, RequestFilter};
pub use writer::{Op, UnitOutcome, WriteUnit};

/// Pauses before each try to empty SQLite's WAL while readers hold it back: about four seconds
/// in all, enough for request reads, not for a backup.
const EMPTY_WAL_PAUSES_MS: [u64; 6] = [0, 100, 250, 500, 1000, 2000];

/// A store: a pool for reads and, once started, the group-commit writer.
pub struct Store {
    pool: AnyPool,
    location: Location,
    writer_options: AnyConnectOptions,
    writer: OnceLock<writer::WriterHandle>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location.describe())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) and migrates the store.
    pub async fn open(location: &Location) -> Result<Store> {
        let opened = open::open(location).await?;
        Ok(Store {
            pool: opened.pool,
            location: location.clone(),
            writer_options: opened.writer_options,
            writer: OnceLock::new(),
        })
    }

    /// Starts the group-commit writer; audit entries are chained under `audit_key`.
    pub async fn start_writer(&self, audit_key: SecretKey) -> Result<()> {
        if self.writer.get().is_some() {
            return Ok(());
        }
        let handle = writer::start(&self.writer_options, self.dialect(), audit_key).await?;
        let _ = self.writer.set(handle);
        Ok(())
    }

    /// Commits a unit through the group-commit writer and waits until it is durable.
    pub async fn commit(&self, unit: WriteUnit) -> Result<UnitOutcome> {
        self.writer()?.submit(unit, false).await
    }

    /// Commits a unit of bulk work (a purge's chunk): as [`Store::commit`], but a commit takes
    /// at most one of these, after every request waiting, so that serving goes on at its usual
    /// pace while a large purge runs.
    pub async fn commit_bulk(&self, unit: WriteUnit) -> Result<UnitOutcome> {
        self.writer()?.submit(unit, true).await
    }

    fn writer(&self) -> Result<&writer::WriterHandle> {
        self.writer.get().ok_or(StoreError::WriterStopped)
    }

    /// Whether the writer found the audit chain damaged at its last commit (or at start), and how.
    /// While it is, nothing is written.
    pub fn audit_break(&self) -> Option<ChainBreak> {
        self.writer
            .get()
            .and_then(writer::WriterHandle::audit_break)
    }

    /// Stores the audit secret and, in the same transaction, the head of its empty chain. Returns
    /// false (and changes nothing) when an audit secret exists. Tying the two together is what lets
    /// a missing head mean "wiped": no other code path creates a head.
    pub async fn insert_audit_secret(
        &self,
        kek_version: u32,
        wrapped: &[u8],
        audit_key: &SecretKey,
    ) -> Result<bool> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(StoreError::db("starting a transaction", "transaction"))?;
        let rows = sqlx::query(
            "INSERT INTO keystore_secrets (name, kek_version, wrapped) VALUES ('audit', $1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(i64::from(kek_version))
        .bind(wrapped.to_vec())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("storing the audit secret", "secret"))?
        .rows_affected();
        if rows == 0 {
            return Ok(false);
        }
        audit::write_genesis_head(&mut tx, audit_key).await?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the audit secret", "transaction"))?;
        Ok(true)
    }

    /// Writes a secret before the writer exists. Returns false when a secret of that name already
    /// exists. The audit secret goes through [`Store::insert_audit_secret`].
    pub async fn insert_secret_if_absent(
        &self,
        name: &str,
        kek_version: u32,
        wrapped: &[u8],
    ) -> Result<bool> {
        let rows = sqlx::query(
            "INSERT INTO keystore_secrets (name, kek_version, wrapped) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name.to_owned())
        .bind(i64::from(kek_version))
        .bind(wrapped.to_vec())
        .execute(&self.pool)
        .await
        .map_err(StoreError::db("storing a secret", "secret"))?
        .rows_affected();
        Ok(rows > 0)
    }

    /// The SQL dialect.
    pub fn dialect(&self) -> Dialect {
        self.location.dialect()
    }

    /// Where the store is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Verifies the whole audit chain in one consistent snapshot: `Ok(Ok(n))` with the number of
    /// entries when whole, `Ok(Err(break))` naming the first bad entry.
    pub async fn verify_audit(
        &self,
        key: &SecretKey,
    ) -> Result<std::result::Result<i64, ChainBreak>> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::db("acquiring a connection", "connection"))?;
        let mut tx = match self.dialect() {
            Dialect::Sqlite => conn.begin().await,
            Dialect::Postgres => {
                conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .await
            }
        }
        .map_err(StoreError::db("starting a snapshot", "transaction"))?;
        let head: Option<(i64, Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash, mac FROM audit_head WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::db("reading the audit head", "audit head"))?;
        let Some((head_seq, head_hash, head_mac_bytes)) = head else {
            return Ok(Err(ChainBreak::NoHead));
        };
        let mut verifier = Verifier::new(key);
        let mut after = 0i64;
        loop {
            let rows = tx
                .fetch_all(
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "SELECT {} FROM audit WHERE seq > $1 ORDER BY seq LIMIT 10000",
                        read::AUDIT_COLUMNS
                    )))
                    .bind(after),
                )
                .await
                .map_err(StoreError::db("reading the audit log", "audit entry"))?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let entry = match read::audit_from_row(row) {
                    Ok(entry) => entry,
                    Err(read::AuditRowError::Altered { seq }) => {
                        return Ok(Err(ChainBreak::Altered { seq }));
                    }
                    Err(e) => return Err(e.into_store_error()),
                };
                after = entry.seq;
                if let Err(b) = verifier.entry(&entry) {
                    return Ok(Err(b));
                }
            }
        }
        Ok(verifier.finish(head_seq, &head_hash, &head_mac_bytes))
    }

    /// Folds SQLite's write-ahead log into the database file and empties it, so destroyed keys
    /// and deleted rows (zeroed by secure_delete) leave no copy in the log. No-op on PostgreSQL.
    ///
    /// With the writer running, the writer does it between two commits (from any other
    /// connection it would queue behind the writer's commits for seconds). A reader on an older
    /// snapshot holds it back; it is tried again for a few seconds, then [`StoreError::WalBusy`].
    pub async fn checkpoint(&self) -> Result<()> {
        if self.dialect() != Dialect::Sqlite {
            return Ok(());
        }
        for pause_ms in EMPTY_WAL_PAUSES_MS {
            tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
            let emptied = match self.writer.get() {
                Some(w) => w.empty_wal().await?,
                None => {
                    let (busy, _, _): (i64, i64, i64) =
                        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                            .fetch_one(&self.pool)
                            .await
                            .map_err(StoreError::db("checkpointing", "checkpoint"))?;
                    busy == 0
                }
            };
            if emptied {
                return Ok(());
            }
        }
        Err(StoreError::WalBusy)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(StoreError::db("pinging", "connection"))?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
