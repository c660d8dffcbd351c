//! Consent: the current state per subject and purpose, every change recorded in the audit chain.

use privet_store::{ConsentRow, Op, WriteUnit};

use privet_types::SubjectId;
use privet_types::policy::Operation;

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};

impl Vault {
    /// Grants or withdraws a subject's consent to a purpose.
    pub async fn set_consent(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        purpose: &str,
        granted: bool,
        source: &str,
        notice_version: Option<String>,
    ) -> Result<()> {
        self.require(actor, Operation::Consent, Some(subject.as_str()))
            .await?;
        self.known_purpose(purpose)?;
        if source.is_empty() || source.len() > 200 {
            return Err(VaultError::BadRequest(
                "source: must be 1 to 200 characters".into(),
            ));
        }
        if self.store.subject(subject).await?.is_none() {
            return Err(VaultError::NotFound("subject"));
        }
        let mut draft = self.draft(
            actor,
            if granted {
                "consent.grant"
            } else {
                "consent.withdraw"
            },
        );
        draft.purpose = Some(purpose.to_owned());
        draft.subject = Some(subject.to_string());
        let op = Op::SetConsent {
            subject: subject.clone(),
            purpose: purpose.to_owned(),
            granted,
            at: draft.at,
            source: source.to_owned(),
            notice_version,
        };
        self.store
            .commit(WriteUnit {
                ops: vec![op],
                audit: vec![draft],
            })
            .await?;
        Ok(())
    }

    /// A subject's current consent to a purpose.
    pub async fn consent(&self, subject: &SubjectId, purpose: &str) -> Result<Option<ConsentRow>> {
        Ok(self.store.consent(subject, purpose).await?)
    }
}
