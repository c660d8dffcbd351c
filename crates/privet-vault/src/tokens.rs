//! Tokens: a card number (or any value) swapped for a token that can be turned back only through
//! the vault, for a purpose the policy allows.
//!
//! Card tokens keep the card's length and, when configured, its first six and last four digits
//! (the most PCI DSS lets be shown); the digits between are random (or, for deterministic kinds,
//! derived from a keyed hash of the value) and the token is made to fail the Luhn check, so no
//! token is ever taken for a card number.

use futures_util::future::join_all;
use privet_crypto::{KeyedStream, mac, open, random_bytes, random_u64_below, seal};
use privet_store::{Op, StoreError, WriteUnit};
use privet_types::policy::Operation;
use privet_types::{
    AccessRequest, ConsentState, Decision, MaskStyle, SubjectId, checks, mask_value,
};

use crate::access::{Reach, count_misses};
use crate::apikeys::Actor;
use crate::error::{Result, VaultError};
use crate::records::FieldOutcome;
use crate::{Vault, ids};
use privet_types::{AuditAction, AuditDecision};

/// How tokens are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSettings {
    /// Leading card digits a card token keeps (at most 6).
    pub card_keep_first: usize,
    /// Trailing card digits a card token keeps (at most 4).
    pub card_keep_last: usize,
    /// Kinds whose tokens are deterministic: the same value gives the same token (for joins).
    pub deterministic: Vec<String>,
}

impl Default for TokenSettings {
    fn default() -> Self {
        TokenSettings {
            card_keep_first: 6,
            card_keep_last: 4,
            deterministic: Vec::new(),
        }
    }
}

/// The ASCII digits of a card number with spaces and dashes removed, if it is a plausible card
/// (12-19 digits passing Luhn).
pub fn card_digits(value: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(19);
    for c in value.chars() {
        match c {
            '0'..='9' => out.push(c as u8),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    ((12..=19).contains(&out.len()) && checks::luhn_valid(&out)).then_some(out)
}

/// How many leading and trailing digits a card token of `len` digits keeps: never so many that
/// fewer than six digits are left to vary.
pub fn card_token_shape(len: usize, settings: &TokenSettings) -> (usize, usize) {
    let last = settings.card_keep_last.min(4).min(len.saturating_sub(6));
    let first = settings
        .card_keep_first
        .min(6)
        .min(len.saturating_sub(6 + last));
    (first, last)
}

/// Builds a card token from the card's digits and a source of digits for the middle.
fn card_token(
    card: &[u8],
    settings: &TokenSettings,
    mut next_digit: impl FnMut() -> Result<u8>,
) -> Result<String> {
    let (first, last) = card_token_shape(card.len(), settings);
    let mut token = card.to_vec();
    for d in token.iter_mut().take(card.len() - last).skip(first) {
        *d = b'0' + next_digit()?;
    }
    if checks::luhn_valid(&token) {
        // Changing one digit always changes the Luhn sum modulo 10, so the token fails the check.
        let i = card.len() - last - 1;
        token[i] = b'0' + (token[i] - b'0' + 1) % 10;
    }
    Ok(token.iter().copied().map(char::from).collect())
}

fn category_of(kind: &str) -> String {
    if kind == "card_number" {
        "financial.card_number".to_owned()
    } else {
        kind.to_owned()
    }
}

fn token_aad(token: &str, kind: &str) -> Vec<u8> {
    let mut aad = b"privet/token/v1".to_vec();
    aad.extend_from_slice(&(token.len() as u32).to_be_bytes());
    aad.extend_from_slice(token.as_bytes());
    aad.extend_from_slice(kind.as_bytes());
    aad
}

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `prefix` followed by `bytes` in lower-case base32: the form of token and request ids.
pub(crate) fn base32_id(prefix: &str, bytes: &[u8]) -> String {
    let mut s = String::from(prefix);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            s.push(char::from(BASE32[((acc >> bits) & 31) as usize]));
        }
    }
    s
}

/// A tokenize request.
#[derive(Debug, Clone)]
pub struct TokenizeInput {
    /// `card_number`, or a data category name.
    pub kind: String,
    /// The value.
    pub value: String,
    /// The subject the value belongs to: its erasure makes the token useless.
    pub subject: Option<String>,
}

impl Vault {
    /// The card digits (for card tokens) and the subject, both checked.
    fn validate_token_input(
        &self,
        input: &TokenizeInput,
    ) -> Result<(Option<Vec<u8>>, Option<SubjectId>)> {
        let subject = input.subject.as_deref().map(SubjectId::parse).transpose()?;
        if input.value.is_empty() || input.value.len() > ids::MAX_VALUE {
            return Err(VaultError::BadRequest(format!(
                "value: must be 1 to {} bytes",
                ids::MAX_VALUE
            )));
        }
        if input.kind == "card_number" {
            let digits = card_digits(&input.value).ok_or_else(|| {
                VaultError::BadRequest(
                    "value: not a card number (12-19 digits passing the Luhn check)".into(),
                )
            })?;
            return Ok((Some(digits), subject));
        }
        if self.policy().category(&input.kind).is_none() {
            return Err(VaultError::BadRequest(format!(
                "kind: '{}' is neither card_number nor a known data category",
                ids::shown(&input.kind)
            )));
        }
        Ok((None, subject))
    }

    /// Turns a value into a token. Durable when this returns.
    pub async fn tokenize(&self, actor: &Actor, input: &TokenizeInput) -> Result<String> {
        self.require(actor, Operation::Tokenize, input.subject.as_deref())
            .await?;
        let (card, subject_id) = self.validate_token_input(input)?;
        let deterministic = self.tokens.deterministic.contains(&input.kind);
        let subject = subject_id.as_ref().map_or("", SubjectId::as_str);
        let (seal_key, owned_key);
        match &subject_id {
            Some(s) => {
                let row = self
                    .store
                    .dek(s)
                    .await?
                    .ok_or(VaultError::NotFound("subject"))?;
                owned_key = self.keys.unwrap_dek(s, &row)?;
                seal_key = &owned_key;
            }
            None => seal_key = &self.secrets.token,
        }
        let normalized: String = match &card {
            Some(d) => d.iter().copied().map(char::from).collect(),
            None => input.value.clone(),
        };
        let digest_input = [
            input.kind.as_bytes(),
            &[0],
            subject.as_bytes(),
            &[0],
            normalized.as_bytes(),
        ]
        .concat();
        let digest = deterministic
            .then(|| mac(&self.secrets.token, b"token-digest", &digest_input).to_vec());
        if let Some(d) = &digest
            && let Some(existing) = self.store.token_by_digest(d).await?
        {
            self.audit_token(
                actor,
                AuditAction::TokenCreate,
                input,
                AuditDecision::Ok,
                Some("existing"),
            )
            .await?;
            return Ok(existing);
        }
        for attempt in 0u32..8 {
            let token = self.make_token(&card, deterministic, &digest_input, attempt)?;
            let sealed = seal(
                seal_key,
                &token_aad(&token, &input.kind),
                normalized.as_bytes(),
            )?;
            let mut draft = self.token_draft(actor, AuditAction::TokenCreate, input);
            draft.decision = AuditDecision::Ok;
            let unit = WriteUnit {
                ops: vec![Op::InsertToken {
                    token: token.clone(),
                    kind: input.kind.clone(),
                    subject: subject_id.clone(),
                    sealed,
                    value_digest: digest.clone(),
                    at: draft.at,
                }],
                audit: vec![draft],
            };
            match self.store.commit(unit).await {
                Ok(_) => return Ok(token),
                Err(StoreError::Conflict(_)) => {
                    // Either the token collided with another value's, or a concurrent request
                    // tokenized the same value first (deterministic kinds): take its token.
                    if let Some(d) = &digest
                        && let Some(existing) = self.store.token_by_digest(d).await?
                    {
                        return Ok(existing);
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(VaultError::Conflict("token"))
    }

    fn make_token(
        &self,
        card: &Option<Vec<u8>>,
        deterministic: bool,
        digest_input: &[u8],
        attempt: u32,
    ) -> Result<String> {
        match (card, deterministic) {
            (Some(digits), false) => {
                // One call to the system generator per token, not one per digit.
                let pool = random_bytes::<32>()?;
                let mut bytes = pool.into_iter().filter(|b| *b < 250);
                card_token(digits, &self.tokens, || match bytes.next() {
                    Some(b) => Ok(b % 10),
                    None => Ok(random_u64_below(10)? as u8),
                })
            }
            (Some(digits), true) => {
                let seed = [&attempt.to_be_bytes(), digest_input].concat();
                let mut stream = KeyedStream::new(&self.secrets.token, b"token-digits", &seed);
                card_token(digits, &self.tokens, || Ok(stream.digit()))
            }
            (None, false) => Ok(base32_id("tok_", &random_bytes::<16>()?)),
            (None, true) => {
                let seed = [&attempt.to_be_bytes(), digest_input].concat();
                Ok(base32_id(
                    "tok_",
                    &mac(&self.secrets.token, b"token-generic", &seed)[..16],
                ))
            }
        }
    }

    fn token_draft(
        &self,
        actor: &Actor,
        action: AuditAction,
        input: &TokenizeInput,
    ) -> privet_store::AuditDraft {
        let mut draft = self.draft(actor, action);
        draft.subject = input.subject.clone();
        draft.categories = vec![category_of(&input.kind)];
        draft
    }

    async fn audit_token(
        &self,
        actor: &Actor,
        action: AuditAction,
        input: &TokenizeInput,
        decision: AuditDecision,
        reason: Option<&str>,
    ) -> Result<()> {
        let mut draft = self.token_draft(actor, action, input);
        draft.decision = decision;
        draft.reason = reason.map(str::to_owned);
        self.record(draft).await?;
        Ok(())
    }

    /// Tokenizes many values; each item has its own result. The commits share group commits.
    pub async fn tokenize_many(
        &self,
        actor: &Actor,
        items: &[TokenizeInput],
    ) -> Result<Vec<Result<String>>> {
        self.check_batch(items.len())?;
        Ok(join_all(items.iter().map(|i| self.tokenize(actor, i))).await)
    }

    /// Turns a token back into its value for a purpose, masked or refused as the policy decides.
    /// The audit entry is durable before the value is returned.
    pub async fn detokenize(
        &self,
        actor: &Actor,
        token: &str,
        purpose: &str,
    ) -> Result<FieldOutcome> {
        let result = self.detokenize_one(actor, token, purpose).await;
        if let Err(VaultError::NotFound(_)) = &result {
            self.audit_misses(actor, AuditAction::TokenDetokenize, Some(purpose), None, 1)
                .await?;
        }
        result
    }

    /// A detokenization whose miss the caller audits.
    async fn detokenize_one(
        &self,
        actor: &Actor,
        token: &str,
        purpose: &str,
    ) -> Result<FieldOutcome> {
        if token.is_empty() || token.len() > 128 {
            return Err(VaultError::BadRequest(
                "token: must be 1 to 128 characters".into(),
            ));
        }
        // A card token's category is known from its shape; a generic token's only once found.
        let card_category = category_of("card_number");
        let reach = if token.bytes().all(|b| b.is_ascii_digit()) {
            Reach::One(&card_category)
        } else {
            Reach::Any
        };
        let policy = self
            .may_read(actor, AuditAction::TokenDetokenize, purpose, reach, None)
            .await?;
        let row = self
            .store
            .token(token)
            .await?
            .ok_or(VaultError::NotFound("token"))?;
        let key_owned;
        let key = match (&row.subject_id, &row.dek) {
            (Some(s), Some(dek)) => {
                key_owned = self.keys.unwrap_dek(s, dek)?;
                &key_owned
            }
            // The owner was erased: its key is gone and so is the value.
            (Some(_), None) => return Err(VaultError::NotFound("token")),
            (None, _) => &self.secrets.token,
        };
        let category = category_of(&row.kind);
        let consent = match &row.subject_id {
            Some(s) => self.consent_state(s, purpose).await?,
            None => ConsentState::Unknown,
        };
        let decision = policy.decide(&AccessRequest {
            role: &actor.role,
            purpose,
            category: &category,
            consent,
            training: actor.training,
            restricted: row.restricted,
        });
        let mut draft = self.draft(actor, AuditAction::TokenDetokenize);
        draft.purpose = Some(purpose.to_owned());
        draft.subject = row.subject_id.as_ref().map(SubjectId::to_string);
        draft.categories = vec![category.clone()];
        let outcome = match decision {
            Decision::Deny(reason) => {
                draft.decision = AuditDecision::Deny;
                draft.reason = Some(reason.code().into());
                self.record(draft).await?;
                return Err(VaultError::Forbidden {
                    code: reason.code().into(),
                    message: reason.to_string(),
                });
            }
            d => {
                let plain = open(key, &token_aad(token, &row.kind), &row.sealed)?;
                let text = String::from_utf8_lossy(&plain).into_owned();
                if d == Decision::Allow {
                    draft.decision = AuditDecision::Allow;
                    FieldOutcome::Value(text)
                } else {
                    draft.decision = AuditDecision::Mask;
                    let style = policy
                        .category(&category)
                        .map_or(MaskStyle::Generic, |c| c.masking());
                    FieldOutcome::Masked(mask_value(style, &text))
                }
            }
        };
        self.record(draft).await?;
        Ok(outcome)
    }

    /// Detokenizes many `(token, purpose)` items; each has its own result, and the misses are
    /// audited in one entry.
    pub async fn detokenize_many(
        &self,
        actor: &Actor,
        items: &[(String, String)],
    ) -> Result<Vec<Result<FieldOutcome>>> {
        self.check_batch(items.len())?;
        let results = join_all(items.iter().map(|(t, p)| self.detokenize_one(actor, t, p))).await;
        let first = items.first().map(|(_, p)| p.as_str());
        let purpose = first.filter(|f| items.iter().all(|(_, p)| p == f));
        self.audit_misses(
            actor,
            AuditAction::TokenDetokenize,
            purpose,
            None,
            count_misses(&results),
        )
        .await?;
        Ok(results)
    }

    /// Refuses batches over the policy's limit.
    pub fn check_batch(&self, n: usize) -> Result<()> {
        let limit = self.policy().max_batch();
        if n > limit {
            return Err(VaultError::BatchTooLarge { got: n, limit });
        }
        if n == 0 {
            return Err(VaultError::BadRequest(
                "items: at least one item is required".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn digits(s: &str) -> Vec<u8> {
        s.bytes().collect()
    }

    #[test]
    fn luhn_known_values() {
        assert!(checks::luhn_valid(&digits("4111111111111111")));
        assert!(checks::luhn_valid(&digits("79927398713")));
        assert!(!checks::luhn_valid(&digits("4111111111111112")));
        assert!(card_digits("4111 1111-1111 1111").is_some());
        assert!(card_digits("4111111111111112").is_none());
        assert!(card_digits("41111111111a1111").is_none());
    }

    #[test]
    fn shapes_leave_room_to_vary() {
        let s = TokenSettings::default();
        assert_eq!(card_token_shape(16, &s), (6, 4));
        assert_eq!(card_token_shape(15, &s), (5, 4));
        assert_eq!(card_token_shape(12, &s), (2, 4));
        let none = TokenSettings {
            card_keep_first: 0,
            card_keep_last: 0,
            deterministic: vec![],
        };
        assert_eq!(card_token_shape(16, &none), (0, 0));
    }

    proptest! {
        #[test]
        fn card_tokens_keep_shape_and_never_pass_luhn(mut body in proptest::collection::vec(b'0'..=b'9', 11..19), seed in any::<u64>()) {
            // Make the input a valid card by choosing its check digit.
            body.push(b'0');
            for c in b'0'..=b'9' {
                let last = body.len() - 1;
                body[last] = c;
                if checks::luhn_valid(&body) { break; }
            }
            prop_assert!(checks::luhn_valid(&body));
            let s = TokenSettings::default();
            let mut state = seed;
            let token = card_token(&body, &s, || {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                Ok(((state >> 33) % 10) as u8)
            }).unwrap();
            let t = digits(&token);
            prop_assert_eq!(t.len(), body.len());
            prop_assert!(!checks::luhn_valid(&t));
            let (first, last) = card_token_shape(body.len(), &s);
            prop_assert_eq!(&t[..first], &body[..first]);
            prop_assert_eq!(&t[t.len() - last..], &body[body.len() - last..]);
        }
    }
}
