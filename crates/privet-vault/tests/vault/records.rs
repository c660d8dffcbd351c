//! Storing and reading subjects through the policy, and lookup by blind index.

use privet_vault::{FieldOutcome, SubjectView, VaultError};

use super::harness::{VISA, actor, admin, assert_card_masked, backends, contact_and_card, field};
use super::harness::{consent, sid};

fn outcome<'a>(view: &'a SubjectView, name: &str) -> &'a FieldOutcome {
    &view
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("field {name} missing"))
        .outcome
}

#[tokio::test]
async fn put_then_read_through_the_policy() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_1"),
            &contact_and_card("Ada@Example.com", VISA),
        )
        .await
        .unwrap();

        let view = v
            .read_subject(&admin(), &sid("cus_1"), "support")
            .await
            .unwrap();
        assert_eq!(view.subject, "cus_1");
        assert_eq!(
            outcome(&view, "email"),
            &FieldOutcome::Value("Ada@Example.com".into()),
            "{}",
            b.name
        );
        match outcome(&view, "card") {
            FieldOutcome::Masked(m) => assert_card_masked(m, VISA),
            other => panic!("{}: card shown as {other:?}", b.name),
        }

        let unknown = v.read_subject(&admin(), &sid("cus_1"), "astrology").await;
        assert!(
            matches!(unknown, Err(VaultError::BadRequest(_))),
            "{}: {unknown:?}",
            b.name
        );

        let no_rules = v
            .read_subject(&actor("service"), &sid("cus_1"), "support")
            .await;
        assert!(
            matches!(&no_rules, Err(VaultError::Forbidden { code, .. }) if code == "no_rule"),
            "{}: {no_rules:?}",
            b.name
        );

        let marketing = v.read_subject(&admin(), &sid("cus_1"), "marketing").await;
        assert!(
            matches!(&marketing, Err(VaultError::Forbidden { code, .. }) if code == "consent_required"),
            "{}: {marketing:?}",
            b.name
        );

        v.set_consent(&admin(), &sid("cus_1"), consent("marketing", true))
            .await
            .unwrap();
        let view = v
            .read_subject(&admin(), &sid("cus_1"), "marketing")
            .await
            .unwrap();
        assert_eq!(
            outcome(&view, "email"),
            &FieldOutcome::Value("Ada@Example.com".into())
        );
        // The marketing rule covers e-mail and name only: the card stays withheld.
        assert!(matches!(
            outcome(&view, "card"),
            FieldOutcome::Withheld {
                code: "no_rule",
                ..
            }
        ));

        v.set_consent(&admin(), &sid("cus_1"), consent("marketing", false))
            .await
            .unwrap();
        let withdrawn = v.read_subject(&admin(), &sid("cus_1"), "marketing").await;
        assert!(
            matches!(&withdrawn, Err(VaultError::Forbidden { code, .. }) if code == "consent_required"),
            "{}: {withdrawn:?}",
            b.name
        );

        let missing = v.read_subject(&admin(), &sid("cus_none"), "support").await;
        assert!(
            matches!(missing, Err(VaultError::NotFound(_))),
            "{missing:?}"
        );
        assert_eq!(
            v.verify_audit().await.unwrap(),
            Ok(b.store().counts().await.unwrap().audit)
        );
    }
}

#[tokio::test]
async fn later_writes_replace_fields_of_the_same_name_only() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_2"),
            &contact_and_card("old@example.com", VISA),
        )
        .await
        .unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_2"),
            &[field("email", "contact.email", "new@example.com")],
        )
        .await
        .unwrap();
        let view = v
            .read_subject(&admin(), &sid("cus_2"), "support")
            .await
            .unwrap();
        assert_eq!(view.fields.len(), 2, "{}", b.name);
        assert_eq!(
            outcome(&view, "email"),
            &FieldOutcome::Value("new@example.com".into())
        );
        let old = v
            .lookup(&admin(), "email", "old@example.com", "support")
            .await
            .unwrap();
        assert!(old.is_empty(), "{}: stale blind index {old:?}", b.name);

        let bad = v
            .put_subject(
                &admin(),
                &sid("cus_2"),
                &[field("x", "no.such_category", "v")],
            )
            .await;
        assert!(matches!(bad, Err(VaultError::BadRequest(_))), "{bad:?}");
        // A bad subject id cannot reach the vault: SubjectId refuses it where it enters.
    }
}

#[tokio::test]
async fn lookup_by_email_ignores_case() {
    for b in backends().await {
        let v = &b.vault;
        v.put_subject(
            &admin(),
            &sid("cus_a"),
            &contact_and_card("Ada.L@Example.com", VISA),
        )
        .await
        .unwrap();
        v.put_subject(
            &admin(),
            &sid("cus_b"),
            &[field("email", "contact.email", "grace@example.com")],
        )
        .await
        .unwrap();
        for probe in [
            "ada.l@example.com",
            "ADA.L@EXAMPLE.COM",
            " Ada.L@Example.com ",
        ] {
            let found = v.lookup(&admin(), "email", probe, "support").await.unwrap();
            assert_eq!(found, vec!["cus_a".to_owned()], "{}: {probe}", b.name);
        }
        let none = v
            .lookup(&admin(), "email", "ada.m@example.com", "support")
            .await
            .unwrap();
        assert!(none.is_empty(), "{}: {none:?}", b.name);

        let not_by_card = v.lookup(&admin(), "card", VISA, "support").await;
        assert!(matches!(not_by_card, Err(VaultError::BadRequest(_))));
        let refused = v
            .lookup(&actor("service"), "email", "grace@example.com", "support")
            .await;
        assert!(
            matches!(&refused, Err(VaultError::Forbidden { code, .. }) if code == "no_rule"),
            "{refused:?}"
        );
    }
}
