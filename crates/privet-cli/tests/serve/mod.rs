//! `privet serve` as its clients see it: a real server process per test, on SQLite and (when
//! `PRIVET_TEST_POSTGRES_URL` names a server) on PostgreSQL, driven over HTTP and through the
//! operator commands.

/// Declares, for a `fn NAME(env: &Env)` beside it, a module `NAME` with one test per backend:
/// `sqlite` always, `postgres` when PostgreSQL is configured (and required under `CI=true`).
macro_rules! on_each_backend {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(&crate::serve::harness::Env::sqlite());
                }

                #[test]
                fn postgres() {
                    if let Some(env) = crate::serve::harness::Env::postgres() {
                        super::$name(&env);
                    }
                }
            }
        )*
    };
}

pub(crate) mod harness;
pub(crate) mod http;

mod config;
mod consents;
mod contract;
mod crash;
mod errors;
mod holds;
mod limits;
mod openapi;
mod outbox;
mod plaintext;
mod policy;
mod presidio;
mod requests;
mod restore;
mod retention;
mod rotation;
mod tampering;
mod tls;

use serde_json::Value;

// Card numbers and the mask check are testkit's, shared with the vault suite.
pub(crate) use privet_testkit::cards::{VISA, assert_card_masked, card_number, luhn};

/// The field called `name` in a subject read.
pub(crate) fn field<'a>(subject: &'a Value, name: &str) -> &'a Value {
    subject["fields"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["name"] == name))
        .unwrap_or_else(|| panic!("no field {name} in {subject}"))
}

/// How a read shows a field: `("value" | "masked" | "withheld", text)`. Asserts that exactly one
/// of the three is present.
pub(crate) fn shown(field: &Value) -> (&'static str, String) {
    let present: Vec<(&'static str, String)> = ["value", "masked", "withheld"]
        .into_iter()
        .filter_map(|k| field[k].as_str().map(|s| (k, s.to_owned())))
        .collect();
    assert_eq!(
        present.len(),
        1,
        "exactly one of value/masked/withheld expected: {field}"
    );
    present.into_iter().next().unwrap_or_default()
}

/// `PUT /v1/subjects/{id}` body for `(name, category, value)` triples.
pub(crate) fn fields(items: &[(&str, &str, &str)]) -> Value {
    serde_json::json!({
        "fields": items
            .iter()
            .map(|(name, category, value)| serde_json::json!({"name": name, "category": category, "value": value}))
            .collect::<Vec<_>>()
    })
}

/// Percent-encodes a query-string value.
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
