//! The group-commit writer: one task owns the write connection, takes every unit queued while the
//! previous commit was on disk, applies them in one transaction (each in its own savepoint, so one
//! failing unit does not sink the others), appends their audit entries to the chain, commits once
//! and only then answers. Many requests share one fsync; none is answered before its commit.

use privet_crypto::SecretKey;
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Executor};
use tokio::sync::{mpsc, oneshot};

use std::sync::{Arc, Mutex};

use crate::audit::{AuditDraft, ChainBreak, chain_hash, head_mac, read_checked_head};
use crate::error::{Result, StoreError};
use crate::open::{Dialect, writer_connection};

mod audit_rows;
mod checkpoint;
mod ops;

pub(crate) use audit_rows::insert_audit_rows;
pub use ops::Op;
use ops::{Gathered, apply_op, chunk_len};

/// Most units one commit takes; bounds the latency a big batch adds.
const MAX_BATCH: usize = 1024;
/// Most units of bulk work (a purge's chunks) one commit takes: each is far heavier than a
/// request's unit, and every request in the batch waits for them.
const BULK_PER_BATCH: usize = 1;

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

/// A request to empty SQLite's WAL; the answer says whether readers let it.
type EmptyWal = oneshot::Sender<Result<bool>>;

/// Handle to the writer task.
#[derive(Clone)]
pub(crate) struct WriterHandle {
    tx: mpsc::Sender<Job>,
    bulk: mpsc::Sender<Job>,
    wal: mpsc::Sender<EmptyWal>,
    audit: AuditState,
}

impl WriterHandle {
    pub(crate) fn audit_break(&self) -> Option<ChainBreak> {
        match self.audit.lock() {
            Ok(state) => state.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Queues a unit; `bulk` work goes in a lane of its own that yields to requests.
    pub(crate) async fn submit(&self, unit: WriteUnit, bulk: bool) -> Result<UnitOutcome> {
        let (reply, rx) = oneshot::channel();
        let lane = if bulk { &self.bulk } else { &self.tx };
        lane.send(Job { unit, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Has the writer empty SQLite's WAL between two commits. `Ok(false)`: a reader on an
    /// older snapshot kept it from finishing.
    pub(crate) async fn empty_wal(&self) -> Result<bool> {
        let (reply, rx) = oneshot::channel();
        self.wal
            .send(reply)
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
    if dialect == Dialect::Sqlite {
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(
            checkpoint::writer_pragmas(),
        )))
        .await
        .map_err(StoreError::db(
            "configuring the write connection",
            "connection",
        ))?;
    }
    let checkpoints = checkpoint::start(options, dialect).await;
    // The head is never created here: it comes with the audit secret, so a missing one is a
    // wiped log, not a new store. The chain is checked now so readiness says so before any write.
    let audit: AuditState = Arc::default();
    // In one transaction, so the head and the newest entry are read as of one moment: another
    // process appending between two separate reads would look like a cut chain. On PostgreSQL
    // the head's row lock waits for a writer that is mid-commit.
    let mut tx = conn
        .begin()
        .await
        .map_err(StoreError::db("starting the audit check", "transaction"))?;
    let checked = read_checked_head(&mut tx, &audit_key, dialect == Dialect::Postgres).await;
    tx.rollback()
        .await
        .map_err(StoreError::db("ending the audit check", "transaction"))?;
    match checked {
        Ok(_) => {}
        Err(StoreError::AuditBroken(b)) => note_audit(&audit, Some(b)),
        Err(e) => return Err(e),
    }
    let state = audit.clone();
    let (tx, mut rx) = mpsc::channel::<Job>(8192);
    let (bulk, mut bulk_rx) = mpsc::channel::<Job>(64);
    let (wal, mut wal_rx) = mpsc::channel::<EmptyWal>(8);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        loop {
            let mut bulk_units = 0;
            // Emptying the WAL first (rare, and the caller waits on it), then requests: a unit
            // of bulk work waits for a batch with room for it.
            let first = tokio::select! {
                biased;
                Some(reply) = wal_rx.recv() => {
                    let emptied = checkpoint::empty(&mut conn)
                        .await
                        .map_err(StoreError::db("emptying the write-ahead log", "checkpoint"));
                    let _ = reply.send(emptied);
                    continue;
                }
                Some(job) = rx.recv() => job,
                Some(job) = bulk_rx.recv() => {
                    bulk_units += 1;
                    job
                }
                else => break,
            };
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            while bulk_units < BULK_PER_BATCH && batch.len() < MAX_BATCH {
                match bulk_rx.try_recv() {
                    Ok(job) => {
                        batch.push(job);
                        bulk_units += 1;
                    }
                    Err(_) => break,
                }
            }
            commit_batch(&mut conn, dialect, &audit_key, &state, &mut batch).await;
            checkpoints.committed();
            checkpoints.restart_if_long(&mut conn).await;
        }
    });
    Ok(WriterHandle {
        tx,
        bulk,
        wal,
        audit,
    })
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
            Op::EraseSubject { .. } | Op::DeleteFields { .. } | Op::PurgeRows { .. }
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
