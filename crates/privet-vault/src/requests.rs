//! Customers' requests: entered with their regulation's deadline, moved through their states by
//! the pure rules of privet-types, every step audited in the commit that makes it.

use jiff::Timestamp;
use privet_crypto::random_bytes;
use privet_store::{Op, RequestFilter, RequestRow, WriteUnit};
use privet_types::deadline::{RegulationRule, end_of_day, local_date};
use privet_types::policy::{Operation, Rights};
use privet_types::{AuditAction, RequestKind, RequestStep, SubjectId, next_status};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::ids;
use crate::tokens::base32_id;

/// Longest reason or verification method accepted.
const MAX_NOTE: usize = 2000;

/// A request to enter.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The subject it is about; privet need not hold anything for it.
    pub subject: SubjectId,
    /// What is asked.
    pub kind: RequestKind,
    /// The regulation it is made under (`gdpr`, `ccpa`, or one of privet.toml).
    pub regulation: String,
    /// When it arrived, if before now (a letter entered later); the deadline runs from it.
    pub received_at: Option<Timestamp>,
}

/// What a step carries besides its name.
#[derive(Debug, Clone, Default)]
pub struct StepNote {
    /// For verify: how the identity was checked (`email_link`, `id_document`).
    pub method: Option<String>,
    /// For extend and reject: why (shown to the customer; kept with the request, not audited).
    pub reason: Option<String>,
    /// For completing a rectify request: the corrected fields.
    pub fields: Vec<crate::FieldInput>,
}

impl Vault {
    /// Enters a request with its due date.
    pub async fn create_request(&self, actor: &Actor, new: NewRequest) -> Result<RequestRow> {
        self.require(actor, Operation::Requests, Some(new.subject.as_str()))
            .await?;
        let policy = self.policy();
        let rights = policy.rights();
        let rule = regulation(rights, &new.regulation)?;
        let now = self.now();
        let received_at = new.received_at.map_or(now, crate::store_precision);
        if received_at > now {
            return Err(VaultError::BadRequest(
                "received_at: must not be in the future".into(),
            ));
        }
        let (due_on, due_at) = due(rule, rights, received_at, 0)?;
        let row = RequestRow {
            id: base32_id("req_", &random_bytes::<15>()?),
            subject: new.subject,
            kind: new.kind,
            regulation: rule.name.clone(),
            status: privet_types::RequestStatus::Received,
            verified: false,
            verify_method: None,
            verified_by: None,
            received_at,
            due_on,
            due_at,
            extensions: 0,
            reason: None,
            created_by: actor.id.clone(),
            created_at: now,
            updated_at: now,
            closed_at: None,
        };
        let mut draft = self.draft(actor, AuditAction::RequestCreate);
        draft.subject = Some(row.subject.to_string());
        draft.reason = Some(format!(
            "request={} kind={} regulation={} due={}",
            row.id, row.kind, row.regulation, row.due_on
        ));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::InsertRequest(row.clone())],
                audit: vec![draft],
            })
            .await?;
        Ok(row)
    }

    /// A request by id.
    pub async fn request(&self, actor: &Actor, id: &str) -> Result<RequestRow> {
        self.require(actor, Operation::Requests, None).await?;
        self.store
            .request(id)
            .await?
            .ok_or(VaultError::NotFound("request"))
    }

    /// Requests matching `filter`, by due time.
    pub async fn requests(&self, actor: &Actor, filter: &RequestFilter) -> Result<Vec<RequestRow>> {
        self.require(actor, Operation::Requests, None).await?;
        Ok(self.store.requests(filter).await?)
    }

    /// Takes `step` on a request: refused with its current state when the state does not allow
    /// it, or when the regulation allows no (further) extension.
    pub async fn step_request(
        &self,
        actor: &Actor,
        id: &str,
        step: RequestStep,
        note: StepNote,
    ) -> Result<RequestRow> {
        self.require(actor, Operation::Requests, None).await?;
        if step != RequestStep::Complete && !note.fields.is_empty() {
            return Err(VaultError::BadRequest(
                "fields: corrected fields go with the complete step".into(),
            ));
        }
        let old = self
            .store
            .request(id)
            .await?
            .ok_or(VaultError::NotFound("request"))?;
        let status = next_status(old.status, old.verified, step)
            .map_err(|e| VaultError::WrongState(e.to_string()))?;
        let policy = self.policy();
        let rights = policy.rights();
        let now = self.now();
        let mut row = old.clone();
        row.status = status;
        row.updated_at = now;
        match step {
            RequestStep::Verify => {
                row.verified = true;
                row.verify_method = Some(required(note.method, "method")?);
                row.verified_by = Some(actor.id.clone());
            }
            RequestStep::Extend => {
                let rule = regulation(rights, &old.regulation)?;
                let received = local_date(old.received_at, &rights.timezone);
                rule.may_extend(received, old.extensions, local_date(now, &rights.timezone))
                    .map_err(|why| {
                        VaultError::WrongState(format!("the request cannot be extended: {why}"))
                    })?;
                row.extensions = old.extensions + 1;
                (row.due_on, row.due_at) = due(rule, rights, old.received_at, row.extensions)?;
                row.reason = Some(required(note.reason, "reason")?);
            }
            RequestStep::Reject => {
                row.reason = Some(required(note.reason, "reason")?);
                row.closed_at = Some(now);
            }
            RequestStep::Complete => row.closed_at = Some(now),
            RequestStep::Start => {}
        }
        let mut draft = self.draft(actor, AuditAction::Request(step));
        draft.subject = Some(row.subject.to_string());
        // The free-text reason may name people; the audit says what changed, not why.
        draft.reason = Some(format!(
            "request={} status={} due={}",
            row.id, row.status, row.due_on
        ));
        let mut ops = vec![Op::UpdateRequest {
            row: row.clone(),
            expected: old.status,
        }];
        let mut audit = vec![draft];
        if step == RequestStep::Complete {
            self.carry_out(actor, &row, &note.fields, &mut ops, &mut audit)
                .await?;
            let vendors: Vec<&str> = ops
                .iter()
                .filter_map(|op| match op {
                    Op::EnqueueDelivery(d) => Some(d.vendor.as_str()),
                    _ => None,
                })
                .collect();
            if !vendors.is_empty() {
                // Done here; complete once every vendor has acknowledged (the outbox closes it).
                let waiting = format!(
                    "waiting for vendors to acknowledge the erasure: {}",
                    vendors.join(", ")
                );
                if let Some(Op::UpdateRequest { row: r, .. }) = ops.first_mut() {
                    r.status = privet_types::RequestStatus::InProgress;
                    r.closed_at = None;
                    r.reason = Some(waiting);
                    row = r.clone();
                }
            }
        }
        let erase_draft = audit
            .iter()
            .find(|d| d.action == AuditAction::SubjectErase)
            .cloned();
        match self.store.commit(WriteUnit { ops, audit }).await {
            Ok(_) => Ok(row),
            Err(privet_store::StoreError::Conflict(_)) => Err(VaultError::WrongState(
                "the request changed while this step was taken; read it again".into(),
            )),
            Err(privet_store::StoreError::LegalHold(reason)) => {
                if let Some(draft) = erase_draft {
                    self.record_hold_refusal(draft).await?;
                }
                Err(VaultError::LegalHold(reason))
            }
            Err(other) => Err(other.into()),
        }
    }
}

impl Vault {
    /// What completing a request does besides closing it, in the same commit: an erase request
    /// erases (refused while a legal hold stands), a restrict request restricts, an opt-out
    /// withdraws every sale-or-sharing purpose. A subject privet holds nothing for needs none.
    async fn carry_out(
        &self,
        actor: &Actor,
        row: &RequestRow,
        fields: &[crate::FieldInput],
        ops: &mut Vec<Op>,
        audit: &mut Vec<privet_store::AuditDraft>,
    ) -> Result<()> {
        if row.kind != RequestKind::Rectify && !fields.is_empty() {
            return Err(VaultError::BadRequest(
                "fields: only a rectify request carries corrected fields".into(),
            ));
        }
        if self.store.subject(&row.subject).await?.is_none() {
            if !fields.is_empty() {
                return Err(VaultError::BadRequest(
                    "fields: privet holds nothing for this subject, so nothing can be corrected"
                        .into(),
                ));
            }
            return Ok(());
        }
        let subject = row.subject.clone();
        let draft = |action| {
            let mut d = self.draft(actor, action);
            d.subject = Some(subject.to_string());
            d.reason = Some(format!("request={}", row.id));
            d
        };
        match row.kind {
            RequestKind::Erase => {
                let d = draft(AuditAction::SubjectErase);
                let held = self.categories_to_notify(&subject).await?;
                ops.push(Op::EraseSubject {
                    subject: subject.clone(),
                    at: d.at,
                    by: actor.id.clone(),
                });
                ops.extend(self.vendor_notices(&subject, &held, Some(&row.id), d.at)?);
                audit.push(d);
            }
            RequestKind::Restrict => {
                let d = draft(AuditAction::RestrictionSet);
                ops.push(Op::SetRestriction {
                    subject: subject.clone(),
                    request: Some(row.id.clone()),
                    at: d.at,
                    by: actor.id.clone(),
                });
                audit.push(d);
            }
            RequestKind::OptOut => {
                for change in self.opt_outs(privet_types::ConsentSource::Api) {
                    let mut d = draft(AuditAction::ConsentWithdraw);
                    d.purpose = Some(change.purpose.clone());
                    ops.push(Op::SetConsent {
                        subject: subject.clone(),
                        purpose: change.purpose,
                        granted: false,
                        at: d.at,
                        source: change.source,
                        notice_version: None,
                        recorded_by: actor.id.clone(),
                    });
                    audit.push(d);
                }
            }
            RequestKind::Rectify => {
                if fields.is_empty() {
                    return Err(VaultError::BadRequest(
                        "fields: completing a rectify request needs the corrected fields".into(),
                    ));
                }
                let mut d = draft(AuditAction::SubjectWrite);
                let (writes, names) = self.rectify_ops(&subject, fields, d.at).await?;
                ops.extend(writes);
                let mut cats: Vec<String> = fields.iter().map(|f| f.category.clone()).collect();
                cats.sort();
                cats.dedup();
                d.categories = cats;
                // Which fields changed, never their values.
                d.reason = Some(format!("request={} rectified={}", row.id, names.join(",")));
                audit.push(d);
            }
            RequestKind::Access | RequestKind::Portability => {}
        }
        Ok(())
    }
}

fn regulation<'a>(rights: &'a Rights, name: &str) -> Result<&'a RegulationRule> {
    rights.regulations.get(name).ok_or_else(|| {
        let known: Vec<&str> = rights.regulations.keys().map(String::as_str).collect();
        VaultError::BadRequest(format!(
            "regulation '{}' is not known: use {} (others are added under [regulations.NAME] in privet.toml)",
            ids::shown(name),
            known.join(", ")
        ))
    })
}

/// The due date and moment after `extensions` extensions.
fn due(
    rule: &RegulationRule,
    rights: &Rights,
    received_at: Timestamp,
    extensions: u32,
) -> Result<(jiff::civil::Date, Timestamp)> {
    let received = local_date(received_at, &rights.timezone);
    rule.due_date(received, extensions)
        .and_then(|d| Some((d, end_of_day(d, &rights.timezone)?)))
        .ok_or_else(|| VaultError::BadRequest("received_at: out of range".into()))
}

fn required(text: Option<String>, what: &str) -> Result<String> {
    match text {
        Some(t) if !t.trim().is_empty() && t.len() <= MAX_NOTE => Ok(t),
        _ => Err(VaultError::BadRequest(format!(
            "{what}: required, 1 to {MAX_NOTE} characters"
        ))),
    }
}
