//! What every restore shares: its transaction, the erasure replay and its audit entry.

use privet_crypto::SecretKey;
use sqlx::{Any, AnyConnection, Connection, Transaction};

use super::BackupSummary;
use crate::audit::{AuditDraft, GENESIS, chain_hash, head_mac, join_categories};
use crate::error::{Result, StoreError};
use crate::open::Dialect;

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
    for table in ["fields", "tokens", "consent_state", "purge_queue"] {
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

/// Appends `entry` to the audit chain inside the restore's transaction.
pub(super) async fn append_audit(
    tx: &mut Transaction<'_, Any>,
    audit_key: &SecretKey,
    entry: &AuditDraft,
) -> Result<()> {
    let head: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_optional(&mut **tx)
            .await
            .map_err(StoreError::db("reading the audit head", "audit head"))?;
    let (seq, prev) = head.unwrap_or((0, GENESIS.to_vec()));
    let seq = seq + 1;
    let hash = chain_hash(audit_key, &prev, seq, entry).to_vec();
    sqlx::query(
        "INSERT INTO audit (seq, at, actor, action, purpose, subject_id, categories, decision, reason, prev, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(seq)
    .bind(entry.at)
    .bind(entry.actor.clone())
    .bind(entry.action.clone())
    .bind(entry.purpose.clone())
    .bind(entry.subject.clone())
    .bind(join_categories(&entry.categories))
    .bind(entry.decision.clone())
    .bind(entry.reason.clone())
    .bind(prev)
    .bind(hash.clone())
    .execute(&mut **tx)
    .await
    .map_err(StoreError::db("recording the restore", "audit entry"))?;
    sqlx::query(
        "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
    )
    .bind(seq)
    .bind(hash.clone())
    .bind(head_mac(audit_key, seq, &hash).to_vec())
    .execute(&mut **tx)
    .await
    .map_err(StoreError::db("moving the audit head", "audit head"))?;
    Ok(())
}
