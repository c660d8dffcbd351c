//! Checks shared by every read: the purpose is declared, the caller could be shown something at
//! all, and look-ups that find nothing are recorded.
//!
//! A caller whose role may see nothing for a purpose is refused before the object is looked up,
//! so it gets the same answer whether the subject or token exists or not; only a caller that
//! could read learns that something is missing, and those misses are audited (one entry per
//! request, with a count, for batches) and rate-limited by the server.

use std::sync::Arc;

use privet_types::policy::Policy;

use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::{Vault, ids};
use privet_types::{AuditAction, AuditDecision};

/// Which categories a read may touch, known before the object is looked up.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reach<'a> {
    /// Any category of the policy (a subject, a generic token).
    Any,
    /// One category (a card token).
    One(&'a str),
}

impl Vault {
    /// The policy, when `purpose` is declared and the actor could be shown anything within
    /// `reach` for it; otherwise the refusal, audited as `action`.
    pub(crate) async fn may_read(
        &self,
        actor: &Actor,
        action: AuditAction,
        purpose: &str,
        reach: Reach<'_>,
        subject: Option<&str>,
    ) -> Result<Arc<Policy>> {
        let policy = self.known_purpose(purpose)?;
        let verdict = match reach {
            Reach::Any => policy.may_see_any(
                &actor.role,
                actor.training,
                purpose,
                policy.category_names(),
            ),
            Reach::One(c) => policy.may_see_any(&actor.role, actor.training, purpose, [c]),
        };
        let Err(reason) = verdict else {
            return Ok(policy);
        };
        let mut draft = self.draft(actor, action);
        draft.purpose = Some(purpose.to_owned());
        draft.subject = subject.map(str::to_owned);
        if let Reach::One(c) = reach {
            draft.categories = vec![c.to_owned()];
        }
        draft.decision = AuditDecision::Deny;
        draft.reason = Some(reason.code().into());
        self.record(draft).await?;
        Err(VaultError::Forbidden {
            code: reason.code().into(),
            message: reason.to_string(),
        })
    }

    /// Records `count` look-ups that found nothing: one entry, naming the subject when there was
    /// one look-up of one subject.
    pub(crate) async fn audit_misses(
        &self,
        actor: &Actor,
        action: AuditAction,
        purpose: Option<&str>,
        subject: Option<&str>,
        count: usize,
    ) -> Result<()> {
        if count == 0 {
            return Ok(());
        }
        let mut draft = self.draft(actor, action);
        draft.purpose = purpose.map(|p| ids::shown(p).to_owned());
        draft.subject = subject.map(str::to_owned);
        draft.decision = AuditDecision::Miss;
        draft.reason = Some(format!("not_found={count}"));
        self.record(draft).await?;
        Ok(())
    }
}

/// How many results are misses.
pub(crate) fn count_misses<T>(results: &[Result<T>]) -> usize {
    results
        .iter()
        .filter(|r| matches!(r, Err(VaultError::NotFound(_))))
        .count()
}
