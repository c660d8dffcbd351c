//! Master-key rotation: a new version, then every data key and secret re-wrapped in batches while
//! the server keeps serving; retired versions are refused afterwards.

use privet_crypto::WrappedKey;
use privet_store::{Op, WriteUnit};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::keys::{dek_context, secret_context};
use privet_types::AuditAction;

/// What a rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// The version everything is now wrapped under.
    pub version: u32,
    /// Data keys re-wrapped.
    pub data_keys: u64,
    /// Secrets re-wrapped.
    pub secrets: u64,
}

impl Vault {
    /// Re-wraps every data key and secret not under the active version, `batch` keys per commit.
    /// Call after the provider gained a version. `progress` hears the running count.
    pub async fn rewrap_all(
        &self,
        actor: &Actor,
        batch: i64,
        mut progress: impl FnMut(u64),
    ) -> Result<RotationReport> {
        let ring = self.keys.reload()?;
        let target = ring.active_version();
        let mut report = RotationReport {
            version: target,
            ..Default::default()
        };
        let mut start = self.draft(actor, AuditAction::KeyRotateStart);
        start.reason = Some(format!("version={target}"));
        self.store
            .commit(WriteUnit {
                ops: Vec::new(),
                audit: vec![start],
            })
            .await?;
        for row in self.store.secrets().await? {
            if row.kek_version == target {
                continue;
            }
            let ctx = secret_context(&row.name);
            let key = self.keys.unwrap(
                &WrappedKey {
                    kek_version: row.kek_version,
                    bytes: row.wrapped.clone(),
                },
                &ctx,
            )?;
            let w = ring.wrap(&key, &ctx)?;
            self.store
                .commit(WriteUnit {
                    ops: vec![Op::RewrapSecret {
                        name: row.name.clone(),
                        from: row.kek_version,
                        to: w.kek_version,
                        wrapped: w.bytes,
                    }],
                    audit: Vec::new(),
                })
                .await?;
            report.secrets += 1;
        }
        loop {
            // Serving nodes pick the new version up within a second; keys they wrapped meanwhile
            // show up in a later pass.
            let rows = self.store.deks_not_under(target, batch.max(1)).await?;
            if rows.is_empty() {
                break;
            }
            let mut ops = Vec::with_capacity(rows.len());
            for (subject, dek) in &rows {
                let key = self.keys.unwrap_dek(subject, dek)?;
                let w = ring.wrap(&key, &dek_context(subject))?;
                ops.push(Op::RewrapDek {
                    subject: subject.clone(),
                    from: dek.kek_version,
                    to: w.kek_version,
                    wrapped: w.bytes,
                });
            }
            let out = self
                .store
                .commit(WriteUnit {
                    ops,
                    audit: Vec::new(),
                })
                .await?;
            report.data_keys += out.rows;
            progress(report.data_keys);
        }
        let mut done = self.draft(actor, AuditAction::KeyRotateFinish);
        done.reason = Some(format!(
            "version={target} data_keys={} secrets={}",
            report.data_keys, report.secrets
        ));
        self.store
            .commit(WriteUnit {
                ops: Vec::new(),
                audit: vec![done],
            })
            .await?;
        Ok(report)
    }

    /// Checks that nothing is wrapped under `version` any more, so it may be retired.
    pub async fn ensure_unused(&self, version: u32) -> Result<()> {
        let n = self.store.count_under(version).await?;
        if n > 0 {
            return Err(VaultError::BadRequest(format!(
                "master-key version {version} still wraps {n} keys; run `privet keys rotate` first"
            )));
        }
        Ok(())
    }

    /// Records a retirement in the audit chain.
    pub async fn audit_retire(&self, actor: &Actor, version: u32) -> Result<()> {
        let mut d = self.draft(actor, AuditAction::KeyRetire);
        d.reason = Some(format!("version={version}"));
        self.store
            .commit(WriteUnit {
                ops: Vec::new(),
                audit: vec![d],
            })
            .await?;
        Ok(())
    }
}
