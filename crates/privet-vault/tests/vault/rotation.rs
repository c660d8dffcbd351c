//! Master-key rotation while requests keep coming, then retirement of the old version.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use privet_store::{Op, WriteUnit};
use privet_vault::{Vault, VaultError};

use super::harness::sid;
use super::harness::{VISA, admin, backends, card, contact_and_card};

const OLD_SUBJECTS: usize = 60;
const WORKERS: usize = 4;

/// One client: writes a new subject and updates an old one, reads, tokenizes and detokenizes, in
/// a loop until told to stop. Returns the first failure, if any.
async fn client(
    vault: Arc<Vault>,
    worker: usize,
    stop: Arc<AtomicBool>,
    rounds: Arc<AtomicU64>,
) -> Result<(), String> {
    let actor = admin();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let fresh = format!("cus_w{worker}_{i}");
        let old = format!("cus_old_{}", (worker * 7 + i) % OLD_SUBJECTS);
        let step = async {
            vault
                .put_subject(
                    &actor,
                    &sid(&fresh),
                    &contact_and_card("w@example.com", VISA),
                )
                .await?;
            vault
                .put_subject(&actor, &sid(&old), &contact_and_card("o@example.com", VISA))
                .await?;
            vault.read_subject(&actor, &sid(&old), "support").await?;
            vault.read_subject(&actor, &sid(&fresh), "support").await?;
            let token = vault.tokenize(&actor, &card(VISA, Some(&old))).await?;
            vault.detokenize(&actor, &token, "support").await?;
            Ok::<_, VaultError>(())
        };
        step.await
            .map_err(|e| format!("worker {worker} round {i}: {e}"))?;
        rounds.fetch_add(1, Ordering::Relaxed);
        i += 1;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rotation_under_load_then_retirement() {
    for b in backends().await {
        let v = b.vault.clone();
        for i in 0..OLD_SUBJECTS {
            v.put_subject(
                &admin(),
                &sid(&format!("cus_old_{i}")),
                &contact_and_card(&format!("old{i}@example.com"), VISA),
            )
            .await
            .unwrap();
        }
        let old_token = v
            .tokenize(&admin(), &card(VISA, Some("cus_old_0")))
            .await
            .unwrap();
        let under_v1 = b.store().dek(&sid("cus_old_0")).await.unwrap().unwrap();
        assert_eq!(under_v1.kek_version, 1);
        assert_eq!(
            b.store().count_under(1).await.unwrap(),
            OLD_SUBJECTS as u64 + 5
        );

        let stop = Arc::new(AtomicBool::new(false));
        let rounds = Arc::new(AtomicU64::new(0));
        let clients: Vec<_> = (0..WORKERS)
            .map(|w| tokio::spawn(client(v.clone(), w, stop.clone(), rounds.clone())))
            .collect();
        while rounds.load(Ordering::Relaxed) < WORKERS as u64 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }

        assert_eq!(b.provider.add_version().unwrap(), 2);
        let before = rounds.load(Ordering::Relaxed);
        let report = v.rewrap_all(&admin(), 8, |_| {}).await.unwrap();
        let during = rounds.load(Ordering::Relaxed) - before;
        // Let the clients run on the new version for a while too.
        let target = rounds.load(Ordering::Relaxed) + WORKERS as u64 * 2;
        while rounds.load(Ordering::Relaxed) < target {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        }
        assert_eq!(report.version, 2);
        assert_eq!(report.secrets, 5);
        assert!(report.data_keys >= OLD_SUBJECTS as u64, "{report:?}");
        eprintln!(
            "{}: {} client rounds during the re-wrap, {} data keys re-wrapped",
            b.name, during, report.data_keys
        );

        assert_eq!(b.store().count_under(1).await.unwrap(), 0, "{}", b.name);
        v.ensure_unused(1).await.unwrap();
        for i in 0..OLD_SUBJECTS {
            v.read_subject(&admin(), &sid(&format!("cus_old_{i}")), "support")
                .await
                .unwrap();
        }

        b.provider.retire(1).unwrap();
        v.audit_retire(&admin(), 1).await.unwrap();
        // The vault re-reads its key file at most once a second: wait for it to see the retirement.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        v.read_subject(&admin(), &sid("cus_old_0"), "support")
            .await
            .unwrap();
        v.detokenize(&admin(), &old_token, "support").await.unwrap();

        // Put the old wrapping back, as a stale replica or an old key-store backup would.
        b.store()
            .commit(WriteUnit {
                ops: vec![Op::RewrapDek {
                    subject: sid("cus_old_0"),
                    from: 2,
                    to: 1,
                    wrapped: under_v1.wrapped.clone(),
                }],
                audit: Vec::new(),
            })
            .await
            .unwrap();
        let read = v.read_subject(&admin(), &sid("cus_old_0"), "support").await;
        assert!(
            matches!(read, Err(VaultError::KeyRetired(1))),
            "{}: {read:?}",
            b.name
        );
        let detok = v.detokenize(&admin(), &old_token, "support").await;
        assert!(
            matches!(detok, Err(VaultError::KeyRetired(1))),
            "{}: {detok:?}",
            b.name
        );
        v.read_subject(&admin(), &sid("cus_old_1"), "support")
            .await
            .unwrap();
        // Only now does anything wrap a key: the retirement was seen by reads alone.
        v.put_subject(
            &admin(),
            &sid("cus_after"),
            &contact_and_card("n@example.com", VISA),
        )
        .await
        .unwrap();
        assert_eq!(
            b.store()
                .dek(&sid("cus_after"))
                .await
                .unwrap()
                .unwrap()
                .kek_version,
            2
        );

        let audit = b.store().counts().await.unwrap().audit;
        assert_eq!(v.verify_audit().await.unwrap(), Ok(audit), "{}", b.name);
    }
}
