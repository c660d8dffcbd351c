//! What every restore shares: its transaction, the erasure replay and its audit entry.

use privet_crypto::SecretKey;
use sqlx::{Any, AnyConnection, Connection, Transaction};

use super::BackupSummary;
use crate::audit::{AuditDraft, chain_hash, read_checked_head};
use crate::error::{Result, StoreError};
use crate::open::Dialect;
use crate::writer::{Head, insert_audit_rows, move_head};

/// A read-only transaction that sees one snapshot while writers go on.
pub(super) async fn begin_snapshot(
    conn: &mut AnyConnection,
    dialect: Dialect,
) -> Result<Transaction<'_, Any>> {
    match dialect {
        Dialect::Sqlite => conn.begin().await,
        Dialect::Postgres => {
            conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
        }
    }
    .map_err(StoreError::db("starting a snapshot", "transaction"))
}

/// A write transaction that, on SQLite, holds the write lock from its first statement.
pub(super) async fn begin_restore(
    conn: &mut AnyConnection,
    dialect: Dialect,
) -> Result<Transaction<'_, Any>> {
    match dialect {
        Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => conn.begin().await,
    }
    .map_err(StoreError::db("starting the restore", "transaction"))
}

/// Destroys every data key and deletes every subject that the (merged) erasure ledger says was
/// erased after it was created, with the rows of subjects that are then gone. A subject created
/// again after its erasure keeps its new key and rows.
pub(super) async fn replay_erasures(
    tx: &mut Transaction<'_, Any>,
    summary: &mut BackupSummary,
) -> Result<()> {
    summary.destroyed_keys = sqlx::query(
        "DELETE FROM keystore_deks WHERE EXISTS (SELECT 1 FROM keystore_erasures e \
         WHERE e.subject_id = keystore_deks.subject_id AND e.erased_at >= keystore_deks.created_at)",
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::db("replaying erasures", "data key"))?
    .rows_affected();
    summary.replayed_erasures = sqlx::query(
        "DELETE FROM subjects WHERE EXISTS (SELECT 1 FROM keystore_erasures e \
         WHERE e.subject_id = subjects.id AND e.erased_at >= subjects.created_at)",
    )
    .execute(&mut **tx)
    .await
    .map_err(StoreError::db("replaying erasures", "subject"))?
    .rows_affected();
    for table in [
        "fields",
        "tokens",
        "consent_state",
        "purge_queue",
        "restrictions",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {table} WHERE subject_id IN (SELECT subject_id FROM keystore_erasures) \
             AND NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = {table}.subject_id)"
        )))
        .execute(&mut **tx)
        .await
        .map_err(StoreError::db("replaying erasures", "row"))?;
    }
    Ok(())
}

/// Appends `entry` to the audit chain inside the restore's transaction, after checking the head
/// and the newest entry as the writer does: a restore never extends a damaged chain.
pub(super) async fn append_audit(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    audit_key: &SecretKey,
    entry: &AuditDraft,
) -> Result<()> {
    let (seq, prev) = read_checked_head(tx, audit_key, dialect == Dialect::Postgres).await?;
    let seq = seq + 1;
    let hash = chain_hash(audit_key, &prev, seq, entry).to_vec();
    insert_audit_rows(tx, &[(seq, entry, prev, hash.clone())]).await?;
    move_head(tx, audit_key, &Head { seq, hash }).await
}
