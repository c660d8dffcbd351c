//! The operations and their SQL: one statement text per operation, used by the batch path
//! (many rows per statement) and the careful path (one unit at a time) alike.

use sqlx::AnyConnection;

use privet_types::{FieldName, SubjectId};

use crate::error::{Result, StoreError};

/// One change to the stored state.
#[derive(Debug, Clone)]
pub enum Op {
    /// Creates or touches a subject.
    UpsertSubject {
        /// Subject id.
        subject: SubjectId,
        /// Time (ms).
        at: i64,
    },
    /// Stores a new subject's data key; fails with a conflict if it already has one.
    InsertDek {
        /// Subject id.
        subject: SubjectId,
        /// Wrapping master-key version.
        kek_version: u32,
        /// Wrapped key.
        wrapped: Vec<u8>,
        /// Time (ms).
        at: i64,
    },
    /// Writes (inserts or replaces) a field.
    PutField {
        /// Subject id.
        subject: SubjectId,
        /// Field name.
        name: FieldName,
        /// Category.
        category: String,
        /// Random record id bound in the AAD.
        record_id: Vec<u8>,
        /// Sealed value.
        sealed: Vec<u8>,
        /// Blind index, for looked-up categories.
        lookup: Option<Vec<u8>>,
        /// Collection time (ms).
        collected_at: Option<i64>,
        /// Source.
        source: Option<String>,
        /// Time (ms).
        at: i64,
    },
    /// Removes one field.
    DeleteField {
        /// Subject id.
        subject: SubjectId,
        /// Field name.
        name: FieldName,
    },
    /// Stores a token; conflicts if the token (or, for deterministic ones, the value) exists.
    InsertToken {
        /// The token.
        token: String,
        /// Its kind.
        kind: String,
        /// Owning subject.
        subject: Option<SubjectId>,
        /// Sealed value.
        sealed: Vec<u8>,
        /// Keyed digest of the value, for deterministic tokens.
        value_digest: Option<Vec<u8>>,
        /// Time (ms).
        at: i64,
    },
    /// Erases a subject: drops its row and data key, records the erasure in the ledger and queues
    /// its remaining rows for purge. Constant work whatever the subject holds.
    EraseSubject {
        /// Subject id.
        subject: SubjectId,
        /// Time (ms).
        at: i64,
    },
    /// Records the current consent of a subject for a purpose.
    SetConsent {
        /// Subject id.
        subject: SubjectId,
        /// Purpose.
        purpose: String,
        /// Granted or withdrawn.
        granted: bool,
        /// Time (ms).
        at: i64,
        /// Capture channel.
        source: String,
        /// Notice version.
        notice_version: Option<String>,
    },
    /// Stores an API key's hash.
    InsertApiKey {
        /// Public id.
        id: String,
        /// Keyed hash.
        hash: Vec<u8>,
        /// Role.
        role: String,
        /// Label.
        label: Option<String>,
        /// Time (ms).
        at: i64,
    },
    /// Revokes an API key.
    RevokeApiKey {
        /// Public id.
        id: String,
        /// Time (ms).
        at: i64,
    },
    /// Stores a long-lived secret; conflicts if it exists.
    InsertSecret {
        /// Name.
        name: String,
        /// Wrapping version.
        kek_version: u32,
        /// Wrapped bytes.
        wrapped: Vec<u8>,
    },
    /// Re-wraps a data key if it is still under `from`.
    RewrapDek {
        /// Subject id.
        subject: SubjectId,
        /// Old version.
        from: u32,
        /// New version.
        to: u32,
        /// Newly wrapped bytes.
        wrapped: Vec<u8>,
    },
    /// Re-wraps a secret if it is still under `from`.
    RewrapSecret {
        /// Name.
        name: String,
        /// Old version.
        from: u32,
        /// New version.
        to: u32,
        /// Newly wrapped bytes.
        wrapped: Vec<u8>,
    },
    /// Deletes up to `limit` leftover rows of an erased subject; drops it from the queue when none remain.
    PurgeRows {
        /// Subject id.
        subject: SubjectId,
        /// Rows per table per step.
        limit: i64,
    },
}

/// Few distinct statement shapes, so the prepared-statement cache keeps them all.
pub(super) fn chunk_len(left: usize) -> usize {
    [64, 16, 4, 1].into_iter().find(|n| *n <= left).unwrap_or(1)
}

/// A bound value of a gathered row.
enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// Rows gathered from a batch's units, written with multi-row statements.
#[derive(Default)]
pub(super) struct Gathered {
    subjects: Vec<(SubjectId, i64)>,
    fields: Vec<((SubjectId, FieldName), Vec<Arg>)>,
    tokens: Vec<Vec<Arg>>,
}

/// One multi-row statement: `prefix` + `(…), (…)` + `suffix`, `columns` values per row. Each
/// table written by the batch path has exactly one, used for one row as for many.
struct RowStatement {
    prefix: &'static str,
    suffix: &'static str,
    columns: usize,
    /// For error messages: what was being done, and to what.
    context: &'static str,
    what: &'static str,
}

const SUBJECT_UPSERT: RowStatement = RowStatement {
    prefix: "INSERT INTO subjects (id, created_at, updated_at) VALUES ",
    suffix: " ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
    columns: 3,
    context: "writing a subject",
    what: "subject",
};

const FIELD_UPSERT: RowStatement = RowStatement {
    prefix: "INSERT INTO fields (subject_id, name, category, record_id, sealed, lookup, collected_at, source, updated_at) VALUES ",
    suffix: " ON CONFLICT (subject_id, name) DO UPDATE SET category = excluded.category, \
             record_id = excluded.record_id, sealed = excluded.sealed, lookup = excluded.lookup, \
             collected_at = excluded.collected_at, source = excluded.source, updated_at = excluded.updated_at",
    columns: 9,
    context: "writing a field",
    what: "field",
};

const TOKEN_INSERT: RowStatement = RowStatement {
    prefix: "INSERT INTO tokens (token, kind, subject_id, sealed, value_digest, created_at) VALUES ",
    suffix: "",
    columns: 6,
    context: "storing a token",
    what: "token",
};

fn subject_row(subject: &SubjectId, at: i64) -> Vec<Arg> {
    vec![
        Arg::Text(Some(subject.as_str().to_owned())),
        Arg::Int(Some(at)),
        Arg::Int(Some(at)),
    ]
}

/// The row of a `PutField` or `InsertToken` op, in its statement's column order.
fn op_row(op: &Op) -> Option<Vec<Arg>> {
    Some(match op {
        Op::PutField {
            subject,
            name,
            category,
            record_id,
            sealed,
            lookup,
            collected_at,
            source,
            at,
        } => vec![
            Arg::Text(Some(subject.as_str().to_owned())),
            Arg::Text(Some(name.as_str().to_owned())),
            Arg::Text(Some(category.clone())),
            Arg::Bytes(Some(record_id.clone())),
            Arg::Bytes(Some(sealed.clone())),
            Arg::Bytes(lookup.clone()),
            Arg::Int(*collected_at),
            Arg::Text(source.clone()),
            Arg::Int(Some(*at)),
        ],
        Op::InsertToken {
            token,
            kind,
            subject,
            sealed,
            value_digest,
            at,
        } => vec![
            Arg::Text(Some(token.clone())),
            Arg::Text(Some(kind.clone())),
            Arg::Text(subject.as_ref().map(|s| s.as_str().to_owned())),
            Arg::Bytes(Some(sealed.clone())),
            Arg::Bytes(value_digest.clone()),
            Arg::Int(Some(*at)),
        ],
        _ => return None,
    })
}

impl Gathered {
    /// Keeps the op for a multi-row statement if it is of a gathered kind.
    pub(super) fn take(&mut self, op: &Op) -> bool {
        match op {
            Op::UpsertSubject { subject, at } => {
                match self.subjects.iter_mut().find(|(s, _)| s == subject) {
                    Some(entry) => entry.1 = entry.1.max(*at),
                    None => self.subjects.push((subject.clone(), *at)),
                }
                true
            }
            Op::PutField { subject, name, .. } => {
                let Some(row) = op_row(op) else {
                    return false;
                };
                let key = (subject.clone(), name.clone());
                // A later write of the same field wins, as it would applied in order.
                match self.fields.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = row,
                    None => self.fields.push((key, row)),
                }
                true
            }
            Op::InsertToken { .. } => match op_row(op) {
                Some(row) => {
                    self.tokens.push(row);
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    pub(super) async fn write(&self, conn: &mut AnyConnection) -> Result<()> {
        let subjects: Vec<Vec<Arg>> = self
            .subjects
            .iter()
            .map(|(s, at)| subject_row(s, *at))
            .collect();
        let subjects: Vec<&[Arg]> = subjects.iter().map(Vec::as_slice).collect();
        insert_many(conn, &SUBJECT_UPSERT, &subjects).await?;
        let fields: Vec<&[Arg]> = self.fields.iter().map(|(_, r)| r.as_slice()).collect();
        insert_many(conn, &FIELD_UPSERT, &fields).await?;
        let tokens: Vec<&[Arg]> = self.tokens.iter().map(Vec::as_slice).collect();
        insert_many(conn, &TOKEN_INSERT, &tokens).await?;
        Ok(())
    }
}

/// Writes `rows` with `statement`, in chunks; returns the rows affected.
async fn insert_many(
    conn: &mut AnyConnection,
    statement: &RowStatement,
    rows: &[&[Arg]],
) -> Result<u64> {
    let columns = statement.columns;
    let mut affected = 0;
    let mut rest = rows;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
        let mut sql = String::from(statement.prefix);
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let params: Vec<String> = (1..=columns)
                .map(|k| format!("${}", i * columns + k))
                .collect();
            sql.push('(');
            sql.push_str(&params.join(", "));
            sql.push(')');
        }
        sql.push_str(statement.suffix);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for arg in row.iter() {
                q = match arg {
                    Arg::Int(v) => q.bind(*v),
                    Arg::Text(v) => q.bind(v.clone()),
                    Arg::Bytes(v) => q.bind(v.clone()),
                };
            }
        }
        affected += q
            .execute(&mut *conn)
            .await
            .map_err(StoreError::db(statement.context, statement.what))?
            .rows_affected();
        rest = tail;
    }
    Ok(affected)
}

async fn run(
    conn: &mut AnyConnection,
    query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    context: &'static str,
    what: &'static str,
) -> Result<u64> {
    Ok(query
        .execute(conn)
        .await
        .map_err(StoreError::db(context, what))?
        .rows_affected())
}

pub(super) async fn apply_op(conn: &mut AnyConnection, op: &Op) -> Result<u64> {
    use sqlx::query;
    match op {
        Op::UpsertSubject { subject, at } => {
            insert_many(conn, &SUBJECT_UPSERT, &[&subject_row(subject, *at)]).await
        }
        Op::InsertDek { subject, kek_version, wrapped, at } => {
            // A subject id reused after an erasure must not inherit rows still waiting for purge.
            let queued = run(
                conn,
                query("DELETE FROM purge_queue WHERE subject_id = $1").bind(subject.as_str().to_owned()),
                "clearing the purge queue",
                "purge entry",
            )
            .await?;
            if queued > 0 {
                run(conn, query("DELETE FROM fields WHERE subject_id = $1").bind(subject.as_str().to_owned()), "purging fields", "field").await?;
                run(conn, query("DELETE FROM tokens WHERE subject_id = $1").bind(subject.as_str().to_owned()), "purging tokens", "token").await?;
            }
            run(
                conn,
                query("INSERT INTO keystore_deks (subject_id, kek_version, wrapped, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(subject.as_str().to_owned())
                    .bind(i64::from(*kek_version))
                    .bind(wrapped.clone())
                    .bind(*at),
                "storing a data key",
                "data key",
            )
            .await
        }
        Op::PutField { .. } | Op::InsertToken { .. } => {
            let statement = if matches!(op, Op::PutField { .. }) { &FIELD_UPSERT } else { &TOKEN_INSERT };
            let row = op_row(op).unwrap_or_default();
            insert_many(conn, statement, &[&row]).await
        }
        Op::DeleteField { subject, name } => {
            run(
                conn,
                query("DELETE FROM fields WHERE subject_id = $1 AND name = $2").bind(subject.as_str().to_owned()).bind(name.as_str().to_owned()),
                "deleting a field",
                "field",
            )
            .await
        }
        Op::EraseSubject { subject, at } => {
            let rows = run(conn, query("DELETE FROM subjects WHERE id = $1").bind(subject.as_str().to_owned()), "erasing a subject", "subject").await?;
            if rows == 0 {
                return Err(StoreError::NotFound("subject"));
            }
            run(conn, query("DELETE FROM keystore_deks WHERE subject_id = $1").bind(subject.as_str().to_owned()), "destroying a data key", "data key").await?;
            run(conn, query("DELETE FROM consent_state WHERE subject_id = $1").bind(subject.as_str().to_owned()), "erasing consents", "consent").await?;
            run(
                conn,
                query(
                    "INSERT INTO keystore_erasures (subject_id, erased_at) VALUES ($1, $2) \
                     ON CONFLICT (subject_id) DO UPDATE SET erased_at = excluded.erased_at",
                )
                .bind(subject.as_str().to_owned())
                .bind(*at),
                "writing the erasure ledger",
                "erasure",
            )
            .await?;
            run(
                conn,
                query("INSERT INTO purge_queue (subject_id, queued_at) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING")
                    .bind(subject.as_str().to_owned())
                    .bind(*at),
                "queueing a purge",
                "purge entry",
            )
            .await?;
            Ok(rows)
        }
        Op::SetConsent { subject, purpose, granted, at, source, notice_version } => {
            run(
                conn,
                query(
                    "INSERT INTO consent_state (subject_id, purpose, granted, at, source, notice_version) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (subject_id, purpose) DO UPDATE SET \
                     granted = excluded.granted, at = excluded.at, source = excluded.source, \
                     notice_version = excluded.notice_version",
                )
                .bind(subject.as_str().to_owned())
                .bind(purpose.clone())
                .bind(i64::from(*granted))
                .bind(*at)
                .bind(source.clone())
                .bind(notice_version.clone()),
                "recording consent",
                "consent",
            )
            .await
        }
        Op::InsertApiKey { id, hash, role, label, at } => {
            run(
                conn,
                query("INSERT INTO api_keys (id, hash, role, label, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id.clone())
                    .bind(hash.clone())
                    .bind(role.clone())
                    .bind(label.clone())
                    .bind(*at),
                "storing an API key",
                "API key",
            )
            .await
        }
        Op::RevokeApiKey { id, at } => {
            let rows = run(
                conn,
                query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(*at).bind(id.clone()),
                "revoking an API key",
                "API key",
            )
            .await?;
            if rows == 0 {
                return Err(StoreError::NotFound("active API key"));
            }
            Ok(rows)
        }
        Op::InsertSecret { name, kek_version, wrapped } => {
            run(
                conn,
                query("INSERT INTO keystore_secrets (name, kek_version, wrapped) VALUES ($1, $2, $3)")
                    .bind(name.as_str().to_owned())
                    .bind(i64::from(*kek_version))
                    .bind(wrapped.clone()),
                "storing a secret",
                "secret",
            )
            .await
        }
        Op::RewrapDek { subject, from, to, wrapped } => {
            run(
                conn,
                query("UPDATE keystore_deks SET kek_version = $1, wrapped = $2 WHERE subject_id = $3 AND kek_version = $4")
                    .bind(i64::from(*to))
                    .bind(wrapped.clone())
                    .bind(subject.as_str().to_owned())
                    .bind(i64::from(*from)),
                "re-wrapping a data key",
                "data key",
            )
            .await
        }
        Op::RewrapSecret { name, from, to, wrapped } => {
            run(
                conn,
                query("UPDATE keystore_secrets SET kek_version = $1, wrapped = $2 WHERE name = $3 AND kek_version = $4")
                    .bind(i64::from(*to))
                    .bind(wrapped.clone())
                    .bind(name.as_str().to_owned())
                    .bind(i64::from(*from)),
                "re-wrapping a secret",
                "secret",
            )
            .await
        }
        Op::PurgeRows { subject, limit } => {
            // The queue was read before this commit; if the id has been reused since, the
            // re-creation cleared the queue and its rows are live: the purge must touch none.
            let fields = run(
                conn,
                query("DELETE FROM fields WHERE subject_id = $1 AND name IN (SELECT name FROM fields WHERE subject_id = $2 LIMIT $3) \
                       AND EXISTS (SELECT 1 FROM purge_queue WHERE subject_id = $4)")
                    .bind(subject.as_str().to_owned())
                    .bind(subject.as_str().to_owned())
                    .bind(*limit)
                    .bind(subject.as_str().to_owned()),
                "purging fields",
                "field",
            )
            .await?;
            let tokens = run(
                conn,
                query("DELETE FROM tokens WHERE token IN (SELECT token FROM tokens WHERE subject_id = $1 LIMIT $2) \
                       AND EXISTS (SELECT 1 FROM purge_queue WHERE subject_id = $3)")
                    .bind(subject.as_str().to_owned())
                    .bind(*limit)
                    .bind(subject.as_str().to_owned()),
                "purging tokens",
                "token",
            )
            .await?;
            // A step that deleted fewer rows than it could has reached the end of both tables.
            let limit = u64::try_from(*limit).unwrap_or(0);
            if fields < limit && tokens < limit {
                run(conn, query("DELETE FROM purge_queue WHERE subject_id = $1").bind(subject.as_str().to_owned()), "clearing the purge queue", "purge entry").await?;
            }
            Ok(fields + tokens)
        }
    }
}
