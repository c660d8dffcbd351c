//! Retention purges over a generated population with a known expiry per rule: the dry run and
//! the real run give the expected counts exactly, held subjects are untouched, erased subjects
//! are unreadable, and receipts and audit entries carry counts, never values.

use std::sync::atomic::{AtomicU64, Ordering};

use jiff::{SignedDuration, Timestamp};
use privet_testkit::policy::default_with_own_retention;
use privet_types::AuditAction;
use privet_types::policy::Policy;
use privet_vault::{FieldInput, PurgeOptions, RuleCounts, VaultError};

use super::harness::{admin, backends, field, sid};

const RULES: &str = r#"
[retention.contact]
categories = ["contact.*"]
keep_for = "365d"
owner = "Privacy Lead <privacy@example.org>"
every = "1d"

[retention.closed]
categories = ["identity.*"]
keep_for = "90d"
from = "account_closed"
action = "erase_subject"
owner = "DPO <dpo@example.org>"
every = "1d"
"#;

fn collected(name: &str, category: &str, value: &str, at: Timestamp) -> FieldInput {
    FieldInput {
        collected_at: Some(at),
        ..field(name, category, value)
    }
}

fn counts(rule: &str, fields: u64, erased: u64, held: u64, cats: &[(&str, u64)]) -> RuleCounts {
    RuleCounts {
        rule: rule.into(),
        owner: if rule == "contact" {
            "Privacy Lead <privacy@example.org>"
        } else {
            "DPO <dpo@example.org>"
        }
        .into(),
        fields,
        subjects_erased: erased,
        held,
        by_category: cats.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect(),
    }
}

#[tokio::test]
async fn purges_match_their_dry_run_and_spare_held_subjects() {
    for b in backends().await {
        let v = &b.vault;
        v.set_policy(Policy::parse(&default_with_own_retention(RULES)).unwrap());
        let now = v.now();
        let two_years_ago = now
            .checked_sub(SignedDuration::from_hours(2 * 365 * 24))
            .unwrap();
        for i in 0..20 {
            let fields = [
                collected(
                    "email",
                    "contact.email",
                    &format!("old{i}@example.com"),
                    two_years_ago,
                ),
                field("name", "identity.name", "Old Customer"),
            ];
            v.put_subject(&admin(), &sid(&format!("old_{i:02}")), &fields)
                .await
                .unwrap();
        }
        for i in 0..10 {
            let fields = [collected(
                "email",
                "contact.email",
                &format!("gone{i}@example.com"),
                two_years_ago,
            )];
            v.put_subject(&admin(), &sid(&format!("gone_{i:02}")), &fields)
                .await
                .unwrap();
        }
        for i in 0..5 {
            let fields = [collected(
                "email",
                "contact.email",
                &format!("new{i}@example.com"),
                now,
            )];
            v.put_subject(&admin(), &sid(&format!("fresh_{i:02}")), &fields)
                .await
                .unwrap();
        }
        for i in 0..3 {
            let s = sid(&format!("held_{i:02}"));
            let fields = [collected(
                "email",
                "contact.email",
                &format!("held{i}@example.com"),
                two_years_ago,
            )];
            v.put_subject(&admin(), &s, &fields).await.unwrap();
            v.place_hold(&admin(), &s, "litigation".into(), None)
                .await
                .unwrap();
        }
        let closed_at = now
            .checked_sub(SignedDuration::from_hours(200 * 24))
            .unwrap();
        for i in 0..4 {
            let s = sid(&format!("closed_{i:02}"));
            v.put_subject(
                &admin(),
                &s,
                &[field("name", "identity.name", "Closed Account")],
            )
            .await
            .unwrap();
            v.record_event(&admin(), &s, "account_closed", Some(closed_at))
                .await
                .unwrap();
        }
        let expected = vec![
            counts("closed", 4, 4, 0, &[("identity.name", 4)]),
            counts("contact", 30, 10, 3, &[("contact.email", 30)]),
        ];

        let seen = AtomicU64::new(0);
        let dry = v
            .purge(
                &admin(),
                &PurgeOptions {
                    rule: None,
                    dry_run: true,
                },
                &|n| seen.store(n, Ordering::SeqCst),
            )
            .await
            .unwrap();
        assert_eq!(dry.rules, expected, "{}", b.name);
        assert_eq!(seen.load(Ordering::SeqCst), 42);
        assert_eq!(
            v.purge_receipts(&admin(), 10).await.unwrap(),
            [],
            "a dry run leaves no receipt"
        );

        let real = v
            .purge(&admin(), &PurgeOptions::default(), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            real.rules, expected,
            "{}: the real run did what the dry run said",
            b.name
        );

        // What went is gone; what a rule keeps or a hold protects is still there.
        let old = v
            .read_subject(&admin(), &sid("old_03"), "support")
            .await
            .unwrap();
        assert_eq!(
            old.fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["name"]
        );
        for gone in ["gone_04", "closed_01"] {
            let r = v.read_subject(&admin(), &sid(gone), "support").await;
            assert!(
                matches!(r, Err(VaultError::NotFound(_))),
                "{}: {gone}: {r:?}",
                b.name
            );
        }
        let fresh = v
            .read_subject(&admin(), &sid("fresh_02"), "support")
            .await
            .unwrap();
        assert_eq!(fresh.fields.len(), 1, "{}", b.name);
        // A hold keeps the expired field stored, not readable.
        let held = v.read_subject(&admin(), &sid("held_01"), "support").await;
        assert!(
            matches!(&held, Err(VaultError::Forbidden { code, .. }) if code == "retention_expired"),
            "{}: {held:?}",
            b.name
        );

        // A second run, a minute later, finds nothing more to do.
        b.clock.advance(SignedDuration::from_secs(60));
        let again = v
            .purge(&admin(), &PurgeOptions::default(), &|_| {})
            .await
            .unwrap();
        assert!(
            again
                .rules
                .iter()
                .all(|r| r.fields == 0 && r.subjects_erased == 0),
            "{:?}",
            again.rules
        );

        // Receipts and audit entries: counts per rule, never a value.
        let receipts = v.purge_receipts(&admin(), 10).await.unwrap();
        assert_eq!(receipts.len(), 4);
        let first_contact = receipts.iter().rev().find(|r| r.rule == "contact").unwrap();
        assert_eq!(
            (
                first_contact.fields,
                first_contact.subjects_erased,
                first_contact.held
            ),
            (30, 10, 3)
        );
        let log = v.audit_page(0, 1000).await.unwrap();
        let purges: Vec<_> = log
            .iter()
            .filter(|e| e.draft.action == AuditAction::RetentionPurge)
            .collect();
        assert_eq!(purges.len(), 4);
        assert!(purges.iter().any(|e| {
            e.draft
                .reason
                .as_deref()
                .is_some_and(|r| r.contains("rule=contact") && r.contains("fields=30"))
        }));
        assert!(
            log.iter()
                .all(|e| !format!("{:?}", e.draft).contains("@example.com"))
        );

        // One rule alone; an unknown one is refused.
        let one = v
            .purge(
                &admin(),
                &PurgeOptions {
                    rule: Some("closed".into()),
                    dry_run: true,
                },
                &|_| {},
            )
            .await
            .unwrap();
        assert_eq!(one.rules.len(), 1);
        let unknown = v
            .purge(
                &admin(),
                &PurgeOptions {
                    rule: Some("nope".into()),
                    dry_run: true,
                },
                &|_| {},
            )
            .await;
        assert!(
            matches!(unknown, Err(VaultError::BadRequest(_))),
            "{unknown:?}"
        );
    }
}

#[tokio::test]
async fn events_are_checked() {
    for b in backends().await {
        let v = &b.vault;
        let s = sid("cus_ev");
        v.put_subject(&admin(), &s, &[field("name", "identity.name", "Eve")])
            .await
            .unwrap();
        v.record_event(&admin(), &s, "activity", None)
            .await
            .unwrap();
        for (kind, at) in [
            ("Bad Kind", None),
            (
                "activity",
                Some(v.now().checked_add(SignedDuration::from_hours(1)).unwrap()),
            ),
        ] {
            let r = v.record_event(&admin(), &s, kind, at).await;
            assert!(matches!(r, Err(VaultError::BadRequest(_))), "{kind}: {r:?}");
        }
        let missing = v
            .record_event(&admin(), &sid("cus_none"), "activity", None)
            .await;
        assert!(
            matches!(missing, Err(VaultError::NotFound(_))),
            "{missing:?}"
        );
    }
}

const SCHEDULED: &str = r#"
[retention.daily]
categories = ["contact.*"]
keep_for = "30d"
grace = "1d"
owner = "DPO"
every = "1d"

[retention.nightly]
categories = ["identity.*"]
keep_for = "30d"
from = "account_closed"
owner = "DPO"
cron = "0 3 * * *"
"#;

#[tokio::test]
async fn the_scheduler_runs_each_rule_on_time_once_across_nodes() {
    for b in backends().await {
        let policy = Policy::parse(&default_with_own_retention(SCHEDULED)).unwrap();
        let v = &b.vault;
        v.set_policy(policy.clone());
        let runs = |reports: &[privet_vault::PurgeReport]| -> Vec<String> {
            reports
                .iter()
                .flat_map(|r| r.rules.iter().map(|c| c.rule.clone()))
                .collect()
        };
        // Never ran: both are due at once.
        assert_eq!(
            runs(&v.run_due_purges("node-a").await.unwrap()),
            ["daily", "nightly"],
            "{}",
            b.name
        );
        assert!(v.run_due_purges("node-a").await.unwrap().is_empty());
        // An hour on, nothing; at the next 03:00 the nightly one; a day on, the daily one.
        b.clock.advance(SignedDuration::from_hours(1));
        assert!(v.run_due_purges("node-a").await.unwrap().is_empty());
        let now = v.now();
        let next_three = match &policy.rights().retention[1].schedule {
            privet_types::retention::Schedule::Cron(c) => c.next_after(now).unwrap(),
            other => panic!("{other:?}"),
        };
        b.clock.advance(next_three.duration_since(now));
        let ran = runs(&v.run_due_purges("node-a").await.unwrap());
        assert!(ran.contains(&"nightly".to_owned()), "{ran:?}");
        // Five days down: each rule runs once, not five times.
        b.clock.advance(SignedDuration::from_hours(5 * 24));
        assert_eq!(
            runs(&v.run_due_purges("node-a").await.unwrap()),
            ["daily", "nightly"]
        );
        assert!(v.run_due_purges("node-a").await.unwrap().is_empty());

        // Two nodes on one database, both finding the rules due: one runs each.
        b.clock.advance(SignedDuration::from_hours(2 * 24));
        let other = b.reopen().await;
        other.set_policy(policy.clone());
        let (x, y) = tokio::join!(v.run_due_purges("node-a"), other.run_due_purges("node-b"));
        let mut all = runs(&x.unwrap());
        all.extend(runs(&y.unwrap()));
        all.sort();
        assert_eq!(all, ["daily", "nightly"], "{}: each rule once", b.name);
    }
}

#[tokio::test]
async fn an_expired_field_is_refused_to_every_read_during_its_grace() {
    for b in backends().await {
        let v = &b.vault;
        let cards = "[retention.cards]\ncategories = [\"financial.*\"]\nkeep_for = \"7y\"\nowner = \"DPO\"\nevery = \"1d\"\n";
        let rules = format!("{RULES}{cards}");
        v.set_policy(Policy::parse(&default_with_own_retention(&rules)).unwrap());
        let s = sid("cus_grace");
        let expired_at = v
            .now()
            .checked_sub(SignedDuration::from_hours(370 * 24))
            .unwrap();
        let fields = [
            collected("email", "contact.email", "grace@example.com", expired_at),
            field("card", "financial.card_number", super::harness::VISA),
        ];
        v.put_subject(&admin(), &s, &fields).await.unwrap();
        let view = v.read_subject(&admin(), &s, "support").await.unwrap();
        let email = view.fields.iter().find(|f| f.name == "email").unwrap();
        assert!(
            matches!(
                &email.outcome,
                privet_vault::FieldOutcome::Withheld {
                    code: "retention_expired",
                    ..
                }
            ),
            "{}: {:?}",
            b.name,
            email.outcome
        );
        let card = view.fields.iter().find(|f| f.name == "card").unwrap();
        assert!(!matches!(
            card.outcome,
            privet_vault::FieldOutcome::Withheld { .. }
        ));
        // In its grace period: not purged yet.
        let dry = v
            .purge(
                &admin(),
                &PurgeOptions {
                    rule: None,
                    dry_run: true,
                },
                &|_| {},
            )
            .await
            .unwrap();
        assert!(dry.rules.iter().all(|r| r.fields == 0), "{:?}", dry.rules);
        // A month later it goes.
        b.clock.advance(SignedDuration::from_hours(30 * 24));
        let real = v
            .purge(&admin(), &PurgeOptions::default(), &|_| {})
            .await
            .unwrap();
        let contact = real.rules.iter().find(|r| r.rule == "contact").unwrap();
        assert_eq!(contact.fields, 1, "{}", b.name);
    }
}

#[tokio::test]
async fn an_administrator_restores_an_expired_field_and_its_rule_starts_again() {
    for b in backends().await {
        let v = &b.vault;
        v.set_policy(Policy::parse(&default_with_own_retention(RULES)).unwrap());
        let s = sid("cus_restore");
        let expired_at = v
            .now()
            .checked_sub(SignedDuration::from_hours(370 * 24))
            .unwrap();
        let fields = [
            collected("email", "contact.email", "restore@example.com", expired_at),
            field("name", "identity.name", "Restored Customer"),
        ];
        v.put_subject(&admin(), &s, &fields).await.unwrap();
        let email_name = privet_types::FieldName::parse("email").unwrap();
        let name_name = privet_types::FieldName::parse("name").unwrap();
        let readable = |view: &privet_vault::SubjectView| {
            view.fields
                .iter()
                .find(|f| f.name == "email")
                .is_some_and(|f| !matches!(f.outcome, privet_vault::FieldOutcome::Withheld { .. }))
        };
        let view = v.read_subject(&admin(), &s, "support").await.unwrap();
        assert!(!readable(&view), "{}: expired, so withheld", b.name);

        // A role that may not erase may not restore; a field not expired has nothing to restore;
        // an unknown field is not found.
        let refused = v
            .restore_field(&super::harness::actor("support_agent"), &s, &email_name)
            .await;
        assert!(
            matches!(refused, Err(VaultError::Forbidden { .. })),
            "{refused:?}"
        );
        let fresh = v.restore_field(&admin(), &s, &name_name).await;
        assert!(matches!(fresh, Err(VaultError::WrongState(_))), "{fresh:?}");
        let missing = v
            .restore_field(
                &admin(),
                &s,
                &privet_types::FieldName::parse("phone").unwrap(),
            )
            .await;
        assert!(
            matches!(missing, Err(VaultError::NotFound("field"))),
            "{missing:?}"
        );

        let restored = v.restore_field(&admin(), &s, &email_name).await.unwrap();
        assert_eq!(restored.rule, "contact");
        assert_eq!(
            restored.expires_at,
            Some(
                restored
                    .restored_at
                    .checked_add(SignedDuration::from_hours(365 * 24))
                    .unwrap()
            )
        );
        let view = v.read_subject(&admin(), &s, "support").await.unwrap();
        assert!(readable(&view), "{}: restored, so read again", b.name);
        // Well past the old grace period, the purge leaves it; a year after the restore it
        // expires again, and after that grace it goes.
        b.clock.advance(SignedDuration::from_hours(60 * 24));
        let dry = v
            .purge(
                &admin(),
                &PurgeOptions {
                    rule: None,
                    dry_run: true,
                },
                &|_| {},
            )
            .await
            .unwrap();
        assert!(dry.rules.iter().all(|r| r.fields == 0), "{:?}", dry.rules);
        b.clock.advance(SignedDuration::from_hours(340 * 24));
        let view = v.read_subject(&admin(), &s, "support").await.unwrap();
        assert!(!readable(&view), "{}: expired again", b.name);
        let real = v
            .purge(&admin(), &PurgeOptions::default(), &|_| {})
            .await
            .unwrap();
        let contact = real.rules.iter().find(|r| r.rule == "contact").unwrap();
        assert_eq!(contact.fields, 1, "{}: {:?}", b.name, real.rules);

        // Audited with the category and field name, never the value.
        let log = v.audit_page(0, 1000).await.unwrap();
        let restores: Vec<_> = log
            .iter()
            .filter(|e| e.draft.action == AuditAction::RetentionRestore)
            .collect();
        assert_eq!(restores.len(), 1, "{}", b.name);
        assert_eq!(restores[0].draft.categories, ["contact.email"]);
        assert_eq!(
            restores[0].draft.reason.as_deref(),
            Some("field=email rule=contact")
        );
        assert!(
            log.iter()
                .all(|e| !format!("{:?}", e.draft).contains("restore@example.com"))
        );
    }
}

#[tokio::test]
async fn a_purge_leaves_no_copy_of_the_deleted_fields_in_sqlites_wal() {
    for b in backends().await {
        if b.name != "sqlite" {
            continue;
        }
        let v = &b.vault;
        v.set_policy(Policy::parse(&default_with_own_retention(RULES)).unwrap());
        let two_years_ago = v
            .now()
            .checked_sub(SignedDuration::from_hours(2 * 365 * 24))
            .unwrap();
        for i in 0..40 {
            let fields = [
                collected(
                    "email",
                    "contact.email",
                    &format!("w{i}@example.com"),
                    two_years_ago,
                ),
                field("name", "identity.name", "Kept Customer"),
            ];
            v.put_subject(&admin(), &sid(&format!("wal_{i:02}")), &fields)
                .await
                .unwrap();
        }
        let report = v
            .purge(&admin(), &PurgeOptions::default(), &|_| {})
            .await
            .unwrap();
        let contact = report.rules.iter().find(|r| r.rule == "contact").unwrap();
        assert_eq!(contact.fields, 40);
        // The deleted fields' sealed pages lived in the WAL until this point; a purge ends by
        // emptying it.
        let wal = b.data_dir().join("privet.db-wal");
        let len = std::fs::metadata(&wal).map_or(0, |m| m.len());
        assert_eq!(
            len,
            0,
            "{} holds {len} bytes after the purge",
            wal.display()
        );
    }
}
