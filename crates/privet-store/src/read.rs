//! Read queries. They run on the pool, outside the writer, and return sealed rows only.

use jiff::Timestamp;
use privet_types::{AuditAction, AuditDecision, FieldName, SubjectId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;
use crate::audit::{AuditDraft, AuditEntry, split_categories};
use crate::error::{Result, StoreError};
use crate::model::{
    ApiKeyRow, ConsentEntry, ConsentRow, DekRow, DeliveryRow, DeliveryStatus, FieldRow, HoldRow,
    PurgeReceipt, RequestRow, RetainedField, RetentionFacts, SecretRow, SubjectRecord, TokenRow,
};

fn version(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

fn dek_from(version_col: Option<i64>, wrapped: Option<Vec<u8>>) -> Option<DekRow> {
    match (version_col, wrapped) {
        (Some(v), Some(w)) => Some(DekRow {
            kek_version: version(v),
            wrapped: w,
        }),
        _ => None,
    }
}

/// Why a stored audit row could not be read back.
pub(crate) enum AuditRowError {
    /// The database could not hand the row over.
    Sql(sqlx::Error),
    /// The row holds an action or decision name privet never writes: it was altered.
    Altered {
        /// The row's sequence number.
        seq: i64,
    },
}

impl From<sqlx::Error> for AuditRowError {
    fn from(e: sqlx::Error) -> Self {
        AuditRowError::Sql(e)
    }
}

impl AuditRowError {
    /// As a store error, for readers that do not verify the chain.
    pub(crate) fn into_store_error(self) -> StoreError {
        match self {
            AuditRowError::Sql(e) => StoreError::db("decoding the audit log", "audit entry")(e),
            AuditRowError::Altered { seq } => {
                StoreError::AuditBroken(crate::ChainBreak::Altered { seq })
            }
        }
    }
}

pub(crate) fn audit_from_row(row: &AnyRow) -> std::result::Result<AuditEntry, AuditRowError> {
    let seq: i64 = row.try_get("seq")?;
    let altered = || AuditRowError::Altered { seq };
    let action: String = row.try_get("action")?;
    let decision: String = row.try_get("decision")?;
    Ok(AuditEntry {
        seq,
        draft: AuditDraft {
            at: jiff::Timestamp::from_millisecond(row.try_get("at")?).map_err(|_| altered())?,
            actor: row.try_get("actor")?,
            action: AuditAction::from_name(&action).ok_or_else(altered)?,
            purpose: row.try_get("purpose")?,
            subject: row.try_get("subject_id")?,
            categories: split_categories(&row.try_get::<String, _>("categories")?),
            decision: AuditDecision::from_name(&decision).ok_or_else(altered)?,
            reason: row.try_get("reason")?,
        },
        prev: row.try_get("prev")?,
        hash: row.try_get("hash")?,
    })
}

pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor, action, purpose, subject_id, categories, decision, reason, prev, hash";

type TokenJoin = (
    String,
    Option<String>,
    Vec<u8>,
    Option<i64>,
    Option<Vec<u8>>,
    Option<String>,
);
type ApiKeyTuple = (String, Vec<u8>, String, Option<String>, i64, Option<i64>);

impl Store {
    /// How many fields a subject holds and how many bytes their sealed values take, counting
    /// only the fields not named in `except` (those a write is about to replace).
    pub async fn subject_usage(&self, id: &SubjectId, except: &[&FieldName]) -> Result<(u64, u64)> {
        let mut sql = String::from(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(sealed)), 0) FROM fields WHERE subject_id = $1",
        );
        if !except.is_empty() {
            let marks: Vec<String> = (0..except.len()).map(|i| format!("${}", i + 2)).collect();
            sql.push_str(&format!(" AND name NOT IN ({})", marks.join(", ")));
        }
        let mut q =
            sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql)).bind(id.as_str().to_owned());
        for name in except {
            q = q.bind(name.as_str().to_owned());
        }
        let (count, bytes) = q
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::db("measuring a subject", "field"))?;
        Ok((
            u64::try_from(count).unwrap_or(0),
            u64::try_from(bytes).unwrap_or(0),
        ))
    }

    /// A subject with its data key and fields, or `None` if it does not exist (or was erased).
    pub async fn subject(&self, id: &SubjectId) -> Result<Option<SubjectRecord>> {
        let err = StoreError::db("reading a subject", "subject");
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(StoreError::db("acquiring a connection", "connection"))?;
        // Created at, the data key's version and wrapped bytes, a restriction's subject id.
        type Head = (i64, Option<i64>, Option<Vec<u8>>, Option<String>);
        let row: Option<Head> = sqlx::query_as(
            "SELECT s.created_at, d.kek_version, d.wrapped, r.subject_id FROM subjects s \
             LEFT JOIN keystore_deks d ON d.subject_id = s.id \
             LEFT JOIN restrictions r ON r.subject_id = s.id WHERE s.id = $1",
        )
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(err)?;
        let Some((created_at, v, w, restriction)) = row else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT name, category, record_id, sealed, collected_at, source, updated_at FROM fields \
             WHERE subject_id = $1 ORDER BY name",
        )
        .bind(id.as_str().to_owned())
        .fetch_all(&mut *conn)
        .await
        .map_err(StoreError::db("reading fields", "field"))?;
        let fields = rows
            .iter()
            .map(|r| {
                Ok(FieldRow {
                    name: r.try_get("name")?,
                    category: r.try_get("category")?,
                    record_id: r.try_get("record_id")?,
                    sealed: r.try_get("sealed")?,
                    collected_at: r.try_get("collected_at")?,
                    source: r.try_get("source")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
            .map_err(StoreError::db("decoding fields", "field"))?;
        Ok(Some(SubjectRecord {
            id: id.clone(),
            created_at,
            dek: dek_from(v, w),
            fields,
            restricted: restriction.is_some(),
        }))
    }

    /// A subject's data key, if the subject has one.
    pub async fn dek(&self, subject: &SubjectId) -> Result<Option<DekRow>> {
        let row: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT kek_version, wrapped FROM keystore_deks WHERE subject_id = $1")
                .bind(subject.as_str().to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::db("reading a data key", "data key"))?;
        Ok(row.map(|(v, w)| DekRow {
            kek_version: version(v),
            wrapped: w,
        }))
    }

    /// Subjects holding a field with this blind index (at most `limit`).
    pub async fn subjects_by_lookup(&self, lookup: &[u8], limit: i64) -> Result<Vec<SubjectId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT f.subject_id FROM fields f JOIN subjects s ON s.id = f.subject_id \
             WHERE f.lookup = $1 ORDER BY f.subject_id LIMIT $2",
        )
        .bind(lookup.to_vec())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("looking up by blind index", "field"))?;
        stored_ids(ids)
    }

    /// A token with its value's data key (for subject-bound tokens).
    pub async fn token(&self, token: &str) -> Result<Option<TokenRow>> {
        let row: Option<TokenJoin> = sqlx::query_as(
            "SELECT t.kind, t.subject_id, t.sealed, d.kek_version, d.wrapped, r.subject_id FROM tokens t \
             LEFT JOIN keystore_deks d ON d.subject_id = t.subject_id \
             LEFT JOIN restrictions r ON r.subject_id = t.subject_id WHERE t.token = $1",
        )
        .bind(token.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a token", "token"))?;
        row.map(|(kind, subject_id, sealed, v, w, restriction)| {
            Ok(TokenRow {
                kind,
                subject_id: subject_id.map(stored_id).transpose()?,
                sealed,
                dek: dek_from(v, w),
                restricted: restriction.is_some(),
            })
        })
        .transpose()
    }

    /// The token already issued for a value digest (deterministic tokens).
    pub async fn token_by_digest(&self, digest: &[u8]) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT token FROM tokens WHERE value_digest = $1")
            .bind(digest.to_vec())
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::db("reading a token by digest", "token"))
    }

    /// Current consent of a subject for a purpose.
    pub async fn consent(&self, subject: &SubjectId, purpose: &str) -> Result<Option<ConsentRow>> {
        let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT granted, at, source, notice_version FROM consent_state WHERE subject_id = $1 AND purpose = $2",
        )
        .bind(subject.as_str().to_owned())
        .bind(purpose.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading consent", "consent"))?;
        Ok(row.map(|(g, at, source, notice_version)| ConsentRow {
            granted: g != 0,
            at,
            source,
            notice_version,
        }))
    }

    /// A subject's consent ledger, oldest first. It outlives an erasure of the subject.
    pub async fn consent_history(&self, subject: &SubjectId) -> Result<Vec<ConsentEntry>> {
        type Tuple = (i64, String, i64, i64, String, Option<String>, String);
        let rows: Vec<Tuple> = sqlx::query_as(
            "SELECT n, purpose, granted, at, source, notice_version, recorded_by FROM consent_ledger \
             WHERE subject_id = $1 ORDER BY n",
        )
        .bind(subject.as_str().to_owned())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the consent ledger", "consent"))?;
        rows.into_iter()
            .map(
                |(n, purpose, granted, at, source, notice_version, recorded_by)| {
                    let bad = |what: &str| {
                        StoreError::Corrupt(format!("consent ledger entry {n}: {what}"))
                    };
                    Ok(ConsentEntry {
                        n,
                        purpose,
                        granted: granted != 0,
                        at: Timestamp::from_millisecond(at)
                            .map_err(|_| bad("time out of range"))?,
                        source: source.parse().map_err(|_| bad("unknown source"))?,
                        notice_version,
                        recorded_by,
                    })
                },
            )
            .collect()
    }

    /// The distinct categories of a subject's fields.
    pub async fn subject_categories(&self, subject: &SubjectId) -> Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT DISTINCT category FROM fields WHERE subject_id = $1 ORDER BY category",
        )
        .bind(subject.as_str().to_owned())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading a subject's categories", "field"))
    }

    /// Up to `limit` subjects after `after` (by id), with what retention needs: their fields'
    /// categories and times, their events, and whether a legal hold stands at `now`.
    pub async fn retention_page(
        &self,
        after: Option<&SubjectId>,
        limit: i64,
        now: Timestamp,
    ) -> Result<Vec<RetentionFacts>> {
        let err = StoreError::db("reading subjects for retention", "subject");
        let after = after.map_or(String::new(), |s| s.as_str().to_owned());
        let heads: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, created_at FROM subjects WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.clone())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(err)?;
        let Some(last) = heads.last().map(|h| h.0.clone()) else {
            return Ok(Vec::new());
        };
        let time = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .map_err(|_| StoreError::Corrupt("retention: time out of range".into()))
        };
        let mut out = Vec::with_capacity(heads.len());
        let mut index = std::collections::HashMap::new();
        for (id, created) in heads {
            index.insert(id.clone(), out.len());
            out.push(RetentionFacts {
                subject: SubjectId::parse(&id)
                    .map_err(|_| StoreError::Corrupt("retention: a stored subject id".into()))?,
                created_at: time(created)?,
                fields: Vec::new(),
                events: std::collections::BTreeMap::new(),
                held: false,
            });
        }
        type FieldTuple = (String, String, String, Option<i64>, i64);
        let fields: Vec<FieldTuple> = sqlx::query_as(
            "SELECT subject_id, name, category, collected_at, updated_at FROM fields \
             WHERE subject_id > $1 AND subject_id <= $2 ORDER BY subject_id, name",
        )
        .bind(after.clone())
        .bind(last.clone())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading fields for retention", "field"))?;
        for (sid, name, category, collected, written) in fields {
            let Some(&i) = index.get(&sid) else { continue };
            out[i].fields.push(RetainedField {
                name: FieldName::parse(&name)
                    .map_err(|_| StoreError::Corrupt("retention: a stored field name".into()))?,
                category,
                collected_at: collected.map(time).transpose()?,
                written_at: time(written)?,
            });
        }
        let events: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT subject_id, kind, at FROM subject_events WHERE subject_id > $1 AND subject_id <= $2",
        )
        .bind(after.clone())
        .bind(last.clone())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading events for retention", "event"))?;
        for (sid, kind, at) in events {
            if let Some(&i) = index.get(&sid) {
                out[i].events.insert(kind, time(at)?);
            }
        }
        let held: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT subject_id FROM holds WHERE subject_id > $1 AND subject_id <= $2 \
             AND lifted_at IS NULL AND (until_at IS NULL OR until_at > $3)",
        )
        .bind(after)
        .bind(last)
        .bind(now.as_millisecond())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading legal holds", "legal hold"))?;
        for (sid,) in held {
            if let Some(&i) = index.get(&sid) {
                out[i].held = true;
            }
        }
        Ok(out)
    }

    /// When each rule's purge last finished a run (rules that never ran are absent).
    pub async fn purge_schedule(&self) -> Result<std::collections::BTreeMap<String, Timestamp>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT rule, last_run FROM purge_schedule WHERE last_run IS NOT NULL")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::db("reading the purge schedule", "purge lease"))?;
        rows.into_iter()
            .map(|(rule, ms)| {
                Timestamp::from_millisecond(ms)
                    .map(|t| (rule, t))
                    .map_err(|_| StoreError::Corrupt("purge schedule: time out of range".into()))
            })
            .collect()
    }

    /// Purge receipts, newest first.
    pub async fn purge_receipts(&self, limit: i64) -> Result<Vec<PurgeReceipt>> {
        type Tuple = (String, String, String, i64, i64, i64, i64, i64, String);
        let rows: Vec<Tuple> = sqlx::query_as(
            "SELECT id, rule, owner, started_at, finished_at, fields, subjects_erased, held, by_category \
             FROM purge_receipts ORDER BY started_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading purge receipts", "purge receipt"))?;
        rows.into_iter()
            .map(
                |(id, rule, owner, started, finished, fields, erased, held, cats)| {
                    let bad = || StoreError::Corrupt(format!("purge receipt {id}"));
                    let time = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| bad());
                    let count = |n: i64| u64::try_from(n).map_err(|_| bad());
                    Ok(PurgeReceipt {
                        rule,
                        owner,
                        started_at: time(started)?,
                        finished_at: time(finished)?,
                        fields: count(fields)?,
                        subjects_erased: count(erased)?,
                        held: count(held)?,
                        by_category: crate::model::decode_counts(&cats).ok_or_else(bad)?,
                        id,
                    })
                },
            )
            .collect()
    }

    /// The last event of each kind of a subject.
    pub async fn subject_events(
        &self,
        subject: &SubjectId,
    ) -> Result<std::collections::BTreeMap<String, Timestamp>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT kind, at FROM subject_events WHERE subject_id = $1")
                .bind(subject.as_str().to_owned())
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::db("reading events", "event"))?;
        rows.into_iter()
            .map(|(kind, ms)| {
                Timestamp::from_millisecond(ms)
                    .map(|t| (kind, t))
                    .map_err(|_| StoreError::Corrupt("event: time out of range".into()))
            })
            .collect()
    }

    /// Whether a subject restricted processing.
    pub async fn restricted(&self, subject: &SubjectId) -> Result<bool> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT subject_id FROM restrictions WHERE subject_id = $1")
                .bind(subject.as_str().to_owned())
                .fetch_optional(&self.pool)
                .await
                .map_err(StoreError::db("reading a restriction", "restriction"))?;
        Ok(row.is_some())
    }

    /// A subject's legal holds, lifted or not, oldest first.
    pub async fn holds(&self, subject: &SubjectId) -> Result<Vec<HoldRow>> {
        type Tuple = (
            String,
            String,
            String,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<Tuple> = sqlx::query_as(
            "SELECT id, reason, created_by, created_at, until_at, lifted_at, lifted_by FROM holds \
             WHERE subject_id = $1 ORDER BY created_at, id",
        )
        .bind(subject.as_str().to_owned())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading legal holds", "legal hold"))?;
        let time = |ms: i64| {
            Timestamp::from_millisecond(ms)
                .map_err(|_| StoreError::Corrupt("legal hold: time out of range".into()))
        };
        rows.into_iter()
            .map(
                |(id, reason, created_by, created_at, until, lifted_at, lifted_by)| {
                    Ok(HoldRow {
                        id,
                        subject: subject.clone(),
                        reason,
                        created_by,
                        created_at: time(created_at)?,
                        until: until.map(time).transpose()?,
                        lifted_at: lifted_at.map(time).transpose()?,
                        lifted_by,
                    })
                },
            )
            .collect()
    }

    /// Pending deliveries due at `now`, soonest first.
    pub async fn due_deliveries(&self, now: Timestamp, limit: i64) -> Result<Vec<DeliveryRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE status = 'pending' AND next_at <= $1 \
             ORDER BY next_at, id LIMIT $2"
        )))
        .bind(now.as_millisecond())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the outbox", "delivery"))?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// Deliveries in `status` (all when None), oldest first.
    pub async fn deliveries(
        &self,
        status: Option<DeliveryStatus>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>> {
        let rows = match status {
            Some(s) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE status = $1 ORDER BY created_at, id LIMIT $2"
            )))
            .bind(s.as_str())
            .bind(limit),
            None => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY created_at, id LIMIT $1"
            )))
            .bind(limit),
        }
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the outbox", "delivery"))?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// The deliveries an erase request queued.
    pub async fn deliveries_for_request(&self, request: &str) -> Result<Vec<DeliveryRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE request_id = $1 ORDER BY vendor"
        )))
        .bind(request.to_owned())
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the outbox", "delivery"))?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// One delivery by id.
    pub async fn delivery(&self, id: &str) -> Result<Option<DeliveryRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1"
        )))
        .bind(id.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading the outbox", "delivery"))?;
        row.as_ref().map(delivery_from_row).transpose()
    }

    /// A customer's request by id.
    pub async fn request(&self, id: &str) -> Result<Option<RequestRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1"
        )))
        .bind(id.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a request", "request"))?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// Requests by due time then id, after a cursor, matching `filter`.
    pub async fn requests(&self, filter: &RequestFilter) -> Result<Vec<RequestRow>> {
        let mut sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE 1 = 1");
        let mut n = 0;
        let mut param = |sql: &mut String, clause: &str| {
            n += 1;
            sql.push_str(&clause.replace('?', &format!("${n}")));
        };
        if filter.open_only {
            sql.push_str(" AND status NOT IN ('completed', 'rejected')");
        }
        if filter.status.is_some() {
            param(&mut sql, " AND status = ?");
        }
        if filter.subject.is_some() {
            param(&mut sql, " AND subject_id = ?");
        }
        if filter.due_before.is_some() {
            param(&mut sql, " AND due_at < ?");
        }
        if filter.after.is_some() {
            param(&mut sql, " AND (due_at > ?");
            param(&mut sql, " OR (due_at = ?");
            param(&mut sql, " AND id > ?))");
        }
        param(&mut sql, " ORDER BY due_at, id LIMIT ?");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(s) = filter.status {
            q = q.bind(s.as_str());
        }
        if let Some(s) = &filter.subject {
            q = q.bind(s.as_str().to_owned());
        }
        if let Some(t) = filter.due_before {
            q = q.bind(t.as_millisecond());
        }
        if let Some((due, id)) = &filter.after {
            q = q
                .bind(due.as_millisecond())
                .bind(due.as_millisecond())
                .bind(id.clone());
        }
        let rows = q
            .bind(filter.limit)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::db("listing requests", "request"))?;
        rows.iter().map(request_from_row).collect()
    }

    /// An API key by its public id.
    pub async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRow>> {
        let row: Option<ApiKeyTuple> = sqlx::query_as(
            "SELECT id, hash, role, label, created_at, revoked_at FROM api_keys WHERE id = $1",
        )
        .bind(id.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading an API key", "API key"))?;
        Ok(row.map(
            |(id, hash, role, label, created_at, revoked_at)| ApiKeyRow {
                id,
                hash,
                role,
                label,
                created_at,
                revoked_at,
            },
        ))
    }

    /// Every API key, newest first.
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>> {
        let rows: Vec<ApiKeyTuple> = sqlx::query_as(
            "SELECT id, hash, role, label, created_at, revoked_at FROM api_keys ORDER BY created_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("listing API keys", "API key"))?;
        Ok(rows
            .into_iter()
            .map(
                |(id, hash, role, label, created_at, revoked_at)| ApiKeyRow {
                    id,
                    hash,
                    role,
                    label,
                    created_at,
                    revoked_at,
                },
            )
            .collect())
    }

    /// Every long-lived secret.
    pub async fn secrets(&self) -> Result<Vec<SecretRow>> {
        let rows: Vec<(String, i64, Vec<u8>)> =
            sqlx::query_as("SELECT name, kek_version, wrapped FROM keystore_secrets ORDER BY name")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::db("reading secrets", "secret"))?;
        Ok(rows
            .into_iter()
            .map(|(name, v, wrapped)| SecretRow {
                name,
                kek_version: version(v),
                wrapped,
            })
            .collect())
    }

    /// Up to `limit` data keys wrapped under a version other than `current`.
    pub async fn deks_not_under(
        &self,
        current: u32,
        limit: i64,
    ) -> Result<Vec<(SubjectId, DekRow)>> {
        let rows: Vec<(String, i64, Vec<u8>)> = sqlx::query_as(
            "SELECT subject_id, kek_version, wrapped FROM keystore_deks WHERE kek_version <> $1 ORDER BY subject_id LIMIT $2",
        )
        .bind(i64::from(current))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("listing data keys to re-wrap", "data key"))?;
        rows.into_iter()
            .map(|(s, v, w)| {
                Ok((
                    stored_id(s)?,
                    DekRow {
                        kek_version: version(v),
                        wrapped: w,
                    },
                ))
            })
            .collect()
    }

    /// How many data keys and secrets are wrapped under `version`.
    pub async fn count_under(&self, kek_version: u32) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM keystore_deks WHERE kek_version = $1) + \
             (SELECT COUNT(*) FROM keystore_secrets WHERE kek_version = $2)",
        )
        .bind(i64::from(kek_version))
        .bind(i64::from(kek_version))
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::db("counting wrapped keys", "data key"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Audit entries after `after` (a sequence number), at most `limit`, oldest first.
    pub async fn audit_page(&self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the audit log", "audit entry"))?;
        rows.iter()
            .map(audit_from_row)
            .collect::<std::result::Result<_, _>>()
            .map_err(AuditRowError::into_store_error)
    }

    /// The newest `limit` audit entries about `subject`, oldest first.
    pub async fn audit_for_subject(
        &self,
        subject: &SubjectId,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit WHERE subject_id = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(subject.as_str().to_owned())
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the audit log", "audit entry"))?;
        let mut entries = rows
            .iter()
            .map(audit_from_row)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(AuditRowError::into_store_error)?;
        entries.reverse();
        Ok(entries)
    }

    /// Erased subjects still holding rows to purge (at most `limit`).
    pub async fn purge_queue(&self, limit: i64) -> Result<Vec<SubjectId>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT subject_id FROM purge_queue ORDER BY queued_at, subject_id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the purge queue", "purge entry"))?;
        stored_ids(ids)
    }

    /// The erasure ledger: subject ids and erasure times.
    pub async fn erasures(&self) -> Result<Vec<(SubjectId, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT subject_id, erased_at FROM keystore_erasures ORDER BY erased_at, subject_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("reading the erasure ledger", "erasure"))?;
        rows.into_iter()
            .map(|(id, at)| Ok((stored_id(id)?, at)))
            .collect()
    }

    /// Number of rows in a few tables, for health and tests.
    pub async fn counts(&self) -> Result<Counts> {
        let row: (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM subjects), (SELECT COUNT(*) FROM fields), \
             (SELECT COUNT(*) FROM tokens), (SELECT COUNT(*) FROM audit)",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::db("counting rows", "row"))?;
        Ok(Counts {
            subjects: row.0,
            fields: row.1,
            tokens: row.2,
            audit: row.3,
        })
    }
}

/// Row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Subjects.
    pub subjects: i64,
    /// Fields (including those waiting for purge).
    pub fields: i64,
    /// Tokens.
    pub tokens: i64,
    /// Audit entries.
    pub audit: i64,
}

/// A subject id read back from the store: written only after its check, so one that fails it
/// means the database was changed behind privet's back.
fn stored_id(id: String) -> Result<SubjectId> {
    SubjectId::parse(&id)
        .map_err(|_| StoreError::Schema("a stored subject id breaks the id rule".into()))
}

fn stored_ids(ids: Vec<String>) -> Result<Vec<SubjectId>> {
    ids.into_iter().map(stored_id).collect()
}

/// Which requests a listing returns: all filters optional, `limit` rows at most.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// Only requests not yet completed or rejected.
    pub open_only: bool,
    /// Only requests in this status.
    pub status: Option<privet_types::RequestStatus>,
    /// Only requests about this subject.
    pub subject: Option<SubjectId>,
    /// Only requests due before this moment.
    pub due_before: Option<Timestamp>,
    /// The cursor: the due time and id of the last request of the previous page.
    pub after: Option<(Timestamp, String)>,
    /// Most rows.
    pub limit: i64,
}

const REQUEST_COLUMNS: &str = "id, subject_id, kind, regulation, status, verified, verify_method, \
    verified_by, received_at, due_on, due_at, extensions, reason, created_by, created_at, updated_at, closed_at";

fn request_from_row(row: &AnyRow) -> Result<RequestRow> {
    let id: String = row.try_get("id").map_err(decode)?;
    let bad = |what: &str| StoreError::Corrupt(format!("request {id}: {what}"));
    let time = |col: &str| -> Result<Timestamp> {
        let ms: i64 = row.try_get(col).map_err(decode)?;
        Timestamp::from_millisecond(ms).map_err(|_| bad(col))
    };
    let closed: Option<i64> = row.try_get("closed_at").map_err(decode)?;
    let subject: String = row.try_get("subject_id").map_err(decode)?;
    let kind: String = row.try_get("kind").map_err(decode)?;
    let status: String = row.try_get("status").map_err(decode)?;
    let due_on: String = row.try_get("due_on").map_err(decode)?;
    let extensions: i64 = row.try_get("extensions").map_err(decode)?;
    let verified: i64 = row.try_get("verified").map_err(decode)?;
    Ok(RequestRow {
        subject: SubjectId::parse(&subject).map_err(|_| bad("subject id"))?,
        kind: kind.parse().map_err(|_| bad("kind"))?,
        regulation: row.try_get("regulation").map_err(decode)?,
        status: status.parse().map_err(|_| bad("status"))?,
        verified: verified != 0,
        verify_method: row.try_get("verify_method").map_err(decode)?,
        verified_by: row.try_get("verified_by").map_err(decode)?,
        received_at: time("received_at")?,
        due_on: due_on.parse().map_err(|_| bad("due date"))?,
        due_at: time("due_at")?,
        extensions: u32::try_from(extensions).map_err(|_| bad("extensions"))?,
        reason: row.try_get("reason").map_err(decode)?,
        created_by: row.try_get("created_by").map_err(decode)?,
        created_at: time("created_at")?,
        updated_at: time("updated_at")?,
        closed_at: closed
            .map(|ms| Timestamp::from_millisecond(ms).map_err(|_| bad("closed_at")))
            .transpose()?,
        id,
    })
}

fn decode(e: sqlx::Error) -> StoreError {
    StoreError::Database {
        context: "reading a request",
        source: e,
    }
}

const DELIVERY_COLUMNS: &str = "id, vendor, subject_id, request_id, erased_at, status, attempts, next_at, \
    last_error, created_at, done_at";

fn delivery_from_row(row: &AnyRow) -> Result<DeliveryRow> {
    let id: String = row.try_get("id").map_err(decode)?;
    let bad = |what: &str| StoreError::Corrupt(format!("delivery {id}: {what}"));
    let time = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| bad("time out of range"));
    let subject: String = row.try_get("subject_id").map_err(decode)?;
    let status: String = row.try_get("status").map_err(decode)?;
    let attempts: i64 = row.try_get("attempts").map_err(decode)?;
    let done: Option<i64> = row.try_get("done_at").map_err(decode)?;
    Ok(DeliveryRow {
        vendor: row.try_get("vendor").map_err(decode)?,
        subject: SubjectId::parse(&subject).map_err(|_| bad("subject id"))?,
        request: row.try_get("request_id").map_err(decode)?,
        erased_at: time(row.try_get("erased_at").map_err(decode)?)?,
        status: DeliveryStatus::from_name(&status).ok_or_else(|| bad("status"))?,
        attempts: u32::try_from(attempts).map_err(|_| bad("attempts"))?,
        next_at: time(row.try_get("next_at").map_err(decode)?)?,
        last_error: row.try_get("last_error").map_err(decode)?,
        created_at: time(row.try_get("created_at").map_err(decode)?)?,
        done_at: done.map(time).transpose()?,
        id,
    })
}
