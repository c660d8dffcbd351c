//! Legal holds (erasure blocked while one is active) and restrictions of processing (reads
//! refused except under a legal obligation), placed and lifted with an audit entry each.

use jiff::Timestamp;
use privet_crypto::random_bytes;
use privet_store::{HoldRow, Op, WriteUnit};
use privet_types::policy::Operation;
use privet_types::{AuditAction, SubjectId};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::tokens::base32_id;

/// Longest hold reason accepted.
const MAX_REASON: usize = 2000;

impl Vault {
    /// Places a legal hold: the subject cannot be erased, by request or directly, until it is
    /// lifted or `until` passes.
    pub async fn place_hold(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        reason: String,
        until: Option<Timestamp>,
    ) -> Result<HoldRow> {
        self.require(actor, Operation::Requests, Some(subject.as_str()))
            .await?;
        if reason.trim().is_empty() || reason.len() > MAX_REASON {
            return Err(VaultError::BadRequest(format!(
                "reason: required, 1 to {MAX_REASON} characters"
            )));
        }
        let now = self.now();
        if until.is_some_and(|u| u <= now) {
            return Err(VaultError::BadRequest(
                "until: must be in the future".into(),
            ));
        }
        let hold = HoldRow {
            id: base32_id("hold_", &random_bytes::<10>()?),
            subject: subject.clone(),
            reason,
            created_by: actor.id.clone(),
            created_at: now,
            until: until.map(crate::store_precision),
            lifted_at: None,
            lifted_by: None,
        };
        let mut draft = self.draft(actor, AuditAction::HoldPlace);
        draft.subject = Some(subject.to_string());
        draft.reason = Some(format!("hold={}", hold.id));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::PlaceHold(hold.clone())],
                audit: vec![draft],
            })
            .await?;
        Ok(hold)
    }

    /// Lifts an active legal hold.
    pub async fn lift_hold(&self, actor: &Actor, subject: &SubjectId, id: &str) -> Result<()> {
        self.require(actor, Operation::Requests, Some(subject.as_str()))
            .await?;
        let mut draft = self.draft(actor, AuditAction::HoldLift);
        draft.subject = Some(subject.to_string());
        draft.reason = Some(format!("hold={}", crate::ids::shown(id)));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::LiftHold {
                    subject: subject.clone(),
                    id: id.to_owned(),
                    at: draft.at,
                    by: actor.id.clone(),
                }],
                audit: vec![draft],
            })
            .await?;
        Ok(())
    }

    /// A subject's legal holds, lifted or not.
    pub async fn holds(&self, actor: &Actor, subject: &SubjectId) -> Result<Vec<HoldRow>> {
        self.require(actor, Operation::Requests, Some(subject.as_str()))
            .await?;
        Ok(self.store.holds(subject).await?)
    }

    /// Lifts a subject's restriction of processing.
    pub async fn lift_restriction(&self, actor: &Actor, subject: &SubjectId) -> Result<()> {
        self.require(actor, Operation::Requests, Some(subject.as_str()))
            .await?;
        let mut draft = self.draft(actor, AuditAction::RestrictionLift);
        draft.subject = Some(subject.to_string());
        self.store
            .commit(WriteUnit {
                ops: vec![Op::LiftRestriction {
                    subject: subject.clone(),
                }],
                audit: vec![draft],
            })
            .await?;
        Ok(())
    }
}
