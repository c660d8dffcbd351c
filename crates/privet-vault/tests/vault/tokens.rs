//! Card and generic tokens: shape, detokenize through the policy, determinism, batches.

use privet_vault::{FieldOutcome, TokenSettings, TokenizeInput, VaultError};

use super::harness::{
    VISA, admin, assert_card_masked, backends, backends_with, card, card_number, contact_and_card,
    luhn,
};
use super::harness::{consent, sid};

#[tokio::test]
async fn card_tokens_keep_bin_and_last_four_and_fail_luhn() {
    for b in backends().await {
        let v = &b.vault;
        for n in 0..20 {
            let pan = card_number(n);
            let token = v.tokenize(&admin(), &card(&pan, None)).await.unwrap();
            assert_eq!(token.len(), 16, "{}: {token}", b.name);
            assert!(token.bytes().all(|c| c.is_ascii_digit()), "{token}");
            assert_eq!(token[..6], pan[..6], "{token}");
            assert_eq!(token[12..], pan[12..], "{token}");
            assert!(!luhn(&token), "{}: token {token} passes Luhn", b.name);
            assert_ne!(token, pan);
        }

        let spaced = "4111 1111 1111 1111";
        let token = v.tokenize(&admin(), &card(spaced, None)).await.unwrap();
        match v.detokenize(&admin(), &token, "support").await.unwrap() {
            // Default policy: admins see card numbers masked for support.
            FieldOutcome::Masked(m) => assert_card_masked(&m, VISA),
            other => panic!("{}: detokenized as {other:?}", b.name),
        }
        let refused = v.detokenize(&admin(), &token, "billing").await;
        assert!(
            matches!(&refused, Err(VaultError::Forbidden { code, .. }) if code == "no_rule"),
            "{refused:?}"
        );

        let unknown = v.detokenize(&admin(), "4111110000001111", "support").await;
        assert!(
            matches!(unknown, Err(VaultError::NotFound(_))),
            "{}: {unknown:?}",
            b.name
        );
        let bad_purpose = v.detokenize(&admin(), &token, "astrology").await;
        assert!(matches!(bad_purpose, Err(VaultError::BadRequest(_))));

        for invalid in ["4111111111111112", "4111-1111", "not a card", ""] {
            let r = v.tokenize(&admin(), &card(invalid, None)).await;
            assert!(
                matches!(r, Err(VaultError::BadRequest(_))),
                "{}: {invalid}: {r:?}",
                b.name
            );
        }

        // Random tokens: the same card twice gives two tokens.
        let again = v.tokenize(&admin(), &card(spaced, None)).await.unwrap();
        assert_ne!(again, token);
    }
}

#[tokio::test]
async fn subject_bound_tokens_follow_the_subject_consent_and_policy() {
    for b in backends().await {
        let v = &b.vault;
        let missing = v.tokenize(&admin(), &card(VISA, Some("cus_nobody"))).await;
        assert!(
            matches!(missing, Err(VaultError::NotFound(_))),
            "{missing:?}"
        );

        v.put_subject(
            &admin(),
            &sid("cus_t"),
            &contact_and_card("t@example.com", VISA),
        )
        .await
        .unwrap();
        let email = TokenizeInput {
            kind: "contact.email".into(),
            value: "t@example.com".into(),
            subject: Some("cus_t".into()),
        };
        let token = v.tokenize(&admin(), &email).await.unwrap();
        assert!(token.starts_with("tok_"), "{token}");
        assert_eq!(
            v.detokenize(&admin(), &token, "support").await.unwrap(),
            FieldOutcome::Value("t@example.com".into()),
            "{}",
            b.name
        );
        let no_consent = v.detokenize(&admin(), &token, "marketing").await;
        assert!(
            matches!(&no_consent, Err(VaultError::Forbidden { code, .. }) if code == "consent_required"),
            "{}: {no_consent:?}",
            b.name
        );
        v.set_consent(&admin(), &sid("cus_t"), consent("marketing", true))
            .await
            .unwrap();
        assert_eq!(
            v.detokenize(&admin(), &token, "marketing").await.unwrap(),
            FieldOutcome::Value("t@example.com".into())
        );

        let unknown_kind = TokenizeInput {
            kind: "no.such_kind".into(),
            value: "x".into(),
            subject: None,
        };
        let r = v.tokenize(&admin(), &unknown_kind).await;
        assert!(matches!(r, Err(VaultError::BadRequest(_))), "{r:?}");
    }
}

#[tokio::test]
async fn deterministic_kinds_give_the_same_token_twice() {
    let settings = TokenSettings {
        deterministic: vec!["card_number".into()],
        ..TokenSettings::default()
    };
    for b in backends_with(settings).await {
        let v = &b.vault;
        let first = v.tokenize(&admin(), &card(VISA, None)).await.unwrap();
        let second = v
            .tokenize(&admin(), &card("4111-1111-1111-1111", None))
            .await
            .unwrap();
        assert_eq!(first, second, "{}", b.name);
        assert!(!luhn(&first));
        let other = v
            .tokenize(&admin(), &card(&card_number(7), None))
            .await
            .unwrap();
        assert_ne!(first, other);

        // Concurrent first requests for one value agree on one token.
        let pan = card_number(8);
        let input = card(&pan, None);
        let actor = admin();
        let all = futures_util::future::join_all((0..8).map(|_| v.tokenize(&actor, &input))).await;
        let tokens: Vec<String> = all.into_iter().map(Result::unwrap).collect();
        assert!(
            tokens.iter().all(|t| *t == tokens[0]),
            "{}: {tokens:?}",
            b.name
        );
        assert_eq!(b.store().counts().await.unwrap().tokens, 3);
    }
}

#[tokio::test]
async fn tokenize_many_reports_each_item() {
    for b in backends().await {
        let v = &b.vault;
        let items = vec![
            card(&card_number(1), None),
            card("4111111111111112", None),
            card(&card_number(2), None),
        ];
        let results = v.tokenize_many(&admin(), &items).await.unwrap();
        assert_eq!(results.len(), 3);
        assert!(results[0].is_ok(), "{}: {:?}", b.name, results[0]);
        assert!(
            matches!(results[1], Err(VaultError::BadRequest(_))),
            "{:?}",
            results[1]
        );
        assert!(results[2].is_ok(), "{:?}", results[2]);
        assert_eq!(b.store().counts().await.unwrap().tokens, 2);

        let items: Vec<(String, String)> = results
            .into_iter()
            .flatten()
            .map(|t| (t, "support".to_owned()))
            .collect();
        let opened = v.detokenize_many(&admin(), &items).await.unwrap();
        for (o, n) in opened.iter().zip([1, 2]) {
            match o {
                Ok(FieldOutcome::Masked(m)) => assert_card_masked(m, &card_number(n)),
                other => panic!("{}: {other:?}", b.name),
            }
        }

        let empty = v.tokenize_many(&admin(), &[]).await;
        assert!(matches!(empty, Err(VaultError::BadRequest(_))));
        let too_many = vec![card(VISA, None); 1001];
        let r = v.tokenize_many(&admin(), &too_many).await;
        assert!(
            matches!(
                r,
                Err(VaultError::BatchTooLarge {
                    got: 1001,
                    limit: 1000
                })
            ),
            "{r:?}"
        );
    }
}
