//! Operations besides reading need `can` on the role; refusals are audited.

use privet_types::AuditDecision;
use privet_vault::{TokenizeInput, VaultError};

use super::harness::{VISA, actor, admin, backends, contact_and_card};
use super::harness::{consent, sid};

fn refused(result: Result<impl std::fmt::Debug, VaultError>) {
    match result {
        Err(VaultError::Forbidden { code, .. }) => assert_eq!(code, "operation_not_permitted"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn roles_without_the_grant_are_refused_and_audited() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_1"),
            &contact_and_card("p@example.com", VISA),
        )
        .await
        .unwrap();
        let agent = actor("support_agent");
        let before = v.store().counts().await.unwrap().audit;
        refused(
            v.put_subject(
                &agent,
                &sid("cus_2"),
                &contact_and_card("q@example.com", VISA),
            )
            .await,
        );
        refused(v.erase_subject(&agent, &sid("cus_1")).await);
        let card = TokenizeInput {
            kind: "card_number".into(),
            value: VISA.into(),
            subject: None,
        };
        refused(v.tokenize(&agent, &card).await);
        refused(
            v.set_consent(&agent, &sid("cus_1"), consent("marketing", true))
                .await,
        );
        let after = v.store().counts().await.unwrap();
        assert_eq!(
            after.audit,
            before + 4,
            "{}: each refusal is audited",
            b.name
        );
        assert_eq!(after.subjects, 1, "{}: nothing was written", b.name);
        let page = v.audit_page(before, 10).await.unwrap();
        assert!(
            page.iter().all(|e| e.draft.decision == AuditDecision::Deny),
            "{}",
            b.name
        );
        // The service role may write and tokenize but not erase.
        let service = actor("service");
        v.put_subject(
            &service,
            &sid("cus_3"),
            &contact_and_card("s@example.com", VISA),
        )
        .await
        .unwrap();
        v.tokenize(&service, &card).await.unwrap();
        refused(v.erase_subject(&service, &sid("cus_3")).await);
        assert!(
            v.read_subject(&admin(), &sid("cus_1"), "support")
                .await
                .is_ok()
        );
    }
}
