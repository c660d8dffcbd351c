use privet_crypto::{SecretKey, api_key_hash, ct_eq, generate_api_key, parse_api_key};

#[test]
fn issued_key_verifies_by_hash() {
    let hash_key = SecretKey::generate().unwrap();
    let issued = generate_api_key().unwrap();
    assert!(issued.secret.starts_with(&format!("pvt_{}_", issued.id)));
    assert_eq!(issued.secret.len(), 60);
    let stored = api_key_hash(&hash_key, &issued.secret);

    let presented = issued.secret.clone();
    let (id, _) = parse_api_key(&presented).unwrap();
    assert_eq!(id, issued.id);
    assert!(ct_eq(&api_key_hash(&hash_key, &presented), &stored));

    let replacement = if presented.ends_with('A') { "B" } else { "A" };
    let forged = format!("{}{replacement}", &presented[..presented.len() - 1]);
    assert!(parse_api_key(&forged).is_some());
    assert!(!ct_eq(&api_key_hash(&hash_key, &forged), &stored));
}
