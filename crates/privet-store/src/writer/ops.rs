//! The operations and their SQL: one statement text per operation, used by the batch path
//! (many rows per statement) and the careful path (one unit at a time) alike.

use sqlx::AnyConnection;

use jiff::Timestamp;
use privet_types::{ConsentSource, FieldName, RequestStatus, SubjectId};

use crate::model::{DeliveryRow, HoldRow, PurgeReceipt, RequestRow};

use crate::error::{Result, StoreError};

/// One change to the stored state.
#[derive(Debug, Clone)]
pub enum Op {
    /// Creates or touches a subject.
    UpsertSubject {
        /// Subject id.
        subject: SubjectId,
        /// Time (ms).
        at: Timestamp,
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
        at: Timestamp,
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
        collected_at: Option<Timestamp>,
        /// Source.
        source: Option<String>,
        /// Time (ms).
        at: Timestamp,
    },
    /// Removes the same fields of each of several subjects (a retention purge); refused as a
    /// whole if a legal hold stands on any of them at `at`.
    DeleteFields {
        /// Subject ids.
        subjects: Vec<SubjectId>,
        /// Field names.
        names: Vec<FieldName>,
        /// Whether some of them were restored, so their restore events go too.
        restored: bool,
        /// When (holds that ended before it do not count).
        at: Timestamp,
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
        at: Timestamp,
    },
    /// Erases a subject: drops its row and data key, records the erasure in the ledger and queues
    /// its remaining rows for purge. Constant work whatever the subject holds.
    EraseSubject {
        /// Subject id.
        subject: SubjectId,
        /// Time (ms).
        at: Timestamp,
        /// Who erased it (an actor's audit name): the recorder of the consent withdrawals that
        /// close the subject's consent ledger.
        by: String,
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
        at: Timestamp,
        /// Capture channel.
        source: ConsentSource,
        /// Notice version.
        notice_version: Option<String>,
        /// Who recorded it (an actor's audit name).
        recorded_by: String,
    },
    /// Marks a subject as having restricted processing.
    SetRestriction {
        /// Subject id.
        subject: SubjectId,
        /// The restrict request that asked for it, if one did.
        request: Option<String>,
        /// Time.
        at: Timestamp,
        /// Who (an actor's audit name).
        by: String,
    },
    /// Lifts a subject's restriction (not found when there is none).
    LiftRestriction {
        /// Subject id.
        subject: SubjectId,
    },
    /// Places a legal hold.
    PlaceHold(HoldRow),
    /// Lifts an active legal hold (not found when there is none of that id on the subject).
    LiftHold {
        /// Subject id.
        subject: SubjectId,
        /// Hold id.
        id: String,
        /// Time.
        at: Timestamp,
        /// Who.
        by: String,
    },
    /// Queues an erasure notice to a vendor.
    EnqueueDelivery(DeliveryRow),
    /// Records an attempt's outcome: written only if no other attempt was recorded since
    /// `attempts_before` (two workers never both settle one attempt).
    SettleDelivery {
        /// The delivery as it is to be.
        row: DeliveryRow,
        /// The attempts count it had when taken.
        attempts_before: u32,
    },
    /// Records an event of a subject (kept: the latest time of each kind).
    RecordEvent {
        /// Subject id.
        subject: SubjectId,
        /// `activity`, `account_closed` or a name.
        kind: String,
        /// When it happened.
        at: Timestamp,
    },
    /// Stores a purge receipt.
    InsertPurgeReceipt(PurgeReceipt),
    /// Takes the lease to run a rule's purge until `until` (a conflict when another node holds
    /// an unexpired one).
    ClaimPurge {
        /// The rule.
        rule: String,
        /// This node.
        node: String,
        /// Now.
        now: Timestamp,
        /// When the lease lapses.
        until: Timestamp,
        /// The last run this node saw: if another node has finished a run since, it is not
        /// due any more and the claim fails.
        seen_last_run: Option<Timestamp>,
    },
    /// Records that this node's run of a rule's purge, started at `started`, finished.
    FinishPurge {
        /// The rule.
        rule: String,
        /// This node.
        node: String,
        /// When the run started: the next one counts from it.
        started: Timestamp,
    },
    /// Enters a customer's request.
    InsertRequest(RequestRow),
    /// Moves a request on: written only if it is still in `expected` (two people working the same
    /// request cannot both move it from the same state).
    UpdateRequest {
        /// The request as it is to be.
        row: RequestRow,
        /// The status it had when read.
        expected: RequestStatus,
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
        at: Timestamp,
    },
    /// Revokes an API key.
    RevokeApiKey {
        /// Public id.
        id: String,
        /// Time (ms).
        at: Timestamp,
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
    subjects: Vec<(SubjectId, Timestamp)>,
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

fn subject_row(subject: &SubjectId, at: Timestamp) -> Vec<Arg> {
    vec![
        Arg::Text(Some(subject.as_str().to_owned())),
        Arg::Int(Some(at.as_millisecond())),
        Arg::Int(Some(at.as_millisecond())),
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
            Arg::Int(collected_at.map(|t| t.as_millisecond())),
            Arg::Text(source.clone()),
            Arg::Int(Some(at.as_millisecond())),
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
            Arg::Int(Some(at.as_millisecond())),
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

/// `$first, $first+1, ...`: `count` numbered placeholders for an IN list.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reason of the oldest legal hold standing at `at` on any of `subjects`, if one does.
async fn standing_hold(
    conn: &mut AnyConnection,
    subjects: &[SubjectId],
    at: Timestamp,
) -> Result<Option<String>> {
    let sql = format!(
        "SELECT reason FROM holds WHERE subject_id IN ({}) AND lifted_at IS NULL \
         AND (until_at IS NULL OR until_at > $1) ORDER BY created_at LIMIT 1",
        placeholders(2, subjects.len())
    );
    let mut held =
        sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(sql)).bind(at.as_millisecond());
    for subject in subjects {
        held = held.bind(subject.as_str().to_owned());
    }
    let hold = held
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::db("reading legal holds", "legal hold"))?;
    Ok(hold.map(|(reason,)| reason))
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
                    .bind(at.as_millisecond()),
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
        Op::DeleteFields { subjects, names, restored, at } => {
            if subjects.is_empty() || names.is_empty() {
                return Ok(0);
            }
            // Checked in the commit itself, as for an erasure: a hold placed since the purge read
            // the subjects keeps their fields (the caller then goes subject by subject).
            if let Some(reason) = standing_hold(conn, subjects, *at).await? {
                return Err(StoreError::LegalHold(reason));
            }
            let ids = placeholders(1, subjects.len());
            let list = placeholders(subjects.len() + 1, names.len());
            let sql = format!("DELETE FROM fields WHERE subject_id IN ({ids}) AND name IN ({list})");
            let mut fields = query(sqlx::AssertSqlSafe(sql));
            for subject in subjects {
                fields = fields.bind(subject.as_str().to_owned());
            }
            for name in names {
                fields = fields.bind(name.as_str().to_owned());
            }
            let deleted = run(conn, fields, "deleting fields", "field").await?;
            if *restored {
                // A restore of a field ends with it, so a later field of that name starts afresh.
                let sql = format!("DELETE FROM subject_events WHERE subject_id IN ({ids}) AND kind IN ({list})");
                let mut events = query(sqlx::AssertSqlSafe(sql));
                for subject in subjects {
                    events = events.bind(subject.as_str().to_owned());
                }
                for name in names {
                    events = events.bind(privet_types::retention::restore_event(name.as_str()));
                }
                run(conn, events, "deleting fields' restores", "event").await?;
            }
            Ok(deleted)
        }
        Op::EraseSubject { subject, at, by } => {
            // Checked in the commit itself, so a hold placed a moment earlier still holds.
            if let Some(reason) = standing_hold(conn, std::slice::from_ref(subject), *at).await? {
                return Err(StoreError::LegalHold(reason));
            }
            run(conn, query("DELETE FROM restrictions WHERE subject_id = $1").bind(subject.as_str().to_owned()), "lifting a restriction", "restriction").await?;
            run(conn, query("DELETE FROM subject_events WHERE subject_id = $1").bind(subject.as_str().to_owned()), "erasing events", "event").await?;
            let rows = run(conn, query("DELETE FROM subjects WHERE id = $1").bind(subject.as_str().to_owned()), "erasing a subject", "subject").await?;
            if rows == 0 {
                return Err(StoreError::NotFound("subject"));
            }
            run(conn, query("DELETE FROM keystore_deks WHERE subject_id = $1").bind(subject.as_str().to_owned()), "destroying a data key", "data key").await?;
            // The ledger outlives the erasure as proof (decision 0005); each purpose still
            // granted is withdrawn in it, so the history ends in the state the erasure left.
            run(
                conn,
                query(
                    "INSERT INTO consent_ledger (subject_id, n, purpose, granted, at, source, notice_version, recorded_by) \
                     SELECT s.subject_id, \
                            (SELECT COALESCE(MAX(l.n), 0) FROM consent_ledger l WHERE l.subject_id = $1) \
                              + ROW_NUMBER() OVER (ORDER BY s.purpose), \
                            s.purpose, 0, $2, $3, s.notice_version, $4 \
                     FROM consent_state s WHERE s.subject_id = $1 AND s.granted = 1",
                )
                .bind(subject.as_str().to_owned())
                .bind(at.as_millisecond())
                .bind(ConsentSource::Erasure.as_str())
                .bind(by.clone()),
                "closing the consent ledger",
                "consent",
            )
            .await?;
            run(conn, query("DELETE FROM consent_state WHERE subject_id = $1").bind(subject.as_str().to_owned()), "erasing consents", "consent").await?;
            run(
                conn,
                query(
                    "INSERT INTO keystore_erasures (subject_id, erased_at) VALUES ($1, $2) \
                     ON CONFLICT (subject_id) DO UPDATE SET erased_at = excluded.erased_at",
                )
                .bind(subject.as_str().to_owned())
                .bind(at.as_millisecond()),
                "writing the erasure ledger",
                "erasure",
            )
            .await?;
            run(
                conn,
                query("INSERT INTO purge_queue (subject_id, queued_at) VALUES ($1, $2) ON CONFLICT (subject_id) DO NOTHING")
                    .bind(subject.as_str().to_owned())
                    .bind(at.as_millisecond()),
                "queueing a purge",
                "purge entry",
            )
            .await?;
            Ok(rows)
        }
        Op::SetConsent { subject, purpose, granted, at, source, notice_version, recorded_by } => {
            run(
                conn,
                query(
                    "INSERT INTO consent_ledger (subject_id, n, purpose, granted, at, source, notice_version, recorded_by) \
                     SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6, $7 FROM consent_ledger WHERE subject_id = $1",
                )
                .bind(subject.as_str().to_owned())
                .bind(purpose.clone())
                .bind(i64::from(*granted))
                .bind(at.as_millisecond())
                .bind(source.as_str())
                .bind(notice_version.clone())
                .bind(recorded_by.clone()),
                "appending to the consent ledger",
                "consent",
            )
            .await?;
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
                .bind(at.as_millisecond())
                .bind(source.as_str())
                .bind(notice_version.clone()),
                "recording consent",
                "consent",
            )
            .await
        }
        Op::SetRestriction { subject, request, at, by } => {
            run(
                conn,
                query(
                    "INSERT INTO restrictions (subject_id, request_id, created_by, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (subject_id) DO NOTHING",
                )
                .bind(subject.as_str().to_owned())
                .bind(request.clone())
                .bind(by.clone())
                .bind(at.as_millisecond()),
                "restricting a subject",
                "restriction",
            )
            .await
        }
        Op::LiftRestriction { subject } => {
            let rows = run(conn, query("DELETE FROM restrictions WHERE subject_id = $1").bind(subject.as_str().to_owned()), "lifting a restriction", "restriction").await?;
            if rows == 0 {
                return Err(StoreError::NotFound("restriction"));
            }
            Ok(rows)
        }
        Op::PlaceHold(h) => {
            run(
                conn,
                query(
                    "INSERT INTO holds (id, subject_id, reason, created_by, created_at, until_at, lifted_at, lifted_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
                )
                .bind(h.id.clone())
                .bind(h.subject.as_str().to_owned())
                .bind(h.reason.clone())
                .bind(h.created_by.clone())
                .bind(h.created_at.as_millisecond())
                .bind(h.until.map(|t| t.as_millisecond())),
                "placing a legal hold",
                "legal hold",
            )
            .await
        }
        Op::LiftHold { subject, id, at, by } => {
            let rows = run(
                conn,
                query("UPDATE holds SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND subject_id = $4 AND lifted_at IS NULL")
                    .bind(at.as_millisecond())
                    .bind(by.clone())
                    .bind(id.clone())
                    .bind(subject.as_str().to_owned()),
                "lifting a legal hold",
                "legal hold",
            )
            .await?;
            if rows == 0 {
                return Err(StoreError::NotFound("active legal hold"));
            }
            Ok(rows)
        }
        Op::EnqueueDelivery(d) => {
            run(
                conn,
                query(
                    "INSERT INTO deliveries (id, vendor, subject_id, request_id, erased_at, status, attempts, next_at, \
                     last_error, created_at, done_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(d.id.clone())
                .bind(d.vendor.clone())
                .bind(d.subject.as_str().to_owned())
                .bind(d.request.clone())
                .bind(d.erased_at.as_millisecond())
                .bind(d.status.as_str())
                .bind(i64::from(d.attempts))
                .bind(d.next_at.as_millisecond())
                .bind(d.last_error.clone())
                .bind(d.created_at.as_millisecond())
                .bind(d.done_at.map(|t| t.as_millisecond())),
                "queueing a vendor notice",
                "delivery",
            )
            .await
        }
        Op::SettleDelivery { row: d, attempts_before } => {
            let rows = run(
                conn,
                query(
                    "UPDATE deliveries SET status = $1, attempts = $2, next_at = $3, last_error = $4, done_at = $5, \
                     created_at = $6 WHERE id = $7 AND attempts = $8",
                )
                .bind(d.status.as_str())
                .bind(i64::from(d.attempts))
                .bind(d.next_at.as_millisecond())
                .bind(d.last_error.clone())
                .bind(d.done_at.map(|t| t.as_millisecond()))
                .bind(d.created_at.as_millisecond())
                .bind(d.id.clone())
                .bind(i64::from(*attempts_before)),
                "recording a vendor notice",
                "delivery",
            )
            .await?;
            if rows == 0 {
                return Err(StoreError::Conflict("delivery attempt"));
            }
            Ok(rows)
        }
        Op::RecordEvent { subject, kind, at } => {
            run(
                conn,
                query(
                    "INSERT INTO subject_events (subject_id, kind, at) VALUES ($1, $2, $3) \
                     ON CONFLICT (subject_id, kind) DO UPDATE SET at = CASE WHEN excluded.at > subject_events.at \
                     THEN excluded.at ELSE subject_events.at END",
                )
                .bind(subject.as_str().to_owned())
                .bind(kind.clone())
                .bind(at.as_millisecond()),
                "recording an event",
                "event",
            )
            .await
        }
        Op::InsertPurgeReceipt(r) => {
            run(
                conn,
                query(
                    "INSERT INTO purge_receipts (id, rule, owner, started_at, finished_at, fields, subjects_erased, held, by_category) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(r.id.clone())
                .bind(r.rule.clone())
                .bind(r.owner.clone())
                .bind(r.started_at.as_millisecond())
                .bind(r.finished_at.as_millisecond())
                .bind(i64::try_from(r.fields).unwrap_or(i64::MAX))
                .bind(i64::try_from(r.subjects_erased).unwrap_or(i64::MAX))
                .bind(i64::try_from(r.held).unwrap_or(i64::MAX))
                .bind(crate::model::encode_counts(&r.by_category)),
                "storing a purge receipt",
                "purge receipt",
            )
            .await
        }
        Op::ClaimPurge { rule, node, now, until, seen_last_run } => {
            run(
                conn,
                query("INSERT INTO purge_schedule (rule, last_run, lease_owner, lease_until) VALUES ($1, NULL, NULL, NULL) ON CONFLICT (rule) DO NOTHING")
                    .bind(rule.clone()),
                "scheduling a purge",
                "purge lease",
            )
            .await?;
            let rows = run(
                conn,
                query(
                    "UPDATE purge_schedule SET lease_owner = $1, lease_until = $2 \
                     WHERE rule = $3 AND (lease_until IS NULL OR lease_until <= $4) \
                     AND COALESCE(last_run, -1) = $5",
                )
                .bind(node.clone())
                .bind(until.as_millisecond())
                .bind(rule.clone())
                .bind(now.as_millisecond())
                .bind(seen_last_run.map_or(-1, |t| t.as_millisecond())),
                "taking a purge lease",
                "purge lease",
            )
            .await?;
            if rows == 0 {
                return Err(StoreError::Conflict("purge lease"));
            }
            Ok(rows)
        }
        Op::FinishPurge { rule, node, started } => {
            run(
                conn,
                query(
                    "UPDATE purge_schedule SET last_run = $1, lease_owner = NULL, lease_until = NULL \
                     WHERE rule = $2 AND lease_owner = $3",
                )
                .bind(started.as_millisecond())
                .bind(rule.clone())
                .bind(node.clone()),
                "finishing a purge",
                "purge lease",
            )
            .await
        }
        Op::InsertRequest(r) => {
            run(
                conn,
                query(
                    "INSERT INTO requests (id, subject_id, kind, regulation, status, verified, verify_method, \
                     verified_by, received_at, due_on, due_at, extensions, reason, created_by, created_at, \
                     updated_at, closed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(r.id.clone())
                .bind(r.subject.as_str().to_owned())
                .bind(r.kind.as_str())
                .bind(r.regulation.clone())
                .bind(r.status.as_str())
                .bind(i64::from(r.verified))
                .bind(r.verify_method.clone())
                .bind(r.verified_by.clone())
                .bind(r.received_at.as_millisecond())
                .bind(r.due_on.to_string())
                .bind(r.due_at.as_millisecond())
                .bind(i64::from(r.extensions))
                .bind(r.reason.clone())
                .bind(r.created_by.clone())
                .bind(r.created_at.as_millisecond())
                .bind(r.updated_at.as_millisecond())
                .bind(r.closed_at.map(|t| t.as_millisecond())),
                "entering a request",
                "request",
            )
            .await
        }
        Op::UpdateRequest { row: r, expected } => {
            let rows = run(
                conn,
                query(
                    "UPDATE requests SET status = $1, verified = $2, verify_method = $3, verified_by = $4, \
                     due_on = $5, due_at = $6, extensions = $7, reason = $8, updated_at = $9, closed_at = $10 \
                     WHERE id = $11 AND status = $12",
                )
                .bind(r.status.as_str())
                .bind(i64::from(r.verified))
                .bind(r.verify_method.clone())
                .bind(r.verified_by.clone())
                .bind(r.due_on.to_string())
                .bind(r.due_at.as_millisecond())
                .bind(i64::from(r.extensions))
                .bind(r.reason.clone())
                .bind(r.updated_at.as_millisecond())
                .bind(r.closed_at.map(|t| t.as_millisecond()))
                .bind(r.id.clone())
                .bind(expected.as_str()),
                "moving a request on",
                "request",
            )
            .await?;
            if rows == 0 {
                return Err(StoreError::Conflict("request in that state"));
            }
            Ok(rows)
        }
        Op::InsertApiKey { id, hash, role, label, at } => {
            run(
                conn,
                query("INSERT INTO api_keys (id, hash, role, label, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id.clone())
                    .bind(hash.clone())
                    .bind(role.clone())
                    .bind(label.clone())
                    .bind(at.as_millisecond()),
                "storing an API key",
                "API key",
            )
            .await
        }
        Op::RevokeApiKey { id, at } => {
            let rows = run(
                conn,
                query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(at.as_millisecond()).bind(id.clone()),
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
