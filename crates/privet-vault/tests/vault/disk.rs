//! No personal data reaches the disk in clear: not the database, not its log, not a backup.

use privet_store::DB_FILE;
use privet_vault::{FieldOutcome, FieldView};

use super::harness::{admin, card, card_number, field, sid, sqlite_only};

const SUBJECTS: u32 = 50;

fn email(n: u32) -> String {
    format!("zq-unique-{n}@example.com")
}

fn name(n: u32) -> String {
    format!("Quillon Zephyrine {n:03}")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_stored_in_clear() {
    let b = sqlite_only().await;
    let v = &b.vault;
    let puts = (0..SUBJECTS).map(|n| async move {
        let id = format!("cus_{n}");
        v.put_subject(
            &admin(),
            &sid(&id),
            &[
                field("email", "contact.email", &email(n)),
                field("name", "identity.name", &name(n)),
                field("card", "financial.card_number", &card_number(n)),
            ],
        )
        .await
        .unwrap();
        let token = v
            .tokenize(&admin(), &card(&card_number(n + 1000), Some(&id)))
            .await
            .unwrap();
        let view = v
            .read_subject(&admin(), &sid(&id), "support")
            .await
            .unwrap();
        assert!(view.fields.contains(&FieldView {
            name: "email".into(),
            category: "contact.email".into(),
            outcome: FieldOutcome::Value(email(n)),
        }));
        v.detokenize(&admin(), &token, "support").await.unwrap();
        v.lookup(&admin(), "email", &email(n), "support")
            .await
            .unwrap();
    });
    futures_util::future::join_all(puts).await;
    assert_eq!(
        b.store().counts().await.unwrap().fields,
        3 * i64::from(SUBJECTS)
    );
    let backup = b.backup_path("plain.pbk");
    v.backup(&admin(), &backup).await.unwrap();

    // Every file SQLite keeps (the database, its write-ahead log, the shared-memory index).
    let mut files: Vec<_> = std::fs::read_dir(b.data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(files.contains(&b.data_dir().join(DB_FILE)));
    files.push(backup);
    let mut needles = Vec::new();
    for n in 0..SUBJECTS {
        needles.push(email(n));
        needles.push(email(n).to_uppercase());
        needles.push(name(n));
        needles.push(card_number(n));
        needles.push(card_number(n + 1000));
    }
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for needle in &needles {
            assert!(
                !contains(&bytes, needle.as_bytes()),
                "{} holds a stored value in clear",
                file.display()
            );
        }
        // A distinctive fragment shorter than any value, to catch partial or re-encoded copies.
        assert!(!contains(&bytes, b"zq-unique-"), "{}", file.display());
        assert!(!contains(&bytes, b"Zephyrine"), "{}", file.display());
    }
}
