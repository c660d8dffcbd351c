//! Logical backups: of the data tables (with the erasure ledger, never a key), and of the key
//! store. Every restore merges the ledgers it sees and replays the result, so an erased subject
//! never comes back, whichever backups are restored in whichever order.
//!
//! Stream format (inside the encrypted container of privet-crypto): for each table, `T` + name,
//! then `R` + one value per column for every row, then `E`; the stream ends with `Z`. A value is a
//! tag (0 null, 1 integer, 2 text, 3 bytes) followed by 8 big-endian bytes or a u32 length and bytes.
//! Sections added in later versions come after the erasure ledger ([`LATER_DATA_SECTIONS`]), so a
//! backup written before them still restores: its stream ends where they would begin.

mod data;
mod keys;
mod replay;
mod stream;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Int,
    Text,
    Bytes,
}

/// One section of a backup stream and the table it comes from.
struct Table {
    /// The section's name in the stream.
    section: &'static str,
    /// The SQL table.
    sql: &'static str,
    columns: &'static [(&'static str, Col)],
    /// The primary key: the dump's order and the conflict target.
    key: &'static str,
    /// How a restored row meets a live one: None when the table is cleared first, otherwise the
    /// `ON CONFLICT` action that keeps (or merges into) the live row.
    on_conflict: Option<&'static str>,
}

impl Table {
    fn column_list(&self) -> String {
        let cols: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        cols.join(", ")
    }

    fn insert_sql(&self) -> String {
        let params: Vec<String> = (1..=self.columns.len()).map(|i| format!("${i}")).collect();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.sql,
            self.column_list(),
            params.join(", ")
        );
        if let Some(action) = self.on_conflict {
            sql.push_str(&format!(" ON CONFLICT ({}) {action}", self.key));
        }
        sql
    }
}

use Col::{Bytes, Int, Text};

/// Merging ledgers keeps the later erasure time, so every copy of a key older than it is destroyed.
const LATEST_ERASURE: &str = "DO UPDATE SET erased_at = CASE WHEN excluded.erased_at > keystore_erasures.erased_at \
     THEN excluded.erased_at ELSE keystore_erasures.erased_at END";

const ERASURES: Table = Table {
    section: "erasures",
    sql: "keystore_erasures",
    columns: &[("subject_id", Text), ("erased_at", Int)],
    key: "subject_id",
    on_conflict: Some(LATEST_ERASURE),
};

const DATA_SECTIONS: &[Table] = &[
    Table {
        section: "subjects",
        sql: "subjects",
        columns: &[("id", Text), ("created_at", Int), ("updated_at", Int)],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "fields",
        sql: "fields",
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
        key: "subject_id, name",
        on_conflict: None,
    },
    Table {
        section: "tokens",
        sql: "tokens",
        columns: &[
            ("token", Text),
            ("kind", Text),
            ("subject_id", Text),
            ("sealed", Bytes),
            ("value_digest", Bytes),
            ("created_at", Int),
        ],
        key: "token",
        on_conflict: None,
    },
    Table {
        section: "consent_state",
        sql: "consent_state",
        columns: &[
            ("subject_id", Text),
            ("purpose", Text),
            ("granted", Int),
            ("at", Int),
            ("source", Text),
            ("notice_version", Text),
        ],
        key: "subject_id, purpose",
        on_conflict: None,
    },
    Table {
        section: "audit",
        sql: "audit",
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
        key: "seq",
        on_conflict: None,
    },
    Table {
        section: "audit_head",
        sql: "audit_head",
        columns: &[("id", Int), ("seq", Int), ("hash", Bytes), ("mac", Bytes)],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "api_keys",
        sql: "api_keys",
        columns: &[
            ("id", Text),
            ("hash", Bytes),
            ("role", Text),
            ("label", Text),
            ("created_at", Int),
            ("revoked_at", Int),
        ],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "purge_queue",
        sql: "purge_queue",
        columns: &[("subject_id", Text), ("queued_at", Int)],
        key: "subject_id",
        on_conflict: None,
    },
    ERASURES,
];

/// Data sections newer than the first backup format, each optional on restore, in this order.
const LATER_DATA_SECTIONS: &[Table] = &[
    Table {
        section: "consent_ledger",
        sql: "consent_ledger",
        columns: &[
            ("subject_id", Text),
            ("n", Int),
            ("purpose", Text),
            ("granted", Int),
            ("at", Int),
            ("source", Text),
            ("notice_version", Text),
            ("recorded_by", Text),
        ],
        key: "subject_id, n",
        on_conflict: None,
    },
    Table {
        section: "requests",
        sql: "requests",
        columns: &[
            ("id", Text),
            ("subject_id", Text),
            ("kind", Text),
            ("regulation", Text),
            ("status", Text),
            ("verified", Int),
            ("verify_method", Text),
            ("verified_by", Text),
            ("received_at", Int),
            ("due_on", Text),
            ("due_at", Int),
            ("extensions", Int),
            ("reason", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("updated_at", Int),
            ("closed_at", Int),
        ],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "restrictions",
        sql: "restrictions",
        columns: &[
            ("subject_id", Text),
            ("request_id", Text),
            ("created_by", Text),
            ("created_at", Int),
        ],
        key: "subject_id",
        on_conflict: None,
    },
    Table {
        section: "holds",
        sql: "holds",
        columns: &[
            ("id", Text),
            ("subject_id", Text),
            ("reason", Text),
            ("created_by", Text),
            ("created_at", Int),
            ("until_at", Int),
            ("lifted_at", Int),
            ("lifted_by", Text),
        ],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "deliveries",
        sql: "deliveries",
        columns: &[
            ("id", Text),
            ("vendor", Text),
            ("subject_id", Text),
            ("request_id", Text),
            ("erased_at", Int),
            ("status", Text),
            ("attempts", Int),
            ("next_at", Int),
            ("last_error", Text),
            ("created_at", Int),
            ("done_at", Int),
        ],
        key: "id",
        on_conflict: None,
    },
    Table {
        section: "subject_events",
        sql: "subject_events",
        columns: &[("subject_id", Text), ("kind", Text), ("at", Int)],
        key: "subject_id, kind",
        on_conflict: None,
    },
    Table {
        section: "purge_receipts",
        sql: "purge_receipts",
        columns: &[
            ("id", Text),
            ("rule", Text),
            ("owner", Text),
            ("started_at", Int),
            ("finished_at", Int),
            ("fields", Int),
            ("subjects_erased", Int),
            ("held", Int),
            ("by_category", Text),
        ],
        key: "id",
        on_conflict: None,
    },
];

/// Live key material is never overwritten by a key-store backup: only missing rows come back.
const KEY_SECTIONS: &[Table] = &[
    Table {
        section: "keystore_deks",
        sql: "keystore_deks",
        columns: &[
            ("subject_id", Text),
            ("kek_version", Int),
            ("wrapped", Bytes),
            ("created_at", Int),
        ],
        key: "subject_id",
        on_conflict: Some("DO NOTHING"),
    },
    Table {
        section: "keystore_secrets",
        sql: "keystore_secrets",
        columns: &[("name", Text), ("kek_version", Int), ("wrapped", Bytes)],
        key: "name",
        on_conflict: Some("DO NOTHING"),
    },
    ERASURES,
];

/// The tables a data backup holds: the data tables and the erasure ledger (ids and times only),
/// never a data key or secret.
pub const DATA_TABLES: &[&str] = &[
    "subjects",
    "fields",
    "tokens",
    "consent_state",
    "consent_ledger",
    "requests",
    "restrictions",
    "holds",
    "deliveries",
    "subject_events",
    "purge_receipts",
    "audit",
    "audit_head",
    "api_keys",
    "purge_queue",
    "keystore_erasures",
];

/// The tables a key-store backup holds.
pub const KEY_TABLES: &[&str] = &["keystore_deks", "keystore_secrets", "keystore_erasures"];

/// What a backup or restore moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Rows per section, in stream order: rows written by a backup; rows inserted (or, for the
    /// erasure ledger, merged) by a restore.
    pub rows: Vec<(String, u64)>,
    /// Subjects removed again because the merged erasure ledger names them (restore only).
    pub replayed_erasures: u64,
    /// Data keys destroyed because the merged erasure ledger names them (restore only).
    pub destroyed_keys: u64,
}
