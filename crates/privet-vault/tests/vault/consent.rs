//! The consent ledger: appended in order, audited per entry, a GPC opt-out, closed by erasure.

use privet_types::{AuditAction, ConsentSource};
use privet_vault::{ConsentChange, VaultError};

use super::harness::{VISA, actor, admin, backends, consent, contact_and_card, sid};

fn change(purpose: &str, granted: bool, source: ConsentSource, notice: &str) -> ConsentChange {
    ConsentChange {
        purpose: purpose.into(),
        granted,
        source,
        notice_version: Some(notice.into()),
    }
}

#[tokio::test]
async fn the_ledger_keeps_every_entry_and_the_last_one_decides() {
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_ledger");
        v.put_subject(&admin(), &cus, &contact_and_card("ada@example.com", VISA))
            .await
            .unwrap();
        let steps = [
            change("marketing", true, ConsentSource::PrivacyCenter, "v1"),
            change("marketing", false, ConsentSource::Api, "v1"),
            change("marketing", true, ConsentSource::Import, "v2"),
        ];
        for step in steps.clone() {
            v.set_consent(&admin(), &cus, step).await.unwrap();
        }
        let report = v.consents(&admin(), &cus).await.unwrap();
        let seen: Vec<(i64, bool, ConsentSource, Option<&str>)> = report
            .history
            .iter()
            .map(|e| (e.n, e.granted, e.source, e.notice_version.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (1, true, ConsentSource::PrivacyCenter, Some("v1")),
                (2, false, ConsentSource::Api, Some("v1")),
                (3, true, ConsentSource::Import, Some("v2")),
            ],
            "{}",
            b.name
        );
        assert!(report.history.iter().all(|e| e.recorded_by == admin().id));
        let current = &report.current["marketing"];
        assert_eq!((current.n, current.granted), (3, true), "{}", b.name);
        assert!(v.read_subject(&admin(), &cus, "marketing").await.is_ok());

        // Every entry has its audit entry, with the channel and never a value.
        let consent_actions: Vec<_> = v
            .audit_page(0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.draft.purpose.as_deref() == Some("marketing"))
            .filter(|e| {
                matches!(
                    e.draft.action,
                    AuditAction::ConsentGrant | AuditAction::ConsentWithdraw
                )
            })
            .map(|e| (e.draft.action, e.draft.reason))
            .collect();
        assert_eq!(consent_actions.len(), 3, "{}", b.name);
        assert_eq!(
            consent_actions[1],
            (AuditAction::ConsentWithdraw, Some("source=api".into()))
        );
    }
}

#[tokio::test]
async fn withdrawal_refuses_the_very_next_read() {
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_w");
        v.put_subject(&admin(), &cus, &contact_and_card("ada@example.com", VISA))
            .await
            .unwrap();
        v.set_consent(&admin(), &cus, consent("marketing", true))
            .await
            .unwrap();
        assert!(v.read_subject(&admin(), &cus, "marketing").await.is_ok());
        v.set_consent(&admin(), &cus, consent("marketing", false))
            .await
            .unwrap();
        let refused = v.read_subject(&admin(), &cus, "marketing").await;
        assert!(
            matches!(&refused, Err(VaultError::Forbidden { code, .. }) if code == "consent_required"),
            "{}: {refused:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_gpc_signal_opts_out_of_every_sale_or_sharing_purpose() {
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_gpc");
        v.put_subject(&admin(), &cus, &contact_and_card("ada@example.com", VISA))
            .await
            .unwrap();
        v.set_consent(&admin(), &cus, consent("ad_partners", true))
            .await
            .unwrap();
        let opt_outs = v.gpc_opt_outs();
        assert_eq!(
            opt_outs
                .iter()
                .map(|c| c.purpose.as_str())
                .collect::<Vec<_>>(),
            ["ad_partners"]
        );
        assert!(
            opt_outs
                .iter()
                .all(|c| !c.granted && c.source == ConsentSource::Gpc)
        );
        v.record_consents(&admin(), &cus, opt_outs).await.unwrap();
        let report = v.consents(&admin(), &cus).await.unwrap();
        let last = &report.current["ad_partners"];
        assert_eq!(
            (last.granted, last.source),
            (false, ConsentSource::Gpc),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn bad_changes_are_refused_and_write_nothing() {
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_bad");
        v.put_subject(&admin(), &cus, &contact_and_card("ada@example.com", VISA))
            .await
            .unwrap();
        let bad = [
            change("marketing", true, ConsentSource::Erasure, "v1"),
            change("astrology", true, ConsentSource::Api, "v1"),
            change("marketing", true, ConsentSource::Api, "v1\nforged"),
            change("marketing", true, ConsentSource::Api, ""),
        ];
        for c in bad {
            // A good change first in the same call: the whole call is refused.
            let both = vec![consent("marketing", true), c];
            let err = v.record_consents(&admin(), &cus, both).await;
            assert!(
                matches!(err, Err(VaultError::BadRequest(_))),
                "{}: {err:?}",
                b.name
            );
        }
        assert!(v.consents(&admin(), &cus).await.unwrap().history.is_empty());

        let missing = v
            .set_consent(&admin(), &sid("cus_never"), consent("marketing", true))
            .await;
        assert!(
            matches!(missing, Err(VaultError::NotFound(_))),
            "{missing:?}"
        );
        let nothing = v.consents(&admin(), &sid("cus_never")).await;
        assert!(
            matches!(nothing, Err(VaultError::NotFound(_))),
            "{nothing:?}"
        );

        // A role without `consent` may neither record nor read the ledger.
        let agent = actor("support_agent");
        let write = v
            .set_consent(&agent, &cus, consent("marketing", true))
            .await;
        assert!(
            matches!(write, Err(VaultError::Forbidden { .. })),
            "{write:?}"
        );
        let read = v.consents(&agent, &cus).await;
        assert!(
            matches!(read, Err(VaultError::Forbidden { .. })),
            "{read:?}"
        );
    }
}

#[tokio::test]
async fn erasure_closes_the_ledger_and_keeps_it() {
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_gone");
        v.put_subject(&admin(), &cus, &contact_and_card("ada@example.com", VISA))
            .await
            .unwrap();
        v.set_consent(&admin(), &cus, consent("marketing", true))
            .await
            .unwrap();
        v.set_consent(&admin(), &cus, consent("ad_partners", false))
            .await
            .unwrap();
        v.erase_subject(&admin(), &cus).await.unwrap();

        let report = v.consents(&admin(), &cus).await.unwrap();
        assert_eq!(report.history.len(), 3, "{}", b.name);
        let closing = &report.history[2];
        assert_eq!(
            (closing.purpose.as_str(), closing.granted, closing.source),
            ("marketing", false, ConsentSource::Erasure),
            "{}",
            b.name
        );
        // Only what was granted is withdrawn; the withdrawn purpose has no second entry.
        assert!(!report.current["ad_partners"].granted);
        assert!(!report.current["marketing"].granted);

        // The same id stored again starts with no consent, its history still readable.
        v.put_subject(&admin(), &cus, &contact_and_card("new@example.com", VISA))
            .await
            .unwrap();
        let fresh = v.read_subject(&admin(), &cus, "marketing").await;
        assert!(
            matches!(fresh, Err(VaultError::Forbidden { .. })),
            "{fresh:?}"
        );
    }
}
