//! The group-commit writer: one task owns the write connection, takes every unit queued while the
//! previous commit was on disk, applies them in one transaction (each in its own savepoint, so one
//! failing unit does not sink the others), appends their audit entries to the chain, commits once
//! and only then answers. Many requests share one fsync; none is answered before its commit.

use privet_crypto::SecretKey;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use std::sync::{Arc, Mutex};

use crate::audit::{
    AuditDraft, ChainBreak, chain_hash, head_mac, join_categories, read_checked_head,
};
use crate::error::{Result, StoreError};
use crate::open::{Dialect, writer_connection};

/// Most units one commit takes; bounds the latency a big batch adds.
const MAX_BATCH: usize = 1024;

/// One change to the stored state.
#[derive(Debug, Clone)]
pub enum Op {
    /// Creates or touches a subject.
    UpsertSubject {
        /// Subject id.
        subject: String,
        /// Time (ms).
        at: i64,
    },
    /// Stores a new subject's data key; fails with a conflict if it already has one.
    InsertDek {
        /// Subject id.
        subject: String,
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
        subject: String,
        /// Field name.
        name: String,
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
        subject: String,
        /// Field name.
        name: String,
    },
    /// Stores a token; conflicts if the token (or, for deterministic ones, the value) exists.
    InsertToken {
        /// The token.
        token: String,
        /// Its kind.
        kind: String,
        /// Owning subject.
        subject: Option<String>,
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
        subject: String,
        /// Time (ms).
        at: i64,
    },
    /// Records the current consent of a subject for a purpose.
    SetConsent {
        /// Subject id.
        subject: String,
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
        subject: String,
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
        subject: String,
        /// Rows per table per step.
        limit: i64,
    },
}

/// A set of changes and the audit entries that record them, committed together or not at all.
#[derive(Debug, Clone, Default)]
pub struct WriteUnit {
    /// Changes.
    pub ops: Vec<Op>,
    /// Audit entries.
    pub audit: Vec<AuditDraft>,
}

/// What a committed unit reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitOutcome {
    /// Sequence numbers of its audit entries.
    pub audit_seqs: Vec<i64>,
    /// Rows changed by its operations.
    pub rows: u64,
}

struct Job {
    unit: WriteUnit,
    reply: oneshot::Sender<Result<UnitOutcome>>,
}

/// The writer's last finding about the audit chain: `Some` while it is damaged.
type AuditState = Arc<Mutex<Option<ChainBreak>>>;

/// Handle to the writer task.
#[derive(Clone)]
pub(crate) struct WriterHandle {
    tx: mpsc::Sender<Job>,
    audit: AuditState,
}

impl WriterHandle {
    pub(crate) fn audit_break(&self) -> Option<ChainBreak> {
        match self.audit.lock() {
            Ok(state) => state.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) async fn submit(&self, unit: WriteUnit) -> Result<UnitOutcome> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { unit, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }
}

pub(crate) async fn start(
    options: &AnyConnectOptions,
    dialect: Dialect,
    audit_key: SecretKey,
) -> Result<WriterHandle> {
    let mut conn = writer_connection(options, dialect)
        .await
        .map_err(StoreError::db("opening the write connection", "connection"))?;
    // The head is never created here: it comes with the audit secret, so a missing one is a
    // wiped log, not a new store. The chain is checked now so readiness says so before any write.
    let audit: AuditState = Arc::default();
    match read_checked_head(&mut conn, &audit_key, false).await {
        Ok(_) => {}
        Err(StoreError::AuditBroken(b)) => note_audit(&audit, Some(b)),
        Err(e) => return Err(e),
    }
    let state = audit.clone();
    let (tx, mut rx) = mpsc::channel::<Job>(8192);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Some(first) = rx.recv().await {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            commit_batch(&mut conn, dialect, &audit_key, &state, &mut batch).await;
        }
    });
    Ok(WriterHandle { tx, audit })
}

/// Records what the writer found about the chain, logging each change once.
fn note_audit(state: &AuditState, found: Option<ChainBreak>) {
    let mut current = match state.lock() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    };
    if *current == found {
        return;
    }
    match &found {
        Some(b) => tracing::error!(
            damage = %b,
            "the audit log is damaged: refusing every write until it is repaired (run `privet audit verify`)"
        ),
        None => tracing::warn!("the audit log checks out again; writes resume"),
    }
    *current = found;
}

/// The chain's newest entry, as the head row records it.
pub(crate) struct Head {
    /// Its sequence number.
    pub(crate) seq: i64,
    /// Its hash.
    pub(crate) hash: Vec<u8>,
}

async fn commit_batch(
    conn: &mut AnyConnection,
    dialect: Dialect,
    key: &SecretKey,
    audit: &AuditState,
    batch: &mut Vec<Job>,
) {
    let results = match apply_batch(conn, dialect, key, batch).await {
        Ok(results) => {
            note_audit(audit, None);
            results
        }
        Err(StoreError::AuditBroken(b)) => {
            note_audit(audit, Some(b.clone()));
            batch
                .iter()
                .map(|_| Err(StoreError::AuditBroken(b.clone())))
                .collect()
        }
        Err(e) => {
            tracing::error!(error = %e, units = batch.len(), "group commit failed; nothing in it was written");
            let msg = e.to_string();
            batch
                .iter()
                .map(|_| Err(StoreError::CommitFailed(msg.clone())))
                .collect()
        }
    };
    for (job, result) in batch.drain(..).zip(results) {
        let _ = job.reply.send(result);
    }
}

/// Opens the group commit's transaction and reads the audit head, refusing to go on when the
/// head's MAC or the newest entry says the chain was cut or rewritten.
async fn begin_with_head<'c>(
    conn: &'c mut AnyConnection,
    dialect: Dialect,
    key: &SecretKey,
) -> Result<(sqlx::Transaction<'c, sqlx::Any>, Head)> {
    let mut tx = match dialect {
        Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => conn.begin().await,
    }
    .map_err(StoreError::db("starting a group commit", "transaction"))?;
    match read_checked_head(&mut tx, key, dialect == Dialect::Postgres).await {
        Ok((seq, hash)) => Ok((tx, Head { seq, hash })),
        Err(e) => {
            // Rolled back now, not when the connection is next used: on SQLite the transaction
            // holds the write lock.
            tx.rollback()
                .await
                .map_err(StoreError::db("rolling back", "transaction"))?;
            Err(e)
        }
    }
}

pub(crate) async fn move_head(
    conn: &mut AnyConnection,
    key: &SecretKey,
    head: &Head,
) -> Result<()> {
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, mac = $3 WHERE id = 1")
        .bind(head.seq)
        .bind(head.hash.clone())
        .bind(head_mac(key, head.seq, &head.hash).to_vec())
        .execute(conn)
        .await
        .map_err(StoreError::db("moving the audit head", "audit head"))?;
    Ok(())
}

async fn apply_batch(
    conn: &mut AnyConnection,
    dialect: Dialect,
    key: &SecretKey,
    batch: &[Job],
) -> Result<Vec<Result<UnitOutcome>>> {
    if batch.len() > 1
        && let Some(results) = apply_fast(conn, dialect, key, batch).await?
    {
        return Ok(results);
    }
    apply_careful(conn, dialect, key, batch).await
}

/// The common case: no unit fails, so no savepoints, and the audit entries go in a few
/// multi-row inserts. `None` when a unit failed: the transaction is rolled back and the batch
/// is applied again carefully.
async fn apply_fast(
    conn: &mut AnyConnection,
    dialect: Dialect,
    key: &SecretKey,
    batch: &[Job],
) -> Result<Option<Vec<Result<UnitOutcome>>>> {
    // Row inserts of independent units are gathered into multi-row statements, which saves a
    // round trip to the database per row. Only when no unit deletes anything: then the order in
    // which the gathered rows land cannot matter.
    let gather = !batch.iter().flat_map(|j| &j.unit.ops).any(|op| {
        matches!(
            op,
            Op::EraseSubject { .. } | Op::DeleteField { .. } | Op::PurgeRows { .. }
        )
    });
    let (mut tx, mut head) = begin_with_head(conn, dialect, key).await?;
    let start_seq = head.seq;
    let mut results = Vec::with_capacity(batch.len());
    let mut entries: Vec<(i64, &AuditDraft, Vec<u8>, Vec<u8>)> = Vec::new();
    let mut gathered = Gathered::default();
    for job in batch {
        let mut outcome = UnitOutcome::default();
        for op in &job.unit.ops {
            if gather && gathered.take(op) {
                outcome.rows += 1;
                continue;
            }
            match apply_op(&mut tx, op).await {
                Ok(n) => outcome.rows += n,
                Err(_) => {
                    tx.rollback()
                        .await
                        .map_err(StoreError::db("rolling back", "transaction"))?;
                    return Ok(None);
                }
            }
        }
        for draft in &job.unit.audit {
            let seq = head.seq + 1;
            let hash = chain_hash(key, &head.hash, seq, draft).to_vec();
            entries.push((seq, draft, head.hash.clone(), hash.clone()));
            head = Head { seq, hash };
            outcome.audit_seqs.push(seq);
        }
        results.push(Ok(outcome));
    }
    if gathered.write(&mut tx).await.is_err() {
        tx.rollback()
            .await
            .map_err(StoreError::db("rolling back", "transaction"))?;
        return Ok(None);
    }
    let mut rest = entries.as_slice();
    while !rest.is_empty() {
        let n = chunk_len(rest.len());
        let (chunk, tail) = rest.split_at(n);
        insert_audit_rows(&mut tx, chunk).await?;
        rest = tail;
    }
    if head.seq != start_seq {
        move_head(&mut tx, key, &head).await?;
    }
    tx.commit()
        .await
        .map_err(StoreError::db("committing", "transaction"))?;
    Ok(Some(results))
}

/// Few distinct statement shapes, so the prepared-statement cache keeps them all.
fn chunk_len(left: usize) -> usize {
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
struct Gathered {
    subjects: Vec<(String, i64)>,
    fields: Vec<((String, String), Vec<Arg>)>,
    tokens: Vec<Vec<Arg>>,
}

impl Gathered {
    /// Keeps the op for a multi-row statement if it is of a gathered kind.
    fn take(&mut self, op: &Op) -> bool {
        match op {
            Op::UpsertSubject { subject, at } => {
                match self.subjects.iter_mut().find(|(s, _)| s == subject) {
                    Some(entry) => entry.1 = entry.1.max(*at),
                    None => self.subjects.push((subject.clone(), *at)),
                }
                true
            }
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
            } => {
                let row = vec![
                    Arg::Text(Some(subject.clone())),
                    Arg::Text(Some(name.clone())),
                    Arg::Text(Some(category.clone())),
                    Arg::Bytes(Some(record_id.clone())),
                    Arg::Bytes(Some(sealed.clone())),
                    Arg::Bytes(lookup.clone()),
                    Arg::Int(*collected_at),
                    Arg::Text(source.clone()),
                    Arg::Int(Some(*at)),
                ];
                let key = (subject.clone(), name.clone());
                // A later write of the same field wins, as it would applied in order.
                match self.fields.iter_mut().find(|(k, _)| *k == key) {
                    Some(entry) => entry.1 = row,
                    None => self.fields.push((key, row)),
                }
                true
            }
            Op::InsertToken {
                token,
                kind,
                subject,
                sealed,
                value_digest,
                at,
            } => {
                self.tokens.push(vec![
                    Arg::Text(Some(token.clone())),
                    Arg::Text(Some(kind.clone())),
                    Arg::Text(subject.clone()),
                    Arg::Bytes(Some(sealed.clone())),
                    Arg::Bytes(value_digest.clone()),
                    Arg::Int(Some(*at)),
                ]);
                true
            }
            _ => false,
        }
    }

    async fn write(&self, conn: &mut AnyConnection) -> Result<()> {
        let subjects: Vec<Vec<Arg>> = self
            .subjects
            .iter()
            .map(|(s, at)| {
                vec![
                    Arg::Text(Some(s.clone())),
                    Arg::Int(Some(*at)),
                    Arg::Int(Some(*at)),
                ]
            })
            .collect();
        let subjects: Vec<&[Arg]> = subjects.iter().map(Vec::as_slice).collect();
        insert_many(
            conn,
            "INSERT INTO subjects (id, created_at, updated_at) VALUES ",
            " ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
            3,
            &subjects,
        )
        .await?;
        let fields: Vec<&[Arg]> = self.fields.iter().map(|(_, r)| r.as_slice()).collect();
        let tokens: Vec<&[Arg]> = self.tokens.iter().map(Vec::as_slice).collect();
        insert_many(
            conn,
            "INSERT INTO fields (subject_id, name, category, record_id, sealed, lookup, collected_at, source, updated_at) VALUES ",
            " ON CONFLICT (subject_id, name) DO UPDATE SET category = excluded.category, \
             record_id = excluded.record_id, sealed = excluded.sealed, lookup = excluded.lookup, \
             collected_at = excluded.collected_at, source = excluded.source, updated_at = excluded.updated_at",
            9,
            &fields,
        )
        .await?;
        insert_many(
            conn,
            "INSERT INTO tokens (token, kind, subject_id, sealed, value_digest, created_at) VALUES ",
            "",
            6,
            &tokens,
        )
        .await
    }
}

async fn insert_many(
    conn: &mut AnyConnection,
    prefix: &str,
    suffix: &str,
    columns: usize,
    rows: &[&[Arg]],
) -> Result<()> {
    let mut rest = rows;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(chunk_len(rest.len()));
        let mut sql = String::from(prefix);
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
        sql.push_str(suffix);
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
        q.execute(&mut *conn)
            .await
            .map_err(StoreError::db("writing gathered rows", "row"))?;
        rest = tail;
    }
    Ok(())
}

const AUDIT_INSERT: &str = "INSERT INTO audit (seq, at, actor, action, purpose, subject_id, categories, decision, reason, prev, hash) VALUES ";

pub(crate) async fn insert_audit_rows(
    conn: &mut AnyConnection,
    rows: &[(i64, &AuditDraft, Vec<u8>, Vec<u8>)],
) -> Result<()> {
    let mut sql = String::from(AUDIT_INSERT);
    for i in 0..rows.len() {
        let b = i * 11;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(
            &(1..=11)
                .map(|k| format!("${}", b + k))
                .collect::<Vec<_>>()
                .join(", "),
        );
        sql.push(')');
    }
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (seq, draft, prev, hash) in rows {
        q = q
            .bind(*seq)
            .bind(draft.at)
            .bind(draft.actor.clone())
            .bind(draft.action.clone())
            .bind(draft.purpose.clone())
            .bind(draft.subject.clone())
            .bind(join_categories(&draft.categories))
            .bind(draft.decision.clone())
            .bind(draft.reason.clone())
            .bind(prev.clone())
            .bind(hash.clone());
    }
    q.execute(conn)
        .await
        .map_err(StoreError::db("appending to the audit log", "audit entry"))?;
    Ok(())
}

/// Each unit in its own savepoint, so one failing unit leaves the others whole.
async fn apply_careful(
    conn: &mut AnyConnection,
    dialect: Dialect,
    key: &SecretKey,
    batch: &[Job],
) -> Result<Vec<Result<UnitOutcome>>> {
    let (mut tx, mut head) = begin_with_head(conn, dialect, key).await?;
    let start_seq = head.seq;
    let mut results = Vec::with_capacity(batch.len());
    for job in batch {
        tx.execute("SAVEPOINT unit")
            .await
            .map_err(StoreError::db("opening a savepoint", "savepoint"))?;
        let saved = (head.seq, head.hash.clone());
        match apply_unit(&mut tx, key, &mut head, &job.unit).await {
            Ok(outcome) => {
                tx.execute("RELEASE SAVEPOINT unit")
                    .await
                    .map_err(StoreError::db("releasing a savepoint", "savepoint"))?;
                results.push(Ok(outcome));
            }
            Err(e) => {
                tx.execute("ROLLBACK TO SAVEPOINT unit")
                    .await
                    .map_err(StoreError::db("rolling back a savepoint", "savepoint"))?;
                tx.execute("RELEASE SAVEPOINT unit")
                    .await
                    .map_err(StoreError::db("releasing a savepoint", "savepoint"))?;
                head = Head {
                    seq: saved.0,
                    hash: saved.1,
                };
                results.push(Err(e));
            }
        }
    }
    if head.seq != start_seq {
        move_head(&mut tx, key, &head).await?;
    }
    tx.commit()
        .await
        .map_err(StoreError::db("committing", "transaction"))?;
    Ok(results)
}

async fn apply_unit(
    conn: &mut AnyConnection,
    key: &SecretKey,
    head: &mut Head,
    unit: &WriteUnit,
) -> Result<UnitOutcome> {
    let mut outcome = UnitOutcome::default();
    for op in &unit.ops {
        outcome.rows += apply_op(conn, op).await?;
    }
    for draft in &unit.audit {
        let seq = head.seq + 1;
        let hash = chain_hash(key, &head.hash, seq, draft).to_vec();
        insert_audit_rows(conn, &[(seq, draft, head.hash.clone(), hash.clone())]).await?;
        *head = Head { seq, hash };
        outcome.audit_seqs.push(seq);
    }
    Ok(outcome)
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

async fn apply_op(conn: &mut AnyConnection, op: &Op) -> Result<u64> {
    use sqlx::query;
    match op {
        Op::UpsertSubject { subject, at } => {
            run(
                conn,
                query(
                    "INSERT INTO subjects (id, created_at, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
                )
                .bind(subject.clone())
                .bind(*at)
                .bind(*at),
                "writing a subject",
                "subject",
            )
            .await
        }
        Op::InsertDek { subject, kek_version, wrapped, at } => {
            // A subject id reused after an erasure must not inherit rows still waiting for purge.
            let queued = run(
                conn,
                query("DELETE FROM purge_queue WHERE subject_id = $1").bind(subject.clone()),
                "clearing the purge queue",
                "purge entry",
            )
            .await?;
            if queued > 0 {
                run(conn, query("DELETE FROM fields WHERE subject_id = $1").bind(subject.clone()), "purging fields", "field").await?;
                run(conn, query("DELETE FROM tokens WHERE subject_id = $1").bind(subject.clone()), "purging tokens", "token").await?;
            }
            run(
                conn,
                query("INSERT INTO keystore_deks (subject_id, kek_version, wrapped, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(subject.clone())
                    .bind(i64::from(*kek_version))
                    .bind(wrapped.clone())
                    .bind(*at),
                "storing a data key",
                "data key",
            )
            .await
        }
        Op::PutField { subject, name, category, record_id, sealed, lookup, collected_at, source, at } => {
            run(
                conn,
                query(
                    "INSERT INTO fields (subject_id, name, category, record_id, sealed, lookup, collected_at, source, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (subject_id, name) DO UPDATE SET category = excluded.category, \
                     record_id = excluded.record_id, sealed = excluded.sealed, lookup = excluded.lookup, \
                     collected_at = excluded.collected_at, source = excluded.source, updated_at = excluded.updated_at",
                )
                .bind(subject.clone())
                .bind(name.clone())
                .bind(category.clone())
                .bind(record_id.clone())
                .bind(sealed.clone())
                .bind(lookup.clone())
                .bind(*collected_at)
                .bind(source.clone())
                .bind(*at),
                "writing a field",
                "field",
            )
            .await
        }
        Op::DeleteField { subject, name } => {
            run(
                conn,
                query("DELETE FROM fields WHERE subject_id = $1 AND name = $2").bind(subject.clone()).bind(name.clone()),
                "deleting a field",
                "field",
            )
            .await
        }
        Op::InsertToken { token, kind, subject, sealed, value_digest, at } => {
            run(
                conn,
                query(
                    "INSERT INTO tokens (token, kind, subject_id, sealed, value_digest, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(token.clone())
                .bind(kind.clone())
                .bind(subject.clone())
                .bind(sealed.clone())
                .bind(value_digest.clone())
                .bind(*at),
                "storing a token",
                "token",
            )
            .await
        }
        Op::EraseSubject { subject, at } => {
            let rows = run(conn, query("DELETE FROM subjects WHERE id = $1").bind(subject.clone()), "erasing a subject", "subject").await?;
            if rows == 0 {
                return Err(StoreError::NotFound("subject"));
            }
            run(conn, query("DELETE FROM keystore_deks WHERE subject_id = $1").bind(subject.clone()), "destroying a data key", "data key").await?;
            run(conn, query("DELETE FROM consent_state WHERE subject_id = $1").bind(subject.clone()), "erasing consents", "consent").await?;
            run(
                conn,
                query(
                    "INSERT INTO keystore_erasures (subject_id, erased_at) VALUES ($1, $2) \
                     ON CONFLICT (subject_id) DO UPDATE SET erased_at = excluded.erased_at",
                )
                .bind(subject.clone())
                .bind(*at),
                "writing the erasure ledger",
                "erasure",
            )
            .await?;
            run(
                conn,
                query("INSERT INTO purge_queue (subject_id, queued_at) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING")
                    .bind(subject.clone())
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
                .bind(subject.clone())
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
                    .bind(name.clone())
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
                    .bind(subject.clone())
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
                    .bind(name.clone())
                    .bind(i64::from(*from)),
                "re-wrapping a secret",
                "secret",
            )
            .await
        }
        Op::PurgeRows { subject, limit } => {
            let fields = run(
                conn,
                query("DELETE FROM fields WHERE subject_id = $1 AND name IN (SELECT name FROM fields WHERE subject_id = $2 LIMIT $3)")
                    .bind(subject.clone())
                    .bind(subject.clone())
                    .bind(*limit),
                "purging fields",
                "field",
            )
            .await?;
            let tokens = run(
                conn,
                query("DELETE FROM tokens WHERE token IN (SELECT token FROM tokens WHERE subject_id = $1 LIMIT $2)")
                    .bind(subject.clone())
                    .bind(*limit),
                "purging tokens",
                "token",
            )
            .await?;
            // A step that deleted fewer rows than it could has reached the end of both tables.
            let limit = u64::try_from(*limit).unwrap_or(0);
            if fields < limit && tokens < limit {
                run(conn, query("DELETE FROM purge_queue WHERE subject_id = $1").bind(subject.clone()), "clearing the purge queue", "purge entry").await?;
            }
            Ok(fields + tokens)
        }
    }
}
