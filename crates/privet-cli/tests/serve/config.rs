//! The `[server]` and `[tokens]` tables of privet.toml: `privet serve` and the operator commands
//! take where the vault lives from the file, flags and the environment win over it, token shapes
//! follow it, and a bad value is refused at its line.

use std::path::{Path, PathBuf};

use privet_types::policy::DEFAULT_POLICY_TOML;
use serde_json::json;

use super::harness::{Env, outcome};
use super::{VISA, card_number, luhn};

/// Writes the default policy followed by `extra` to `path` (creating its directory).
fn write_policy(path: &Path, extra: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("policy directory");
    }
    std::fs::write(path, format!("{DEFAULT_POLICY_TOML}\n{extra}")).expect("write policy");
}

/// `database = "..."` for a PostgreSQL test, nothing on SQLite.
fn database_line(env: &Env) -> String {
    env.database_url()
        .map(|url| format!("database = \"{url}\"\n"))
        .unwrap_or_default()
}

on_each_backend!(config_file_places_the_vault);

fn config_file_places_the_vault(env: &Env) {
    // A relative data_dir is taken from the policy file's directory, not from the working one.
    let policy = PathBuf::from("etc").join("privet.toml");
    write_policy(
        &env.path().join(&policy),
        &format!(
            "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"vault-data\"\n{}",
            database_line(env)
        ),
    );
    let mut server = env.start_configured(|cmd| {
        cmd.arg("--policy").arg(&policy);
    });
    assert_ne!(server.addr.port(), 8700, "the built-in address was used");
    let data_dir = env.path().join("etc").join("vault-data");
    assert!(
        data_dir.join("master.key").exists(),
        "no master key in {}",
        data_dir.display()
    );
    assert!(!env.path().join("privet-data").exists());
    assert!(!env.path().join("vault-data").exists());
    if env.database_url().is_none() {
        assert!(data_dir.join("privet.db").exists());
        assert!(
            server.stderr().contains("etc/vault-data/privet.db"),
            "{}",
            server.stderr()
        );
    }
    server
        .client()
        .put(
            "/v1/subjects/cfg-1",
            &super::fields(&[("email", "contact.email", "ada@example.com")]),
        )
        .expect(200);
    server.stop();

    // The operator commands find the same vault through the same file.
    let out = env
        .command()
        .args(["keys", "list-api-keys", "--policy"])
        .arg(&policy)
        .output()
        .expect("privet keys runs");
    let (code, stdout, stderr) = outcome(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("first admin key"), "{stdout}");
    let out = env
        .command()
        .args(["audit", "verify", "--policy"])
        .arg(&policy)
        .output()
        .expect("privet audit runs");
    let (code, stdout, stderr) = outcome(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("audit chain whole"), "{stdout}");
}

#[test]
fn flags_and_environment_win_over_the_file() {
    let env = Env::sqlite();
    // 192.0.2.1 (TEST-NET-1) is no address of this machine: a server that used it would fail.
    write_policy(
        &env.path().join("privet.toml"),
        "[server]\nlisten = \"192.0.2.1:8700\"\ndata_dir = \"file-data\"\n",
    );
    let mut by_flag = env.start_configured(|cmd| {
        cmd.args([
            "--policy",
            "privet.toml",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            "flag-data",
        ]);
    });
    assert!(env.path().join("flag-data").join("privet.db").exists());
    by_flag.stop();

    let mut by_env = env.start_configured(|cmd| {
        cmd.env("PRIVET_LISTEN", "127.0.0.1:0")
            .env("PRIVET_DATA_DIR", "env-data");
    });
    assert!(
        by_env.stderr().contains("env-data/privet.db"),
        "{}",
        by_env.stderr()
    );
    by_env.stop();
    assert!(
        !env.path().join("file-data").exists(),
        "the file's data_dir was used"
    );
}

on_each_backend!(tokens_table_shapes_card_tokens);

fn tokens_table_shapes_card_tokens(env: &Env) {
    let policy = env.path().join("privet.toml");
    write_policy(
        &policy,
        "[tokens]\ncard_keep_first = 0\ncard_keep_last = 4\ndeterministic = [\"card_number\"]\n",
    );
    let server = env.start_with(&["--policy", "privet.toml"]);
    let api = server.client();
    let tokenize = |card: &str| {
        let answer = api
            .post("/v1/tokens", &json!({"kind": "card_number", "value": card}))
            .expect(200);
        answer["token"].as_str().expect("a token").to_owned()
    };
    let cards: Vec<String> = (0..5).map(card_number).collect();
    let tokens: Vec<String> = cards.iter().map(|c| tokenize(c)).collect();
    for (card, token) in cards.iter().zip(&tokens) {
        assert_eq!(token.len(), card.len(), "{token}");
        assert!(token.bytes().all(|b| b.is_ascii_digit()), "{token}");
        assert_eq!(token[token.len() - 4..], card[card.len() - 4..], "{token}");
        assert!(!luhn(token), "the token {token} passes Luhn");
    }
    // The first six digits are drawn, not kept: that even two of five tokens would show their
    // card's BIN by chance is about one in 10^11.
    let showing_bin = cards
        .iter()
        .zip(&tokens)
        .filter(|(card, token)| token[..6] == card[..6])
        .count();
    assert!(showing_bin <= 1, "{tokens:?} keep the BIN of {cards:?}");

    let first = tokenize(VISA);
    assert!(first.ends_with("1111"), "{first}");
    assert_eq!(tokenize(VISA), first, "card tokens are deterministic");
}

#[test]
fn bad_server_values_are_refused_at_their_line() {
    let env = Env::sqlite();
    let policy = env.path().join("privet.toml");
    write_policy(
        &policy,
        "[server]\nlisten = \"localhost:8700\"\ntls_cert = \"cert.pem\"\n",
    );
    let lines = DEFAULT_POLICY_TOML.lines().count() + 1;
    let (listen_line, tls_line) = (lines + 2, lines + 3);

    let out = env
        .command()
        .arg("check")
        .arg(&policy)
        .output()
        .expect("privet check runs");
    let (code, _, stderr) = outcome(&out);
    assert_eq!(code, 2, "{stderr}");
    let at = |line: usize| format!("{}:{line}:", policy.display());
    assert!(stderr.contains(&at(listen_line)), "{stderr}");
    assert!(stderr.contains("ADDR:PORT"), "{stderr}");
    assert!(stderr.contains(&at(tls_line)), "{stderr}");
    assert!(stderr.contains("needs `tls_key`"), "{stderr}");

    let out = env
        .command()
        .args(["serve", "--policy"])
        .arg(&policy)
        .output()
        .expect("privet serve runs");
    let (code, _, stderr) = outcome(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&at(listen_line)), "{stderr}");
    assert!(!env.path().join("privet-data").exists());
}

/// A second server on the same embedded store is refused (it would run a second writer and purge
/// over the same file), and a server that cannot have its port creates nothing: no store, no
/// master key, no admin key printed.
#[test]
fn one_server_per_data_directory_and_a_busy_port_creates_nothing() {
    let env = Env::sqlite();
    let mut first = env.start();
    let second = env.try_start(&[]);
    let exited = second
        .err()
        .expect("a second server on one data directory is refused");
    assert_eq!(exited.code, Some(2), "{}", exited.stderr);
    assert!(
        exited.stderr.contains("another privet serve") && exited.stderr.contains("is using"),
        "{}",
        exited.stderr
    );

    // The first server's port is busy: a server on a new directory fails before creating it.
    let port = first.addr.to_string();
    let fresh = env.path().join("fresh-data");
    let out = env
        .command()
        .args(["serve", "--data-dir"])
        .arg(&fresh)
        .args(["--listen", &port])
        .output()
        .expect("privet runs");
    let (code, stdout, stderr) = outcome(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(
        !stdout.contains("pvt_"),
        "an admin key was printed: {stdout}"
    );
    assert!(!fresh.exists(), "the data directory was created");
    assert_eq!(
        stderr.matches("cannot listen on").count(),
        1,
        "the error is printed once: {stderr}"
    );
    first.stop();
    // Once the first server is gone, the directory is free again.
    let mut again = env.start();
    again.stop();
}

/// With `--log-format json`, everything the server writes on stderr is JSON, start-up lines
/// included, so a log collector never meets a line it cannot parse.
#[test]
fn json_logs_cover_the_start_up_lines() {
    let env = Env::sqlite();
    let mut server = env.start_with(&["--log-format", "json"]);
    server.stop();
    let err = server.stderr();
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty());
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            v["message"].is_string() || v["fields"].is_object(),
            "{line}"
        );
    }
}
