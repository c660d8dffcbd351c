//! The test that matters for backups: take one, erase a subject, restore it under the live key
//! store while the server runs; the erased subject stays gone, tokens included, and everyone
//! else is intact. The same for a key-store backup, which is refused once past its retention.

use serde_json::json;

use super::harness::{Env, outcome};
use super::http::Client;
use super::{assert_card_masked, card_number, encode, field, fields, shown};

const ERASED: &str = "cust-restore-a";
const KEPT: &str = "cust-restore-b";

on_each_backend!(
    a_restore_does_not_bring_an_erased_subject_back,
    a_key_restore_does_not_bring_an_erased_key_back,
    disaster_recovery_rebuilds_a_lost_vault_from_its_backups,
);

fn tokenize(api: &Client, card: &str, subject: &str) -> String {
    api.post(
        "/v1/tokens",
        &json!({"kind": "card_number", "value": card, "subject": subject}),
    )
    .expect(200)["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

fn a_restore_does_not_bring_an_erased_subject_back(env: &Env) {
    let server = env.start();
    let api = server.client();
    let (card_a, card_b) = (card_number(501), card_number(502));
    api.put(
        &format!("/v1/subjects/{ERASED}"),
        &fields(&[
            ("email", "contact.email", "a.restore@example.com"),
            ("card", "financial.card_number", &card_a),
        ]),
    )
    .expect(200);
    api.put(
        &format!("/v1/subjects/{KEPT}"),
        &fields(&[
            ("email", "contact.email", "b.restore@example.com"),
            ("card", "financial.card_number", &card_b),
            ("name", "identity.name", "Bea Restore"),
        ]),
    )
    .expect(200);
    let token_a = tokenize(&api, &card_a, ERASED);
    let token_b = tokenize(&api, &card_b, KEPT);

    let backup = env.path().join("before-erasure.backup");
    let backup_arg = backup.to_str().expect("utf-8 path");
    env.privet_ok(&["backup", backup_arg]);

    api.delete(&format!("/v1/subjects/{ERASED}")).expect(200);
    let (code, _, stderr) = outcome(&env.privet(&["restore", backup_arg]));
    assert_eq!(code, 0, "restore failed on {}: {stderr}", env.backend);
    assert!(stderr.contains("erasure ledger"), "{stderr}");

    let kept = api
        .get(&format!("/v1/subjects/{KEPT}?purpose=support"))
        .expect(200);
    assert_eq!(
        shown(field(&kept, "email")),
        ("value", "b.restore@example.com".to_owned())
    );
    assert_eq!(
        shown(field(&kept, "name")),
        ("value", "Bea Restore".to_owned())
    );
    let (kind, masked) = shown(field(&kept, "card"));
    assert_eq!(kind, "masked");
    assert_card_masked(&masked, &card_b);
    let detok = api
        .post(
            "/v1/tokens/detokenize",
            &json!({"token": token_b, "purpose": "support"}),
        )
        .expect(200);
    assert_card_masked(detok["masked"].as_str().expect("masked"), &card_b);

    api.get(&format!("/v1/subjects/{ERASED}?purpose=support"))
        .problem(404);
    api.post(
        "/v1/tokens/detokenize",
        &json!({"token": token_a, "purpose": "support"}),
    )
    .problem(404);
    let found = api
        .get(&format!(
            "/v1/subjects?email={}&purpose=support",
            encode("a.restore@example.com")
        ))
        .expect(200);
    assert_eq!(found, json!({"subjects": []}));

    // The server keeps working on the restored store, and the chain is whole.
    api.put(
        "/v1/subjects/cust-restore-c",
        &fields(&[("email", "contact.email", "c.restore@example.com")]),
    )
    .expect(200);
    let (code, stdout, stderr) = outcome(&env.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "audit verify on {}: {stdout}{stderr}", env.backend);
    assert!(stdout.contains("whole"), "{stdout}");
}

fn a_key_restore_does_not_bring_an_erased_key_back(env: &Env) {
    let server = env.start();
    let api = server.client();
    for (id, email) in [(ERASED, "a.keys@example.com"), (KEPT, "b.keys@example.com")] {
        api.put(
            &format!("/v1/subjects/{id}"),
            &fields(&[("email", "contact.email", email)]),
        )
        .expect(200);
    }
    let backup = env.path().join("keys.backup");
    let backup_arg = backup.to_str().expect("utf-8 path");
    env.privet_ok(&["backup", "--keys", backup_arg]);
    let receipt = api.delete(&format!("/v1/subjects/{ERASED}")).expect(200);
    // The receipt names when the last key-store backup holding the key stops being restorable:
    // [backups] keys_keep_for (30 days by default) after the erasure.
    let at = |key: &str| -> jiff::Timestamp {
        receipt[key]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{key}: {receipt}"))
    };
    assert_eq!(
        at("unreadable_after").duration_since(at("erased_at")),
        jiff::SignedDuration::from_hours(30 * 24)
    );

    let (code, _, stderr) =
        outcome(&env.privet(&["restore", "--keys", backup_arg, "--max-age-days", "0"]));
    assert_ne!(
        code, 0,
        "an expired key backup was restored on {}",
        env.backend
    );
    assert!(stderr.contains("expire after 0 days"), "{stderr}");

    let (code, _, stderr) = outcome(&env.privet(&["restore", "--keys", backup_arg]));
    assert_eq!(code, 0, "key restore failed on {}: {stderr}", env.backend);
    assert!(stderr.contains("1 data key destroyed"), "{stderr}");

    api.get(&format!("/v1/subjects/{ERASED}?purpose=support"))
        .problem(404);
    let kept = api
        .get(&format!("/v1/subjects/{KEPT}?purpose=support"))
        .expect(200);
    assert_eq!(
        shown(field(&kept, "email")),
        ("value", "b.keys@example.com".to_owned())
    );
    let (code, stdout, stderr) = outcome(&env.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "audit verify on {}: {stdout}{stderr}", env.backend);
    drop(server);

    // Backups from 2001 are past [backups] retention (90 days for data, 30 for key-store
    // backups): privet check names them, prune deletes them and only them; the dry run deletes
    // nothing.
    let dir = env.path().join("backups");
    std::fs::create_dir(&dir).expect("backups dir");
    let dir_arg = dir.to_str().expect("utf-8 path");
    let data = dir.join("data.backup");
    let keys = dir.join("keys.backup");
    env.privet_ok(&["backup", data.to_str().expect("utf-8")]);
    env.privet_ok(&["backup", "--keys", keys.to_str().expect("utf-8")]);
    std::fs::write(dir.join("README"), "not a backup").expect("write");
    // A backup's layout: magic, 32 bytes of salt, the header's length and the header.
    let old = |name: &str, header: &str| {
        let mut bytes = b"PRIVETBK\x01".to_vec();
        bytes.extend_from_slice(&[0u8; 32]);
        bytes.extend_from_slice(&u32::try_from(header.len()).expect("short").to_be_bytes());
        bytes.extend_from_slice(header.as_bytes());
        std::fs::write(dir.join(name), bytes).expect("write");
        dir.join(name)
    };
    let old_data = old(
        "old-data.backup",
        "privet data backup v1; created_at_ms=1000000000000",
    );
    let old_keys = old(
        "old-keys.backup",
        "privet key backup v1; created_at_ms=1000000000000; kek_version=1; file_key=00",
    );
    let policy = env.policy_with("");
    let checked = env
        .command()
        .arg("check")
        .arg(&policy)
        .args(["--backups", dir_arg])
        .output()
        .expect("check runs");
    let checked = String::from_utf8_lossy(&checked.stdout).into_owned();
    assert!(
        checked.contains("old-data.backup (data backup of 2001")
            && checked.contains("old-keys.backup (keys backup of 2001")
            && checked.contains("outlives its retention"),
        "{checked}"
    );
    assert!(!checked.contains("/data.backup"), "{checked}");
    let dry = env.privet_ok(&["backup", "prune", dir_arg, "--dry-run"]);
    assert!(dry.contains("would delete") && old_data.exists(), "{dry}");
    let pruned = env.privet_ok(&["backup", "prune", dir_arg]);
    assert!(pruned.contains("deleted"), "{pruned}");
    assert!(!old_data.exists() && !old_keys.exists());
    assert!(data.exists() && keys.exists() && dir.join("README").exists());
    let (code, _, stderr) =
        outcome(&env.privet(&["backup", "prune", &format!("{dir_arg}/missing")]));
    assert_ne!(code, 0);
    assert!(stderr.contains("cannot list the directory"), "{stderr}");
}

/// A vault of the same backend as `env`, empty: the new machine.
fn new_machine(env: &Env) -> Env {
    match env.backend {
        "sqlite" => Env::sqlite(),
        _ => Env::postgres().expect("PostgreSQL is configured"),
    }
}

/// The README's disaster-recovery procedure, from nothing: on a new machine with only the master
/// key file and the two backups, `privet restore --keys` then `privet restore` then `privet
/// serve` give back every customer (an erased one stays erased), the old API keys, the tokens
/// and the whole audit history.
fn disaster_recovery_rebuilds_a_lost_vault_from_its_backups(env: &Env) {
    let mut server = env.start();
    let api = server.client();
    let (card_a, card_b) = (card_number(601), card_number(602));
    for (id, email, card) in [
        (ERASED, "a.dr@example.com", &card_a),
        (KEPT, "b.dr@example.com", &card_b),
    ] {
        api.put(
            &format!("/v1/subjects/{id}"),
            &fields(&[
                ("email", "contact.email", email),
                ("card", "financial.card_number", card),
            ]),
        )
        .expect(200);
    }
    let token_b = tokenize(&api, &card_b, KEPT);
    let keys_backup = env.path().join("dr-keys.backup");
    let data_backup = env.path().join("dr-data.backup");
    env.privet_ok(&["backup", "--keys", keys_backup.to_str().expect("utf-8")]);
    env.privet_ok(&["backup", data_backup.to_str().expect("utf-8")]);
    api.delete(&format!("/v1/subjects/{ERASED}")).expect(200);
    // The erasure happened after the data backup: the key backup taken now carries it.
    env.privet_ok(&["backup", "--keys", keys_backup.to_str().expect("utf-8")]);
    let history = {
        let (_, stdout, _) = outcome(&env.privet(&["audit", "verify"]));
        stdout
    };
    let admin_key = server.admin_key().to_owned();
    server.stop();

    // The new machine has the master key file and the backups, nothing else.
    let target = new_machine(env);
    std::fs::create_dir_all(target.data_dir()).expect("data dir");
    std::fs::copy(
        env.data_dir().join("master.key"),
        target.data_dir().join("master.key"),
    )
    .expect("copy the master key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            target.data_dir().join("master.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("chmod");
    }
    // Restoring the data first is refused with the way forward.
    let (code, _, stderr) =
        outcome(&target.privet(&["restore", data_backup.to_str().expect("utf-8")]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("restore --keys"), "{stderr}");

    let (code, _, stderr) =
        outcome(&target.privet(&["restore", "--keys", keys_backup.to_str().expect("utf-8")]));
    assert_eq!(
        code, 0,
        "key restore on a new machine ({}): {stderr}",
        env.backend
    );
    let (code, _, stderr) =
        outcome(&target.privet(&["restore", data_backup.to_str().expect("utf-8")]));
    assert_eq!(
        code, 0,
        "data restore on a new machine ({}): {stderr}",
        env.backend
    );

    let (code, stdout, _) = outcome(&target.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "{stdout}");
    let count = |s: &str| {
        s.split_whitespace()
            .find_map(|w| w.parse::<i64>().ok())
            .unwrap_or(0)
    };
    // The backup's history, then the two restores.
    assert!(
        count(&stdout) >= count(&history) - 3,
        "history lost: before {history:?}, after {stdout:?}"
    );

    let mut server = target.start_with_key(&admin_key);
    let api = server.client();
    let read = api
        .get(&format!("/v1/subjects/{KEPT}?purpose=support"))
        .expect(200);
    assert_eq!(
        shown(field(&read, "email")),
        ("value", "b.dr@example.com".to_owned())
    );
    let detok = api
        .post(
            "/v1/tokens/detokenize",
            &json!({"token": token_b, "purpose": "support"}),
        )
        .expect(200);
    assert_card_masked(detok["masked"].as_str().expect("masked"), &card_b);
    api.get(&format!("/v1/subjects/{ERASED}?purpose=support"))
        .problem(404);
    // New writes extend the restored chain.
    api.put(
        "/v1/subjects/cust-after-dr",
        &fields(&[("email", "contact.email", "after.dr@example.com")]),
    )
    .expect(200);
    server.stop();
    let (code, stdout, _) = outcome(&target.privet(&["audit", "verify"]));
    assert_eq!(code, 0, "{stdout}");
}
