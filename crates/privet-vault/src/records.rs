//! Subjects' records: store sealed fields, read them through the policy, find them by blind
//! index, erase them by destroying their key.

use privet_crypto::{SecretKey, mac, open, random_bytes, seal};
use privet_store::{Op, StoreError, WriteUnit};
use privet_types::policy::{DenyReason, Operation, Policy, Unjustified};
use privet_types::{
    AccessRequest, ConsentState, Decision, FieldName, MaskStyle, Sensitivity, SubjectId, mask_value,
};

use crate::access::{Reach, count_misses};
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::keys::dek_context;
use crate::{Vault, ids};
use privet_types::{AuditAction, AuditDecision};

/// A field to store.
#[derive(Debug, Clone)]
pub struct FieldInput {
    /// Field name (`email`).
    pub name: String,
    /// Data category (`contact.email`).
    pub category: String,
    /// The value.
    pub value: String,
    /// When the business collected it.
    pub collected_at: Option<jiff::Timestamp>,
    /// Where it came from.
    pub source: Option<String>,
}

/// What a read shows of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldOutcome {
    /// The value in clear.
    Value(String),
    /// A masked rendering.
    Masked(String),
    /// Not shown; the reason code and sentence.
    Withheld {
        /// Stable code.
        code: &'static str,
        /// Sentence.
        reason: String,
    },
}

/// One field of a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldView {
    /// Field name.
    pub name: String,
    /// Category.
    pub category: String,
    /// What is shown.
    pub outcome: FieldOutcome,
}

/// A subject as a purpose may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectView {
    /// Subject id.
    pub subject: SubjectId,
    /// Fields by name.
    pub fields: Vec<FieldView>,
}

/// Proof of an erasure: ids and times only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReceipt {
    /// The erased subject.
    pub subject: SubjectId,
    /// When.
    pub erased_at: jiff::Timestamp,
    /// Sequence number of the audit entry recording it.
    pub audit_seq: i64,
    /// After this no copy of the subject's values can be read: key-store backups taken before
    /// the erasure hold its key, and they are kept (and restorable) for `[backups]
    /// keys_keep_for`; data backups hold no keys.
    pub unreadable_after: Option<jiff::Timestamp>,
}

fn put_len(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// AAD of a field value: binds subject, field name and record id, so a ciphertext moved to
/// another row, field or version fails to open.
pub(crate) fn field_aad(subject: &str, name: &str, record_id: &[u8]) -> Vec<u8> {
    let mut aad = b"privet/field/v1".to_vec();
    put_len(&mut aad, subject.as_bytes());
    put_len(&mut aad, name.as_bytes());
    put_len(&mut aad, record_id);
    aad
}

/// Which lookup key a category is indexed under, and the normalised form of a value.
pub(crate) fn lookup_kind(category: &str) -> Option<&'static str> {
    match category {
        "contact.email" => Some("email"),
        "contact.phone" => Some("phone"),
        _ => None,
    }
}

pub(crate) fn normalize(kind: &str, value: &str) -> String {
    match kind {
        "email" => value.trim().to_lowercase(),
        "phone" => value.chars().filter(char::is_ascii_digit).collect(),
        _ => value.to_owned(),
    }
}

pub(crate) fn blind_index(key: &SecretKey, kind: &str, value: &str) -> Vec<u8> {
    mac(key, kind.as_bytes(), normalize(kind, value).as_bytes()).to_vec()
}

/// Checks the fields of a write and returns their names, checked.
fn validate_fields(policy: &Policy, fields: &[FieldInput]) -> Result<Vec<FieldName>> {
    if fields.is_empty() {
        return Err(VaultError::BadRequest(
            "fields: at least one field is required".into(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut names = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        let name = FieldName::parse(&f.name)
            .map_err(|e| VaultError::BadRequest(format!("fields[{i}].name: {e}")))?;
        if !seen.insert(f.name.as_str()) {
            return Err(VaultError::BadRequest(format!(
                "fields[{i}].name: '{}' appears twice",
                ids::shown(&f.name)
            )));
        }
        if policy.category(&f.category).is_none() {
            return Err(VaultError::BadRequest(format!(
                "fields[{i}].category: '{}' is not a known data category",
                ids::shown(&f.category)
            )));
        }
        if let Err(why) = policy.justifies(&f.category) {
            let category = ids::shown(&f.category);
            let message = match why {
                Unjustified::NoPurpose => format!(
                    "fields[{i}].category: no purpose uses '{category}' (no access rule in \
                     privet.toml allows or masks it), so privet does not collect it"
                ),
                Unjustified::NoRetention => format!(
                    "fields[{i}].category: no retention rule covers '{category}': declare one \
                     under [retention] in privet.toml (or set [policy] require_retention = false)"
                ),
            };
            return Err(VaultError::Unjustified {
                code: why.code(),
                message,
            });
        }
        if f.value.len() > ids::MAX_VALUE {
            return Err(VaultError::BadRequest(format!(
                "fields[{i}].value: longer than {} bytes",
                ids::MAX_VALUE
            )));
        }
        names.push(name);
    }
    Ok(names)
}

impl Vault {
    /// Refuses a write that would take the subject past `[limits] max_fields_per_subject` or
    /// `max_subject_bytes`: one subject must not be able to stall the writer or a read.
    async fn check_room(
        &self,
        subject: &SubjectId,
        fields: &[FieldInput],
        names: &[FieldName],
    ) -> Result<()> {
        let limits = self.policy().limits().clone();
        let too_many = |n: u64| {
            VaultError::LimitExceeded(format!(
                "fields: the subject would hold {n} fields, over [limits] max_fields_per_subject = {}",
                limits.max_fields_per_subject
            ))
        };
        let new_fields = fields.len() as u64;
        let max_fields = limits.max_fields_per_subject as u64;
        if new_fields > max_fields {
            return Err(too_many(new_fields));
        }
        // Sealing adds a fixed overhead per value; counted as stored.
        let new_bytes: u64 = fields
            .iter()
            .map(|f| (f.value.len() + privet_crypto::SEAL_OVERHEAD) as u64)
            .sum();
        let max_bytes = limits.max_subject_bytes as u64;
        let (count, bytes) = self.store.subject_usage(subject, &[]).await?;
        if count + new_fields <= max_fields && bytes + new_bytes <= max_bytes {
            return Ok(());
        }
        // Near a limit: fields of the same name are replaced, so count only the others.
        let names: Vec<&FieldName> = names.iter().collect();
        let (count, bytes) = self.store.subject_usage(subject, &names).await?;
        if count + new_fields > max_fields {
            return Err(too_many(count + new_fields));
        }
        if bytes + new_bytes > max_bytes {
            return Err(VaultError::LimitExceeded(format!(
                "fields: the subject would hold {} bytes, over [limits] max_subject_bytes = {max_bytes}",
                bytes + new_bytes
            )));
        }
        Ok(())
    }

    /// The subject's data key, unwrapped, if it has one.
    async fn existing_dek(&self, subject: &SubjectId) -> Result<Option<SecretKey>> {
        match self.store.dek(subject).await? {
            Some(row) => Ok(Some(self.keys.unwrap_dek(subject, &row)?)),
            None => Ok(None),
        }
    }

    /// The writes that seal `fields` (checked, named `names`) under a subject's data key.
    pub(crate) fn field_ops(
        &self,
        subject: &SubjectId,
        dek: &SecretKey,
        fields: &[FieldInput],
        names: &[FieldName],
        at: jiff::Timestamp,
    ) -> Result<Vec<Op>> {
        let mut ops = Vec::with_capacity(fields.len());
        for (f, name) in fields.iter().zip(names) {
            let record_id = random_bytes::<16>()?.to_vec();
            let sealed = seal(
                dek,
                &field_aad(subject.as_str(), &f.name, &record_id),
                f.value.as_bytes(),
            )?;
            let lookup = lookup_kind(&f.category)
                .map(|kind| blind_index(&self.secrets.blind_index, kind, &f.value));
            ops.push(Op::PutField {
                subject: subject.clone(),
                name: name.clone(),
                category: f.category.clone(),
                record_id,
                sealed,
                lookup,
                collected_at: f.collected_at,
                source: f.source.clone(),
                at,
            });
        }
        Ok(ops)
    }

    /// Rectification's writes: the corrected fields of an existing subject, checked like any
    /// write; with the names of the fields changed, never their values.
    pub(crate) async fn rectify_ops(
        &self,
        subject: &SubjectId,
        fields: &[FieldInput],
        at: jiff::Timestamp,
    ) -> Result<(Vec<Op>, Vec<String>)> {
        let names = validate_fields(&self.policy(), fields)?;
        self.check_room(subject, fields, &names).await?;
        let dek = self
            .existing_dek(subject)
            .await?
            .ok_or(VaultError::NotFound("subject"))?;
        let ops = self.field_ops(subject, &dek, fields, &names, at)?;
        Ok((ops, names.iter().map(|n| n.as_str().to_owned()).collect()))
    }

    /// Stores fields (replacing fields of the same name, keeping others) for a subject, creating
    /// it and its data key if new. Durable when this returns.
    pub async fn put_subject(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        fields: &[FieldInput],
    ) -> Result<()> {
        self.require(actor, Operation::Write, Some(subject.as_str()))
            .await?;
        let names = validate_fields(&self.policy(), fields)?;
        self.check_room(subject, fields, &names).await?;
        // A concurrent first write may create the key first; then seal again under the winner's key.
        for _ in 0..3 {
            let (dek, new_dek) = match self.existing_dek(subject).await? {
                Some(k) => (k, None),
                None => {
                    let k = SecretKey::generate()?;
                    let wrapped = self.keys.wrap(&k, &dek_context(subject))?;
                    (k, Some(wrapped))
                }
            };
            let at = self.clock.now();
            let mut ops = vec![Op::UpsertSubject {
                subject: subject.clone(),
                at,
            }];
            if let Some(w) = new_dek {
                ops.push(Op::InsertDek {
                    subject: subject.clone(),
                    kek_version: w.kek_version,
                    wrapped: w.bytes,
                    at,
                });
            }
            ops.extend(self.field_ops(subject, &dek, fields, &names, at)?);
            let mut draft = self.draft(actor, AuditAction::SubjectWrite);
            draft.subject = Some(subject.to_string());
            draft.categories = categories(fields.iter().map(|f| f.category.as_str()));
            match self
                .store
                .commit(WriteUnit {
                    ops,
                    audit: vec![draft],
                })
                .await
            {
                Err(StoreError::Conflict("data key")) => continue,
                other => {
                    other?;
                    return Ok(());
                }
            }
        }
        Err(VaultError::Conflict("data key"))
    }

    /// Audits an erasure a legal hold refused: the entry the erasure would have written, denied.
    pub(crate) async fn record_hold_refusal(
        &self,
        mut draft: privet_store::AuditDraft,
    ) -> Result<()> {
        draft.decision = AuditDecision::Deny;
        draft.reason = Some(match draft.reason.take() {
            Some(r) => format!("{r} legal_hold"),
            None => "legal_hold".into(),
        });
        self.record(draft).await
    }

    /// The consent state that a purpose's decision needs.
    pub(crate) async fn consent_state(
        &self,
        subject: &SubjectId,
        purpose: &str,
    ) -> Result<ConsentState> {
        let needs = self
            .policy()
            .purpose(purpose)
            .is_some_and(|p| p.consent_matters());
        if !needs {
            return Ok(ConsentState::Unknown);
        }
        Ok(match self.store.consent(subject, purpose).await? {
            Some(c) if c.granted => ConsentState::Granted,
            Some(_) => ConsentState::Withdrawn,
            None => ConsentState::Unknown,
        })
    }

    /// Reads a subject for a purpose: each field in clear, masked or withheld as the policy
    /// decides. The audit entry is durable before anything is returned. 403 when nothing at all
    /// may be shown, whether the subject exists or not; a miss is audited.
    pub async fn read_subject(
        &self,
        actor: &Actor,
        subject: &SubjectId,
        purpose: &str,
    ) -> Result<SubjectView> {
        let policy = self
            .may_read(
                actor,
                AuditAction::SubjectRead,
                purpose,
                Reach::Any,
                Some(subject.as_str()),
            )
            .await?;
        let result = self.read_checked(actor, &policy, subject, purpose).await;
        if let Err(VaultError::NotFound(_)) = &result {
            self.audit_misses(
                actor,
                AuditAction::SubjectRead,
                Some(purpose),
                Some(subject.as_str()),
                1,
            )
            .await?;
        }
        result
    }

    /// Reads many subjects for one purpose; each has its own result. The right to read is
    /// checked once for the batch, and its misses are audited in one entry.
    pub async fn read_subjects(
        &self,
        actor: &Actor,
        subjects: &[String],
        purpose: &str,
    ) -> Result<Vec<Result<SubjectView>>> {
        self.check_batch(subjects.len())?;
        let policy = self
            .may_read(actor, AuditAction::SubjectRead, purpose, Reach::Any, None)
            .await?;
        // A few at a time, and no more once the answer has reached `max_read_bytes`: a batch of
        // large subjects must not hold its whole answer, and more, in memory at once.
        let budget = policy.limits().max_read_bytes;
        let mut used = 0usize;
        let mut results = Vec::with_capacity(subjects.len());
        for chunk in subjects.chunks(READ_CONCURRENCY) {
            if used >= budget {
                results.extend(chunk.iter().map(|_| Err(over_budget(budget))));
                continue;
            }
            let read = futures_util::future::join_all(chunk.iter().map(|s| async {
                let subject = SubjectId::parse(s)?;
                self.read_checked(actor, &policy, &subject, purpose).await
            }))
            .await;
            for r in read {
                match r {
                    Ok(view) if used >= budget => {
                        drop(view);
                        results.push(Err(over_budget(budget)));
                    }
                    Ok(view) => {
                        used += view_bytes(&view);
                        results.push(Ok(view));
                    }
                    Err(e) => results.push(Err(e)),
                }
            }
        }
        self.audit_misses(
            actor,
            AuditAction::SubjectRead,
            Some(purpose),
            None,
            count_misses(&results),
        )
        .await?;
        Ok(results)
    }

    /// A read once the purpose and the caller's right to read were checked.
    async fn read_checked(
        &self,
        actor: &Actor,
        policy: &Policy,
        subject: &SubjectId,
        purpose: &str,
    ) -> Result<SubjectView> {
        let record = self
            .store
            .subject(subject)
            .await?
            .ok_or(VaultError::NotFound("subject"))?;
        let consent = self.consent_state(subject, purpose).await?;
        let dek = match &record.dek {
            Some(row) => Some(self.keys.unwrap_dek(subject, row)?),
            None => None,
        };
        let mut fields = Vec::with_capacity(record.fields.len());
        let mut shown = Vec::new();
        let mut denied = Vec::new();
        let rules = &policy.rights().retention;
        // Events only matter, and are only read, when the policy has retention rules.
        let events = if rules.is_empty() {
            std::collections::BTreeMap::new()
        } else {
            self.store.subject_events(subject).await?
        };
        let now = self.now();
        let created_at = jiff::Timestamp::from_millisecond(record.created_at).unwrap_or(now);
        for f in &record.fields {
            let decision = if expired(rules, f, created_at, &events, now) {
                Decision::Deny(DenyReason::RetentionExpired)
            } else {
                policy.decide(&AccessRequest {
                    role: &actor.role,
                    purpose,
                    category: &f.category,
                    consent,
                    training: actor.training,
                    restricted: record.restricted,
                })
            };
            let outcome = match (decision, &dek) {
                (Decision::Deny(reason), _) => {
                    denied.push(reason.code());
                    FieldOutcome::Withheld {
                        code: reason.code(),
                        reason: reason.to_string(),
                    }
                }
                (_, None) => return Err(VaultError::NotFound("subject")),
                (d, Some(dek)) => {
                    let plain = open(
                        dek,
                        &field_aad(subject.as_str(), &f.name, &f.record_id),
                        &f.sealed,
                    )?;
                    let text = String::from_utf8_lossy(&plain).into_owned();
                    shown.push(f.category.as_str());
                    if d == Decision::Allow {
                        FieldOutcome::Value(text)
                    } else {
                        let style = policy
                            .category(&f.category)
                            .map_or(MaskStyle::Generic, |c| c.masking());
                        FieldOutcome::Masked(mask_value(style, &text))
                    }
                }
            };
            fields.push(FieldView {
                name: f.name.clone(),
                category: f.category.clone(),
                outcome,
            });
        }
        let mut draft = self.draft(actor, AuditAction::SubjectRead);
        draft.purpose = Some(purpose.to_owned());
        draft.subject = Some(subject.to_string());
        draft.categories = categories(record.fields.iter().map(|f| f.category.as_str()));
        draft.decision = match (shown.is_empty(), denied.is_empty()) {
            (false, true) => AuditDecision::Allow,
            (false, false) => AuditDecision::Partial,
            (true, false) => AuditDecision::Deny,
            (true, true) => AuditDecision::Ok,
        };
        denied.sort_unstable();
        denied.dedup();
        let mut reason: Vec<String> = denied.iter().map(|c| (*c).to_owned()).collect();
        // Special categories depend on the reader's training: the entry records what it was.
        let special = record.fields.iter().any(|f| {
            policy
                .category(&f.category)
                .is_some_and(|c| c.sensitivity() == Sensitivity::Special)
        });
        if special {
            reason.push(format!("training={}", actor.training.code()));
        }
        if !reason.is_empty() {
            draft.reason = Some(reason.join(","));
        }
        let all_denied = shown.is_empty() && !denied.is_empty();
        self.record(draft).await?;
        if all_denied {
            let first = fields.iter().find_map(|f| match &f.outcome {
                FieldOutcome::Withheld { code, reason } => Some((*code, reason.clone())),
                _ => None,
            });
            let (code, message) =
                first.unwrap_or(("no_rule", "No policy rule allows this access.".into()));
            return Err(VaultError::Forbidden {
                code: code.to_owned(),
                message,
            });
        }
        Ok(SubjectView {
            subject: subject.clone(),
            fields,
        })
    }

    /// Subjects whose `email` or `phone` matches, found by blind index without decrypting anything.
    pub async fn lookup(
        &self,
        actor: &Actor,
        kind: &str,
        value: &str,
        purpose: &str,
    ) -> Result<Vec<SubjectId>> {
        if !matches!(kind, "email" | "phone") {
            return Err(VaultError::BadRequest(
                "lookup is by 'email' or 'phone'".into(),
            ));
        }
        let category = if kind == "email" {
            "contact.email"
        } else {
            "contact.phone"
        };
        // The same pre-check as every read: refused, and audited, before anything is looked up.
        let policy = self
            .may_read(
                actor,
                AuditAction::SubjectLookup,
                purpose,
                Reach::One(category),
                None,
            )
            .await?;
        let matches = self
            .store
            .subjects_by_lookup(&blind_index(&self.secrets.blind_index, kind, value), 100)
            .await?;
        // The same decision as a read of each match: a subject the purpose may not read (no
        // consent, for one) is not named.
        let mut found = Vec::with_capacity(matches.len());
        for subject in matches {
            let consent = self.consent_state(&subject, purpose).await?;
            let decision = policy.decide(&AccessRequest {
                role: &actor.role,
                purpose,
                category,
                consent,
                training: actor.training,
                restricted: self.store.restricted(&subject).await?,
            });
            if !matches!(decision, Decision::Deny(_)) {
                found.push(subject);
            }
        }
        let mut draft = self.draft(actor, AuditAction::SubjectLookup);
        draft.purpose = Some(purpose.to_owned());
        draft.categories = vec![category.to_owned()];
        draft.decision = if found.is_empty() {
            AuditDecision::Miss
        } else {
            AuditDecision::Allow
        };
        draft.reason = Some(format!("matches={}", found.len()));
        self.record(draft).await?;
        Ok(found)
    }

    /// Erases a subject: its data key is destroyed and its row deleted in one commit, with the
    /// erasure ledger and audit entry; its other rows are purged in the background. The work is
    /// the same whatever the subject holds.
    pub async fn erase_subject(&self, actor: &Actor, subject: &SubjectId) -> Result<EraseReceipt> {
        self.require(actor, Operation::Erase, Some(subject.as_str()))
            .await?;
        let mut draft = self.draft(actor, AuditAction::SubjectErase);
        draft.subject = Some(subject.to_string());
        let at = draft.at;
        let held = self.categories_to_notify(subject).await?;
        let mut ops = vec![Op::EraseSubject {
            subject: subject.clone(),
            at,
            by: actor.id.clone(),
        }];
        ops.extend(self.vendor_notices(subject, &held, None, at)?);
        let refused = draft.clone();
        let outcome = match self
            .store
            .commit(WriteUnit {
                ops,
                audit: vec![draft],
            })
            .await
        {
            Ok(o) => o,
            Err(StoreError::NotFound(_)) => return Err(VaultError::NotFound("subject")),
            Err(StoreError::LegalHold(reason)) => {
                self.record_hold_refusal(refused).await?;
                return Err(VaultError::LegalHold(reason));
            }
            Err(other) => return Err(other.into()),
        };
        Ok(EraseReceipt {
            subject: subject.clone(),
            unreadable_after: self.policy().rights().unreadable_after(at),
            erased_at: at,
            audit_seq: outcome.audit_seqs.first().copied().unwrap_or(0),
        })
    }
}

/// Whether a field's retention period has ended (expired, due for purge, or kept only by a
/// legal hold): then no purpose reads it.
fn expired(
    rules: &[privet_types::retention::RetentionRule],
    f: &privet_store::FieldRow,
    created_at: jiff::Timestamp,
    events: &std::collections::BTreeMap<String, jiff::Timestamp>,
    now: jiff::Timestamp,
) -> bool {
    use privet_types::retention::Fate;
    !rules.is_empty()
        && matches!(
            stored_fate(rules, f, created_at, events, now),
            Fate::Expired { .. } | Fate::Purge { .. } | Fate::Held(_)
        )
}

/// Where a stored field stands under `rules` at `now`, holds aside (reads and restores ask;
/// purges ask with the hold).
pub(crate) fn stored_fate<'r>(
    rules: &'r [privet_types::retention::RetentionRule],
    f: &privet_store::FieldRow,
    created_at: jiff::Timestamp,
    events: &std::collections::BTreeMap<String, jiff::Timestamp>,
    now: jiff::Timestamp,
) -> privet_types::retention::Fate<'r> {
    use privet_types::retention::{FieldFacts, SubjectFacts, fate};
    let field = FieldFacts {
        name: &f.name,
        category: &f.category,
        collected_at: f
            .collected_at
            .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
        written_at: jiff::Timestamp::from_millisecond(f.updated_at).unwrap_or(now),
    };
    let subject = SubjectFacts {
        created_at,
        events,
        held: false,
    };
    fate(rules, field, subject, now)
}

/// Subjects a batch read opens at once.
const READ_CONCURRENCY: usize = 8;

fn over_budget(budget: usize) -> VaultError {
    VaultError::LimitExceeded(format!(
        "not read: the batch's answer reached [limits] max_read_bytes = {budget}; read this subject in another request"
    ))
}

/// Bytes of values a read returns.
fn view_bytes(view: &SubjectView) -> usize {
    view.fields
        .iter()
        .map(|f| match &f.outcome {
            FieldOutcome::Value(v) | FieldOutcome::Masked(v) => v.len(),
            FieldOutcome::Withheld { reason, .. } => reason.len(),
        })
        .sum()
}

fn categories<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = it.map(str::to_owned).collect();
    v.sort();
    v.dedup();
    v
}
