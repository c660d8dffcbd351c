//! The audit chain verifies after real operations, and each kind of tampering done directly in
//! the database is caught at the first entry it touches.

use privet_store::ChainBreak;
use sqlx::{Connection, Executor};

use super::harness::sid;
use super::harness::{Backend, VISA, admin, backends, card, contact_and_card};

/// Runs a few operations of each kind; returns the number of entries, checked to verify.
async fn some_history(b: &Backend) -> i64 {
    let v = &b.vault;
    for i in 0..4 {
        let id = format!("cus_{i}");
        v.put_subject(
            &admin(),
            &sid(&id),
            &contact_and_card(&format!("u{i}@example.com"), VISA),
        )
        .await
        .unwrap();
        v.read_subject(&admin(), &sid(&id), "support")
            .await
            .unwrap();
    }
    let token = v
        .tokenize(&admin(), &card(VISA, Some("cus_0")))
        .await
        .unwrap();
    v.detokenize(&admin(), &token, "support").await.unwrap();
    v.lookup(&admin(), "email", "u1@example.com", "support")
        .await
        .unwrap();
    v.erase_subject(&admin(), &sid("cus_3")).await.unwrap();
    let n = b.store().counts().await.unwrap().audit;
    assert_eq!(n, 12);
    assert_eq!(v.verify_audit().await.unwrap(), Ok(n), "{}", b.name);
    n
}

/// Runs `statements` on a connection of its own, in one transaction.
async fn tamper(b: &Backend, statements: &[&'static str]) {
    let mut conn = b.raw().await;
    let mut tx = conn.begin().await.unwrap();
    for sql in statements {
        tx.execute(*sql).await.unwrap();
    }
    tx.commit().await.unwrap();
    conn.close().await.unwrap();
}

async fn verdict(b: &Backend) -> Result<i64, ChainBreak> {
    b.vault.verify_audit().await.unwrap()
}

#[tokio::test]
async fn an_edited_decision_is_caught() {
    for b in backends().await {
        some_history(&b).await;
        tamper(&b, &["UPDATE audit SET decision = 'deny' WHERE seq = 6"]).await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Altered { seq: 6 }),
            "{}",
            b.name
        );
    }
}

/// A name privet never writes cannot even be read as an entry: it is named as the altered one,
/// not reported as a database error.
#[tokio::test]
async fn an_unknown_action_or_decision_is_named_as_altered() {
    for b in backends().await {
        some_history(&b).await;
        tamper(&b, &["UPDATE audit SET action = 'made.up' WHERE seq = 4"]).await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Altered { seq: 4 }),
            "{}",
            b.name
        );
        tamper(&b, &["UPDATE audit SET decision = 'perhaps' WHERE seq = 2"]).await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Altered { seq: 2 }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_deleted_middle_entry_is_caught() {
    for b in backends().await {
        some_history(&b).await;
        tamper(&b, &["DELETE FROM audit WHERE seq = 5"]).await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Missing {
                expected: 5,
                seq: 6
            }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn an_inserted_entry_is_caught() {
    for b in backends().await {
        some_history(&b).await;
        // Make room at 7 by shifting the later entries up (two steps, so the primary key never
        // collides), then forge an entry there that links to entry 6.
        tamper(
            &b,
            &[
                "UPDATE audit SET seq = -seq WHERE seq >= 7",
                "UPDATE audit SET seq = 1 - seq WHERE seq < 0",
                "INSERT INTO audit (seq, at, actor, action, purpose, subject_id, categories, decision, reason, prev, hash) \
                 SELECT 7, at, actor, 'subject.read', purpose, subject_id, categories, 'allow', reason, hash, hash \
                 FROM audit WHERE seq = 6",
            ],
        )
        .await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Altered { seq: 7 }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn swapped_entries_are_caught() {
    for b in backends().await {
        some_history(&b).await;
        tamper(
            &b,
            &[
                "UPDATE audit SET seq = -3 WHERE seq = 3",
                "UPDATE audit SET seq = 3 WHERE seq = 8",
                "UPDATE audit SET seq = 8 WHERE seq = -3",
            ],
        )
        .await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Altered { seq: 3 }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_truncated_log_is_caught() {
    for b in backends().await {
        let n = some_history(&b).await;
        tamper(&b, &["DELETE FROM audit WHERE seq > 10"]).await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Truncated {
                last: n - 2,
                head: n
            }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_rewritten_head_is_caught() {
    for b in backends().await {
        let n = some_history(&b).await;
        tamper(
            &b,
            &[
                "DELETE FROM audit WHERE seq > 10",
                "UPDATE audit_head SET seq = 10, hash = (SELECT hash FROM audit WHERE seq = 10) WHERE id = 1",
            ],
        )
        .await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::BadHead { head: 10 }),
            "{}",
            b.name
        );
        assert!(n > 10);
    }
}

/// Writes through the vault after tampering: the writer must refuse, not MAC the damage over.
async fn write_is_refused(b: &Backend, what: &str) {
    let err = b
        .vault
        .put_subject(
            &admin(),
            &sid("cus_after"),
            &contact_and_card("after@example.com", VISA),
        )
        .await
        .expect_err(what);
    assert!(
        matches!(
            err,
            privet_vault::VaultError::Unavailable {
                kind: privet_vault::Unavailability::AuditDamaged,
                ..
            }
        ),
        "{what} on {}: {err}",
        b.name
    );
    assert!(b.store().audit_break().is_some(), "{what} on {}", b.name);
}

#[tokio::test]
async fn a_cut_tail_is_not_laundered_by_the_next_write() {
    for b in backends().await {
        some_history(&b).await;
        tamper(
            &b,
            &[
                "DELETE FROM audit WHERE seq > 10",
                "UPDATE audit_head SET seq = 10, hash = (SELECT hash FROM audit WHERE seq = 10) WHERE id = 1",
            ],
        )
        .await;
        write_is_refused(&b, "head moved back").await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::BadHead { head: 10 }),
            "{}",
            b.name
        );
        // A restart does not launder it either.
        let reopened = b.reopen().await;
        assert!(reopened.store().audit_break().is_some(), "{}", b.name);
        assert!(
            reopened
                .put_subject(
                    &admin(),
                    &sid("cus_x"),
                    &contact_and_card("x@example.com", VISA)
                )
                .await
                .is_err(),
            "{}",
            b.name
        );
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::BadHead { head: 10 }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_cut_tail_under_an_untouched_head_stops_writes() {
    for b in backends().await {
        let n = some_history(&b).await;
        tamper(&b, &["DELETE FROM audit WHERE seq > 10"]).await;
        write_is_refused(&b, "tail cut").await;
        assert_eq!(
            verdict(&b).await,
            Err(ChainBreak::Truncated { last: 10, head: n }),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_wiped_log_is_told_apart_from_an_empty_one() {
    for b in backends().await {
        // A new store's log is empty and whole.
        assert_eq!(verdict(&b).await, Ok(0), "{}", b.name);
        some_history(&b).await;
        tamper(&b, &["DELETE FROM audit", "DELETE FROM audit_head"]).await;
        assert_eq!(verdict(&b).await, Err(ChainBreak::NoHead), "{}", b.name);
        write_is_refused(&b, "log wiped").await;
        let reopened = b.reopen().await;
        assert!(reopened.store().audit_break().is_some(), "{}", b.name);
        assert_eq!(verdict(&b).await, Err(ChainBreak::NoHead), "{}", b.name);
    }
}
