use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use privet_crypto::{CryptoError, FileKeyProvider, KeyProvider, SecretKey};

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .expect("file exists")
        .permissions()
        .mode()
        & 0o777
}

fn provider(dir: &tempfile::TempDir) -> FileKeyProvider {
    FileKeyProvider::new(dir.path().join("data").join("master.key"))
}

fn key_file_reason(err: CryptoError) -> String {
    match err {
        CryptoError::KeyFile { reason, .. } => reason,
        other => panic!("expected a key file error, got {other}"),
    }
}

#[test]
fn created_owner_only_with_one_version() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    assert!(keys.create_if_missing().unwrap());
    assert_eq!(mode(keys.path()), 0o600);
    assert_eq!(mode(keys.path().parent().unwrap()), 0o700);
    let text = fs::read_to_string(keys.path()).unwrap();
    assert!(text.starts_with("# privet master keys — keep secret, mode 0600\nv1 "));
    let ring = keys.load().unwrap();
    assert_eq!(ring.versions(), vec![1]);

    assert!(!keys.create_if_missing().unwrap());
    assert_eq!(fs::read_to_string(keys.path()).unwrap(), text);
    assert_eq!(
        keys.describe(),
        format!("key file {}", keys.path().display())
    );
}

#[test]
fn readable_by_others_is_refused_naming_chmod() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    keys.create_if_missing().unwrap();
    fs::set_permissions(keys.path(), fs::Permissions::from_mode(0o644)).unwrap();
    let message = keys.load().unwrap_err().to_string();
    assert!(
        message.contains(&keys.path().display().to_string()),
        "{message}"
    );
    assert!(
        message.contains(&format!("chmod 600 {}", keys.path().display())),
        "{message}"
    );
    assert!(message.contains("644"), "{message}");

    fs::set_permissions(keys.path(), fs::Permissions::from_mode(0o640)).unwrap();
    assert!(keys.load().is_err());
    fs::set_permissions(keys.path(), fs::Permissions::from_mode(0o400)).unwrap();
    assert!(keys.load().is_ok());
}

#[test]
fn malformed_line_is_reported_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    keys.create_if_missing().unwrap();
    let mut text = fs::read_to_string(keys.path()).unwrap();
    text.push_str("\nversion two\n");
    fs::write(keys.path(), &text).unwrap();
    let reason = key_file_reason(keys.load().unwrap_err());
    assert_eq!(
        reason,
        "line 4: expected `v<N> <base64url key>` or `v<N> retired`"
    );
}

#[test]
fn wrong_length_and_duplicate_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    keys.create_if_missing().unwrap();
    let text = fs::read_to_string(keys.path()).unwrap();
    let v1 = text.lines().nth(1).unwrap().to_owned();

    fs::write(keys.path(), format!("{text}{v1}\n")).unwrap();
    let reason = key_file_reason(keys.load().unwrap_err());
    assert_eq!(reason, "line 3: version 1 appears more than once");
    assert!(!reason.contains(&v1[3..]));

    fs::write(keys.path(), format!("{}\n", &v1[..v1.len() - 3])).unwrap();
    let reason = key_file_reason(keys.load().unwrap_err());
    assert_eq!(reason, "line 1: version 1: key is 30 bytes, expected 32");
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    let message = keys.load().unwrap_err().to_string();
    assert!(message.contains("master.key"), "{message}");
}

#[test]
fn rotation_then_retirement() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    keys.create_if_missing().unwrap();
    let dek = SecretKey::generate().unwrap();
    let under_v1 = keys.load().unwrap().wrap(&dek, b"subject-7").unwrap();
    assert_eq!(under_v1.kek_version, 1);

    assert_eq!(keys.add_version().unwrap(), 2);
    assert_eq!(mode(keys.path()), 0o600);
    let ring = keys.load().unwrap();
    assert_eq!(ring.versions(), vec![1, 2]);
    assert_eq!(ring.active_version(), 2);
    let under_v2 = ring.wrap(&dek, b"subject-7").unwrap();
    assert_eq!(under_v2.kek_version, 2);
    assert_eq!(
        ring.unwrap(&under_v1, b"subject-7").unwrap().expose(),
        dek.expose()
    );

    assert!(matches!(
        keys.retire(2),
        Err(CryptoError::ActiveKeyVersion(2))
    ));
    keys.retire(1).unwrap();
    let text = fs::read_to_string(keys.path()).unwrap();
    assert!(text.contains("\nv1 retired\n"), "{text}");
    let ring = keys.load().unwrap();
    assert_eq!(ring.versions(), vec![1, 2]);
    assert!(matches!(
        ring.unwrap(&under_v1, b"subject-7"),
        Err(CryptoError::RetiredKeyVersion(1))
    ));
    assert_eq!(
        ring.unwrap(&under_v2, b"subject-7").unwrap().expose(),
        dek.expose()
    );

    assert_eq!(keys.add_version().unwrap(), 3);
    assert_eq!(keys.load().unwrap().versions(), vec![1, 2, 3]);
    let leftovers: Vec<_> = fs::read_dir(keys.path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec!["master.key"], "temp files left behind");
}

#[test]
fn retiring_an_unknown_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let keys = provider(&dir);
    keys.create_if_missing().unwrap();
    assert!(matches!(
        keys.retire(4),
        Err(CryptoError::UnknownKeyVersion(4))
    ));
    assert!(matches!(
        keys.retire(1),
        Err(CryptoError::ActiveKeyVersion(1))
    ));
}
