//! Data backups: the data tables and the erasure ledger, never a key.

use std::io::{Read, Write};

use privet_crypto::SecretKey;
use sqlx::Executor;

use super::replay::{append_audit, begin_restore, begin_snapshot, replay_erasures};
use super::stream::{dump_table, insert_row, read_end, read_row, read_section_start, write_end};
use super::{BackupSummary, DATA_SECTIONS};
use crate::Store;
use crate::audit::AuditDraft;
use crate::error::{Result, StoreError};
use crate::open::writer_connection;

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
        for table in DATA_SECTIONS {
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
        // it; only a store with no log at all (a rebuild after loss) takes the backup's.
        let live_audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db("counting audit entries", "audit entry"))?;
        let keep_live = |name: &str| live_audit > 0 && AUDIT_TABLES.contains(&name);
        for table in DATA_SECTIONS
            .iter()
            .filter(|t| t.on_conflict.is_none() && !keep_live(t.sql))
        {
            tx.execute(sqlx::AssertSqlSafe(format!("DELETE FROM {}", table.sql)))
                .await
                .map_err(StoreError::db("clearing a table for restore", "row"))?;
        }
        let mut summary = BackupSummary::default();
        for table in DATA_SECTIONS {
            read_section_start(input, table)?;
            let sql = table.insert_sql();
            let mut n = 0u64;
            while let Some(values) = read_row(input, table)? {
                if !keep_live(table.sql) {
                    n += insert_row(&mut tx, table, &sql, values).await?;
                }
            }
            if !keep_live(table.sql) {
                summary.rows.push((table.section.to_owned(), n));
            }
        }
        read_end(input)?;
        replay_erasures(&mut tx, &mut summary).await?;
        append_audit(&mut tx, dialect, audit_key, &restore).await?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the restore", "transaction"))?;
        Ok(summary)
    }
}
