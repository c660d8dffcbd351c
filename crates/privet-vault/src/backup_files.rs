//! Backup files on disk as retention sees them: which kind each is, when it was made, and when
//! `[backups]` says it must go. Read from the header alone, without a key, so `privet backup
//! prune` and `privet check` need no secret. The header is authenticated only when a restore
//! opens the file, so a forged time can at worst make prune delete a file early or keep one
//! late; a kept key-store backup is still refused by the restore, which checks the real time.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use privet_types::policy::Rights;

use crate::error::{Result, VaultError};
use crate::keybackup::peek_header_info;

/// What a backup file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// Data (`privet backup`): no data keys.
    Data,
    /// The key store (`privet backup --keys`).
    Keys,
}

impl BackupKind {
    /// `data` or `keys`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Data => "data",
            BackupKind::Keys => "keys",
        }
    }
}

/// One backup file found in a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    /// Where it is.
    pub path: PathBuf,
    /// What it holds.
    pub kind: BackupKind,
    /// When it was made, as its header says.
    pub created_at: Timestamp,
    /// When its retention ends (`[backups] keys_keep_for` or `data_keep_for` after it was made).
    pub expires_at: Option<Timestamp>,
}

impl BackupFile {
    /// Whether it has outlived its retention at `now`.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|end| end <= now)
    }
}

/// The kind and creation time a backup header names, if it is a privet backup's.
pub(crate) fn parse_header(info: &[u8]) -> Option<(BackupKind, Timestamp)> {
    let text = std::str::from_utf8(info).ok()?;
    let (kind, rest) = if let Some(rest) = text.strip_prefix("privet data backup v1; ") {
        (BackupKind::Data, rest)
    } else {
        (
            BackupKind::Keys,
            text.strip_prefix("privet key backup v1; ")?,
        )
    };
    let ms = rest
        .split("; ")
        .next()?
        .strip_prefix("created_at_ms=")?
        .parse::<i64>()
        .ok()?;
    Some((kind, Timestamp::from_millisecond(ms).ok()?))
}

/// The privet backups directly in `dir`, oldest first, with their retention under `rights`.
/// Other files are passed over (returned apart), never touched.
pub fn backups_in(dir: &Path, rights: &Rights) -> Result<(Vec<BackupFile>, Vec<PathBuf>)> {
    let io = |e: std::io::Error| {
        VaultError::BadRequest(format!("{}: cannot list the directory: {e}", dir.display()))
    };
    let mut found = Vec::new();
    let mut others = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if !path.is_file() {
            continue;
        }
        let header = File::open(&path)
            .ok()
            .and_then(|f| peek_header_info(&mut BufReader::new(f)))
            .and_then(|info| parse_header(&info));
        match header {
            Some((kind, created_at)) => {
                let keep_for = match kind {
                    BackupKind::Data => rights.backup_data_keep_for,
                    BackupKind::Keys => rights.backup_keys_keep_for,
                };
                found.push(BackupFile {
                    path,
                    kind,
                    created_at,
                    expires_at: keep_for.after(created_at),
                });
            }
            None => others.push(path),
        }
    }
    found.sort_by(|a, b| (a.created_at, &a.path).cmp(&(b.created_at, &b.path)));
    others.sort();
    Ok((found, others))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_kind_and_time() {
        let t = Timestamp::from_millisecond(1_700_000_000_000).unwrap();
        assert_eq!(
            parse_header(b"privet data backup v1; created_at_ms=1700000000000"),
            Some((BackupKind::Data, t))
        );
        assert_eq!(
            parse_header(
                b"privet key backup v1; created_at_ms=1700000000000; kek_version=1; file_key=00"
            ),
            Some((BackupKind::Keys, t))
        );
        for bad in [
            &b"privet data backup v2; created_at_ms=1"[..],
            b"privet key backup v1; kek_version=1",
            b"privet data backup v1; created_at_ms=x",
            b"\xff\xfe",
            b"",
        ] {
            assert_eq!(parse_header(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn retention_is_per_kind_and_ends_at_its_day() {
        let dir = tempfile::tempdir().unwrap();
        let made = Timestamp::from_millisecond(1_700_000_000_000).unwrap();
        let write = |name: &str, header: &str| {
            let mut bytes = privet_crypto::BACKUP_MAGIC.to_vec();
            bytes.extend_from_slice(&[0u8; 32]);
            bytes.extend_from_slice(&(header.len() as u32).to_be_bytes());
            bytes.extend_from_slice(header.as_bytes());
            std::fs::write(dir.path().join(name), bytes).unwrap();
        };
        write(
            "data.bk",
            "privet data backup v1; created_at_ms=1700000000000",
        );
        write(
            "keys.bk",
            "privet key backup v1; created_at_ms=1700000000000; kek_version=1; file_key=00",
        );
        std::fs::write(dir.path().join("notes.txt"), "not a backup").unwrap();
        let rights = Rights::default();
        let (found, others) = backups_in(dir.path(), &rights).unwrap();
        assert_eq!(others, [dir.path().join("notes.txt")]);
        let day = |n: i64| {
            made.checked_add(jiff::SignedDuration::from_hours(24 * n))
                .unwrap()
        };
        let keys = found.iter().find(|f| f.kind == BackupKind::Keys).unwrap();
        let data = found.iter().find(|f| f.kind == BackupKind::Data).unwrap();
        assert_eq!(keys.expires_at, Some(day(30)));
        assert_eq!(data.expires_at, Some(day(90)));
        assert!(!keys.expired(day(29)) && keys.expired(day(30)));
        assert!(!data.expired(day(89)) && data.expired(day(90)));
        assert!(backups_in(&dir.path().join("missing"), &rights).is_err());
    }
}
