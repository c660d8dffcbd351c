//! Key-store backups: wrapped data keys, wrapped secrets and the erasure ledger, decryptable with
//! the master key alone (the backup secret is itself in the key store), and refused once older
//! than the retention, so no copy of an erased subject's key outlives it.
//!
//! The stream is encrypted under a random file key, which the header carries wrapped by the master
//! keyring; the header is authenticated by every chunk, so its creation time cannot be edited.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use privet_crypto::{BACKUP_MAGIC, BackupReader, MAX_HEADER_INFO, SecretKey, WrappedKey};

use crate::Vault;
use crate::apikeys::Actor;
use crate::backup::{BackupReport, RestoreReport, io, write_backup};
use crate::error::{Result, VaultError};
use crate::keys::secret_context;
use privet_types::AuditAction;

/// AAD of the wrapped file key.
const FILE_KEY_CONTEXT: &[u8] = b"privet/keybackup/v1";
const KIND: &str = "privet key backup v1";
/// The salt between the magic and the header length (privet-crypto's backup layout).
const SALT_LEN: usize = 32;
const DAY_MS: i64 = 86_400_000;

/// What a key-store backup's header says.
#[derive(Debug, PartialEq, Eq)]
struct Header {
    created_at_ms: i64,
    file_key: WrappedKey,
}

impl Header {
    fn encode(&self) -> String {
        format!(
            "{KIND}; created_at_ms={}; kek_version={}; file_key={}",
            self.created_at_ms,
            self.file_key.kek_version,
            hex(&self.file_key.bytes)
        )
    }

    fn parse(info: &[u8]) -> Option<Header> {
        let text = std::str::from_utf8(info).ok()?;
        let mut parts = text.split("; ");
        if parts.next()? != KIND {
            return None;
        }
        let mut field = |name: &str| {
            parts
                .next()?
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_owned)
        };
        let created_at_ms = field("created_at_ms")?.parse().ok()?;
        let kek_version = field("kek_version")?.parse().ok()?;
        let bytes = unhex(&field("file_key")?)?;
        Some(Header {
            created_at_ms,
            file_key: WrappedKey { kek_version, bytes },
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The header_info of a backup file, read before any key is known. It is not authenticated until
/// the stream opens under the key it names.
pub(crate) fn peek_header_info(input: &mut impl Read) -> Option<Vec<u8>> {
    let mut fixed = [0u8; BACKUP_MAGIC.len() + SALT_LEN + 4];
    input.read_exact(&mut fixed).ok()?;
    if fixed[..BACKUP_MAGIC.len()] != BACKUP_MAGIC[..] {
        return None;
    }
    let len_at = BACKUP_MAGIC.len() + SALT_LEN;
    let len = u32::from_be_bytes(fixed[len_at..].try_into().ok()?) as usize;
    if len > MAX_HEADER_INFO {
        return None;
    }
    let mut info = vec![0u8; len];
    input.read_exact(&mut info).ok()?;
    Some(info)
}

/// Whole days from `created_at_ms` to `now_ms` (a backup from the future is 0 days old).
fn age_days(created_at_ms: i64, now_ms: i64) -> i64 {
    now_ms.saturating_sub(created_at_ms).max(0) / DAY_MS
}

impl Vault {
    /// Writes an encrypted, consistent backup of the key store to `out`, openable with the master
    /// key alone.
    pub async fn backup_keys(&self, actor: &Actor, out: &Path) -> Result<BackupReport> {
        let file_key = SecretKey::generate()?;
        let header = Header {
            created_at_ms: self.now_ms(),
            file_key: self.keys.wrap(&file_key, FILE_KEY_CONTEXT)?,
        };
        let (summary, bytes) =
            write_backup(out, &file_key, header.encode().as_bytes(), async |w| {
                Ok(self.store.export_keys(w).await?)
            })
            .await?;
        self.audit_backup(actor, AuditAction::BackupCreateKeys, &summary)
            .await?;
        Ok(BackupReport {
            rows: summary.rows,
            bytes,
        })
    }

    /// Restores a key-store backup no older than `max_age_days` whole days (when None, than the
    /// policy's `[backups] keys_keep_for`): data keys and secrets
    /// missing from the live key store come back (live rows are never overwritten), the erasure
    /// ledgers are merged and replayed, so a key of a subject erased after the backup was taken is
    /// destroyed again; audited as `backup.restore_keys`. Nothing changes if the backup is too
    /// old, damaged or made under another master key. On a store that holds nothing yet the
    /// backup's secrets replace the unused ones (see [`privet_store::Store::import_keys`]): open
    /// the vault again afterwards.
    pub async fn restore_keys(
        &self,
        actor: &Actor,
        input: &Path,
        max_age_days: Option<u32>,
    ) -> Result<RestoreReport> {
        let open = || File::open(input).map_err(|e| io(input, "cannot open", e));
        let not_ours = |why: &str| {
            VaultError::BadRequest(format!(
                "{}: not a key-store backup of this vault, or damaged ({why})",
                input.display()
            ))
        };
        let peeked = peek_header_info(&mut BufReader::new(open()?))
            .ok_or_else(|| not_ours("no backup header"))?;
        let header = Header::parse(&peeked).ok_or_else(|| {
            not_ours(
                "its header is not a key-store backup's; a data backup is restored without --keys",
            )
        })?;
        let file_key = self
            .keys
            .unwrap(&header.file_key, FILE_KEY_CONTEXT)
            .map_err(|e| not_ours(&e.to_string()))?;
        let (mut reader, info) = BackupReader::new(BufReader::new(open()?), &file_key)
            .map_err(|e| not_ours(&e.to_string()))?;
        if info != peeked {
            return Err(not_ours("the header changed while it was read"));
        }
        let days = age_days(header.created_at_ms, self.now_ms());
        let (expired, limit) = match max_age_days {
            Some(max) => (days >= i64::from(max), format!("{max} days")),
            None => {
                let keep_for = self.policy().rights().backup_keys_keep_for;
                let created = jiff::Timestamp::from_millisecond(header.created_at_ms)
                    .map_err(|_| not_ours("its creation time is out of range"))?;
                let end = keep_for.after(created);
                (
                    end.is_none_or(|end| end <= self.now()),
                    format!("{keep_for} ([backups] keys_keep_for)"),
                )
            }
        };
        if expired {
            return Err(VaultError::BadRequest(format!(
                "{}: refused: key-store backups expire after {limit} so an erased \
                 customer's key cannot come back; this one is {days} days old",
                input.display()
            )));
        }
        let mut draft = self.draft(actor, AuditAction::BackupRestoreKeys);
        draft.reason = Some(format!("created_at_ms={}", header.created_at_ms));
        let summary = self
            .store
            .import_keys(
                &mut reader,
                |row| {
                    let wrapped = WrappedKey {
                        kek_version: row.kek_version,
                        bytes: row.wrapped.clone(),
                    };
                    self.keys.unwrap(&wrapped, &secret_context(&row.name)).ok()
                },
                draft,
            )
            .await?;
        Ok(summary.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let h = Header {
            created_at_ms: 1_780_000_000_123,
            file_key: WrappedKey {
                kek_version: 3,
                bytes: vec![0, 1, 0xab, 0xff],
            },
        };
        assert_eq!(Header::parse(h.encode().as_bytes()), Some(h));
    }

    #[test]
    fn headers_of_other_kinds_are_refused() {
        for bad in [
            "privet data backup v1; created_at_ms=1",
            "privet key backup v1; created_at_ms=x; kek_version=1; file_key=00",
            "privet key backup v1; created_at_ms=1; kek_version=1; file_key=0",
            "privet key backup v1; created_at_ms=1; kek_version=1; file_key=zz",
            "privet key backup v1; kek_version=1; created_at_ms=1; file_key=00",
            "privet key backup v1; created_at_ms=1; kek_version=1",
        ] {
            assert_eq!(Header::parse(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn age_is_counted_in_whole_days() {
        assert_eq!(age_days(0, DAY_MS - 1), 0);
        assert_eq!(age_days(0, DAY_MS), 1);
        assert_eq!(age_days(0, 31 * DAY_MS + 5), 31);
        assert_eq!(age_days(DAY_MS, 0), 0);
    }

    #[test]
    fn the_header_is_read_without_a_key() {
        let mut file = BACKUP_MAGIC.to_vec();
        file.extend_from_slice(&[7u8; SALT_LEN]);
        file.extend_from_slice(&3u32.to_be_bytes());
        file.extend_from_slice(b"abcrest");
        assert_eq!(
            peek_header_info(&mut file.as_slice()),
            Some(b"abc".to_vec())
        );
        assert_eq!(peek_header_info(&mut &file[..20]), None);
        file[0] = b'X';
        assert_eq!(peek_header_info(&mut file.as_slice()), None);
    }
}
