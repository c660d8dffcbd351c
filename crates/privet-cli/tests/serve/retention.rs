//! Retention from the outside: events over HTTP, `privet purge` (dry run, then the real run while
//! privet serve runs on the same store), receipts over HTTP and in the terminal.

use serde_json::{Value, json};

use super::harness::Env;

on_each_backend!(purges_run_beside_the_server_and_leave_receipts);
on_each_backend!(writes_that_nothing_justifies_are_refused_at_the_door);

fn writes_that_nothing_justifies_are_refused_at_the_door(env: &Env) {
    // online.* is read for fraud prevention, but no retention rule says when it goes.
    let policy = env.policy_with(
        "\n[[rules]]\nrole = \"admin\"\npurpose = \"fraud_prevention\"\ncategories = [\"online.*\"]\ndecision = \"mask\"\n",
    );
    let policy_arg = policy.to_str().expect("utf-8");
    let server = env.start_with(&["--policy", policy_arg]);
    let api = server.client();
    let put = |api: &super::http::Client, subject: &str, category: &str| {
        api.put(
            &format!("/v1/subjects/{subject}"),
            &json!({"fields": [
                {"name": "email", "category": "contact.email", "value": "door@example.com"},
                {"name": "other", "category": category, "value": "door-secret-value"},
            ]}),
        )
    };
    // (category, reason): no rule lets any purpose read health records; online ids have no end.
    for (category, reason) in [
        ("health.record", "no_purpose"),
        ("online.ip_address", "no_retention"),
    ] {
        let response = put(&api, "cust-door", category);
        let problem = response.problem(422);
        assert_eq!(problem["reason"], reason, "{category}: {problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains("fields[1].category") && detail.contains(category),
            "{detail}"
        );
        assert!(
            !response.text().contains("door-secret-value") && !response.text().contains("door@")
        );
    }
    // Nothing of the refused writes was stored, not even the justified field beside them.
    api.get("/v1/subjects/cust-door?purpose=support")
        .problem(404);
    let batch = api.post(
        "/v1/subjects/batch",
        &json!({"items": [
            {"subject": "cust-door-1", "fields": [{"name": "ip", "category": "online.ip_address", "value": "192.0.2.1"}]},
            {"subject": "cust-door-2", "fields": [{"name": "email", "category": "contact.email", "value": "ok@example.com"}]},
        ]}),
    );
    let batch = batch.expect(200);
    assert_eq!(batch["items"][0]["error"]["status"], 422, "{batch}");
    assert_eq!(
        batch["items"][0]["error"]["reason"], "no_retention",
        "{batch}"
    );
    assert_eq!(batch["items"][1]["stored"], 1, "{batch}");
    drop(server);

    // With the check turned off, privet check says so and the write goes through.
    let text = std::fs::read_to_string(&policy).expect("policy");
    let off = text.replacen("[policy]\n", "[policy]\nrequire_retention = false\n", 1);
    assert_ne!(off, text);
    std::fs::write(&policy, off).expect("write");
    let checked = env
        .command()
        .arg("check")
        .arg(&policy)
        .output()
        .expect("privet check runs");
    assert!(checked.status.success());
    let checked = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.contains("require_retention = false"), "{checked}");
    assert!(checked.contains("online.ip_address"), "{checked}");
    let server = env.start_with(&["--policy", policy_arg]);
    let api = server.client();
    put(&api, "cust-door", "online.ip_address").expect(200);
    put(&api, "cust-door", "health.record").problem(422);

    // Quiet since 2020: the default policy's contact rule (3 years from the last activity) has
    // expired its e-mail; an administrator restores it and it reads again.
    let events = "/v1/subjects/cust-door/events";
    assert_eq!(
        api.post(
            events,
            &json!({"kind": "activity", "at": "2020-01-01T00:00:00Z"})
        )
        .status,
        204
    );
    let email = |api: &super::http::Client| {
        let view = api.get("/v1/subjects/cust-door?purpose=support").json();
        view["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["name"] == "email").cloned())
            .unwrap_or(view)
    };
    // The only field support may read has expired, so the read is refused as a whole.
    assert_eq!(
        email(&api)["reason"],
        "retention_expired",
        "{}",
        email(&api)
    );
    let restore = "/v1/subjects/cust-door/fields/email/restore";
    let restored = api.post(restore, &json!({})).expect(200);
    assert_eq!(restored["rule"], "customer_contact", "{restored}");
    assert_eq!(restored["field"], "email");
    assert_eq!(email(&api)["value"], "door@example.com");
    api.post(restore, &json!({})).problem(409);
    api.post("/v1/subjects/cust-door/fields/phone/restore", &json!({}))
        .problem(404);
    api.post(
        "/v1/subjects/cust-door/fields/No%20Name/restore",
        &json!({}),
    )
    .problem(400);
    let log = api.get("/v1/audit?after=0&limit=1000").expect(200);
    let restores: Vec<&Value> = log["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "retention.restore")
        .collect();
    assert_eq!(restores.len(), 1, "{log}");
    assert!(!log.to_string().contains("door@example.com"));
}

fn purges_run_beside_the_server_and_leave_receipts(env: &Env) {
    let policy = env.policy_with("\n[retention.contact]\ncategories = [\"contact.*\"]\nkeep_for = \"365d\"\ngrace = \"7d\"\n\
         owner = \"Privacy Lead <privacy@example.org>\"\nevery = \"1d\"\n\
         [retention.closed]\ncategories = [\"identity.*\"]\nkeep_for = \"30d\"\nfrom = \"account_closed\"\n\
         action = \"erase_subject\"\nowner = \"DPO\"\ncron = \"0 3 * * *\"\n",
    );
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
    // The server's own dry run over HTTP says the same.
    let served = api
        .post("/v1/purges", &json!({"dry_run": true}))
        .expect(200);
    assert_eq!(served["dry_run"], true);
    for rule in ["closed", "contact"] {
        assert_eq!(
            by_rule(&served, rule)["fields"],
            by_rule(&dry, rule)["fields"],
            "{served}"
        );
    }
    api.post("/v1/purges", &json!({"rule": "nope", "dry_run": true}))
        .problem(400);
    api.post("/v1/purges", &json!({"dryrun": true}))
        .problem(422);
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
    // Nothing purged is readable from a backup after the later of the two backup retentions.
    let after = |p: &Value, key: &str| -> jiff::Timestamp {
        p[key]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{key}: {p}"))
    };
    assert_eq!(
        after(&purges[0], "unreadable_after").duration_since(after(&purges[0], "finished_at")),
        jiff::SignedDuration::from_hours(90 * 24)
    );
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
