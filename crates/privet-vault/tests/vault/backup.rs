//! Backups: a restore never brings an erased subject back, and a damaged backup changes nothing.

use jiff::SignedDuration;
use privet_crypto::open;
use privet_store::Counts;
use privet_vault::{FieldOutcome, VaultError};
use sqlx::Row;

use super::harness::sid;
use super::harness::{Backend, VISA, admin, backends, card, contact_and_card};

/// AAD of a sealed field, written again from the scheme so the test does not borrow the code's.
fn field_aad(subject: &str, name: &str, record_id: &[u8]) -> Vec<u8> {
    let mut aad = b"privet/field/v1".to_vec();
    for part in [subject.as_bytes(), name.as_bytes(), record_id] {
        aad.extend_from_slice(&u32::try_from(part.len()).unwrap().to_be_bytes());
        aad.extend_from_slice(part);
    }
    aad
}

/// Every field row in the database with whether it opens under its subject's live data key.
async fn field_rows_open(b: &Backend) -> Vec<(String, bool)> {
    let mut conn = b.raw().await;
    let rows = sqlx::query(
        "SELECT subject_id, name, record_id, sealed FROM fields ORDER BY subject_id, name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for row in rows {
        let subject: String = row.get(0);
        let name: String = row.get(1);
        let record_id: Vec<u8> = row.get(2);
        let sealed: Vec<u8> = row.get(3);
        let opens = match b.store().dek(&sid(&subject)).await.unwrap() {
            Some(dek) => {
                let key = b.vault.keys().unwrap_dek(&sid(&subject), &dek).unwrap();
                open(&key, &field_aad(&subject, &name, &record_id), &sealed).is_ok()
            }
            None => false,
        };
        out.push((subject, opens));
    }
    out
}

async fn seed(b: &Backend) -> (String, String) {
    let v = &b.vault;
    v.put_subject(
        &admin(),
        &sid("cus_a"),
        &contact_and_card("a@example.com", VISA),
    )
    .await
    .unwrap();
    v.put_subject(
        &admin(),
        &sid("cus_b"),
        &contact_and_card("b@example.com", VISA),
    )
    .await
    .unwrap();
    let token_a = v
        .tokenize(&admin(), &card(VISA, Some("cus_a")))
        .await
        .unwrap();
    let token_b = v
        .tokenize(&admin(), &card(VISA, Some("cus_b")))
        .await
        .unwrap();
    (token_a, token_b)
}

async fn assert_b_intact(b: &Backend, token_b: &str) {
    let view = b
        .vault
        .read_subject(&admin(), &sid("cus_b"), "support")
        .await
        .unwrap();
    assert_eq!(view.fields.len(), 2, "{}", b.name);
    assert!(
        view.fields
            .iter()
            .any(|f| f.outcome == FieldOutcome::Value("b@example.com".into())),
        "{}: {view:?}",
        b.name
    );
    assert!(matches!(
        b.vault.detokenize(&admin(), token_b, "support").await,
        Ok(FieldOutcome::Masked(_))
    ));
}

#[tokio::test]
async fn restore_replays_erasures() {
    for b in backends().await {
        let v = &b.vault;
        let (token_a, token_b) = seed(&b).await;
        let path = b.backup_path("before-erase.pbk");
        let report = v.backup(&admin(), &path).await.unwrap();
        assert!(report.bytes > 0);
        assert!(
            report.rows.contains(&("subjects".to_owned(), 2)),
            "{report:?}"
        );

        b.clock.advance(SignedDuration::from_secs(60));
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();

        b.clock.advance(SignedDuration::from_secs(60));
        let restored = v.restore(&admin(), &path).await.unwrap();
        assert_eq!(restored.replayed_erasures, 1, "{}", b.name);

        assert_b_intact(&b, &token_b).await;
        let read = v.read_subject(&admin(), &sid("cus_a"), "support").await;
        assert!(
            matches!(read, Err(VaultError::NotFound(_))),
            "{}: {read:?}",
            b.name
        );
        let detok = v.detokenize(&admin(), &token_a, "support").await;
        assert!(
            matches!(detok, Err(VaultError::NotFound(_))),
            "{}: {detok:?}",
            b.name
        );
        let found = v
            .lookup(&admin(), "email", "a@example.com", "support")
            .await
            .unwrap();
        assert!(found.is_empty(), "{}", b.name);

        assert!(b.store().dek(&sid("cus_a")).await.unwrap().is_none());
        for table in ["fields", "tokens", "consent_state", "purge_queue"] {
            assert_eq!(b.rows_of(table, "cus_a").await, 0, "{}: {table}", b.name);
        }
        let rows = field_rows_open(&b).await;
        assert_eq!(
            rows,
            vec![("cus_b".to_owned(), true), ("cus_b".to_owned(), true)],
            "{}",
            b.name
        );
        assert_eq!(
            b.store().erasures().await.unwrap().len(),
            1,
            "the ledger survives the restore"
        );

        // The chain holds across the restore, and the vault keeps writing onto it.
        let n = v.verify_audit().await.unwrap().unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_c"),
            &contact_and_card("c@example.com", VISA),
        )
        .await
        .unwrap();
        assert_eq!(v.verify_audit().await.unwrap(), Ok(n + 1), "{}", b.name);
    }
}

async fn snapshot(b: &Backend) -> (Counts, Vec<(String, bool)>) {
    (b.store().counts().await.unwrap(), field_rows_open(b).await)
}

#[tokio::test]
async fn damaged_backups_change_nothing() {
    for b in backends().await {
        let v = &b.vault;
        let (token_a, token_b) = seed(&b).await;
        let path = b.backup_path("good.pbk");
        v.backup(&admin(), &path).await.unwrap();
        let good = std::fs::read(&path).unwrap();

        // Changes after the backup, which a failed restore must not undo.
        b.clock.advance(SignedDuration::from_secs(60));
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_late"),
            &contact_and_card("l@example.com", VISA),
        )
        .await
        .unwrap();
        let before = snapshot(&b).await;

        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x01;
        let truncated = good[..good.len() / 2].to_vec();
        let cut_end = good[..good.len() - 1].to_vec();
        let mut appended = good.clone();
        appended.extend_from_slice(b"more");
        for (what, bytes) in [
            ("flipped", flipped),
            ("truncated", truncated),
            ("cut_end", cut_end),
            ("appended", appended),
            ("empty", Vec::new()),
        ] {
            let bad = b.backup_path(&format!("{what}.pbk"));
            std::fs::write(&bad, bytes).unwrap();
            let r = v.restore(&admin(), &bad).await;
            assert!(r.is_err(), "{}: {what} backup restored: {r:?}", b.name);
            assert_eq!(snapshot(&b).await, before, "{}: {what}", b.name);
        }
        let missing = v.restore(&admin(), &b.backup_path("absent.pbk")).await;
        assert!(missing.is_err());

        assert_b_intact(&b, &token_b).await;
        v.read_subject(&admin(), &sid("cus_late"), "support")
            .await
            .unwrap();
        let detok = v.detokenize(&admin(), &token_a, "support").await;
        assert!(matches!(detok, Err(VaultError::NotFound(_))));
        let audit = b.store().counts().await.unwrap().audit;
        assert_eq!(v.verify_audit().await.unwrap(), Ok(audit), "{}", b.name);
    }
}

/// The rights records travel with the data: consent ledger, requests, holds and restrictions come
/// back from a backup as they were when it was written.
#[tokio::test]
async fn rights_records_are_backed_up_and_restored() {
    use privet_types::{RequestKind, RequestStep};
    use privet_vault::{NewRequest, RequestFilter, StepNote};
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_rights");
        v.put_subject(&admin(), &cus, &contact_and_card("r@example.com", VISA))
            .await
            .unwrap();
        v.set_consent(&admin(), &cus, super::harness::consent("marketing", true))
            .await
            .unwrap();
        let hold = v
            .place_hold(&admin(), &cus, "matter 7".into(), None)
            .await
            .unwrap();
        let request = v
            .create_request(
                &admin(),
                NewRequest {
                    subject: cus.clone(),
                    kind: RequestKind::Restrict,
                    regulation: "gdpr".into(),
                    received_at: None,
                },
            )
            .await
            .unwrap();
        let note = StepNote {
            method: Some("email_link".into()),
            reason: None,
            fields: Vec::new(),
        };
        v.step_request(&admin(), &request.id, RequestStep::Verify, note)
            .await
            .unwrap();
        v.step_request(
            &admin(),
            &request.id,
            RequestStep::Complete,
            StepNote::default(),
        )
        .await
        .unwrap();
        let path = b.backup_path("rights.pbk");
        let report = v.backup(&admin(), &path).await.unwrap();
        for (table, n) in [
            ("consent_ledger", 1),
            ("requests", 1),
            ("holds", 1),
            ("restrictions", 1),
        ] {
            assert!(
                report.rows.contains(&(table.to_owned(), n)),
                "{}: {report:?}",
                b.name
            );
        }

        // Changes after the backup are undone by the restore.
        v.lift_hold(&admin(), &cus, &hold.id).await.unwrap();
        v.lift_restriction(&admin(), &cus).await.unwrap();
        v.set_consent(&admin(), &cus, super::harness::consent("marketing", false))
            .await
            .unwrap();
        b.clock.advance(SignedDuration::from_secs(60));
        v.restore(&admin(), &path).await.unwrap();

        let consents = v.consents(&admin(), &cus).await.unwrap();
        assert_eq!(consents.history.len(), 1, "{}", b.name);
        assert!(
            v.holds(&admin(), &cus).await.unwrap()[0]
                .lifted_at
                .is_none()
        );
        let read = v.read_subject(&admin(), &cus, "support").await;
        assert!(
            matches!(&read, Err(VaultError::Forbidden { code, .. }) if code == "restricted"),
            "{}: {read:?}",
            b.name
        );
        let all = RequestFilter {
            limit: 10,
            ..RequestFilter::default()
        };
        assert_eq!(v.requests(&admin(), &all).await.unwrap().len(), 1);
    }
}
