//! API keys: shown once, stored as keyed hashes, scoped to a role, revocable.

use privet_crypto::{api_key_hash, ct_eq, generate_api_key, parse_api_key};
use privet_store::{ApiKeyRow, Op, WriteUnit};
use privet_types::Training;

use crate::error::{Result, VaultError};
use crate::{Vault, ids};
use privet_types::AuditAction;

/// Who is acting: an API key's id and role, or a local operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Audit name: the API key id, or `cli`.
    pub id: String,
    /// Role in the policy.
    pub role: String,
    /// Privacy training, an input of every access decision (API keys and the operator: not
    /// applicable; staff accounts will carry their own).
    pub training: Training,
}

impl Actor {
    /// The local operator running a `privet` command on the host.
    pub fn operator() -> Actor {
        Actor {
            id: "cli".into(),
            role: "admin".into(),
            training: Training::NotApplicable,
        }
    }

    /// privet serve's own background work (the outbox), in the audit log as `privet`; it holds
    /// no role and so may do nothing a role is checked for.
    pub fn system() -> Actor {
        Actor {
            id: "privet".into(),
            role: String::new(),
            training: Training::NotApplicable,
        }
    }
}

/// The id part of a token that has an API key's shape; not proof that the key is genuine.
pub fn api_key_id(token: &str) -> Option<&str> {
    parse_api_key(token).map(|(id, _)| id)
}

impl Vault {
    /// Creates an API key for `role`; returns the key (shown once) and its id.
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        role: &str,
        label: Option<String>,
    ) -> Result<(String, String)> {
        if self.policy().role(role).is_none() {
            return Err(VaultError::BadRequest(format!(
                "role '{}' is not declared in the policy",
                ids::shown(role)
            )));
        }
        let key = generate_api_key()?;
        let hash = api_key_hash(&self.secrets.api_key, &key.secret).to_vec();
        let mut draft = self.draft(actor, AuditAction::ApiKeyCreate);
        draft.reason = Some(format!("role={role} key={}", key.id));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::InsertApiKey {
                    id: key.id.clone(),
                    hash,
                    role: role.to_owned(),
                    label,
                    at: draft.at,
                }],
                audit: vec![draft],
            })
            .await?;
        Ok((key.secret.clone(), key.id.clone()))
    }

    /// Revokes a key by id.
    pub async fn revoke_api_key(&self, actor: &Actor, id: &str) -> Result<()> {
        let mut draft = self.draft(actor, AuditAction::ApiKeyRevoke);
        draft.reason = Some(format!("key={id}"));
        self.store
            .commit(WriteUnit {
                ops: vec![Op::RevokeApiKey {
                    id: id.to_owned(),
                    at: draft.at,
                }],
                audit: vec![draft],
            })
            .await?;
        self.auth_cache.clear();
        Ok(())
    }

    /// Lists keys (hashes included; callers show ids, roles and dates only).
    pub async fn api_keys(&self) -> Result<Vec<ApiKeyRow>> {
        Ok(self.store.api_keys().await?)
    }

    /// The actor a bearer token stands for, if the token is a live key. The comparison of hashes
    /// is constant-time; a malformed, unknown or revoked key all give `None`.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Actor>> {
        let Some((id, _)) = parse_api_key(token) else {
            return Ok(None);
        };
        let presented = api_key_hash(&self.secrets.api_key, token);
        if let Some(actor) = self.auth_cache.get(&presented) {
            return Ok(Some(actor));
        }
        let Some(row) = self.store.api_key(id).await? else {
            return Ok(None);
        };
        if !ct_eq(&presented, &row.hash) || row.revoked_at.is_some() {
            return Ok(None);
        }
        let actor = Actor {
            id: row.id,
            role: row.role,
            training: Training::NotApplicable,
        };
        self.auth_cache.put(presented, actor.clone());
        Ok(Some(actor))
    }
}

/// Keys recently verified, by keyed hash, so a busy client does not cost a database read per
/// request. Entries live one second: a key revoked by another process stops working within it.
#[derive(Default)]
pub(crate) struct AuthCache {
    entries: std::sync::Mutex<std::collections::HashMap<[u8; 32], (Actor, std::time::Instant)>>,
}

const AUTH_TTL: std::time::Duration = std::time::Duration::from_secs(1);
const AUTH_CACHE_MAX: usize = 4096;

impl AuthCache {
    fn get(&self, hash: &[u8; 32]) -> Option<Actor> {
        let map = self.entries.lock().ok()?;
        // Keyed by the keyed hash of the presented token: a hit means the very same token.
        map.get(hash)
            .filter(|(_, at)| at.elapsed() < AUTH_TTL)
            .map(|(a, _)| a.clone())
    }

    fn put(&self, hash: [u8; 32], actor: Actor) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= AUTH_CACHE_MAX {
                map.retain(|_, (_, at)| at.elapsed() < AUTH_TTL);
                if map.len() >= AUTH_CACHE_MAX {
                    map.clear();
                }
            }
            map.insert(hash, (actor, std::time::Instant::now()));
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            map.clear();
        }
    }
}
