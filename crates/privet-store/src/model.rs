//! Rows as the store hands them out. Values are sealed bytes; nothing here is plaintext.

use privet_types::SubjectId;

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
