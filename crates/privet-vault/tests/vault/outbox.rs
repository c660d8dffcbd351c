//! The outbox gives a notice up after `[outbox] max_attempts`, or once `max_age` has passed since
//! the erasure, whichever comes first; a person can put it back.

use jiff::SignedDuration;
use privet_types::policy::{DEFAULT_POLICY_TOML, Policy};
use privet_vault::DeliveryStatus;

use super::harness::{admin, backends, field, sid};

const VENDOR: &str = r#"
[vendors.mailer]
contact = "dpo@mailer.example"
country = "IE"
categories = ["contact.*"]
erasure_webhook = "https://mailer.example/hook"
secret_env = "MAILER_SECRET"

[outbox]
max_attempts = 3
max_age = "2d"
"#;

#[tokio::test]
async fn notices_are_given_up_by_attempts_or_age() {
    for b in backends().await {
        let v = &b.vault;
        v.set_policy(Policy::parse(&format!("{DEFAULT_POLICY_TOML}{VENDOR}")).unwrap());
        for s in ["cus_o1", "cus_o2"] {
            v.put_subject(
                &admin(),
                &sid(s),
                &[field("email", "contact.email", "o@example.com")],
            )
            .await
            .unwrap();
            v.erase_subject(&admin(), &sid(s)).await.unwrap();
        }
        let pending = v
            .deliveries(&admin(), Some(DeliveryStatus::Pending), 10)
            .await
            .unwrap();
        assert_eq!(pending.len(), 2, "{}", b.name);

        // By attempts: the third failure gives it up.
        let mut row = pending[0].clone();
        for _ in 0..3 {
            row = v
                .settle_delivery(&row, Err("HTTP 503".into()))
                .await
                .unwrap();
        }
        assert_eq!(
            (row.status, row.attempts),
            (DeliveryStatus::Failed, 3),
            "{}",
            b.name
        );

        // By age: two days after the erasure, the first failure gives it up.
        b.clock.advance(SignedDuration::from_hours(49));
        let aged = v
            .settle_delivery(&pending[1], Err("HTTP 503".into()))
            .await
            .unwrap();
        assert_eq!(
            (aged.status, aged.attempts),
            (DeliveryStatus::Failed, 1),
            "{}",
            b.name
        );

        // A person puts one back: pending, with a fresh count and a fresh age.
        let again = v.retry_delivery(&admin(), &row.id).await.unwrap();
        assert_eq!((again.status, again.attempts), (DeliveryStatus::Pending, 0));
        let tried = v
            .settle_delivery(&again, Err("HTTP 503".into()))
            .await
            .unwrap();
        assert_eq!(tried.status, DeliveryStatus::Pending, "{}", b.name);
    }
}
