//! Sends the erasure outbox: due notices go out concurrently (one slow vendor does not hold the
//! others), each a signed JSON POST; the vault records every attempt and schedules the next.
//! Delivery is at least once: a receiver deduplicates on the `Privet-Delivery` id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use privet_crypto::outbound::{self, OutboundUrl};
use privet_crypto::webhook_signature;
use privet_vault::{DeliveryTarget, Vault, VaultError};

/// Notices taken from the outbox per round.
const BATCH: i64 = 256;
/// Notices in flight at once.
const CONCURRENCY: usize = 32;
/// How long one vendor may take to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The pause when nothing is due.
const IDLE: Duration = Duration::from_millis(500);

/// Runs the outbox until the process ends.
pub fn spawn_outbox(vault: Arc<Vault>) {
    tokio::spawn(async move {
        let agents = Agents::default();
        loop {
            let due = match vault.due_deliveries(BATCH).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the erasure outbox failed");
                    tokio::time::sleep(IDLE * 4).await;
                    continue;
                }
            };
            if due.is_empty() {
                tokio::time::sleep(IDLE).await;
                continue;
            }
            futures_util::stream::iter(due)
                .for_each_concurrent(CONCURRENCY, |target| {
                    let vault = vault.clone();
                    let agents = agents.clone();
                    async move {
                        let delivery = target.delivery.clone();
                        let sent_at = vault.now().as_second();
                        let outcome =
                            tokio::task::spawn_blocking(move || send(&agents, &target, sent_at))
                            .await
                            .unwrap_or_else(|_| Err("the sending task failed".into()));
                        match vault.settle_delivery(&delivery, outcome).await {
                            Ok(_) | Err(VaultError::Conflict(_)) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, vendor = %delivery.vendor, "recording a vendor notice failed")
                            }
                        }
                    }
                })
                .await;
        }
    });
}

/// One pooled client per webhook URL.
#[derive(Clone, Default)]
struct Agents(Arc<Mutex<HashMap<String, ureq::Agent>>>);

impl Agents {
    fn get(&self, url: &OutboundUrl, key: &str) -> Result<ureq::Agent, String> {
        let mut map = match self.0.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        if let Some(a) = map.get(key) {
            return Ok(a.clone());
        }
        let agent = outbound::agent(url, None, TIMEOUT, CONCURRENCY)?;
        map.insert(key.to_owned(), agent.clone());
        Ok(agent)
    }
}

/// One attempt, signed as sent at `sent_at` (Unix seconds, which the receiver compares with its
/// clock): the outcome names a status or a connection error, never a body.
fn send(agents: &Agents, target: &DeliveryTarget, sent_at: i64) -> Result<(), String> {
    let d = &target.delivery;
    let url = OutboundUrl::parse(&target.url).map_err(|e| format!("webhook URL {e}"))?;
    let secret = std::env::var(&target.secret_env).map_err(|_| {
        format!(
            "the signing secret variable {} is not set",
            target.secret_env
        )
    })?;
    let body = serde_json::json!({
        "type": "erasure",
        "delivery": d.id,
        "vendor": d.vendor,
        "subject": d.subject.as_str(),
        "request": d.request,
        "erased_at": d.erased_at.to_string(),
    })
    .to_string();
    let signature = webhook_signature(secret.as_bytes(), sent_at, body.as_bytes());
    let agent = agents.get(&url, &target.url)?;
    let response = agent
        .post(&target.url)
        .header("Privet-Delivery", d.id.as_str())
        .header("Privet-Signature", format!("t={sent_at},v1={signature}"))
        .content_type("application/json")
        .send(body.as_bytes())
        .map_err(|e| format!("unreachable: {e}"))?;
    let status = response.status().as_u16();
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}
