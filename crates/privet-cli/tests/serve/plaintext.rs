//! No plaintext where it does not belong: known values go in and come out over HTTP, and then
//! not one of them is found in the database files (WAL included), the server's logs, a backup
//! or anything else left in the test's directory.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::harness::Env;
use super::http::Client;
use super::{card_number, encode, field, fields, shown};

const SURNAMES: [&str; 10] = [
    "Ashgrove",
    "Birchwick",
    "Cedarholm",
    "Dunmarrow",
    "Elmhurst",
    "Fernlow",
    "Galeborn",
    "Hazeldene",
    "Ivybridge",
    "Junipero",
];

struct Person {
    subject: String,
    email: String,
    card: String,
    name: String,
}

fn people() -> Vec<Person> {
    (0..10u32)
        .map(|n| Person {
            subject: format!("plain-{n}"),
            email: format!("zq-{n}-unique@example.com"),
            card: card_number(7_300 + n),
            name: format!("Zephyrine {}", SURNAMES[n as usize]),
        })
        .collect()
}

#[test]
fn no_value_is_left_in_files_logs_or_backups() {
    let env = Env::sqlite();
    let mut server = env.start();
    let api = server.client();
    let billing = api.with_key(&env.create_api_key("service"));
    let people = people();
    let values: Vec<&str> = people
        .iter()
        .flat_map(|p| [p.email.as_str(), p.card.as_str(), p.name.as_str()])
        .collect();
    assert_eq!(values.len(), 30);

    store(&api, &people);
    let mut answers = String::new();
    for p in &people {
        answers.push_str(&read_back(&api, &billing, p));
    }
    provoke_errors(&api, &people);

    let backup = env.path().join("vault.backup");
    env.privet_ok(&["backup", backup.to_str().expect("utf-8 path")]);
    assert!(backup.metadata().is_ok_and(|m| m.len() > 0));
    // Killed rather than stopped, so the write-ahead log is left as a crash would leave it.
    server.kill();

    for value in &values {
        assert!(
            contains(answers.as_bytes(), value.as_bytes()),
            "{value} never came back over HTTP"
        );
    }
    let files = files_under(env.path());
    eprintln!("searched for 30 values in {files:#?}");
    let db = env.data_dir().join("privet.db");
    assert!(files.contains(&db), "{files:?}");
    let logs: Vec<&PathBuf> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "stderr"))
        .collect();
    assert!(!logs.is_empty(), "{files:?}");
    let log_text: String = logs
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect();
    assert!(
        log_text.contains("request"),
        "debug logs were captured: {log_text}"
    );
    for file in &files {
        let bytes = std::fs::read(file).expect("readable file");
        for value in &values {
            assert!(
                !contains(&bytes, value.as_bytes()),
                "{value} found in plaintext in {}",
                file.display()
            );
        }
    }
}

fn store(api: &Client, people: &[Person]) {
    let (single, batch) = people.split_at(5);
    for p in single {
        api.put(
            &format!("/v1/subjects/{}", p.subject),
            &fields(&[
                ("email", "contact.email", &p.email),
                ("card", "financial.card_number", &p.card),
                ("name", "identity.name", &p.name),
            ]),
        )
        .expect(200);
    }
    let items: Vec<_> = batch
        .iter()
        .map(|p| {
            json!({"subject": p.subject, "fields": fields(&[
                ("email", "contact.email", &p.email),
                ("card", "financial.card_number", &p.card),
                ("name", "identity.name", &p.name),
            ])["fields"]})
        })
        .collect();
    let answer = api
        .post("/v1/subjects/batch", &json!({"items": items}))
        .expect(200);
    for item in answer["items"].as_array().expect("items") {
        assert_eq!(item["stored"], 3, "{answer}");
    }
}

/// Reads one person back every way the API allows; returns the answers' text.
fn read_back(api: &Client, billing: &Client, p: &Person) -> String {
    let mut seen = String::new();
    let support = api
        .get(&format!("/v1/subjects/{}?purpose=support", p.subject))
        .expect(200);
    assert_eq!(shown(field(&support, "email")), ("value", p.email.clone()));
    assert_eq!(shown(field(&support, "name")), ("value", p.name.clone()));
    assert_eq!(shown(field(&support, "card")).0, "masked");
    seen.push_str(&support.to_string());

    let bill = billing
        .get(&format!("/v1/subjects/{}?purpose=billing", p.subject))
        .expect(200);
    assert_eq!(shown(field(&bill, "card")), ("value", p.card.clone()));
    seen.push_str(&bill.to_string());

    let found = api
        .get(&format!(
            "/v1/subjects?email={}&purpose=support",
            encode(&p.email)
        ))
        .expect(200);
    assert_eq!(found, json!({"subjects": [p.subject]}));

    let token = api
        .post(
            "/v1/tokens",
            &json!({"kind": "card_number", "value": p.card, "subject": p.subject}),
        )
        .expect(200)["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let clear = billing
        .post(
            "/v1/tokens/detokenize",
            &json!({"token": token, "purpose": "billing"}),
        )
        .expect(200);
    assert_eq!(clear["value"], p.card.as_str());
    seen.push_str(&clear.to_string());
    api.post(
        "/v1/tokens/detokenize",
        &json!({"token": token, "purpose": "support"}),
    )
    .expect(200);
    seen
}

/// Requests that fail while carrying values, so that error paths get logged too.
fn provoke_errors(api: &Client, people: &[Person]) {
    let agent_path = |p: &Person| format!("/v1/subjects/{}", p.subject);
    for p in people.iter().take(4) {
        let card_as_number = format!(
            r#"{{"fields":[{{"name":"card","category":"financial.card_number","value":{}}}]}}"#,
            p.card
        );
        let r = api.send(
            "PUT",
            &agent_path(p),
            Some("application/json"),
            card_as_number.as_bytes(),
        );
        assert_eq!(r.status, 422, "{}", r.text());
        let unknown_key = format!(r#"{{"fields":[],"{}":"{}"}}"#, p.email, p.name);
        assert_eq!(
            api.send(
                "PUT",
                &agent_path(p),
                Some("application/json"),
                unknown_key.as_bytes()
            )
            .status,
            422
        );
        api.put(
            &agent_path(p),
            &fields(&[("email", "contact.nonsense", &p.email)]),
        )
        .problem(400);
        api.get(&format!(
            "/v1/subjects?email={}&purpose=curiosity",
            encode(&p.email)
        ))
        .problem(400);
        api.get(&format!(
            "/v1/subjects/{}?purpose=support",
            encode(&p.email)
        ))
        .problem(400);
        api.post(
            "/v1/tokens",
            &json!({"kind": "contact.nonsense", "value": p.name}),
        )
        .problem(400);
        api.post(
            "/v1/subjects/read",
            &json!({"purpose": "support", "items": [{"subject": p.email}]}),
        )
        .expect(200);
        api.anonymous()
            .put(
                &agent_path(p),
                &fields(&[("email", "contact.email", &p.email)]),
            )
            .problem(401);
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
