//! Logical backups of the data tables (never the key store) and their restore, which keeps the
//! live key store and replays its erasure ledger so an erased subject never comes back.
//!
//! Stream format (inside the encrypted container of privet-crypto): for each table, `T` + name,
//! then `R` + one value per column for every row, then `E`; the stream ends with `Z`. A value is a
//! tag (0 null, 1 integer, 2 text, 3 bytes) followed by 8 big-endian bytes or a u32 length and bytes.

use std::io::{Read, Write};

use futures_util::TryStreamExt;
use privet_crypto::SecretKey;
use sqlx::{Connection, Executor, Row};

use crate::Store;
use crate::audit::{AuditDraft, chain_hash, head_mac, join_categories};
use crate::error::{Result, StoreError};
use crate::open::{Dialect, writer_connection};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Int,
    Text,
    Bytes,
}

struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Col)],
    order: &'static str,
}

use Col::{Bytes, Int, Text};

const TABLES: &[Table] = &[
    Table {
        name: "subjects",
        columns: &[("id", Text), ("created_at", Int), ("updated_at", Int)],
        order: "id",
    },
    Table {
        name: "fields",
        columns: &[
            ("subject_id", Text),
            ("name", Text),
            ("category", Text),
            ("record_id", Bytes),
            ("sealed", Bytes),
            ("lookup", Bytes),
            ("collected_at", Int),
            ("source", Text),
            ("updated_at", Int),
        ],
        order: "subject_id, name",
    },
    Table {
        name: "tokens",
        columns: &[
            ("token", Text),
            ("kind", Text),
            ("subject_id", Text),
            ("sealed", Bytes),
            ("value_digest", Bytes),
            ("created_at", Int),
        ],
        order: "token",
    },
    Table {
        name: "consent_state",
        columns: &[
            ("subject_id", Text),
            ("purpose", Text),
            ("granted", Int),
            ("at", Int),
            ("source", Text),
            ("notice_version", Text),
        ],
        order: "subject_id, purpose",
    },
    Table {
        name: "audit",
        columns: &[
            ("seq", Int),
            ("at", Int),
            ("actor", Text),
            ("action", Text),
            ("purpose", Text),
            ("subject_id", Text),
            ("categories", Text),
            ("decision", Text),
            ("reason", Text),
            ("prev", Bytes),
            ("hash", Bytes),
        ],
        order: "seq",
    },
    Table {
        name: "audit_head",
        columns: &[("id", Int), ("seq", Int), ("hash", Bytes), ("mac", Bytes)],
        order: "id",
    },
    Table {
        name: "api_keys",
        columns: &[
            ("id", Text),
            ("hash", Bytes),
            ("role", Text),
            ("label", Text),
            ("created_at", Int),
            ("revoked_at", Int),
        ],
        order: "id",
    },
    Table {
        name: "purge_queue",
        columns: &[("subject_id", Text), ("queued_at", Int)],
        order: "subject_id",
    },
];

/// The tables a data backup holds (the key store's tables are never among them).
pub const DATA_TABLES: &[&str] = &[
    "subjects",
    "fields",
    "tokens",
    "consent_state",
    "audit",
    "audit_head",
    "api_keys",
    "purge_queue",
];

/// Tables that hold the audit chain.
const AUDIT_TABLES: [&str; 2] = ["audit", "audit_head"];

/// What a backup or restore moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Rows per table, in table order.
    pub rows: Vec<(String, u64)>,
    /// Subjects removed again because the erasure ledger names them (restore only).
    pub replayed_erasures: u64,
}

enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

fn io_err(e: std::io::Error) -> StoreError {
    StoreError::Backup(e.to_string())
}

fn write_value(out: &mut impl Write, v: &Value) -> std::io::Result<()> {
    match v {
        Value::Null => out.write_all(&[0]),
        Value::Int(i) => {
            out.write_all(&[1])?;
            out.write_all(&i.to_be_bytes())
        }
        Value::Text(s) => write_bytes(out, 2, s.as_bytes()),
        Value::Bytes(b) => write_bytes(out, 3, b),
    }
}

fn write_bytes(out: &mut impl Write, tag: u8, bytes: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("value over 4 GiB"))?;
    out.write_all(&[tag])?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(bytes)
}

fn read_u8(input: &mut impl Read) -> Result<u8> {
    let mut b = [0u8; 1];
    input.read_exact(&mut b).map_err(io_err)?;
    Ok(b[0])
}

fn read_len_bytes(input: &mut impl Read) -> Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len).map_err(io_err)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > 64 << 20 {
        return Err(StoreError::Backup(format!(
            "a value claims {len} bytes; the backup is damaged"
        )));
    }
    let mut buf = vec![0u8; len];
    input.read_exact(&mut buf).map_err(io_err)?;
    Ok(buf)
}

fn read_value(input: &mut impl Read, col: Col) -> Result<Value> {
    let v = match read_u8(input)? {
        0 => Value::Null,
        1 => {
            let mut b = [0u8; 8];
            input.read_exact(&mut b).map_err(io_err)?;
            Value::Int(i64::from_be_bytes(b))
        }
        2 => Value::Text(String::from_utf8(read_len_bytes(input)?).map_err(|_| {
            StoreError::Backup("a text value is not UTF-8; the backup is damaged".into())
        })?),
        3 => Value::Bytes(read_len_bytes(input)?),
        t => {
            return Err(StoreError::Backup(format!(
                "unknown value tag {t}; the backup is damaged"
            )));
        }
    };
    let fits = matches!(
        (&v, col),
        (Value::Null, _) | (Value::Int(_), Int) | (Value::Text(_), Text) | (Value::Bytes(_), Bytes)
    );
    if !fits {
        return Err(StoreError::Backup(
            "a value has the wrong type for its column; the backup is damaged".into(),
        ));
    }
    Ok(v)
}

fn row_value(
    row: &sqlx::any::AnyRow,
    i: usize,
    col: Col,
) -> std::result::Result<Value, sqlx::Error> {
    Ok(match col {
        Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::Int),
        Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::Text),
        Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, Value::Bytes),
    })
}

impl Store {
    /// Writes every data table, read in one consistent snapshot while the server keeps running.
    pub async fn export_data(&self, out: &mut impl Write) -> Result<BackupSummary> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::db("acquiring a connection", "connection"))?;
        let mut tx = match self.dialect() {
            Dialect::Sqlite => conn.begin().await,
            Dialect::Postgres => {
                conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
            }
        }
        .map_err(StoreError::db("starting a snapshot", "transaction"))?;
        let mut summary = BackupSummary::default();
        for table in TABLES {
            out.write_all(b"T").map_err(io_err)?;
            write_bytes(out, 2, table.name.as_bytes()).map_err(io_err)?;
            let cols: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                cols.join(", "),
                table.name,
                table.order
            );
            let mut rows = tx.fetch(sqlx::query(sqlx::AssertSqlSafe(sql)));
            let mut n = 0u64;
            while let Some(row) = rows
                .try_next()
                .await
                .map_err(StoreError::db("reading a table for backup", "row"))?
            {
                out.write_all(b"R").map_err(io_err)?;
                for (i, (_, col)) in table.columns.iter().enumerate() {
                    let v = row_value(&row, i, *col)
                        .map_err(StoreError::db("decoding a row for backup", "row"))?;
                    write_value(out, &v).map_err(io_err)?;
                }
                n += 1;
            }
            drop(rows);
            out.write_all(b"E").map_err(io_err)?;
            summary.rows.push((table.name.to_owned(), n));
        }
        out.write_all(b"Z").map_err(io_err)?;
        tx.commit()
            .await
            .map_err(StoreError::db("ending the snapshot", "transaction"))?;
        Ok(summary)
    }

    /// Replaces the data tables with a backup's, in one transaction, then replays the live erasure
    /// ledger and appends `restore` to the audit chain. On any error nothing changes.
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
        let mut tx = match dialect {
            Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
            Dialect::Postgres => conn.begin().await,
        }
        .map_err(StoreError::db("starting the restore", "transaction"))?;
        // The audit log is history, not state: a live log is kept and the restore is appended to
        // it; only a store with no log at all (a rebuild after loss) takes the backup's.
        let live_audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::db("counting audit entries", "audit entry"))?;
        let keep_live = |name: &str| live_audit > 0 && AUDIT_TABLES.contains(&name);
        for table in TABLES.iter().filter(|t| !keep_live(t.name)) {
            tx.execute(sqlx::AssertSqlSafe(format!("DELETE FROM {}", table.name)))
                .await
                .map_err(StoreError::db("clearing a table for restore", "row"))?;
        }
        let mut summary = BackupSummary::default();
        for table in TABLES {
            if read_u8(input)? != b'T' {
                return Err(StoreError::Backup(format!(
                    "expected table {}; the backup is damaged",
                    table.name
                )));
            }
            if read_u8(input)? != 2 || read_len_bytes(input)? != table.name.as_bytes() {
                return Err(StoreError::Backup(format!(
                    "expected table {}; the backup is from another version or damaged",
                    table.name
                )));
            }
            let cols: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
            let params: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name,
                cols.join(", "),
                params.join(", ")
            );
            let mut n = 0u64;
            loop {
                match read_u8(input)? {
                    b'E' => break,
                    b'R' => {}
                    _ => {
                        return Err(StoreError::Backup(format!(
                            "bad row marker in table {}",
                            table.name
                        )));
                    }
                }
                if keep_live(table.name) {
                    for (_, col) in table.columns {
                        read_value(input, *col)?;
                    }
                    continue;
                }
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for (_, col) in table.columns {
                    q = match (read_value(input, *col)?, col) {
                        (Value::Null, Int) => q.bind(None::<i64>),
                        (Value::Null, Text) => q.bind(None::<String>),
                        (Value::Null, Bytes) => q.bind(None::<Vec<u8>>),
                        (Value::Int(i), _) => q.bind(i),
                        (Value::Text(s), _) => q.bind(s),
                        (Value::Bytes(b), _) => q.bind(b),
                    };
                }
                q.execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("restoring a row", "row"))?;
                n += 1;
            }
            if !keep_live(table.name) {
                summary.rows.push((table.name.to_owned(), n));
            }
        }
        if read_u8(input)? != b'Z' {
            return Err(StoreError::Backup(
                "the backup does not end where expected; it is damaged".into(),
            ));
        }
        // The container authenticates its end: reading past the last record must give a clean end
        // of stream, not more data or a truncation error.
        let mut probe = [0u8; 1];
        match input.read(&mut probe) {
            Ok(0) => {}
            Ok(_) => {
                return Err(StoreError::Backup(
                    "data after the end of the backup; it is damaged".into(),
                ));
            }
            Err(e) => return Err(io_err(e)),
        }
        // Replay: a subject erased after the backup was taken stays erased (its key is already gone
        // from the live key store; its rows go too). A subject created again later is kept.
        let erased: Vec<(String, i64)> =
            sqlx::query_as("SELECT subject_id, erased_at FROM keystore_erasures")
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::db("reading the erasure ledger", "erasure"))?;
        for (subject, at) in erased {
            let gone = sqlx::query("DELETE FROM subjects WHERE id = $1 AND created_at <= $2")
                .bind(subject.clone())
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::db("replaying an erasure", "subject"))?
                .rows_affected();
            let still_there: Option<i64> =
                sqlx::query_scalar("SELECT created_at FROM subjects WHERE id = $1")
                    .bind(subject.clone())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(StoreError::db("replaying an erasure", "subject"))?;
            if still_there.is_none() {
                for sql in [
                    "DELETE FROM fields WHERE subject_id = $1",
                    "DELETE FROM tokens WHERE subject_id = $1",
                    "DELETE FROM consent_state WHERE subject_id = $1",
                    "DELETE FROM purge_queue WHERE subject_id = $1",
                ] {
                    sqlx::query(sql)
                        .bind(subject.clone())
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db("replaying an erasure", "row"))?;
                }
            }
            summary.replayed_erasures += gone;
        }
        let head: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_optional(&mut *tx)
                .await
                .map_err(StoreError::db("reading the audit head", "audit head"))?;
        let (seq, prev) = head.unwrap_or((0, crate::audit::GENESIS.to_vec()));
        let seq = seq + 1;
        let hash = chain_hash(audit_key, &prev, seq, &restore).to_vec();
        sqlx::query(
            "INSERT INTO audit (seq, at, actor, action, purpose, subject_id, categories, decision, reason, prev, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(seq)
        .bind(restore.at)
        .bind(restore.actor.clone())
        .bind(restore.action.clone())
        .bind(restore.purpose.clone())
        .bind(restore.subject.clone())
        .bind(join_categories(&restore.categories))
        .bind(restore.decision.clone())
        .bind(restore.reason.clone())
        .bind(prev)
        .bind(hash.clone())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("recording the restore", "audit entry"))?;
        sqlx::query(
            "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
        )
        .bind(seq)
        .bind(hash.clone())
        .bind(head_mac(audit_key, seq, &hash).to_vec())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db("moving the audit head", "audit head"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("committing the restore", "transaction"))?;
        Ok(summary)
    }
}
