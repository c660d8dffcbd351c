//! A caller without the right to read learns nothing about what exists; misses are audited;
//! lookups apply the same decision as reads; field names cannot carry values.

use privet_store::AuditEntry;
use privet_types::AuditDecision;
use privet_vault::{Vault, VaultError};

use super::harness::{VISA, actor, admin, backends, card, contact_and_card, field};
use super::harness::{consent, sid};

fn forbidden<T: std::fmt::Debug>(r: Result<T, VaultError>) -> String {
    match r {
        Err(VaultError::Forbidden { code, .. }) => code,
        other => panic!("expected 403, got {other:?}"),
    }
}

fn not_found<T: std::fmt::Debug>(r: Result<T, VaultError>) {
    assert!(
        matches!(r, Err(VaultError::NotFound(_))),
        "expected 404, got {r:?}"
    );
}

async fn last_entry(v: &Vault) -> AuditEntry {
    let page = v.audit_page(0, 1000).await.unwrap();
    page.last().cloned().expect("an audit entry")
}

#[tokio::test]
async fn a_caller_who_may_read_nothing_gets_the_same_answer_for_present_and_absent() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_1"),
            &contact_and_card("o@example.com", VISA),
        )
        .await
        .unwrap();
        let token = v
            .tokenize(&admin(), &card(VISA, Some("cus_1")))
            .await
            .unwrap();
        let mut absent_token = token.clone().into_bytes();
        absent_token[7] = if absent_token[7] == b'0' { b'1' } else { b'0' };
        let absent_token = String::from_utf8(absent_token).unwrap();
        // `service` may read nothing for support.
        let service = actor("service");
        let present = forbidden(v.read_subject(&service, &sid("cus_1"), "support").await);
        let absent = forbidden(v.read_subject(&service, &sid("cus_404"), "support").await);
        assert_eq!(present, absent, "{}", b.name);
        let present = forbidden(v.detokenize(&service, &token, "support").await);
        let absent = forbidden(v.detokenize(&service, &absent_token, "support").await);
        assert_eq!(present, absent, "{}", b.name);
        let entry = last_entry(v).await;
        assert_eq!(entry.draft.decision, AuditDecision::Deny, "{}", b.name);
        // Per item in a batch too: the batch itself is refused.
        forbidden(
            v.read_subjects(&service, &["cus_1".into(), "cus_404".into()], "support")
                .await,
        );
        let items = vec![
            (token.clone(), "support".to_owned()),
            (absent_token.clone(), "support".to_owned()),
        ];
        let answers = v.detokenize_many(&service, &items).await.unwrap();
        let codes: Vec<String> = answers.into_iter().map(forbidden).collect();
        assert_eq!(codes[0], codes[1], "{}", b.name);
    }
}

#[tokio::test]
async fn misses_are_audited_and_batches_in_one_entry() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_1"),
            &contact_and_card("m@example.com", VISA),
        )
        .await
        .unwrap();
        not_found(v.read_subject(&admin(), &sid("cus_404"), "support").await);
        let entry = last_entry(v).await;
        assert_eq!(
            (entry.draft.action.as_str(), entry.draft.decision.as_str()),
            ("subject.read", "miss"),
            "{}",
            b.name
        );
        assert_eq!(entry.draft.subject.as_deref(), Some("cus_404"));
        let before = v.store().counts().await.unwrap().audit;
        let ids: Vec<String> = ["cus_1", "nope_1", "nope_2", "nope_3"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let results = v.read_subjects(&admin(), &ids, "support").await.unwrap();
        assert!(results[0].is_ok());
        results[1..]
            .iter()
            .for_each(|r| assert!(matches!(r, Err(VaultError::NotFound(_)))));
        // One read entry and one miss entry for the three misses.
        let after = v.store().counts().await.unwrap().audit;
        assert_eq!(after - before, 2, "{}", b.name);
        let entry = last_entry(v).await;
        assert_eq!(entry.draft.decision, AuditDecision::Miss);
        assert_eq!(entry.draft.reason.as_deref(), Some("not_found=3"));

        not_found(v.detokenize(&admin(), "4111110000001111", "support").await);
        let entry = last_entry(v).await;
        assert_eq!(
            (entry.draft.action.as_str(), entry.draft.decision.as_str()),
            ("token.detokenize", "miss")
        );
    }
}

#[tokio::test]
async fn lookup_names_only_subjects_the_purpose_may_read() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_1"),
            &contact_and_card("l@example.com", VISA),
        )
        .await
        .unwrap();
        // Marketing needs consent, which cus_1 has not given.
        let found = v
            .lookup(&admin(), "email", "l@example.com", "marketing")
            .await
            .unwrap();
        assert!(found.is_empty(), "{}: {found:?}", b.name);
        forbidden(v.read_subject(&admin(), &sid("cus_1"), "marketing").await);
        v.set_consent(&admin(), &sid("cus_1"), consent("marketing", true))
            .await
            .unwrap();
        let found = v
            .lookup(&admin(), "email", "l@example.com", "marketing")
            .await
            .unwrap();
        assert_eq!(found, vec!["cus_1".to_owned()], "{}", b.name);
        v.set_consent(&admin(), &sid("cus_1"), consent("marketing", false))
            .await
            .unwrap();
        assert!(
            v.lookup(&admin(), "email", "l@example.com", "marketing")
                .await
                .unwrap()
                .is_empty()
        );
        // Purposes without consent are unaffected.
        assert_eq!(
            v.lookup(&admin(), "email", "l@example.com", "support")
                .await
                .unwrap(),
            vec!["cus_1".to_owned()]
        );
    }
}

#[tokio::test]
async fn field_names_cannot_carry_values() {
    for b in backends().await {
        let v = &b.vault;
        for name in [
            "536-22-8145",
            "n4111111111111111",
            "Email",
            "ada@example.com",
        ] {
            let err = v
                .put_subject(
                    &admin(),
                    &sid("cus_n"),
                    &[field(name, "contact.email", "x@example.com")],
                )
                .await
                .expect_err(name);
            let message = err.to_string();
            assert!(message.contains("identifier"), "{message}");
            assert!(!message.contains(name), "the name was echoed: {message}");
        }
        assert_eq!(v.store().counts().await.unwrap().subjects, 0, "{}", b.name);
    }
}
