//! Erasure: the key is destroyed in one commit, reads and tokens stop working, the ledger keeps
//! the id, and the leftover rows go in the background purge.

use privet_types::AuditAction;
use privet_vault::VaultError;

use super::harness::sid;
use super::harness::{VISA, admin, backends, card, contact_and_card, field};

#[tokio::test]
async fn erased_subjects_and_their_tokens_are_gone() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_e"),
            &contact_and_card("e@example.com", VISA),
        )
        .await
        .unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_keep"),
            &contact_and_card("k@example.com", VISA),
        )
        .await
        .unwrap();
        let bound = v
            .tokenize(&admin(), &card(VISA, Some("cus_e")))
            .await
            .unwrap();
        let free = v.tokenize(&admin(), &card(VISA, None)).await.unwrap();
        let kept = v
            .tokenize(&admin(), &card(VISA, Some("cus_keep")))
            .await
            .unwrap();

        let receipt = v.erase_subject(&admin(), &sid("cus_e")).await.unwrap();
        assert_eq!(receipt.subject, "cus_e");
        assert_eq!(receipt.erased_at.as_millisecond(), b.vault.now_ms());
        let entry = v.audit_page(receipt.audit_seq - 1, 1).await.unwrap();
        assert_eq!(entry[0].seq, receipt.audit_seq);
        assert_eq!(entry[0].draft.action, AuditAction::SubjectErase);
        assert_eq!(entry[0].draft.subject.as_deref(), Some("cus_e"));

        let read = v.read_subject(&admin(), &sid("cus_e"), "support").await;
        assert!(
            matches!(read, Err(VaultError::NotFound(_))),
            "{}: {read:?}",
            b.name
        );
        let detok = v.detokenize(&admin(), &bound, "support").await;
        assert!(
            matches!(detok, Err(VaultError::NotFound(_))),
            "{}: {detok:?}",
            b.name
        );
        let found = v
            .lookup(&admin(), "email", "e@example.com", "support")
            .await
            .unwrap();
        assert!(found.is_empty(), "{}: {found:?}", b.name);
        let tokenize_after = v.tokenize(&admin(), &card(VISA, Some("cus_e"))).await;
        assert!(matches!(tokenize_after, Err(VaultError::NotFound(_))));

        // Nothing else was touched.
        v.read_subject(&admin(), &sid("cus_keep"), "support")
            .await
            .unwrap();
        v.detokenize(&admin(), &free, "support").await.unwrap();
        v.detokenize(&admin(), &kept, "support").await.unwrap();

        let ledger = b.store().erasures().await.unwrap();
        assert_eq!(
            ledger,
            vec![(sid("cus_e"), receipt.erased_at.as_millisecond())]
        );
        assert_eq!(
            b.store().dek(&sid("cus_e")).await.unwrap().map(|_| ()),
            None
        );

        let again = v.erase_subject(&admin(), &sid("cus_e")).await;
        assert!(matches!(again, Err(VaultError::NotFound(_))), "{again:?}");
        let unknown = v.erase_subject(&admin(), &sid("cus_never")).await;
        assert!(
            matches!(unknown, Err(VaultError::NotFound(_))),
            "{unknown:?}"
        );
        assert_eq!(b.store().erasures().await.unwrap().len(), 1);

        v.purge_all().await.unwrap();
        let counts = b.store().counts().await.unwrap();
        assert_eq!(
            (counts.subjects, counts.fields, counts.tokens),
            (1, 2, 2),
            "{}",
            b.name
        );
        assert_eq!(v.verify_audit().await.unwrap(), Ok(counts.audit));

        // The id may be used again later; the new subject starts empty.
        b.clock.advance(jiff::SignedDuration::from_secs(1));
        v.put_subject(
            &admin(),
            &sid("cus_e"),
            &[field("name", "identity.name", "Eve")],
        )
        .await
        .unwrap();
        let view = v
            .read_subject(&admin(), &sid("cus_e"), "support")
            .await
            .unwrap();
        assert_eq!(view.fields.len(), 1, "{}", b.name);
    }
}

#[tokio::test]
async fn erasing_a_large_subject_is_one_commit() {
    const FIELDS: usize = 10_000;
    for b in backends().await {
        let v = &b.vault;
        let fields: Vec<_> = (0..FIELDS)
            .map(|i| {
                field(
                    &format!("f{:03}_{:03}", i / 1000, i % 1000),
                    "identity.name",
                    &format!("value {i}"),
                )
            })
            .collect();
        v.put_subject(&admin(), &sid("cus_big"), &fields)
            .await
            .unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_small"),
            &[field("name", "identity.name", "Sam")],
        )
        .await
        .unwrap();
        let before = b.store().counts().await.unwrap();
        assert_eq!(before.fields, FIELDS as i64 + 1);

        let receipt = v.erase_subject(&admin(), &sid("cus_big")).await.unwrap();
        let after = b.store().counts().await.unwrap();
        // One unit, one audit entry; the rows stay until the purge, unreadable without the key.
        assert_eq!(after.audit, before.audit + 1, "{}", b.name);
        assert_eq!(receipt.audit_seq, after.audit);
        assert_eq!(after.fields, before.fields, "{}", b.name);
        assert_eq!(b.rows_of("fields", "cus_big").await, FIELDS as i64);
        assert_eq!(after.subjects, 1);
        assert_eq!(
            b.store().purge_queue(10).await.unwrap(),
            vec!["cus_big".to_owned()]
        );
        let read = v.read_subject(&admin(), &sid("cus_big"), "support").await;
        assert!(matches!(read, Err(VaultError::NotFound(_))), "{read:?}");

        let purged = v.purge_all().await.unwrap();
        assert_eq!(purged, FIELDS as u64, "{}", b.name);
        let done = b.store().counts().await.unwrap();
        assert_eq!(done.fields, 1, "{}", b.name);
        assert_eq!(b.rows_of("fields", "cus_big").await, 0, "{}", b.name);
        assert!(b.store().purge_queue(10).await.unwrap().is_empty());
        v.read_subject(&admin(), &sid("cus_small"), "support")
            .await
            .unwrap();
        let audit = b.store().counts().await.unwrap().audit;
        assert_eq!(v.verify_audit().await.unwrap(), Ok(audit));
    }
}

/// The purge reads its queue before it commits. An id erased, queued, then reused in between must
/// keep its new rows: the purge's commit sees the queue entry gone and deletes nothing.
#[tokio::test]
async fn a_purge_step_spares_an_id_reused_after_its_queue_was_read() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_again"),
            &[field("name", "identity.name", "Ann")],
        )
        .await
        .unwrap();
        v.erase_subject(&admin(), &sid("cus_again")).await.unwrap();
        let queue = b.store().purge_queue(10).await.unwrap();
        assert_eq!(queue, vec!["cus_again".to_owned()]);
        // The id comes back before the purge step commits.
        v.put_subject(
            &admin(),
            &sid("cus_again"),
            &[field("name", "identity.name", "Bo")],
        )
        .await
        .unwrap();
        for subject in queue {
            let outcome = b
                .store()
                .commit(privet_store::WriteUnit {
                    ops: vec![privet_store::Op::PurgeRows {
                        subject,
                        limit: 500,
                    }],
                    audit: Vec::new(),
                })
                .await
                .unwrap();
            assert_eq!(outcome.rows, 0, "{}", b.name);
        }
        let view = v
            .read_subject(&admin(), &sid("cus_again"), "support")
            .await
            .unwrap();
        assert_eq!(view.fields.len(), 1, "{}", b.name);
        assert_eq!(b.rows_of("fields", "cus_again").await, 1, "{}", b.name);
    }
}
