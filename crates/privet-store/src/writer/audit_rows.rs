//! Appending audit entries: the one INSERT of the chain's rows.

use sqlx::AnyConnection;

use crate::audit::{AuditDraft, join_categories};
use crate::error::{Result, StoreError};

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
            .bind(draft.at.as_millisecond())
            .bind(draft.actor.clone())
            .bind(draft.action.as_str())
            .bind(draft.purpose.clone())
            .bind(draft.subject.clone())
            .bind(join_categories(&draft.categories))
            .bind(draft.decision.as_str())
            .bind(draft.reason.clone())
            .bind(prev.clone())
            .bind(hash.clone());
    }
    q.execute(conn)
        .await
        .map_err(StoreError::db("appending to the audit log", "audit entry"))?;
    Ok(())
}
