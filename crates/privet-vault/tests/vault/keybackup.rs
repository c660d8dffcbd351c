//! Key-store backups: a restore brings back only missing keys and never the key of a subject
//! erased since; an expired or damaged backup changes nothing; data backups carry the erasure
//! ledger, so restoring both after losing everything still replays every erasure.

use jiff::SignedDuration;
use privet_vault::{FieldOutcome, Vault, VaultError};

use super::harness::sid;
use super::harness::{Backend, VISA, admin, backends, contact_and_card, rebuilt_from};

async fn seed(v: &Vault) {
    for (id, email) in [("cus_a", "a@example.com"), ("cus_b", "b@example.com")] {
        v.put_subject(&admin(), &sid(id), &contact_and_card(email, VISA))
            .await
            .unwrap();
    }
}

/// The key store's rows, raw: (subject, created_at, wrapped) of every data key, then the ledger.
async fn key_store(
    b: &Backend,
) -> (
    Vec<(String, i64, Vec<u8>)>,
    Vec<(privet_types::SubjectId, i64)>,
    i64,
) {
    let mut conn = b.raw().await;
    let deks = sqlx::query_as(
        "SELECT subject_id, created_at, wrapped FROM keystore_deks ORDER BY subject_id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let secrets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM keystore_secrets")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    (deks, b.store().erasures().await.unwrap(), secrets)
}

async fn assert_readable(v: &Vault, subject: &str, email: &str) {
    let view = v
        .read_subject(&admin(), &sid(subject), "support")
        .await
        .unwrap();
    assert!(
        view.fields
            .iter()
            .any(|f| f.outcome == FieldOutcome::Value(email.into())),
        "{view:?}"
    );
}

async fn assert_erased(v: &Vault, subject: &str) {
    let read = v.read_subject(&admin(), &sid(subject), "support").await;
    assert!(matches!(read, Err(VaultError::NotFound(_))), "{read:?}");
    assert!(v.store().dek(&sid(subject)).await.unwrap().is_none());
}

async fn last_action(v: &Vault) -> String {
    let n = v.verify_audit().await.unwrap().unwrap();
    v.audit_page(n - 1, 1).await.unwrap()[0]
        .draft
        .action
        .to_string()
}

#[tokio::test]
async fn a_key_restore_never_brings_an_erased_key_back() {
    for b in backends().await {
        let v = &b.vault;
        seed(v).await;
        let path = b.backup_path("keys.pkb");
        let report = v.backup_keys(&admin(), &path).await.unwrap();
        assert!(report.bytes > 0);
        assert!(
            report.rows.contains(&("keystore_deks".to_owned(), 2)),
            "{report:?}"
        );
        assert!(report.rows.contains(&("keystore_secrets".to_owned(), 5)));

        b.clock.advance(SignedDuration::from_secs(60));
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        let live_b = v.store().dek(&sid("cus_b")).await.unwrap().unwrap();

        b.clock.advance(SignedDuration::from_secs(60));
        let restored = v.restore_keys(&admin(), &path, Some(30)).await.unwrap();
        assert_eq!(restored.destroyed_keys, 1, "{}: {restored:?}", b.name);
        assert!(
            restored.rows.contains(&("keystore_deks".to_owned(), 1)),
            "{}: only the missing key is inserted: {restored:?}",
            b.name
        );
        assert!(restored.rows.contains(&("keystore_secrets".to_owned(), 0)));

        assert_eq!(last_action(v).await, "backup.restore_keys", "{}", b.name);
        assert_erased(v, "cus_a").await;
        assert_eq!(
            v.store().dek(&sid("cus_b")).await.unwrap().unwrap().wrapped,
            live_b.wrapped
        );
        assert_readable(v, "cus_b", "b@example.com").await;
        assert_eq!(b.store().erasures().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn an_expired_key_backup_is_refused() {
    for b in backends().await {
        let v = &b.vault;
        seed(v).await;
        let path = b.backup_path("old.pkb");
        v.backup_keys(&admin(), &path).await.unwrap();
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        b.clock.advance(SignedDuration::from_hours(31 * 24));
        let before = key_store(&b).await;
        let audit = b.store().counts().await.unwrap().audit;

        let refused = v.restore_keys(&admin(), &path, Some(30)).await;
        let Err(VaultError::BadRequest(message)) = refused else {
            panic!(
                "{}: an expired key backup was restored: {refused:?}",
                b.name
            );
        };
        assert!(
            message.contains("expire after 30 days")
                && message.contains("erased customer's key cannot come back")
                && message.contains("31 days old"),
            "{message}"
        );
        assert_eq!(key_store(&b).await, before, "{}", b.name);
        assert_eq!(b.store().counts().await.unwrap().audit, audit);
        // Without a limit the policy's [backups] keys_keep_for decides: 30 days by default.
        let refused = v.restore_keys(&admin(), &path, None).await;
        let Err(VaultError::BadRequest(message)) = refused else {
            panic!("{}: past keys_keep_for: {refused:?}", b.name);
        };
        assert!(message.contains("keys_keep_for"), "{message}");
        v.set_policy(
            privet_types::policy::Policy::parse(&format!(
                "{}\n[backups]\nkeys_keep_for = \"2m\"\n",
                privet_types::policy::DEFAULT_POLICY_TOML
            ))
            .unwrap(),
        );

        // Within a longer retention the same file is accepted, and still replays the erasure.
        let restored = v.restore_keys(&admin(), &path, None).await.unwrap();
        assert_eq!(restored.destroyed_keys, 1);
        assert_erased(v, "cus_a").await;
    }
}

#[tokio::test]
async fn a_damaged_key_backup_changes_nothing() {
    for b in backends().await {
        let v = &b.vault;
        seed(v).await;
        let path = b.backup_path("good.pkb");
        v.backup_keys(&admin(), &path).await.unwrap();
        let good = std::fs::read(&path).unwrap();
        let data = b.backup_path("data.pbk");
        v.backup(&admin(), &data).await.unwrap();
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        let before = (key_store(&b).await, b.store().counts().await.unwrap());

        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x01;
        let mut header = good.clone();
        // A digit of created_at_ms in the header, which every chunk authenticates.
        let at = good
            .windows(14)
            .position(|w| w == b"created_at_ms=")
            .unwrap();
        header[at + 15] = if header[at + 15] == b'1' { b'2' } else { b'1' };
        let truncated = good[..good.len() / 2].to_vec();
        let mut appended = good.clone();
        appended.extend_from_slice(b"more");
        for (what, bytes) in [
            ("flipped", flipped),
            ("header", header),
            ("truncated", truncated),
            ("appended", appended),
            ("empty", Vec::new()),
            ("data backup", std::fs::read(&data).unwrap()),
        ] {
            let bad = b.backup_path(&format!("{what}.pkb"));
            std::fs::write(&bad, bytes).unwrap();
            let r = v.restore_keys(&admin(), &bad, Some(30)).await;
            assert!(r.is_err(), "{}: {what} key backup restored: {r:?}", b.name);
            let after = (key_store(&b).await, b.store().counts().await.unwrap());
            assert_eq!(after, before, "{}: {what}", b.name);
        }
        assert!(
            v.restore(&admin(), &path).await.is_err(),
            "a key backup is not a data backup"
        );
        assert_eq!(
            v.verify_audit().await.unwrap(),
            Ok(before.1.audit),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn data_backups_carry_the_erasure_ledger() {
    for b in backends().await {
        let v = &b.vault;
        seed(v).await;
        let keys = b.backup_path("keys.pkb");
        v.backup_keys(&admin(), &keys).await.unwrap();
        b.clock.advance(SignedDuration::from_secs(60));
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        let ledger = b.store().erasures().await.unwrap();
        let data = b.backup_path("data.pbk");
        let report = v.backup(&admin(), &data).await.unwrap();
        assert!(
            report.rows.contains(&("erasures".to_owned(), 1)),
            "{report:?}"
        );

        // The live ledger is lost, so a key restore brings the erased key back...
        let mut conn = b.raw().await;
        sqlx::query("DELETE FROM keystore_erasures")
            .execute(&mut conn)
            .await
            .unwrap();
        b.clock.advance(SignedDuration::from_secs(60));
        let keys_back = v.restore_keys(&admin(), &keys, Some(30)).await.unwrap();
        assert_eq!(keys_back.destroyed_keys, 0);
        assert!(v.store().dek(&sid("cus_a")).await.unwrap().is_some());

        // ...until the data backup's ledger is merged and replayed.
        let restored = v.restore(&admin(), &data).await.unwrap();
        assert_eq!(restored.destroyed_keys, 1, "{}: {restored:?}", b.name);
        assert_eq!(b.store().erasures().await.unwrap(), ledger, "{}", b.name);
        assert_erased(v, "cus_a").await;
        for table in ["fields", "tokens", "consent_state"] {
            assert_eq!(b.rows_of(table, "cus_a").await, 0, "{}: {table}", b.name);
        }
        assert_readable(v, "cus_b", "b@example.com").await;
        v.verify_audit().await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn keys_then_data_rebuild_a_lost_vault() {
    for b in backends().await {
        let v = &b.vault;
        seed(v).await;
        let keys = b.backup_path("keys.pkb");
        v.backup_keys(&admin(), &keys).await.unwrap();
        b.clock.advance(SignedDuration::from_secs(60));
        v.erase_subject(&admin(), &sid("cus_a")).await.unwrap();
        let data = b.backup_path("data.pbk");
        v.backup(&admin(), &data).await.unwrap();

        // Everything but the master key is gone: a new store whose fresh secrets open nothing.
        let rebuilt = rebuilt_from(&b).await;
        assert!(rebuilt.vault.restore(&admin(), &data).await.is_err());
        rebuilt.clock.advance(SignedDuration::from_secs(120));
        let keys_back = rebuilt
            .vault
            .restore_keys(&admin(), &keys, Some(30))
            .await
            .unwrap();
        assert!(
            keys_back.rows.contains(&("keystore_secrets".to_owned(), 5)),
            "{}: the backup's secrets replace the unused ones: {keys_back:?}",
            b.name
        );

        let v2 = rebuilt.reopen().await;
        let restored = v2.restore(&admin(), &data).await.unwrap();
        assert_eq!(restored.destroyed_keys, 1, "{}: {restored:?}", b.name);
        assert_erased(&v2, "cus_a").await;
        assert_readable(&v2, "cus_b", "b@example.com").await;
        v2.verify_audit().await.unwrap().unwrap();
    }
}
