//! `privet redact` and `privet reveal` as a user runs them.

use std::path::Path;

use crate::scan::privet;

const KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";

const CSV: &str = "id,email,card,zip,dx\n1,ada.lovelace@example.com,4111 1111 1111 1111,94107,flu\n2,alan.turing@example.org,5500 0000 0000 0004,94107,cold\n3,grace@example.net,4000 0000 0000 0002,10115,flu\n";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("test file written");
    path.to_string_lossy().into_owned()
}

/// `privet redact|reveal INPUT --policy POLICY -o OUT` with the test key, asserting success.
fn keyed(command: &str, input: &Path, policy: &str, out: &Path) {
    privet()
        .env("PRIVET_DEID_KEY", KEY)
        .arg(command)
        .arg(input)
        .args(["--policy", policy, "-o"])
        .arg(out)
        .assert()
        .success();
}

/// Whether `privet scan FILE --fail-on card_number` passes: no card number in the file.
fn card_gate_passes(file: &Path) -> bool {
    privet()
        .arg("scan")
        .arg(file)
        .args(["--fail-on", "card_number"])
        .output()
        .expect("privet scan runs")
        .status
        .success()
}

#[test]
fn default_policy_needs_no_key_and_keeps_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let out = dir.path().join("out.csv");
    privet()
        .env_remove("PRIVET_DEID_KEY")
        .args(["redact", &input, "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("[EMAIL]") && text.contains("[CARD_NUMBER]"));
    assert!(!text.contains("ada.lovelace") && !text.contains("4111"));
}

#[test]
fn fpe_without_a_key_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let policy = write(dir.path(), "deid.toml", "[columns.card]\nop = \"fpe\"\n");
    let out = dir.path().join("out.csv");
    let assert = privet()
        .env_remove("PRIVET_DEID_KEY")
        .args(["redact", &input, "--policy", &policy, "-o"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("column card uses `fpe`, which needs a key"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn bad_input_exits_2_names_the_line_and_leaves_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "in.ndjson",
        "{\"e\":\"ada.lovelace@example.com\"}\n{\"e\":\"536-22-8145\" oops}\n",
    );
    let out = dir.path().join("out.ndjson");
    let assert = privet()
        .args(["redact", &input, "-o"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(
        !stderr.contains("536-22") && !stderr.contains("ada.lovelace"),
        "{stderr}"
    );
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(left, 1, "no output or temporary file left");
}

#[test]
fn ff3_is_refused_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let policy = write(
        dir.path(),
        "deid.toml",
        "\n[columns.card]\nop = \"fpe-ff3-1\"\n",
    );
    let assert = privet()
        .args(["redact", &input, "--policy", &policy, "-o"])
        .arg(dir.path().join("o.csv"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("deid.toml:3:") && stderr.contains("withdraws FF3-1"),
        "{stderr}"
    );
}

#[test]
fn fpe_then_reveal_gives_the_input_back() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let policy = write(
        dir.path(),
        "deid.toml",
        "[columns.card]\nop = \"fpe\"\n[columns.email]\nop = \"keep\"\n",
    );
    let red = dir.path().join("red.csv");
    let back = dir.path().join("back.csv");
    keyed("redact", input.as_ref(), &policy, &red);
    let redacted = std::fs::read_to_string(&red).unwrap();
    assert!(!redacted.contains("4111 1111 1111 1111"));
    // Encrypted cards fail Luhn: a gate on card numbers passes the de-identified file.
    assert!(card_gate_passes(&red));
    keyed("reveal", &red, &policy, &back);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), CSV);

    // Another key is refused, says so, and writes nothing.
    let other = dir.path().join("other.csv");
    let assert = privet()
        .env(
            "PRIVET_DEID_KEY",
            "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI",
        )
        .args(["reveal", red.to_str().unwrap(), "--policy", &policy, "-o"])
        .arg(&other)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("not the one"), "{stderr}");
    assert!(!other.exists());
    // Without the key record the key cannot be checked: refused unless asked for.
    let record = dir.path().join("red.csv.deid-key");
    let check = std::fs::read_to_string(&record).unwrap();
    assert!(
        check.starts_with("key_check=") && !check.contains(KEY),
        "{check}"
    );
    std::fs::remove_file(&record).unwrap();
    privet()
        .env("PRIVET_DEID_KEY", KEY)
        .args(["reveal", red.to_str().unwrap(), "--policy", &policy, "-o"])
        .arg(&other)
        .assert()
        .code(2);
    privet()
        .env("PRIVET_DEID_KEY", KEY)
        .args([
            "reveal",
            red.to_str().unwrap(),
            "--policy",
            &policy,
            "--unchecked-key",
            "-o",
        ])
        .arg(&other)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), CSV);
}

#[test]
fn report_and_suppression_to_k() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let policy = write(
        dir.path(),
        "deid.toml",
        "[report]\nquasi_identifiers = [\"zip\"]\nsensitive = \"dx\"\n",
    );
    let out = dir.path().join("out.csv");
    let assert = privet()
        .args([
            "redact", &input, "--policy", &policy, "--report", "--k", "2", "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("suppressed the quasi-identifiers of 3 rows"),
        "{stderr}"
    );
    assert!(
        stderr.contains("k (smallest class)           3"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().nth(3).unwrap().contains(",*,"), "{text}");
}

/// The `token` operator against a live `privet serve`: the card column comes out as vault tokens,
/// and the vault turns them back into the cards (masked for the admin role under `support`).
#[test]
fn token_operator_uses_a_running_vault() {
    let env = crate::serve::harness::Env::sqlite();
    let server = env.start();
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let policy = write(dir.path(), "deid.toml", "[columns.card]\nop = \"token\"\n");
    let out = dir.path().join("out.csv");
    privet()
        .args(["redact", &input, "--policy", &policy, "--vault-url"])
        .arg(format!("http://{}", server.addr))
        .args(["--vault-key", server.admin_key(), "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let tokens: Vec<String> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().trim_matches('"').to_owned())
        .collect();
    let cards = [
        "4111 1111 1111 1111",
        "5500 0000 0000 0004",
        "4000 0000 0000 0002",
    ];
    assert_eq!(tokens.len(), cards.len());
    let client = server.client();
    for (token, card) in tokens.iter().zip(cards) {
        let digits: String = card.chars().filter(char::is_ascii_digit).collect();
        assert_ne!(token.replace(' ', ""), digits, "card left in clear");
        let answer = client
            .post(
                "/v1/tokens/detokenize",
                &serde_json::json!({"token": token, "purpose": "support"}),
            )
            .expect(200);
        let masked = answer["masked"].as_str().expect("masked card");
        assert!(
            masked.starts_with(&digits[..6]) && masked.ends_with(&digits[12..]),
            "{masked}"
        );
    }
}

#[test]
fn output_to_standard_output_and_never_over_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", CSV);
    let out = privet()
        .env_remove("PRIVET_DEID_KEY")
        .args(["redact", &input, "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 4, "{text}");
    assert!(
        text.contains("[EMAIL]") && !text.contains("ada.lovelace"),
        "{text}"
    );
    // Only the input is left in the directory: nothing staged stays behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let assert = privet()
        .args(["redact", &input, "-o", &input])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("is the input"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), CSV);
}

#[test]
fn an_unclosed_quote_fails_with_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "bad.csv",
        "id,email,note\n1,ada@example.com,\"unclosed note\n2,bob@example.com,fine\n",
    );
    let out = dir.path().join("out.csv");
    let assert = privet()
        .args(["redact", &input, "-o"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("line 2") && stderr.contains("never closes"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("ada@") && !stderr.contains("unclosed note"),
        "{stderr}"
    );
    assert!(!out.exists());
    // The scan reads the data and reports the defect with exit 2.
    let scan = privet().args(["scan", &input]).output().unwrap();
    assert_eq!(scan.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&scan.stderr).contains("line 2"));
}

#[test]
fn the_count_is_of_values_replaced_not_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "t.log",
        "mail ada@example.com and bob@example.org\nnothing here\ncard 4111 1111 1111 1111\n",
    );
    let out = dir.path().join("t.out");
    let assert = privet()
        .args(["redact", &input, "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("3 lines, 3 values changed"), "{stderr}");
}

#[test]
fn fpe_cards_in_free_text_fail_luhn_and_reveal_finds_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = "paid with 4111 1111 1111 1111 on monday\ncard 5555-5555-5555-4444, visa 4000000000000002\n";
    let input = write(dir.path(), "in.log", text);
    let policy = write(
        dir.path(),
        "deid.toml",
        "[defaults]\ncard_number = \"fpe\"\n",
    );
    let red = dir.path().join("red.log");
    let back = dir.path().join("back.log");
    keyed("redact", input.as_ref(), &policy, &red);
    let redacted = std::fs::read_to_string(&red).unwrap();
    assert_eq!(redacted.len(), text.len(), "{redacted}");
    for card in [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "4000000000000002",
    ] {
        assert!(!redacted.contains(card), "{redacted}");
    }
    assert!(card_gate_passes(&red));
    keyed("reveal", &red, &policy, &back);
    assert_eq!(std::fs::read_to_string(&back).unwrap(), text);

    // The named option keeps Luhn for test systems that validate: the gate then trips.
    let valid = write(
        dir.path(),
        "valid.toml",
        "[defaults]\ncard_number = { op = \"fpe\", luhn_valid = true }\n",
    );
    let red2 = dir.path().join("red2.log");
    keyed("redact", input.as_ref(), &valid, &red2);
    assert!(!card_gate_passes(&red2));
    let back2 = dir.path().join("back2.log");
    keyed("reveal", &red2, &valid, &back2);
    assert_eq!(std::fs::read_to_string(&back2).unwrap(), text);

    // On a type without a check digit the option is a policy error with its place.
    let wrong = write(
        dir.path(),
        "wrong.toml",
        "[defaults]\nemail = { op = \"fpe\", luhn_valid = true }\n",
    );
    let assert = privet()
        .env("PRIVET_DEID_KEY", KEY)
        .args(["redact", &input, "--policy", &wrong, "-o", "-"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("luhn_valid") && stderr.contains("wrong.toml:2:"),
        "{stderr}"
    );
}

#[test]
fn card_security_codes_and_expiry_dates_next_to_a_card_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"card\": \"4111111111111111\", \"cvv\": \"123\", \"exp\": \"11/27\"}\n\
                paid with 5555 5555 5555 4444 exp 09/28 cvc 987\n";
    let input = write(dir.path(), "in.log", text);
    let assert = privet()
        .args(["redact", &input, "-o", "-"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for value in [
        "4111111111111111",
        "123",
        "11/27",
        "5555 5555 5555 4444",
        "09/28",
        "987",
    ] {
        assert!(!out.contains(value), "{value} left in {out}");
    }
    assert!(out.contains("[CARD_EXPIRY]"), "{out}");
}
