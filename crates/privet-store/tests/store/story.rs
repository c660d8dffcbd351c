//! One customer's life through the store, op by op, told the same on both dialects: written,
//! replaced, tokenized, consented, erased, purged, and the audit chain intact at the end.

use privet_crypto::SecretKey;
use privet_store::{AuditDraft, Location, Op, Store, StoreError, WriteUnit};
use privet_testkit::postgres::{TempDatabase, postgres_base};
use privet_types::{AuditAction, AuditDecision, ConsentSource, FieldName, SubjectId};

/// Each backend with what keeps it alive (a temporary directory, a temporary database).
async fn backends() -> Vec<(&'static str, Store, Box<dyn std::any::Any>)> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = Store::open(&Location::new(dir.path(), None).expect("location"))
        .await
        .expect("SQLite store opens");
    let mut out: Vec<(&'static str, Store, Box<dyn std::any::Any>)> =
        vec![("sqlite", sqlite, Box::new(dir))];
    if let Some(base) = postgres_base() {
        let db = TempDatabase::create(&base);
        let dir = tempfile::tempdir().expect("temporary directory");
        let pg = Store::open(&Location::new(dir.path(), Some(db.url())).expect("location"))
            .await
            .expect("PostgreSQL store opens");
        out.push(("postgres", pg, Box::new((db, dir))));
    }
    out
}

/// The instant `n` milliseconds after the epoch.
fn ms(n: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(n).unwrap()
}

fn cus() -> SubjectId {
    SubjectId::parse("cus_1").unwrap()
}

fn draft(action: AuditAction, subject: &str) -> AuditDraft {
    AuditDraft {
        at: ms(1_700_000_000_000),
        actor: "story".into(),
        action,
        purpose: None,
        subject: Some(subject.into()),
        categories: vec!["contact.email".into()],
        decision: AuditDecision::Ok,
        reason: None,
    }
}

fn field(name: &str, sealed: &[u8]) -> Op {
    Op::PutField {
        subject: cus(),
        name: FieldName::parse(name).unwrap(),
        category: "contact.email".into(),
        record_id: vec![7; 16],
        sealed: sealed.to_vec(),
        lookup: Some(vec![1; 32]),
        collected_at: Some(ms(1_600_000_000_000)),
        source: Some("web".into()),
        at: ms(1_700_000_000_000),
    }
}

fn unit(ops: Vec<Op>, action: AuditAction) -> WriteUnit {
    WriteUnit {
        ops,
        audit: vec![draft(action, "cus_1")],
    }
}

#[tokio::test]
async fn a_customer_from_first_write_to_purge() {
    let key = SecretKey::from_bytes([9; 32]);
    for (name, store, _keep) in backends().await {
        // The audit secret and its genesis head come once; a second is refused, changing nothing.
        assert!(
            store
                .insert_audit_secret(1, b"wrapped", &key)
                .await
                .unwrap()
        );
        assert!(!store.insert_audit_secret(1, b"again", &key).await.unwrap());
        store.start_writer(key.clone()).await.unwrap();

        let created = store
            .commit(unit(
                vec![
                    Op::UpsertSubject {
                        subject: cus(),
                        at: ms(1),
                    },
                    Op::InsertDek {
                        subject: cus(),
                        kek_version: 1,
                        wrapped: vec![3; 40],
                        at: ms(1),
                    },
                    field("email", b"sealed-1"),
                    field("phone", b"sealed-2"),
                ],
                AuditAction::SubjectWrite,
            ))
            .await
            .unwrap();
        assert_eq!(created.audit_seqs, vec![1], "{name}");
        let counts = store.counts().await.unwrap();
        assert_eq!(
            (counts.subjects, counts.fields, counts.audit),
            (1, 2, 1),
            "{name}"
        );

        // A field of the same name is replaced, not added; a deleted one is gone.
        store
            .commit(unit(
                vec![field("email", b"sealed-3")],
                AuditAction::SubjectWrite,
            ))
            .await
            .unwrap();
        store
            .commit(unit(
                vec![Op::DeleteFields {
                    subjects: vec![cus()],
                    names: vec![FieldName::parse("phone").unwrap()],
                    restored: false,
                    at: ms(1_700_000_000_000),
                }],
                AuditAction::SubjectWrite,
            ))
            .await
            .unwrap();
        let record = store.subject(&cus()).await.unwrap().expect("subject");
        let fields: Vec<_> = record
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.sealed.as_slice()))
            .collect();
        assert_eq!(fields, [("email", b"sealed-3".as_slice())], "{name}");
        assert_eq!(record.dek.expect("data key").kek_version, 1, "{name}");
        assert_eq!(
            store.subjects_by_lookup(&[1; 32], 10).await.unwrap(),
            ["cus_1"],
            "{name}"
        );

        // A token and a consent belong to the subject.
        store
            .commit(unit(
                vec![Op::InsertToken {
                    token: "tok_1".into(),
                    kind: "contact.email".into(),
                    subject: Some(cus()),
                    sealed: b"sealed-token".to_vec(),
                    value_digest: Some(vec![5; 32]),
                    at: ms(2),
                }],
                AuditAction::TokenCreate,
            ))
            .await
            .unwrap();
        assert_eq!(
            store.token_by_digest(&[5; 32]).await.unwrap().as_deref(),
            Some("tok_1")
        );
        store
            .commit(unit(
                vec![Op::SetConsent {
                    subject: cus(),
                    purpose: "marketing".into(),
                    granted: true,
                    at: ms(3),
                    source: ConsentSource::Api,
                    notice_version: Some("v1".into()),
                    recorded_by: "key_1".into(),
                }],
                AuditAction::ConsentGrant,
            ))
            .await
            .unwrap();
        let consent = store
            .consent(&cus(), "marketing")
            .await
            .unwrap()
            .expect("consent");
        assert!(consent.granted && consent.notice_version.as_deref() == Some("v1"));
        let ledger = store.consent_history(&cus()).await.unwrap();
        assert_eq!(ledger.len(), 1, "{name}");
        assert_eq!(
            (
                ledger[0].n,
                ledger[0].source,
                ledger[0].recorded_by.as_str()
            ),
            (1, ConsentSource::Api, "key_1")
        );

        // Erasure: the subject, its key and its consents go at once; its rows wait for the purge.
        store
            .commit(unit(
                vec![Op::EraseSubject {
                    subject: cus(),
                    at: ms(4),
                    by: "key_2".into(),
                }],
                AuditAction::SubjectErase,
            ))
            .await
            .unwrap();
        assert!(store.subject(&cus()).await.unwrap().is_none(), "{name}");
        assert!(store.dek(&cus()).await.unwrap().is_none(), "{name}");
        assert!(store.consent(&cus(), "marketing").await.unwrap().is_none());
        // The ledger stays as proof, closed by a withdrawal the erasure wrote.
        let ledger = store.consent_history(&cus()).await.unwrap();
        assert_eq!(ledger.len(), 2, "{name}");
        assert_eq!(
            (ledger[1].n, ledger[1].granted, ledger[1].source),
            (2, false, ConsentSource::Erasure),
            "{name}"
        );
        assert_eq!(ledger[1].recorded_by, "key_2");
        assert_eq!(ledger[1].at, ms(4));
        assert_eq!(store.purge_queue(10).await.unwrap(), ["cus_1"], "{name}");
        assert_eq!(store.erasures().await.unwrap(), [(cus(), 4)]);
        let again = store
            .commit(unit(
                vec![Op::EraseSubject {
                    subject: cus(),
                    at: ms(5),
                    by: "key_2".into(),
                }],
                AuditAction::SubjectErase,
            ))
            .await;
        assert!(
            matches!(again, Err(StoreError::NotFound(_))),
            "{name}: {again:?}"
        );

        // The purge takes the leftover field and token and empties the queue.
        let purged = store
            .commit(WriteUnit {
                ops: vec![Op::PurgeRows {
                    subject: cus(),
                    limit: 500,
                }],
                audit: Vec::new(),
            })
            .await
            .unwrap();
        assert_eq!(purged.rows, 2, "{name}");
        assert!(store.purge_queue(10).await.unwrap().is_empty(), "{name}");
        let counts = store.counts().await.unwrap();
        assert_eq!((counts.fields, counts.tokens), (0, 0), "{name}");

        // Every acknowledged unit left one entry, in order, and the chain verifies.
        let actions: Vec<AuditAction> = store
            .audit_page(0, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.draft.action)
            .collect();
        assert_eq!(
            actions,
            [
                AuditAction::SubjectWrite,
                AuditAction::SubjectWrite,
                AuditAction::SubjectWrite,
                AuditAction::TokenCreate,
                AuditAction::ConsentGrant,
                AuditAction::SubjectErase
            ],
            "{name}"
        );
        assert_eq!(store.verify_audit(&key).await.unwrap(), Ok(6), "{name}");
        store.close().await;
    }
}

#[tokio::test]
async fn a_purge_deletes_the_same_fields_of_many_subjects_unless_one_is_held() {
    let key = SecretKey::from_bytes([9; 32]);
    for (name, store, _keep) in backends().await {
        store
            .insert_audit_secret(1, b"wrapped", &key)
            .await
            .unwrap();
        store.start_writer(key.clone()).await.unwrap();
        let ids: Vec<SubjectId> = ["cus_a", "cus_b", "cus_c"]
            .iter()
            .map(|s| SubjectId::parse(s).unwrap())
            .collect();
        for id in &ids {
            let mut ops = vec![Op::UpsertSubject {
                subject: id.clone(),
                at: ms(1_700_000_000_000),
            }];
            for f in ["a", "b", "keep"] {
                if let Op::PutField {
                    name,
                    category,
                    record_id,
                    sealed,
                    lookup,
                    collected_at,
                    source,
                    at,
                    ..
                } = field(f, b"sealed")
                {
                    ops.push(Op::PutField {
                        subject: id.clone(),
                        name,
                        category,
                        record_id,
                        sealed,
                        lookup,
                        collected_at,
                        source,
                        at,
                    });
                }
            }
            ops.push(Op::RecordEvent {
                subject: id.clone(),
                kind: privet_types::retention::restore_event("a"),
                at: ms(1_700_000_000_000),
            });
            store
                .commit(WriteUnit {
                    ops,
                    audit: Vec::new(),
                })
                .await
                .unwrap();
        }
        let hold = privet_store::HoldRow {
            id: "hold_1".into(),
            subject: ids[2].clone(),
            reason: "matter 7".into(),
            created_by: "story".into(),
            created_at: ms(1_700_000_000_000),
            until: None,
            lifted_at: None,
            lifted_by: None,
        };
        store
            .commit(WriteUnit {
                ops: vec![Op::PlaceHold(hold)],
                audit: Vec::new(),
            })
            .await
            .unwrap();
        let names = vec![
            FieldName::parse("a").unwrap(),
            FieldName::parse("b").unwrap(),
        ];
        let purge = |subjects: Vec<SubjectId>| WriteUnit {
            ops: vec![Op::DeleteFields {
                subjects,
                names: names.clone(),
                restored: true,
                at: ms(1_700_000_100_000),
            }],
            audit: Vec::new(),
        };
        let fields_of = async |id: &SubjectId| -> Vec<String> {
            let record = store.subject(id).await.unwrap().unwrap();
            record.fields.iter().map(|f| f.name.clone()).collect()
        };
        // One held subject refuses the whole statement, and nothing of the others goes.
        let refused = store.commit(purge(ids.clone())).await;
        assert!(
            matches!(refused, Err(StoreError::LegalHold(ref r)) if r == "matter 7"),
            "{name}: {refused:?}"
        );
        assert_eq!(fields_of(&ids[0]).await, ["a", "b", "keep"], "{name}");
        // Without it, the named fields of each go, with their restores; the rest stays.
        let done = store.commit(purge(ids[..2].to_vec())).await.unwrap();
        assert_eq!(done.rows, 4, "{name}");
        for id in &ids[..2] {
            assert_eq!(fields_of(id).await, ["keep"], "{name}");
            assert!(store.subject_events(id).await.unwrap().is_empty(), "{name}");
        }
        assert_eq!(fields_of(&ids[2]).await, ["a", "b", "keep"], "{name}");
    }
}
