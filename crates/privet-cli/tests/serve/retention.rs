//! Retention from the outside: events over HTTP, `privet purge` (dry run, then the real run while
//! privet serve runs on the same store), receipts over HTTP and in the terminal.

use serde_json::{Value, json};

use super::harness::Env;

on_each_backend!(purges_run_beside_the_server_and_leave_receipts);

fn purges_run_beside_the_server_and_leave_receipts(env: &Env) {
    let policy = env.path().join("privet.toml");
    let out = env
        .command()
        .arg("init")
        .arg(&policy)
        .output()
        .expect("privet init");
    assert!(out.status.success());
    let mut text = std::fs::read_to_string(&policy).expect("policy");
    text.push_str(
        "\n[retention.contact]\ncategories = [\"contact.*\"]\nkeep_for = \"365d\"\ngrace = \"7d\"\n\
         owner = \"Privacy Lead <privacy@example.org>\"\nevery = \"1d\"\n\
         [retention.closed]\ncategories = [\"identity.*\"]\nkeep_for = \"30d\"\nfrom = \"account_closed\"\n\
         action = \"erase_subject\"\nowner = \"DPO\"\ncron = \"0 3 * * *\"\n",
    );
    std::fs::write(&policy, text).expect("write policy");
    let policy_arg = policy.to_str().expect("utf-8");
    let server = env.start_with(&["--policy", policy_arg]);
    let api = server.client();
    // The rules never ran, so the server's scheduler runs each once at start (over nothing yet).
    let receipts = |api: &super::http::Client| {
        api.get("/v1/purges").json()["purges"]
            .as_array()
            .map_or(0, Vec::len)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while receipts(&api) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the scheduler never ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let old = "2020-01-01T00:00:00Z";
    for i in 0..6 {
        api.put(
            &format!("/v1/subjects/cust-ret-{i}"),
            &json!({"fields": [
                {"name": "email", "category": "contact.email", "value": format!("r{i}@example.com"), "collected_at": old},
                {"name": "name", "category": "identity.name", "value": "Ret Customer"},
            ]}),
        )
        .expect(200);
    }
    // Two accounts closed long ago: the whole subject goes.
    for i in 0..2 {
        let path = format!("/v1/subjects/cust-ret-{i}/events");
        assert_eq!(
            api.post(&path, &json!({"kind": "account_closed", "at": old}))
                .status,
            204
        );
    }
    api.post(
        "/v1/subjects/cust-ret-0/events",
        &json!({"kind": "Not A Kind"}),
    )
    .problem(400);
    api.post(
        "/v1/subjects/cust-ret-0/events",
        &json!({"kind": "activity", "at": "2999-01-01T00:00:00Z"}),
    )
    .problem(400);
    api.post(
        "/v1/subjects/cust-nobody/events",
        &json!({"kind": "activity"}),
    )
    .problem(404);

    let dry = env.privet_ok(&[
        "purge",
        "--dry-run",
        "--format",
        "json",
        "--policy",
        policy_arg,
    ]);
    let dry: Value = serde_json::from_str(&dry).expect("JSON");
    let by_rule = |doc: &Value, rule: &str| {
        doc["rules"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["rule"] == rule))
            .cloned()
            .unwrap_or_default()
    };
    let closed = by_rule(&dry, "closed");
    assert_eq!(
        (&closed["subjects_erased"], &closed["fields"]),
        (&json!(2), &json!(4)),
        "{dry}"
    );
    let contact = by_rule(&dry, "contact");
    assert_eq!(
        (&contact["fields"], &contact["subjects_erased"]),
        (&json!(4), &json!(0)),
        "{dry}"
    );
    assert_eq!(contact["by_category"], json!({"contact.email": 4}));
    api.get("/v1/subjects/cust-ret-3?purpose=support")
        .expect(200);

    let table = env.privet_ok(&["purge", "--policy", policy_arg]);
    assert!(
        table.contains("SUBJECTS ERASED") && table.contains("contact"),
        "{table}"
    );
    // What the dry run said is what went; the server, still running, sees it.
    api.get("/v1/subjects/cust-ret-0?purpose=support")
        .problem(404);
    let left = api
        .get("/v1/subjects/cust-ret-3?purpose=support")
        .expect(200);
    let names: Vec<&str> = left["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["name"], "{left}");

    // Two scheduled runs over nothing, then this run's two receipts, newest first.
    let listed = api.get("/v1/purges").expect(200);
    let purges = listed["purges"].as_array().cloned().unwrap_or_default();
    assert_eq!(purges.len(), 4, "{listed}");
    let fields: u64 = purges[..2]
        .iter()
        .filter_map(|p| p["fields"].as_u64())
        .sum();
    assert_eq!(fields, 8, "{listed}");
    let printed = env.privet_ok(&["purge", "receipts", "--format", "json"]);
    let printed: Value = serde_json::from_str(&printed).expect("JSON");
    assert_eq!(printed["purges"].as_array().map(Vec::len), Some(4));
    let log = api.get("/v1/audit?after=0&limit=1000").expect(200);
    assert!(!log.to_string().contains("@example.com"));
    assert_eq!(
        log["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "retention.purge")
            .count(),
        4
    );
}
