//! Group commit: many concurrent writes share commits, all succeed, and every one of them has
//! exactly one audit entry in a chain that verifies.

use privet_types::AuditAction;
use std::sync::Arc;

use super::harness::sid;
use super::harness::{VISA, admin, backends, contact_and_card};

const WRITES: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writes_share_commits_and_keep_the_chain() {
    for b in backends().await {
        let before = b.store().counts().await.unwrap();
        let tasks: Vec<_> = (0..WRITES)
            .map(|i| {
                let v = Arc::clone(&b.vault);
                tokio::spawn(async move {
                    // Every tenth write touches a subject another write also creates, so first
                    // writes of one subject race for its data key.
                    let id = format!("cus_{}", if i % 10 == 0 { 0 } else { i });
                    v.put_subject(
                        &admin(),
                        &sid(&id),
                        &contact_and_card(&format!("g{i}@example.com"), VISA),
                    )
                    .await
                })
            })
            .collect();
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        }
        let after = b.store().counts().await.unwrap();
        assert_eq!(after.audit - before.audit, WRITES as i64, "{}", b.name);
        assert_eq!(
            after.subjects,
            (WRITES - WRITES / 10 + 1) as i64,
            "{}",
            b.name
        );
        assert_eq!(after.fields, 2 * after.subjects, "{}", b.name);
        assert_eq!(
            b.vault.verify_audit().await.unwrap(),
            Ok(after.audit),
            "{}",
            b.name
        );
        let entries = b.vault.audit_page(0, 1000).await.unwrap();
        assert!(
            entries
                .iter()
                .all(|e| e.draft.action == AuditAction::SubjectWrite)
        );
        assert_eq!(
            b.store()
                .dek(&sid("cus_0"))
                .await
                .unwrap()
                .map(|d| d.kek_version),
            Some(1)
        );
        b.vault
            .read_subject(&admin(), &sid("cus_0"), "support")
            .await
            .unwrap();
    }
}
