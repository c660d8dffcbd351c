//! The answer to an access or portability request: everything privet holds about the subject,
//! decrypted under the built-in purpose of answering requests (legal basis: legal obligation),
//! with the consent history, what the data is used for and the subject's own audit trail.

use jiff::Timestamp;
use privet_crypto::open;
use privet_store::{AuditEntry, ConsentEntry, RequestRow};
use privet_types::policy::{AccessRequest, ConsentState, Decision, Operation, Training};
use privet_types::{AuditAction, AuditDecision, RequestKind, RequestStatus};

use crate::Vault;
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::records::field_aad;

/// The purpose under which exports are decrypted and audited; not declared in privet.toml.
pub const REQUEST_PURPOSE: &str = "answer_request";

/// Most audit entries of the subject an export carries (the newest).
const MAX_AUDIT: i64 = 10_000;

/// One stored field, in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportField {
    /// Field name.
    pub name: String,
    /// Data category.
    pub category: String,
    /// The value.
    pub value: String,
    /// When the business collected it, if told.
    pub collected_at: Option<Timestamp>,
    /// Where it came from, if told.
    pub source: Option<String>,
}

/// A purpose the subject's data may be used for, under the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPurpose {
    /// Purpose name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Its legal basis.
    pub legal_basis: String,
    /// The subject's categories some role may read for it.
    pub categories: Vec<String>,
}

/// Everything an access or portability request is answered with.
#[derive(Debug, Clone)]
pub struct SubjectExport {
    /// The request answered.
    pub request: RequestRow,
    /// When the export was made.
    pub generated_at: Timestamp,
    /// The organisation (`[organization] name`).
    pub organization: String,
    /// Whether privet holds anything for the subject.
    pub held: bool,
    /// Every stored field.
    pub fields: Vec<ExportField>,
    /// The consent ledger.
    pub consent: Vec<ConsentEntry>,
    /// What the data is used for.
    pub purposes: Vec<ExportPurpose>,
    /// The subject's audit trail, oldest first.
    pub audit: Vec<AuditEntry>,
}

impl Vault {
    /// The export for an access or portability request whose customer's identity is verified;
    /// audited as a read under [`REQUEST_PURPOSE`].
    pub async fn export_for_request(&self, actor: &Actor, id: &str) -> Result<SubjectExport> {
        self.require(actor, Operation::Requests, None).await?;
        let request = self
            .store
            .request(id)
            .await?
            .ok_or(VaultError::NotFound("request"))?;
        if !matches!(request.kind, RequestKind::Access | RequestKind::Portability) {
            return Err(VaultError::WrongState(format!(
                "the request is for {}; only access and portability requests have an export",
                request.kind
            )));
        }
        if !request.verified || request.status == RequestStatus::Rejected {
            return Err(VaultError::WrongState(format!(
                "the request is {}{}; an export goes only to a verified customer",
                request.status,
                if request.verified {
                    ""
                } else {
                    " and not verified"
                }
            )));
        }
        let subject = &request.subject;
        let policy = self.policy();
        let record = self.store.subject(subject).await?;
        let mut fields = Vec::new();
        if let Some(record) = &record {
            let dek = match &record.dek {
                Some(row) => self.keys.unwrap_dek(subject, row)?,
                None => return Err(VaultError::NotFound("subject")),
            };
            for f in &record.fields {
                let plain = open(
                    &dek,
                    &field_aad(subject.as_str(), &f.name, &f.record_id),
                    &f.sealed,
                )?;
                fields.push(ExportField {
                    name: f.name.clone(),
                    category: f.category.clone(),
                    value: String::from_utf8_lossy(&plain).into_owned(),
                    collected_at: f
                        .collected_at
                        .and_then(|ms| Timestamp::from_millisecond(ms).ok()),
                    source: f.source.clone(),
                });
            }
        }
        let restricted = record.as_ref().is_some_and(|r| r.restricted);
        let consent =
            crate::consent::report(subject.clone(), self.store.consent_history(subject).await?);
        // A purpose counts when the subject's own consent state lets some role use a category.
        let consent_to = |purpose: &str| match consent.current.get(purpose) {
            Some(e) if e.granted => ConsentState::Granted,
            Some(_) => ConsentState::Withdrawn,
            None => ConsentState::Unknown,
        };
        let purposes = policy
            .purposes()
            .filter_map(|p| {
                let mut categories: Vec<String> = fields
                    .iter()
                    .map(|f| f.category.clone())
                    .filter(|c| {
                        policy.roles().any(|role| {
                            matches!(
                                policy.decide(&AccessRequest {
                                    role: role.name(),
                                    purpose: p.name(),
                                    category: c,
                                    consent: consent_to(p.name()),
                                    training: Training::Current,
                                    restricted,
                                }),
                                Decision::Allow | Decision::Mask
                            )
                        })
                    })
                    .collect();
                categories.sort();
                categories.dedup();
                (!categories.is_empty()).then(|| ExportPurpose {
                    name: p.name().to_owned(),
                    description: p.description().to_owned(),
                    legal_basis: p.legal_basis().to_string(),
                    categories,
                })
            })
            .collect();
        let audit = self.store.audit_for_subject(subject, MAX_AUDIT).await?;
        let mut draft = self.draft(actor, AuditAction::SubjectRead);
        draft.purpose = Some(REQUEST_PURPOSE.to_owned());
        draft.subject = Some(subject.to_string());
        let mut cats: Vec<String> = fields.iter().map(|f| f.category.clone()).collect();
        cats.sort();
        cats.dedup();
        draft.categories = cats;
        draft.decision = AuditDecision::Allow;
        draft.reason = Some(format!("request={} export", request.id));
        self.record(draft).await?;
        Ok(SubjectExport {
            generated_at: self.now(),
            organization: policy.rights().organization.clone(),
            held: record.is_some() || !consent.history.is_empty(),
            request,
            fields,
            consent: consent.history,
            purposes,
            audit,
        })
    }
}
