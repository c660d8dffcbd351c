//! Policy as code: `privet init` and `privet check`, a server that refuses an invalid policy,
//! and SIGHUP reloads that take a valid file and keep the old policy over an invalid one.

use std::path::Path;
use std::time::Duration;

use super::harness::{Env, outcome};
use super::{field, fields, shown};

const DENY_EMAIL_RULE: &str = r#"
[[rules]]
role = "admin"
purpose = "support"
categories = ["contact.email"]
decision = "deny"
"#;

/// Writes the example policy with `privet init` and returns its text.
fn init(env: &Env, path: &Path) -> String {
    let out = env
        .command()
        .arg("init")
        .arg(path)
        .output()
        .expect("privet init runs");
    let (code, _, stderr) = outcome(&out);
    assert_eq!(code, 0, "{stderr}");
    std::fs::read_to_string(path).expect("privet init wrote the file")
}

/// `text` with the first `from` replaced by `to`, and the 1-based line of the change.
fn break_line(text: &str, from: &str, to: &str) -> (String, usize) {
    let at = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in the policy"));
    let line = text[..at].matches('\n').count() + 1;
    (text.replacen(from, to, 1), line)
}

/// Asserts that `stderr` points at `path:line:column:`.
#[track_caller]
fn assert_points_at(stderr: &str, path: &Path, line: usize) {
    let prefix = format!("{}:{line}:", path.display());
    let pointed = stderr.match_indices(&prefix).any(|(i, _)| {
        let rest = &stderr[i + prefix.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && rest[digits..].starts_with(':')
    });
    assert!(pointed, "expected {prefix}COLUMN: in:\n{stderr}");
}

#[test]
fn init_writes_a_policy_that_check_accepts_and_check_points_at_errors() {
    let env = Env::sqlite();
    let path = env.path().join("privet.toml");
    let text = init(&env, &path);
    assert!(text.contains("[purposes.support]"));
    let check = |p: &Path| {
        outcome(
            &env.command()
                .arg("check")
                .arg(p)
                .output()
                .expect("privet check runs"),
        )
    };
    let (code, stdout, stderr) = check(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid"), "{stdout}");

    let again = env.command().arg("init").arg(&path).output().expect("runs");
    assert_eq!(outcome(&again).0, 2, "init refuses to overwrite");

    let broken = env.path().join("broken.toml");
    let (bad, line) = break_line(
        &text,
        "legal_basis = \"contract\"",
        "legal_basis = \"vibes\"",
    );
    std::fs::write(&broken, bad).expect("write");
    let (code, _, stderr) = check(&broken);
    assert_eq!(code, 2, "{stderr}");
    assert_points_at(&stderr, &broken, line);

    let (bad, line) = break_line(&text, "[roles.admin]", "[roles.admin");
    std::fs::write(&broken, bad).expect("write");
    let (code, _, stderr) = check(&broken);
    assert_eq!(code, 2, "{stderr}");
    assert_points_at(&stderr, &broken, line);
}

on_each_backend!(
    an_invalid_policy_stops_the_server,
    sighup_reloads_the_policy
);

fn an_invalid_policy_stops_the_server(env: &Env) {
    let path = env.path().join("invalid.toml");
    let text = init(env, &env.path().join("privet.toml"));
    let (bad, line) = break_line(&text, "decision = \"mask\"", "decision = \"maybe\"");
    std::fs::write(&path, bad).expect("write");
    let path_arg = path.to_str().expect("utf-8 path");
    let exited = match env.try_start(&["--policy", path_arg]) {
        Ok(_) => panic!(
            "the server started with an invalid policy on {}",
            env.backend
        ),
        Err(exited) => exited,
    };
    assert_eq!(exited.code, Some(2), "{}", exited.stderr);
    assert_points_at(&exited.stderr, &path, line);
}

fn sighup_reloads_the_policy(env: &Env) {
    let path = env.path().join("privet.toml");
    let text = init(env, &path);
    let path_arg = path.to_str().expect("utf-8 path");
    let server = env.start_with(&["--policy", path_arg]);
    let api = server.client();
    let subject = "/v1/subjects/cust-policy-1";
    api.put(
        subject,
        &fields(&[
            ("email", "contact.email", "hup@example.com"),
            ("name", "identity.name", "Hugo Hup"),
        ]),
    )
    .expect(200);
    let read_path = format!("{subject}?purpose=support");
    let read = api.get(&read_path).expect(200);
    assert_eq!(shown(field(&read, "email")).0, "value");

    std::fs::write(&path, format!("{text}{DENY_EMAIL_RULE}")).expect("write");
    server.signal("HUP");
    server.wait_for_stderr("reloaded policy", 1, Duration::from_secs(10));
    let read = api.get(&read_path).expect(200);
    let email = field(&read, "email");
    assert_eq!(shown(email).0, "withheld", "{read}");
    assert!(email["reason"].is_string(), "{read}");
    assert_eq!(shown(field(&read, "name")).0, "value");

    std::fs::write(&path, "[purposes.support\nthis is not toml").expect("write");
    server.signal("HUP");
    server.wait_for_stderr("previous policy stays", 1, Duration::from_secs(10));
    assert!(server.stderr().contains(&format!("{}:", path.display())));
    let read = api.get(&read_path).expect(200);
    assert_eq!(shown(field(&read, "email")).0, "withheld", "{read}");
    assert_eq!(api.anonymous().get("/healthz").status, 200);
}
