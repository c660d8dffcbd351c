//! Data backups: the data tables and the erasure ledger, never a key.

use std::io::{Read, Write};

use privet_crypto::SecretKey;
use sqlx::Executor;

use super::replay::{append_audit, begin_restore, begin_snapshot, replay_erasures};
use super::stream::{
    dump_table, insert_row, read_end, read_later_section_start, read_row, read_section_start,
    write_end,
};
use super::{BackupSummary, DATA_SECTIONS, LATER_DATA_SECTIONS, Table};
use crate::Store;
use crate::audit::{AuditDraft, read_checked_head};
use crate::error::{Result, StoreError};
use crate::open::writer_connection;
use crate::read;

/// Tables that hold the audit chain.
const AUDIT_TABLES: [&str; 2] = ["audit", "audit_head"];

impl Store {
    /// Writes every data table and the erasure ledger, read in one consistent snapshot while the
    /// server keeps running.
    pub async fn export_data(&self, out: &mut impl Write) -> Result<BackupSummary> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::db("acquiring a connection", "connection"))?;
        let mut tx = begin_snapshot(&mut conn, self.dialect()).await?;
        let mut summary = BackupSummary::default();
        for table in DATA_SECTIONS.iter().chain(LATER_DATA_SECTIONS) {
            let n = dump_table(&mut tx, table, out).await?;
            summary.rows.push((table.section.to_owned(), n));
        }
        write_end(out)?;
        tx.commit()
            .await
            .map_err(StoreError::db("ending the snapshot", "transaction"))?;
        Ok(summary)
    }

    /// Replaces the data tables with a backup's and merges its erasure ledger into the live one,
    /// in one transaction, then replays the merged ledger and appends `restore` to the audit
    /// chain. On any error nothing changes.
    pub async fn import_data(
        &self,
        input: &mut impl Read,
        audit_key: &SecretKey,
        restore: AuditDraft,
    ) -> Result<BackupSummary> {
        let dialect = self.dialect();
        let mut conn = writer_connection(&self.writer_options, dialect)
            .await
            .map_err(StoreError::db(
                "opening a connection for restore",
                "connection",
            ))?;
        let mut tx = begin_restore(&mut conn, dialect).await?;
        // The audit log is history, not state: a live log is kept and the restore is appended to
        // it. A store being rebuilt after loss (nothing in it but the key-store restore that
        // preceded this one) takes the backup's log instead, and its own few entries are chained
        // again after it, so the history reads: what the backup saw, the key restore, this restore.
        let live_audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db("counting audit entries", "audit entry"))?;
        let carried = if live_audit > 0 && is_rebuild(&mut tx).await? {
            read_checked_head(&mut tx, audit_key, false).await?;
            let rows = tx
                .fetch_all(sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit ORDER BY seq",
                    read::AUDIT_COLUMNS
                )))
                .await
                .map_err(StoreError::db("reading the audit log", "audit entry"))?;
            let mut drafts = Vec::with_capacity(rows.len());
            for row in &rows {
                let entry = read::audit_from_row(row)
                    .map_err(crate::read::AuditRowError::into_store_error)?;
                drafts.push(entry.draft);
            }
            Some(drafts)
        } else {
            None
        };
        let keep_live =
            |name: &str| live_audit > 0 && carried.is_none() && AUDIT_TABLES.contains(&name);
        for table in DATA_SECTIONS
            .iter()
            .chain(LATER_DATA_SECTIONS)
            .filter(|t| t.on_conflict.is_none() && !keep_live(t.sql))
        {
            tx.execute(sqlx::AssertSqlSafe(format!("DELETE FROM {}", table.sql)))
                .await
                .map_err(StoreError::db("clearing a table for restore", "row"))?;
        }
        let mut summary = BackupSummary::default();
        for table in DATA_SECTIONS {
            read_section_start(input, table)?;
            let n = restore_rows(&mut tx, input, table, keep_live(table.sql)).await?;
            if !keep_live(table.sql) {
                summary.rows.push((table.section.to_owned(), n));
            }
        }
        let mut ended = false;
        for table in LATER_DATA_SECTIONS {
            // A backup from before this section ends here; the table stays as cleared above.
            if !ended && read_later_section_start(input, table)? {
                let n = restore_rows(&mut tx, input, table, false).await?;
                summary.rows.push((table.section.to_owned(), n));
            } else {
                ended = true;
                summary.rows.push((table.section.to_owned(), 0));
            }
        }
        if !ended {
            read_end(input)?;
        }
        replay_erasures(&mut tx, &mut summary).await?;
        for draft in carried.iter().flatten() {
            append_audit(&mut tx, dialect, audit_key, draft).await?;
        }
        append_audit(&mut tx, dialect, audit_key, &restore).await?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the restore", "transaction"))?;
        Ok(summary)
    }
}

/// Inserts the rows of `table`'s section (already opened), or only reads past them when `skip`.
async fn restore_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    input: &mut impl Read,
    table: &Table,
    skip: bool,
) -> Result<u64> {
    let sql = table.insert_sql();
    let mut n = 0u64;
    while let Some(values) = read_row(input, table)? {
        if !skip {
            n += insert_row(tx, table, &sql, values).await?;
        }
    }
    Ok(n)
}

/// Whether the store holds nothing but what a key-store restore wrote: no subject, token or API
/// key, and an audit log of key restores only.
async fn is_rebuild(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<bool> {
    let held: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM subjects) + (SELECT COUNT(*) FROM tokens) \
         + (SELECT COUNT(*) FROM api_keys) \
         + (SELECT COUNT(*) FROM audit WHERE action <> 'backup.restore_keys')",
    )
    .fetch_one(&mut **tx)
    .await
    .map_err(StoreError::db(
        "checking whether the store is being rebuilt",
        "row",
    ))?;
    Ok(held == 0)
}
