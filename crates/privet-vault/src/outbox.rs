//! The erasure outbox: a notice for every vendor that received any category of an erased
//! subject, queued in the erasure's commit, attempted with exponential backoff and jitter until
//! the vendor acknowledges, then given up for a person to retry. Each attempt is audited.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use privet_crypto::{random_bytes, random_u64_below};
use privet_store::{DeliveryRow, DeliveryStatus, Op, WriteUnit};
use privet_types::policy::Operation;
use privet_types::{AuditAction, SubjectId};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::tokens::base32_id;

/// First retry delay; each later one doubles, up to [`MAX_DELAY`].
const FIRST_DELAY: Duration = Duration::from_secs(5);
/// Longest wait between attempts.
const MAX_DELAY: Duration = Duration::from_secs(3600);

/// Where and how to send one delivery.
#[derive(Debug, Clone)]
pub struct DeliveryTarget {
    /// The delivery.
    pub delivery: DeliveryRow,
    /// The vendor's erasure webhook.
    pub url: String,
    /// The environment variable holding its signing secret.
    pub secret_env: String,
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones, scaled by `jitter` in
/// [0, 1): between half and all of `FIRST_DELAY * 2^(attempts - 1)`, capped at `MAX_DELAY`, so
/// notices that failed together do not all come back at once.
pub fn retry_delay(attempts: u32, jitter: f64) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    let full = FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY);
    full.mul_f64(0.5 + jitter.clamp(0.0, 1.0) / 2.0)
}

impl Vault {
    /// The categories an erasure of `subject` must tell vendors about: none read when no vendor
    /// has an erasure webhook, so erasures cost nothing more without vendors.
    pub(crate) async fn categories_to_notify(&self, subject: &SubjectId) -> Result<Vec<String>> {
        let policy = self.policy();
        if !policy
            .rights()
            .vendors
            .iter()
            .any(|v| v.erasure_webhook.is_some())
        {
            return Ok(Vec::new());
        }
        Ok(self.store.subject_categories(subject).await?)
    }

    /// The notices an erasure of `subject`, holding `categories`, owes: one per vendor with an
    /// erasure webhook that receives any of them.
    pub(crate) fn vendor_notices(
        &self,
        subject: &SubjectId,
        categories: &[String],
        request: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<Op>> {
        let policy = self.policy();
        let mut ops = Vec::new();
        for vendor in &policy.rights().vendors {
            if vendor.erasure_webhook.is_none() || !categories.iter().any(|c| vendor.receives(c)) {
                continue;
            }
            ops.push(Op::EnqueueDelivery(DeliveryRow {
                id: base32_id("dlv_", &random_bytes::<15>()?),
                vendor: vendor.name.clone(),
                subject: subject.clone(),
                request: request.map(str::to_owned),
                erased_at: at,
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_at: at,
                last_error: None,
                created_at: at,
                done_at: None,
            }));
        }
        Ok(ops)
    }

    /// Pending notices due now, with where to send them. A notice whose vendor has left
    /// privet.toml, or lost its webhook, is given up at once (audited) rather than kept forever.
    pub async fn due_deliveries(&self, limit: i64) -> Result<Vec<DeliveryTarget>> {
        let rows = self.store.due_deliveries(self.now(), limit).await?;
        let policy = self.policy();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let vendor = policy
                .rights()
                .vendors
                .iter()
                .find(|v| v.name == row.vendor);
            match vendor.and_then(|v| Some((v.erasure_webhook.clone()?, v.secret_env.clone()?))) {
                Some((url, secret_env)) => out.push(DeliveryTarget {
                    delivery: row,
                    url,
                    secret_env,
                }),
                None => {
                    let why = "the vendor has no erasure webhook in privet.toml".to_owned();
                    match self.settle(&row, Err(why), true).await {
                        // Another worker settled it first.
                        Ok(_) | Err(VaultError::Conflict(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(out)
    }

    /// Records an attempt: delivered on `Ok`, otherwise retried later or given up after
    /// `[outbox] max_attempts` or past `max_age` after the erasure. The outcome says what
    /// happened without any body.
    pub async fn settle_delivery(
        &self,
        before: &DeliveryRow,
        outcome: std::result::Result<(), String>,
    ) -> Result<DeliveryRow> {
        self.settle(before, outcome, false).await
    }

    async fn settle(
        &self,
        before: &DeliveryRow,
        outcome: std::result::Result<(), String>,
        give_up: bool,
    ) -> Result<DeliveryRow> {
        let now = self.now();
        let mut row = before.clone();
        row.attempts = before.attempts + 1;
        let result = match &outcome {
            Ok(()) => {
                row.status = DeliveryStatus::Delivered;
                row.last_error = None;
                row.done_at = Some(now);
                "delivered".to_owned()
            }
            Err(why) => {
                row.last_error = Some(why.clone());
                let policy = self.policy();
                let rights = policy.rights();
                let too_old = rights
                    .outbox_max_age
                    .after(row.created_at)
                    .is_some_and(|limit| now >= limit);
                if give_up || too_old || row.attempts >= rights.outbox_max_attempts {
                    row.status = DeliveryStatus::Failed;
                    row.done_at = Some(now);
                } else {
                    let jitter = random_u64_below(1_000_000)? as f64 / 1_000_000.0;
                    let wait = retry_delay(row.attempts, jitter);
                    row.next_at = now
                        .checked_add(SignedDuration::try_from(wait).unwrap_or(SignedDuration::MAX))
                        .unwrap_or(now);
                }
                format!("{why}; {}", row.status.as_str())
            }
        };
        let mut draft = self.draft(&Actor::system(), AuditAction::VendorErasure);
        draft.subject = Some(row.subject.to_string());
        draft.decision = if outcome.is_ok() {
            privet_types::AuditDecision::Ok
        } else {
            privet_types::AuditDecision::Deny
        };
        draft.reason = Some(format!(
            "vendor={} delivery={} attempt={} result={result}",
            row.vendor, row.id, row.attempts
        ));
        let mut ops = vec![Op::SettleDelivery {
            row: row.clone(),
            attempts_before: before.attempts,
        }];
        let mut audit = vec![draft];
        if let Some(request) = &row.request {
            self.follow_request(request, &row, &mut ops, &mut audit)
                .await?;
        }
        self.store.commit(WriteUnit { ops, audit }).await?;
        Ok(row)
    }

    /// The erase request a notice belongs to, moved on in the same commit: completed when this
    /// was the last vendor to acknowledge, or told which vendors did not once one gives up.
    async fn follow_request(
        &self,
        request: &str,
        settled: &DeliveryRow,
        ops: &mut Vec<Op>,
        audit: &mut Vec<privet_store::AuditDraft>,
    ) -> Result<()> {
        let Some(req) = self.store.request(request).await? else {
            return Ok(());
        };
        if req.status != privet_types::RequestStatus::InProgress {
            return Ok(());
        }
        let all = self.store.deliveries_for_request(request).await?;
        let state = |d: &DeliveryRow| {
            if d.id == settled.id {
                settled.status
            } else {
                d.status
            }
        };
        let failed: Vec<&str> = all
            .iter()
            .filter(|d| state(d) == DeliveryStatus::Failed)
            .map(|d| d.vendor.as_str())
            .collect();
        let all_delivered = all.iter().all(|d| state(d) == DeliveryStatus::Delivered);
        if !all_delivered && failed.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let mut row = req.clone();
        row.updated_at = now;
        if all_delivered {
            row.status = privet_types::RequestStatus::Completed;
            row.closed_at = Some(now);
            row.reason = None;
            let mut draft = self.draft(
                &Actor::system(),
                AuditAction::Request(privet_types::RequestStep::Complete),
            );
            draft.subject = Some(row.subject.to_string());
            draft.reason = Some(format!(
                "request={} status={} due={} vendors acknowledged",
                row.id, row.status, row.due_on
            ));
            audit.push(draft);
        } else {
            // Still open, not a new state: the reason tells whoever works the queue what is left.
            row.reason = Some(format!(
                "the erasure was not acknowledged by: {}; retry with POST /v1/deliveries/{{id}}/retry",
                failed.join(", ")
            ));
        }
        ops.push(Op::UpdateRequest {
            row,
            expected: req.status,
        });
        Ok(())
    }

    /// Notices in `status` (all when None).
    pub async fn deliveries(
        &self,
        actor: &Actor,
        status: Option<DeliveryStatus>,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>> {
        self.require(actor, Operation::Requests, None).await?;
        Ok(self.store.deliveries(status, limit).await?)
    }

    /// Puts a failed notice back in the outbox for another round of attempts.
    pub async fn retry_delivery(&self, actor: &Actor, id: &str) -> Result<DeliveryRow> {
        self.require(actor, Operation::Requests, None).await?;
        let before = self
            .store
            .delivery(id)
            .await?
            .ok_or(VaultError::NotFound("delivery"))?;
        if before.status != DeliveryStatus::Failed {
            return Err(VaultError::WrongState(format!(
                "the delivery is {}; only a failed one is retried",
                before.status.as_str()
            )));
        }
        let mut row = before.clone();
        row.status = DeliveryStatus::Pending;
        row.attempts = 0;
        row.next_at = self.now();
        row.created_at = row.next_at;
        row.done_at = None;
        let mut draft = self.draft(actor, AuditAction::VendorErasureRetry);
        draft.subject = Some(row.subject.to_string());
        draft.reason = Some(format!("vendor={} delivery={}", row.vendor, row.id));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::SettleDelivery {
                    row: row.clone(),
                    attempts_before: before.attempts,
                }],
                audit: vec![draft],
            })
            .await?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (failed attempts so far, jitter, wait in seconds)
    #[rustfmt::skip]
    const DELAYS: &[(u32, f64, f64)] = &[
        (1, 0.0, 2.5), (1, 0.999_999, 5.0), (2, 0.0, 5.0), (3, 0.5, 15.0),
        (5, 1.0, 80.0), (10, 0.0, 1280.0), (11, 0.0, 1800.0), (11, 1.0, 3600.0),
        (40, 1.0, 3600.0), (0, 1.0, 5.0),
    ];

    #[test]
    fn delays_double_with_jitter_up_to_an_hour() {
        for &(attempts, jitter, secs) in DELAYS {
            let got = retry_delay(attempts, jitter).as_secs_f64();
            assert!(
                (got - secs).abs() < 0.01,
                "{attempts} {jitter}: {got} != {secs}"
            );
        }
    }
}
