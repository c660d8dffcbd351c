//! Rows as the store hands them out. Values are sealed bytes; nothing here is plaintext.

use jiff::Timestamp;
use jiff::civil::Date;
use privet_types::{ConsentSource, FieldName, RequestKind, RequestStatus, SubjectId};

/// A data key as kept in the key store: wrapped by a master-key version.
#[derive(Clone)]
pub struct DekRow {
    /// Master-key version that wraps it.
    pub kek_version: u32,
    /// Wrapped key bytes.
    pub wrapped: Vec<u8>,
}

impl std::fmt::Debug for DekRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DekRow")
            .field("kek_version", &self.kek_version)
            .finish_non_exhaustive()
    }
}

/// One stored field of a subject.
#[derive(Debug, Clone)]
pub struct FieldRow {
    /// Field name chosen by the client (`email`).
    pub name: String,
    /// Data category (`contact.email`).
    pub category: String,
    /// Random id bound into the AAD of the sealed value.
    pub record_id: Vec<u8>,
    /// Nonce, ciphertext and tag.
    pub sealed: Vec<u8>,
    /// When the business collected the value (ms since the epoch), if told.
    pub collected_at: Option<i64>,
    /// Where the value came from, if told.
    pub source: Option<String>,
    /// When the field was last written (ms since the epoch).
    pub updated_at: i64,
}

/// A subject with its data key and fields.
#[derive(Debug, Clone)]
pub struct SubjectRecord {
    /// The subject id.
    pub id: SubjectId,
    /// Creation time (ms since the epoch).
    pub created_at: i64,
    /// Its data key, absent once destroyed.
    pub dek: Option<DekRow>,
    /// Its fields, ordered by name.
    pub fields: Vec<FieldRow>,
    /// Whether it restricted processing.
    pub restricted: bool,
}

/// A token with what is needed to open its value.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Token kind (`card_number`, `generic`).
    pub kind: String,
    /// The subject it belongs to, if any.
    pub subject_id: Option<SubjectId>,
    /// Sealed value.
    pub sealed: Vec<u8>,
    /// The subject's data key; `None` for a subject-bound token means the subject was erased.
    pub dek: Option<DekRow>,
    /// Whether its subject restricted processing.
    pub restricted: bool,
}

/// A stored API key (its keyed hash only).
#[derive(Debug, Clone)]
pub struct ApiKeyRow {
    /// Public id, the middle part of the key.
    pub id: String,
    /// Keyed hash of the whole key.
    pub hash: Vec<u8>,
    /// Role the key acts as.
    pub role: String,
    /// Free label.
    pub label: Option<String>,
    /// Creation time (ms).
    pub created_at: i64,
    /// Revocation time (ms), if revoked.
    pub revoked_at: Option<i64>,
}

/// A long-lived secret (blind-index key, audit key...) wrapped by a master-key version.
#[derive(Clone)]
pub struct SecretRow {
    /// Secret name.
    pub name: String,
    /// Master-key version that wraps it.
    pub kek_version: u32,
    /// Wrapped bytes.
    pub wrapped: Vec<u8>,
}

impl std::fmt::Debug for SecretRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretRow")
            .field("name", &self.name)
            .field("kek_version", &self.kek_version)
            .finish_non_exhaustive()
    }
}

/// One entry of the consent ledger: a grant or a withdrawal, as it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEntry {
    /// Its place in the subject's ledger, from 1.
    pub n: i64,
    /// Purpose.
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// When the customer gave or withdrew it.
    pub at: Timestamp,
    /// The channel that captured it.
    pub source: ConsentSource,
    /// Version of the notice the customer saw.
    pub notice_version: Option<String>,
    /// Who recorded it: an API key id, a staff id, or `cli`.
    pub recorded_by: String,
}

/// Consent state of a subject for a purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRow {
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// When (ms).
    pub at: i64,
    /// Where the consent was captured.
    pub source: String,
    /// Version of the notice shown.
    pub notice_version: Option<String>,
}

/// A customer's request, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    /// Its id (`req_...`).
    pub id: String,
    /// The subject it is about (possibly one privet holds nothing for).
    pub subject: SubjectId,
    /// What is asked.
    pub kind: RequestKind,
    /// The regulation it is made under, whose rules set the deadline.
    pub regulation: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// Whether the customer's identity was verified.
    pub verified: bool,
    /// How it was verified (`email_link`, `id_document`, ...).
    pub verify_method: Option<String>,
    /// Who recorded the verification.
    pub verified_by: Option<String>,
    /// When it was received (the deadline runs from it).
    pub received_at: Timestamp,
    /// Its last day, in the organisation's time zone.
    pub due_on: Date,
    /// The moment it becomes overdue (the end of `due_on` there).
    pub due_at: Timestamp,
    /// Extensions taken.
    pub extensions: u32,
    /// The reason of the last extension or of the refusal.
    pub reason: Option<String>,
    /// Who entered it.
    pub created_by: String,
    /// When it was entered.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was completed or rejected.
    pub closed_at: Option<Timestamp>,
}

/// A legal hold on a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldRow {
    /// Its id (`hold_...`).
    pub id: String,
    /// The subject held.
    pub subject: SubjectId,
    /// Why (a matter, a litigation reference).
    pub reason: String,
    /// Who placed it.
    pub created_by: String,
    /// When.
    pub created_at: Timestamp,
    /// When it ends by itself, if it does.
    pub until: Option<Timestamp>,
    /// When it was lifted.
    pub lifted_at: Option<Timestamp>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
}

impl HoldRow {
    /// Whether it blocks erasure at `now`.
    pub fn active(&self, now: Timestamp) -> bool {
        self.lifted_at.is_none() && self.until.is_none_or(|u| u > now)
    }
}

/// Where an erasure notice to a vendor stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// Acknowledged by the vendor (a 2xx answer).
    Delivered,
    /// Given up after the last attempt; a person may retry it.
    Failed,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status a stored name stands for.
    pub fn from_name(name: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// An erasure notice to one vendor, in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    /// Its id (`dlv_...`), sent as the idempotency key.
    pub id: String,
    /// The vendor's name in privet.toml.
    pub vendor: String,
    /// The erased subject.
    pub subject: SubjectId,
    /// The erase request it answers, if one.
    pub request: Option<String>,
    /// When the subject was erased.
    pub erased_at: Timestamp,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// When the next attempt is due.
    pub next_at: Timestamp,
    /// What went wrong last (a status code or a connection error; never a body).
    pub last_error: Option<String>,
    /// When it was queued, or put back in the outbox by a person: its age counts from here.
    pub created_at: Timestamp,
    /// When it was delivered or given up.
    pub done_at: Option<Timestamp>,
}

/// One field as retention sees it: no value, only what its rule needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetainedField {
    /// Field name.
    pub name: FieldName,
    /// Category.
    pub category: String,
    /// When it was collected, if told.
    pub collected_at: Option<Timestamp>,
    /// When privet last wrote it.
    pub written_at: Timestamp,
}

/// A subject as retention sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionFacts {
    /// The subject.
    pub subject: SubjectId,
    /// When privet first stored it.
    pub created_at: Timestamp,
    /// Its fields.
    pub fields: Vec<RetainedField>,
    /// The last event of each kind.
    pub events: std::collections::BTreeMap<String, Timestamp>,
    /// Whether an active legal hold stands at the time asked.
    pub held: bool,
}

/// What a purge run did under one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgeReceipt {
    /// Its id (`prg_...`).
    pub id: String,
    /// The rule.
    pub rule: String,
    /// The rule's owner then.
    pub owner: String,
    /// When the run started.
    pub started_at: Timestamp,
    /// When it finished.
    pub finished_at: Timestamp,
    /// Fields deleted.
    pub fields: u64,
    /// Subjects erased (by the rule's action, or left with nothing).
    pub subjects_erased: u64,
    /// Subjects a legal hold kept.
    pub held: u64,
    /// Fields deleted by category.
    pub by_category: std::collections::BTreeMap<String, u64>,
}

/// Counts by category as stored: `category=n` joined by commas (category names hold neither).
pub(crate) fn encode_counts(counts: &std::collections::BTreeMap<String, u64>) -> String {
    counts
        .iter()
        .map(|(c, n)| format!("{c}={n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The counts [`encode_counts`] wrote; `None` if the text is not its form.
pub(crate) fn decode_counts(text: &str) -> Option<std::collections::BTreeMap<String, u64>> {
    text.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (c, n) = p.split_once('=')?;
            Some((c.to_owned(), n.parse().ok()?))
        })
        .collect()
}
