//! privet's vault: services over a [`Store`], a master keyring and a [`Clock`].
//!
//! Every operation that reads or changes personal data commits its audit entry in the same
//! group-committed transaction as the change (or, for reads, before the data is returned), so a
//! failed audit write means the action did not happen.

mod access;
mod apikeys;
mod backup;
mod backup_files;
mod consent;
mod error;
mod export;
mod holds;
mod ids;
mod keybackup;
mod keys;
mod outbox;
mod purge;
mod records;
mod requests;
mod retention;
mod rotation;
mod tokens;

use std::sync::{Arc, RwLock};

use privet_crypto::KeyProvider;
use privet_store::{AuditDraft, Store, WriteUnit};
use privet_types::Clock;
use privet_types::policy::{Operation, Policy};
use privet_types::{AuditAction, AuditDecision};

pub use apikeys::{Actor, api_key_id};
pub use backup::{BackupReport, RestoreReport};
pub use backup_files::{BackupFile, BackupKind, backups_in};
pub use consent::{ConsentChange, ConsentReport};
pub use error::{Result, Unavailability, VaultError};
pub use export::{ExportField, ExportPurpose, REQUEST_PURPOSE, SubjectExport};
pub use keys::{Keys, SECRET_NAMES, Secrets};
pub use outbox::{DeliveryTarget, retry_delay};
pub use privet_store::{
    ConsentEntry, DeliveryRow, DeliveryStatus, HoldRow, PurgeReceipt, RequestFilter, RequestRow,
};
pub use records::{EraseReceipt, FieldInput, FieldOutcome, FieldView, SubjectView};
pub use requests::{NewRequest, StepNote};
pub use retention::{PurgeOptions, PurgeReport, Restored, RuleCounts};
pub use rotation::RotationReport;
pub use tokens::{TokenSettings, TokenizeInput, card_digits, card_token_shape};

/// The vault.
pub struct Vault {
    store: Arc<Store>,
    keys: Keys,
    secrets: Secrets,
    policy: RwLock<Arc<Policy>>,
    clock: Arc<dyn Clock>,
    tokens: TokenSettings,
    auth_cache: apikeys::AuthCache,
}

impl Vault {
    /// Opens the vault over an opened store: loads the keyring and secrets (creating the secrets
    /// on first use) and starts the store's group-commit writer.
    pub async fn open(
        store: Arc<Store>,
        provider: Arc<dyn KeyProvider>,
        policy: Policy,
        clock: Arc<dyn Clock>,
        tokens: TokenSettings,
    ) -> Result<Vault> {
        let keys = Keys::load(provider)?;
        let secrets = Secrets::load_or_create(&store, &keys).await?;
        store.start_writer(secrets.audit.clone()).await?;
        Ok(Vault {
            store,
            keys,
            secrets,
            policy: RwLock::new(Arc::new(policy)),
            clock,
            tokens,
            auth_cache: apikeys::AuthCache::default(),
        })
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The keyring holder.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// The policy in force.
    pub fn policy(&self) -> Arc<Policy> {
        match self.policy.read() {
            Ok(p) => p.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replaces the policy (SIGHUP reload).
    pub fn set_policy(&self, policy: Policy) {
        match self.policy.write() {
            Ok(mut p) => *p = Arc::new(policy),
            Err(p) => *p.into_inner() = Arc::new(policy),
        }
    }

    /// Now, from the vault's clock, to the millisecond the store keeps (so what a call answers
    /// equals what a later read gives).
    pub fn now(&self) -> jiff::Timestamp {
        store_precision(self.clock.now())
    }

    /// Now, in milliseconds since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    /// Verifies the audit chain.
    pub async fn verify_audit(&self) -> Result<std::result::Result<i64, privet_store::ChainBreak>> {
        Ok(self.store.verify_audit(&self.secrets.audit).await?)
    }

    /// A page of audit entries after `after`.
    pub async fn audit_page(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<privet_store::AuditEntry>> {
        Ok(self.store.audit_page(after, limit.clamp(1, 1000)).await?)
    }

    /// The policy in force, if it declares `purpose`; a request naming another purpose is a 400.
    pub(crate) fn known_purpose(&self, purpose: &str) -> Result<Arc<Policy>> {
        let policy = self.policy();
        if policy.purpose(purpose).is_none() {
            return Err(VaultError::BadRequest(format!(
                "purpose '{}' is not declared in the policy",
                ids::shown(purpose)
            )));
        }
        Ok(policy)
    }

    /// Refuses, and audits the refusal, when the actor's role may not perform `op`.
    pub async fn require(&self, actor: &Actor, op: Operation, subject: Option<&str>) -> Result<()> {
        if self.policy().permits(&actor.role, op) {
            return Ok(());
        }
        let mut draft = self.draft(actor, AuditAction::Refused(op));
        draft.subject = subject.map(str::to_owned);
        draft.decision = AuditDecision::Deny;
        draft.reason = Some("operation_not_permitted".into());
        self.record(draft).await?;
        Err(VaultError::Forbidden {
            code: "operation_not_permitted".into(),
            message: format!(
                "The role may not {}: grant it with `can` on the role in privet.toml.",
                op.name()
            ),
        })
    }

    /// Commits an audit entry that records no change (a read, a refusal, a miss): durable
    /// before the caller answers.
    pub(crate) async fn record(&self, draft: AuditDraft) -> Result<()> {
        self.store
            .commit(WriteUnit {
                ops: Vec::new(),
                audit: vec![draft],
            })
            .await?;
        Ok(())
    }

    pub(crate) fn draft(&self, actor: &Actor, action: AuditAction) -> AuditDraft {
        AuditDraft {
            at: self.clock.now(),
            actor: actor.id.clone(),
            action,
            purpose: None,
            subject: None,
            categories: Vec::new(),
            decision: AuditDecision::Ok,
            reason: None,
        }
    }
}

/// `t` to the millisecond, the precision of every stored time.
pub(crate) fn store_precision(t: jiff::Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}
