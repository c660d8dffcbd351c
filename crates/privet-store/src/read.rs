//! Read queries. They run on the pool, outside the writer, and return sealed rows only.

use privet_types::{FieldName, SubjectId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::Store;
use crate::audit::{AuditDraft, AuditEntry, split_categories};
use crate::error::{Result, StoreError};
use crate::model::{ApiKeyRow, ConsentRow, DekRow, FieldRow, SecretRow, SubjectRecord, TokenRow};

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

pub(crate) fn audit_from_row(row: &AnyRow) -> std::result::Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        draft: AuditDraft {
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            purpose: row.try_get("purpose")?,
            subject: row.try_get("subject_id")?,
            categories: split_categories(&row.try_get::<String, _>("categories")?),
            decision: row.try_get("decision")?,
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
        let row: Option<(i64, Option<i64>, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT s.created_at, d.kek_version, d.wrapped FROM subjects s \
             LEFT JOIN keystore_deks d ON d.subject_id = s.id WHERE s.id = $1",
        )
        .bind(id.as_str().to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(err)?;
        let Some((created_at, v, w)) = row else {
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
            "SELECT t.kind, t.subject_id, t.sealed, d.kek_version, d.wrapped FROM tokens t \
             LEFT JOIN keystore_deks d ON d.subject_id = t.subject_id WHERE t.token = $1",
        )
        .bind(token.to_owned())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("reading a token", "token"))?;
        row.map(|(kind, subject_id, sealed, v, w)| {
            Ok(TokenRow {
                kind,
                subject_id: subject_id.map(stored_id).transpose()?,
                sealed,
                dek: dek_from(v, w),
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
            .map_err(StoreError::db("decoding the audit log", "audit entry"))
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
