//! Key-store backups: wrapped data keys, wrapped secrets and the erasure ledger, in one snapshot.

use std::io::{Read, Write};

use privet_crypto::SecretKey;

use super::replay::{append_audit, begin_restore, begin_snapshot, replay_erasures};
use super::stream::{dump_table, insert_row, read_end, read_row, read_section_start, write_end};
use super::{BackupSummary, KEY_SECTIONS};
use crate::Store;
use crate::audit::AuditDraft;
use crate::audit::write_genesis_head;
use crate::error::{Result, StoreError};
use crate::model::SecretRow;
use crate::open::writer_connection;

impl Store {
    /// Writes the key store (wrapped data keys, wrapped secrets, the erasure ledger), read in one
    /// consistent snapshot while the server keeps running.
    pub async fn export_keys(&self, out: &mut impl Write) -> Result<BackupSummary> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::db("acquiring a connection", "connection"))?;
        let mut tx = begin_snapshot(&mut conn, self.dialect()).await?;
        let mut summary = BackupSummary::default();
        for table in KEY_SECTIONS {
            let n = dump_table(&mut tx, table, out).await?;
            summary.rows.push((table.section.to_owned(), n));
        }
        write_end(out)?;
        tx.commit()
            .await
            .map_err(StoreError::db("ending the snapshot", "transaction"))?;
        Ok(summary)
    }

    /// Restores a key-store backup in one transaction: data keys and secrets missing from the live
    /// key store come back (live rows are never overwritten), the ledgers are merged, and the
    /// merged ledger is replayed, which destroys every restored key of a subject erased after the
    /// key was made. `restore` is appended to the audit chain under the audit secret the key store
    /// holds afterwards, which `unwrap_audit` opens. On any error nothing changes.
    ///
    /// A store that holds nothing yet (no subject, data key, token, API key, erasure or audit
    /// entry: a rebuild after loss) takes the backup's secrets in place of the ones created when it
    /// was opened, which protect nothing; a vault opened on it before must be opened again.
    pub async fn import_keys(
        &self,
        input: &mut impl Read,
        unwrap_audit: impl FnOnce(&SecretRow) -> Option<SecretKey>,
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
        let held: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM audit) + (SELECT COUNT(*) FROM subjects) \
             + (SELECT COUNT(*) FROM keystore_deks) + (SELECT COUNT(*) FROM tokens) \
             + (SELECT COUNT(*) FROM api_keys) + (SELECT COUNT(*) FROM keystore_erasures)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::db("checking whether the store is empty", "row"))?;
        if held == 0 {
            sqlx::query("DELETE FROM keystore_secrets")
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("clearing unused secrets", "secret"))?;
        }
        let mut summary = BackupSummary::default();
        for table in KEY_SECTIONS {
            read_section_start(input, table)?;
            let sql = table.insert_sql();
            let mut n = 0u64;
            while let Some(values) = read_row(input, table)? {
                n += insert_row(&mut tx, table, &sql, values).await?;
            }
            summary.rows.push((table.section.to_owned(), n));
        }
        read_end(input)?;
        replay_erasures(&mut tx, &mut summary).await?;
        let audit: Option<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT kek_version, wrapped FROM keystore_secrets WHERE name = 'audit'",
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::db("reading the audit secret", "secret"))?;
        let audit_key = audit
            .and_then(|(version, wrapped)| {
                let row = SecretRow {
                    name: "audit".to_owned(),
                    kek_version: u32::try_from(version).ok()?,
                    wrapped,
                };
                unwrap_audit(&row)
            })
            .ok_or_else(|| {
                StoreError::Backup(
                    "the restored key store has no audit secret this master key opens".into(),
                )
            })?;
        if held == 0 {
            // The unused secrets were replaced, the audit secret among them: the empty chain's
            // head is made again under the restored one.
            write_genesis_head(&mut tx, &audit_key).await?;
        }
        append_audit(&mut tx, dialect, &audit_key, &restore).await?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the restore", "transaction"))?;
        Ok(summary)
    }
}
