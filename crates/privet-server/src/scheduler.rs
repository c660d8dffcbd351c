//! Runs the retention rules on their schedules inside privet serve. Each node names itself at
//! start; the vault's lease row lets one node run a given rule's purge at a time.

use std::sync::Arc;
use std::time::Duration;

use privet_vault::Vault;

/// How often the schedule is looked at.
const TICK: Duration = Duration::from_secs(30);

/// Runs due purges every [`TICK`] until the process ends.
pub fn spawn_retention(vault: Arc<Vault>) {
    tokio::spawn(async move {
        let node = match privet_crypto::random_bytes::<8>() {
            Ok(b) => format!(
                "node_{}",
                b.iter().map(|x| format!("{x:02x}")).collect::<String>()
            ),
            Err(_) => "node".to_owned(),
        };
        loop {
            match vault.run_due_purges(&node).await {
                Ok(reports) => {
                    for r in reports.iter().flat_map(|r| &r.rules) {
                        tracing::info!(
                            rule = %r.rule,
                            fields = r.fields,
                            subjects_erased = r.subjects_erased,
                            held = r.held,
                            "retention purge ran"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "a scheduled retention purge failed"),
            }
            tokio::time::sleep(TICK).await;
        }
    });
}
