//! Consent: an append-only ledger per subject and purpose, its current state kept beside it for
//! access decisions; every entry audited in the commit that writes it.

use std::collections::BTreeMap;

use privet_store::{ConsentEntry, Op, WriteUnit};
use privet_types::policy::Operation;
use privet_types::{AuditAction, ConsentSource, SubjectId};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::ids;

/// Longest notice version accepted.
const MAX_NOTICE_VERSION: usize = 100;

/// A grant or withdrawal to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    /// Purpose, declared in the policy.
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// The channel that captured it; `erasure` is privet's own and refused here.
    pub source: ConsentSource,
    /// Version of the notice the customer saw.
    pub notice_version: Option<String>,
}

/// A subject's consent: the latest entry per purpose, and every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentReport {
    /// The subject.
    pub subject: SubjectId,
    /// The latest entry for each purpose that has one.
    pub current: BTreeMap<String, ConsentEntry>,
    /// Every entry, oldest first.
    pub history: Vec<ConsentEntry>,
}

impl Vault {
    /// Grants or withdraws a subject's consent to a purpose.
    pub async fn set_consent(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        change: ConsentChange,
    ) -> Result<()> {
        self.record_consents(actor, subject, vec![change]).await
    }

    /// Appends consent changes to a subject's ledger, in order and in one commit with one audit
    /// entry each. Nothing is written if any change is refused.
    pub async fn record_consents(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        changes: Vec<ConsentChange>,
    ) -> Result<()> {
        self.require(actor, Operation::Consent, Some(subject.as_str()))
            .await?;
        for change in &changes {
            self.known_purpose(&change.purpose)?;
            check_change(change)?;
        }
        if self.store.subject(subject).await?.is_none() {
            return Err(VaultError::NotFound("subject"));
        }
        let mut ops = Vec::with_capacity(changes.len());
        let mut audit = Vec::with_capacity(changes.len());
        for change in changes {
            let action = if change.granted {
                AuditAction::ConsentGrant
            } else {
                AuditAction::ConsentWithdraw
            };
            let mut draft = self.draft(actor, action);
            draft.purpose = Some(change.purpose.clone());
            draft.subject = Some(subject.to_string());
            draft.reason = Some(format!("source={}", change.source));
            ops.push(Op::SetConsent {
                subject: subject.clone(),
                purpose: change.purpose,
                granted: change.granted,
                at: draft.at,
                source: change.source,
                notice_version: change.notice_version,
                recorded_by: actor.id.clone(),
            });
            audit.push(draft);
        }
        self.store.commit(WriteUnit { ops, audit }).await?;
        Ok(())
    }

    /// The withdrawals a Global Privacy Control signal stands for: every purpose the policy marks
    /// `sale_or_sharing`, in name order.
    pub fn gpc_opt_outs(&self) -> Vec<ConsentChange> {
        self.opt_outs(ConsentSource::Gpc)
    }

    /// Withdrawals of every `sale_or_sharing` purpose, from `source`, in name order.
    pub(crate) fn opt_outs(&self, source: ConsentSource) -> Vec<ConsentChange> {
        self.policy()
            .purposes()
            .filter(|p| p.sale_or_sharing())
            .map(|p| ConsentChange {
                purpose: p.name().to_owned(),
                granted: false,
                source,
                notice_version: None,
            })
            .collect()
    }

    /// A subject's consent ledger and current state. The ledger outlives an erasure, so an
    /// erased subject's history is still answered; a subject with neither is not found.
    pub async fn consents(&self, actor: &Actor, subject: &SubjectId) -> Result<ConsentReport> {
        self.require(actor, Operation::Consent, Some(subject.as_str()))
            .await?;
        let history = self.store.consent_history(subject).await?;
        if history.is_empty() && self.store.subject(subject).await?.is_none() {
            return Err(VaultError::NotFound("subject"));
        }
        Ok(report(subject.clone(), history))
    }

    /// A subject's current consent to a purpose, for access decisions.
    pub async fn consent(
        &self,
        subject: &SubjectId,
        purpose: &str,
    ) -> Result<Option<privet_store::ConsentRow>> {
        Ok(self.store.consent(subject, purpose).await?)
    }
}

fn check_change(change: &ConsentChange) -> Result<()> {
    if !change.source.caller_may_record() {
        return Err(VaultError::BadRequest(format!(
            "source: {} entries are written by privet when it erases a subject",
            change.source
        )));
    }
    if let Some(v) = &change.notice_version {
        let fine =
            !v.is_empty() && v.len() <= MAX_NOTICE_VERSION && v.chars().all(|c| !c.is_control());
        if !fine {
            return Err(VaultError::BadRequest(format!(
                "notice_version: must be 1 to {MAX_NOTICE_VERSION} printable characters (got '{}')",
                ids::shown(v)
            )));
        }
    }
    Ok(())
}

/// The report for a history: the last entry per purpose is its current state.
pub(crate) fn report(subject: SubjectId, history: Vec<ConsentEntry>) -> ConsentReport {
    let mut current = BTreeMap::new();
    for entry in &history {
        current.insert(entry.purpose.clone(), entry.clone());
    }
    ConsentReport {
        subject,
        current,
        history,
    }
}
