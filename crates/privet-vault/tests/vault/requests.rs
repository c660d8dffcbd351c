//! Customers' requests through the vault: deadlines from the regulation, states moved by the
//! rules, refusals that name the state, every step audited without its free text.

use jiff::{Timestamp, ToSpan};
use privet_types::{AuditAction, RequestKind, RequestStatus, RequestStep};
use privet_vault::{NewRequest, RequestFilter, StepNote, VaultError};

use super::harness::{actor, admin, backends, sid};

fn new(
    subject: &str,
    kind: RequestKind,
    regulation: &str,
    received_at: Option<Timestamp>,
) -> NewRequest {
    NewRequest {
        subject: sid(subject),
        kind,
        regulation: regulation.into(),
        received_at,
    }
}

fn note(method: Option<&str>, reason: Option<&str>) -> StepNote {
    StepNote {
        method: method.map(Into::into),
        reason: reason.map(Into::into),
        fields: Vec::new(),
    }
}

#[tokio::test]
async fn a_request_runs_from_receipt_to_completion() {
    for b in backends().await {
        let v = &b.vault;
        // Entered later than it arrived: a letter of 31 January is due on 28 February (UTC).
        let letter: Timestamp = "2026-01-31T09:00:00Z".parse().unwrap();
        let r = v
            .create_request(
                &admin(),
                new("cus_unknown", RequestKind::Access, "gdpr", Some(letter)),
            )
            .await
            .unwrap();
        assert!(r.id.starts_with("req_"), "{}", r.id);
        assert_eq!(r.status, RequestStatus::Received);
        assert_eq!(r.due_on.to_string(), "2026-02-28", "{}", b.name);
        assert_eq!(r.due_at.to_string(), "2026-02-28T23:59:59Z");

        // Not verified: neither started nor completed; the refusal names the state.
        let early = v
            .step_request(&admin(), &r.id, RequestStep::Complete, note(None, None))
            .await;
        match early {
            Err(VaultError::WrongState(m)) => assert!(m.contains("received"), "{m}"),
            other => panic!("{}: {other:?}", b.name),
        }
        let no_method = v
            .step_request(&admin(), &r.id, RequestStep::Verify, note(None, None))
            .await;
        assert!(
            matches!(no_method, Err(VaultError::BadRequest(_))),
            "{no_method:?}"
        );
        let verified = v
            .step_request(
                &admin(),
                &r.id,
                RequestStep::Verify,
                note(Some("email_link"), None),
            )
            .await
            .unwrap();
        assert_eq!(
            (verified.status, verified.verified),
            (RequestStatus::Verified, true)
        );
        let started = v
            .step_request(&admin(), &r.id, RequestStep::Start, note(None, None))
            .await
            .unwrap();
        assert_eq!(started.status, RequestStatus::InProgress);
        // Announced too late: the first month ended on 28 February.
        let late = v
            .step_request(
                &admin(),
                &r.id,
                RequestStep::Extend,
                note(None, Some("complex")),
            )
            .await;
        assert!(matches!(late, Err(VaultError::WrongState(_))), "{late:?}");
        let done = v
            .step_request(&admin(), &r.id, RequestStep::Complete, note(None, None))
            .await
            .unwrap();
        assert_eq!(done.status, RequestStatus::Completed);
        assert!(done.closed_at.is_some());
        let again = v
            .step_request(&admin(), &r.id, RequestStep::Reject, note(None, Some("x")))
            .await;
        match again {
            Err(VaultError::WrongState(m)) => assert!(m.contains("completed"), "{m}"),
            other => panic!("{}: {other:?}", b.name),
        }
        assert_eq!(v.request(&admin(), &r.id).await.unwrap(), done);

        // Every step audited, with the request id and never the free-text reason.
        let steps: Vec<AuditAction> = v
            .audit_page(0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| {
                e.draft
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.contains(&r_id(&done.id)))
            })
            .map(|e| e.draft.action)
            .collect();
        assert_eq!(
            steps,
            [
                AuditAction::RequestCreate,
                AuditAction::Request(RequestStep::Verify),
                AuditAction::Request(RequestStep::Start),
                AuditAction::Request(RequestStep::Complete),
            ],
            "{}",
            b.name
        );
    }
}

fn r_id(id: &str) -> String {
    format!("request={id}")
}

#[tokio::test]
async fn extensions_follow_the_regulation() {
    for b in backends().await {
        let v = &b.vault;
        let two_days_ago = v.now().checked_sub(48.hours()).unwrap();
        let r = v
            .create_request(
                &admin(),
                new("cus_x", RequestKind::Erase, "ccpa", Some(two_days_ago)),
            )
            .await
            .unwrap();
        let first_due = r.due_on;
        let reason = "the customer's letter names three accounts";
        let ext = v
            .step_request(
                &admin(),
                &r.id,
                RequestStep::Extend,
                note(None, Some(reason)),
            )
            .await
            .unwrap();
        assert_eq!((ext.status, ext.extensions), (RequestStatus::Extended, 1));
        assert_eq!(
            ext.due_on,
            first_due.checked_add(45.days()).unwrap(),
            "{}",
            b.name
        );
        assert_eq!(ext.reason.as_deref(), Some(reason));
        let twice = v
            .step_request(
                &admin(),
                &r.id,
                RequestStep::Extend,
                note(None, Some("more")),
            )
            .await;
        match twice {
            Err(VaultError::WrongState(m)) => assert!(m.contains("allows 1 extension"), "{m}"),
            other => panic!("{}: {other:?}", b.name),
        }
        let log = v.audit_page(0, 100).await.unwrap();
        assert!(
            log.iter()
                .all(|e| !e.draft.reason.as_deref().unwrap_or("").contains("letter")),
            "a free-text reason reached the audit log"
        );
        let rejected = v
            .step_request(
                &admin(),
                &r.id,
                RequestStep::Reject,
                note(None, Some("duplicate")),
            )
            .await
            .unwrap();
        assert_eq!(rejected.status, RequestStatus::Rejected);
    }
}

#[tokio::test]
async fn bad_requests_are_refused_and_nothing_is_entered() {
    for b in backends().await {
        let v = &b.vault;
        let future = v.now().checked_add(1.hour()).unwrap();
        let bad = [
            new("cus_1", RequestKind::Access, "gdpr", Some(future)),
            new("cus_1", RequestKind::Access, "hipaa", None),
        ];
        for n in bad {
            let err = v.create_request(&admin(), n).await;
            assert!(
                matches!(err, Err(VaultError::BadRequest(_))),
                "{}: {err:?}",
                b.name
            );
        }
        let nobody = v
            .create_request(
                &actor("support_agent"),
                new("cus_1", RequestKind::Access, "gdpr", None),
            )
            .await;
        assert!(
            matches!(nobody, Err(VaultError::Forbidden { .. })),
            "{nobody:?}"
        );
        let missing = v.request(&admin(), "req_nothere").await;
        assert!(
            matches!(missing, Err(VaultError::NotFound(_))),
            "{missing:?}"
        );
        let all = RequestFilter {
            limit: 100,
            ..RequestFilter::default()
        };
        assert!(
            v.requests(&admin(), &all).await.unwrap().is_empty(),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn the_queue_pages_by_due_date() {
    for b in backends().await {
        let v = &b.vault;
        let now = v.now();
        let mut ids = Vec::new();
        // Received 40, 30, 20, 10 and 0 days ago under GDPR: the oldest is overdue.
        for days in [10i64, 40, 0, 30, 20] {
            let at = now.checked_sub((days * 24).hours()).unwrap();
            let r = v
                .create_request(
                    &admin(),
                    new("cus_q", RequestKind::Access, "gdpr", Some(at)),
                )
                .await
                .unwrap();
            ids.push((days, r.id));
        }
        let closed = &ids[4].1; // the 20-day-old one
        v.step_request(
            &admin(),
            closed,
            RequestStep::Reject,
            note(None, Some("duplicate")),
        )
        .await
        .unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = v
                .requests(
                    &admin(),
                    &RequestFilter {
                        open_only: true,
                        after: after.clone(),
                        limit: 2,
                        ..RequestFilter::default()
                    },
                )
                .await
                .unwrap();
            seen.extend(page.iter().map(|r| r.id.clone()));
            match page.last() {
                Some(last) if page.len() == 2 => after = Some((last.due_at, last.id.clone())),
                _ => break,
            }
        }
        let by_age = |d: i64| ids.iter().find(|(days, _)| *days == d).unwrap().1.clone();
        assert_eq!(
            seen,
            [by_age(40), by_age(30), by_age(10), by_age(0)],
            "{}",
            b.name
        );
        let overdue = v
            .requests(
                &admin(),
                &RequestFilter {
                    open_only: true,
                    due_before: Some(now),
                    limit: 10,
                    ..RequestFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(overdue.len(), 1, "{}", b.name);
        let rejected = v
            .requests(
                &admin(),
                &RequestFilter {
                    status: Some(RequestStatus::Rejected),
                    limit: 10,
                    ..RequestFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(rejected.len(), 1);
    }
}

#[tokio::test]
async fn rectification_replaces_values_and_audits_only_names() {
    use super::harness::{VISA, contact_and_card, field};
    for b in backends().await {
        let v = &b.vault;
        let cus = sid("cus_rect");
        v.put_subject(&admin(), &cus, &contact_and_card("old@example.com", VISA))
            .await
            .unwrap();
        let r = v
            .create_request(
                &admin(),
                new("cus_rect", RequestKind::Rectify, "gdpr", None),
            )
            .await
            .unwrap();
        v.step_request(
            &admin(),
            &r.id,
            RequestStep::Verify,
            note(Some("email_link"), None),
        )
        .await
        .unwrap();
        let empty = v
            .step_request(&admin(), &r.id, RequestStep::Complete, note(None, None))
            .await;
        assert!(matches!(empty, Err(VaultError::BadRequest(_))), "{empty:?}");
        let corrected = StepNote {
            fields: vec![field("email", "contact.email", "new@example.com")],
            ..StepNote::default()
        };
        let done = v
            .step_request(&admin(), &r.id, RequestStep::Complete, corrected)
            .await
            .unwrap();
        assert_eq!(done.status, RequestStatus::Completed);
        let view = v.read_subject(&admin(), &cus, "support").await.unwrap();
        let email = view.fields.iter().find(|f| f.name == "email").unwrap();
        assert_eq!(
            email.outcome,
            privet_vault::FieldOutcome::Value("new@example.com".into()),
            "{}",
            b.name
        );
        let log = v.audit_page(0, 100).await.unwrap();
        let write = log
            .iter()
            .rev()
            .find(|e| e.draft.action == AuditAction::SubjectWrite)
            .unwrap();
        assert_eq!(
            write.draft.reason.as_deref(),
            Some(format!("request={} rectified=email", r.id).as_str())
        );
        assert!(
            log.iter()
                .all(|e| !format!("{:?}", e.draft).contains("new@example.com"))
        );
    }
}
