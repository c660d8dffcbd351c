//! Encrypted data backups (never a key; the erasure ledger's ids and times go with them) and
//! their restore.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use privet_crypto::{BackupReader, BackupWriter, SecretKey};
use privet_store::BackupSummary;

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use privet_types::AuditAction;

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// Rows per table.
    pub rows: Vec<(String, u64)>,
    /// Bytes written.
    pub bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Rows per table restored (for the erasure ledger: merged).
    pub rows: Vec<(String, u64)>,
    /// Subjects removed again by replaying the erasure ledger.
    pub replayed_erasures: u64,
    /// Data keys destroyed by replaying the erasure ledger.
    pub destroyed_keys: u64,
}

impl From<BackupSummary> for RestoreReport {
    fn from(s: BackupSummary) -> Self {
        RestoreReport {
            rows: s.rows,
            replayed_erasures: s.replayed_erasures,
            destroyed_keys: s.destroyed_keys,
        }
    }
}

pub(crate) fn io(path: &Path, what: &str, e: impl std::fmt::Display) -> VaultError {
    VaultError::BadRequest(format!("{what} {}: {e}", path.display()))
}

/// Writes an encrypted backup to `out` through a temporary file renamed into place, so a failed
/// backup leaves nothing half-written. `export` fills the stream.
pub(crate) async fn write_backup(
    out: &Path,
    key: &SecretKey,
    header_info: &[u8],
    export: impl AsyncFnOnce(&mut BackupWriter<BufWriter<File>>) -> Result<BackupSummary>,
) -> Result<(BackupSummary, u64)> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .ok_or_else(|| io(out, "backup path", "has no file name"))?;
    let tmp = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(&tmp).map_err(|e| io(&tmp, "cannot create", e))?;
    let result = async {
        let mut writer = BackupWriter::new(BufWriter::new(file), key, header_info)?;
        let summary = export(&mut writer).await?;
        let buffered = writer.finish()?;
        let file = buffered
            .into_inner()
            .map_err(|e| io(&tmp, "cannot write", e.error()))?;
        file.sync_all().map_err(|e| io(&tmp, "cannot sync", e))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok::<_, VaultError>((summary, bytes))
    }
    .await;
    let done = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out).map_err(|e| io(out, "cannot move the backup into", e))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(done)
}

impl Vault {
    /// Writes an encrypted, consistent backup of the data tables and the erasure ledger to `out`.
    pub async fn backup(&self, actor: &Actor, out: &Path) -> Result<BackupReport> {
        let header = format!("privet data backup v1; created_at_ms={}", self.now_ms());
        let (summary, bytes) =
            write_backup(out, &self.secrets.backup, header.as_bytes(), async |w| {
                Ok(self.store.export_data(w).await?)
            })
            .await?;
        self.audit_backup(actor, AuditAction::BackupCreate, &summary)
            .await?;
        Ok(BackupReport {
            rows: summary.rows,
            bytes,
        })
    }

    pub(crate) async fn audit_backup(
        &self,
        actor: &Actor,
        action: AuditAction,
        summary: &BackupSummary,
    ) -> Result<()> {
        let mut draft = self.draft(actor, action);
        draft.reason = Some(format!(
            "rows={}",
            summary.rows.iter().map(|(_, n)| n).sum::<u64>()
        ));
        self.record(draft).await?;
        Ok(())
    }

    /// Restores a backup over the data tables, keeping the live key store, merging the backup's
    /// erasure ledger into the live one and replaying the result. Nothing changes if the backup is
    /// damaged or from another vault.
    pub async fn restore(&self, actor: &Actor, input: &Path) -> Result<RestoreReport> {
        let file = File::open(input).map_err(|e| io(input, "cannot open", e))?;
        let (mut reader, header) = BackupReader::new(BufReader::new(file), &self.secrets.backup)
            .map_err(|e| {
                VaultError::BadRequest(format!(
                    "{}: not a data backup of this vault, or damaged ({e}); when rebuilding on a new \
                     machine, restore the key-store backup first (`privet restore --keys FILE`)",
                    input.display()
                ))
            })?;
        if !header.starts_with(b"privet data backup v1") {
            return Err(VaultError::BadRequest(format!(
                "{}: not a privet data backup",
                input.display()
            )));
        }
        let mut draft = self.draft(actor, AuditAction::BackupRestore);
        draft.reason = Some(String::from_utf8_lossy(&header).into_owned());
        let summary = self
            .store
            .import_data(&mut reader, &self.secrets.audit, draft)
            .await?;
        Ok(summary.into())
    }
}
