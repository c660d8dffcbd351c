//! `privet audit verify` against a chain written by a real server and then tampered with in the
//! database file: each kind of tampering is detected and the first bad entry named.

use sqlx::{AnyConnection, Connection, Executor};

use super::fields;
use super::harness::{Env, outcome};

/// A stopped server's SQLite vault holding a whole chain; returns it with the number of entries.
fn written_chain() -> (Env, i64) {
    let env = Env::sqlite();
    let mut server = env.start();
    let api = server.client();
    for n in 0..4 {
        let id = format!("cust-audit-{n}");
        api.put(
            &format!("/v1/subjects/{id}"),
            &fields(&[("email", "contact.email", &format!("audit{n}@example.com"))]),
        )
        .expect(200);
        api.get(&format!("/v1/subjects/{id}?purpose=support"))
            .expect(200);
    }
    server.stop();
    let n = verified_entries(&env);
    assert!(n >= 9, "{n}");
    (env, n)
}

/// The number of entries `privet audit verify` reports for a whole chain.
fn verified_entries(env: &Env) -> i64 {
    let (code, stdout) = verify(env);
    assert_eq!(code, 0, "{stdout}");
    stdout
        .split_whitespace()
        .find_map(|w| w.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("no entry count in {stdout:?}"))
}

fn verify(env: &Env) -> (i32, String) {
    let (code, stdout, stderr) = outcome(&env.privet(&["audit", "verify"]));
    (code, format!("{stdout}{stderr}"))
}

/// Runs SQL statements on the vault's database file, as someone with file access could.
fn tamper(env: &Env, statements: &[String]) {
    let url = format!("sqlite://{}", env.data_dir().join("privet.db").display());
    sqlx::any::install_default_drivers();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async {
            let mut conn = AnyConnection::connect(&url).await.expect("open privet.db");
            for sql in statements {
                let done = conn
                    .execute(sqlx::AssertSqlSafe(sql.clone()))
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                assert!(done.rows_affected() > 0, "{sql} changed nothing");
            }
            conn.close().await.expect("close");
        });
}

#[track_caller]
fn assert_broken_at(env: &Env, entry: i64) {
    let (code, out) = verify(env);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("entry {entry}:")),
        "expected entry {entry} named: {out}"
    );
}

#[test]
fn an_edited_entry_is_named() {
    let (env, n) = written_chain();
    let k = n / 2;
    tamper(
        &env,
        &[format!(
            "UPDATE audit SET decision = 'deny' WHERE seq = {k}"
        )],
    );
    assert_broken_at(&env, k);
}

#[test]
fn a_deleted_entry_is_named() {
    let (env, n) = written_chain();
    let k = n / 2;
    tamper(&env, &[format!("DELETE FROM audit WHERE seq = {k}")]);
    assert_broken_at(&env, k);
}

#[test]
fn a_truncated_log_is_named() {
    let (env, n) = written_chain();
    let keep = n - 3;
    tamper(&env, &[format!("DELETE FROM audit WHERE seq > {keep}")]);
    assert_broken_at(&env, keep + 1);
}

#[test]
fn swapped_entries_are_named() {
    let (env, n) = written_chain();
    let (i, j) = (n / 2, n / 2 + 2);
    tamper(
        &env,
        &[
            format!("UPDATE audit SET seq = -1 WHERE seq = {i}"),
            format!("UPDATE audit SET seq = {i} WHERE seq = {j}"),
            format!("UPDATE audit SET seq = {j} WHERE seq = -1"),
        ],
    );
    assert_broken_at(&env, i);
}

/// Cutting the newest entries and pointing the head at an older one (its MAC zeroed) must not be
/// laundered by the server: it stays not ready, refuses audited requests, and the damage is still
/// named after a request and after a restart.
#[test]
fn a_cut_tail_is_not_laundered_by_the_server() {
    let (env, _) = written_chain();
    // Made before the damage: afterwards nothing, a key included, can be written.
    let key = env.create_api_key("admin");
    let n = verified_entries(&env);
    let keep = n - 3;
    tamper(
        &env,
        &[
            format!("DELETE FROM audit WHERE seq > {keep}"),
            format!(
                "UPDATE audit_head SET seq = {keep}, hash = (SELECT hash FROM audit WHERE seq = {keep}), mac = zeroblob(32) WHERE id = 1"
            ),
        ],
    );
    for _ in 0..2 {
        let mut server = env.start_with_key(&key);
        let api = server.client();
        assert_eq!(api.anonymous().get("/readyz").status, 503);
        let problem = api
            .put(
                "/v1/subjects/cust-after-cut",
                &fields(&[("email", "contact.email", "after@example.com")]),
            )
            .problem(503);
        assert_eq!(
            problem["type"]
                .as_str()
                .map(|t| t.ends_with("audit-damaged")),
            Some(true),
            "{problem}"
        );
        api.get("/v1/subjects/cust-audit-0?purpose=support")
            .problem(503);
        server.stop();
        let (code, out) = verify(&env);
        assert_eq!(code, 1, "{out}");
        assert!(
            out.contains(&format!("head record (entry {keep})")),
            "{out}"
        );
    }
}

/// A log whose entries and head were all deleted is not "0 entries verified".
#[test]
fn a_wiped_log_is_named() {
    let (env, _) = written_chain();
    let key = env.create_api_key("admin");
    tamper(
        &env,
        &[
            "DELETE FROM audit".to_owned(),
            "DELETE FROM audit_head".to_owned(),
        ],
    );
    let mut server = env.start_with_key(&key);
    assert_eq!(server.client().anonymous().get("/readyz").status, 503);
    server.stop();
    let (code, out) = verify(&env);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("wiped"), "{out}");
}
