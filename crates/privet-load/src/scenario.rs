//! The four vault operations measured, their setup, and the request each
//! closed-loop iteration sends.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use hyper::Method;
use rand::Rng;
use rand::rngs::SmallRng;
use serde_json::json;

use crate::cards::CardNumbers;
use crate::client::{Call, Connection, Reply, Target};

/// How many cards the detokenize setup tokenizes.
const TOKEN_POOL: usize = 1000;
/// Purpose named on every read.
const PURPOSE: &str = "support";

/// One measured operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// `POST /v1/tokens` with a fresh card number each time.
    Tokenize,
    /// `POST /v1/tokens/detokenize` of tokens made in setup.
    Detokenize,
    /// `PUT /v1/subjects/load-<n>` with an email and a phone field.
    Store,
    /// `GET /v1/subjects/read-<n>` of subjects stored in setup.
    Read,
}

impl Scenario {
    /// Every scenario, in the order `all` runs them.
    pub const ALL: [Scenario; 4] = [
        Scenario::Tokenize,
        Scenario::Detokenize,
        Scenario::Store,
        Scenario::Read,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Tokenize => "tokenize",
            Scenario::Detokenize => "detokenize",
            Scenario::Store => "store",
            Scenario::Read => "read",
        }
    }

    /// Position in [`Scenario::ALL`]; keeps each scenario's card numbers apart.
    fn ordinal(self) -> u64 {
        match self {
            Scenario::Tokenize => 0,
            Scenario::Detokenize => 1,
            Scenario::Store => 2,
            Scenario::Read => 3,
        }
    }
}

/// Knobs the setup phases need.
pub struct SetupOptions {
    /// Seed for card numbers.
    pub seed: u64,
    /// Subjects the read scenario stores first.
    pub subjects: u64,
    /// Concurrent requests during setup.
    pub concurrency: usize,
}

/// A scenario after its setup: hands out the next request to send.
pub enum Workload {
    /// Tokenize card `n` of the sequence for every request.
    Tokenize {
        /// Card number source.
        cards: CardNumbers,
        /// Next card index, shared by all tasks so no card repeats.
        next: AtomicU64,
    },
    /// Detokenize a random token of the pool.
    Detokenize {
        /// Tokens from setup.
        tokens: Vec<String>,
    },
    /// Store subject `load-<n>`.
    Store {
        /// Next subject number.
        next: AtomicU64,
    },
    /// Read a random subject `read-<n>` below `subjects`.
    Read {
        /// How many subjects setup stored.
        subjects: u64,
    },
}

impl Workload {
    /// Runs the setup `scenario` needs against `target` and returns its workload.
    pub async fn prepare(
        scenario: Scenario,
        target: &Target,
        options: &SetupOptions,
    ) -> Result<Arc<Self>> {
        let cards =
            CardNumbers::new(options.seed ^ scenario.ordinal().wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let workload = match scenario {
            Scenario::Tokenize => Workload::Tokenize {
                cards,
                next: AtomicU64::new(0),
            },
            Scenario::Store => Workload::Store {
                next: AtomicU64::new(0),
            },
            Scenario::Detokenize => {
                let replies = setup(target, TOKEN_POOL as u64, options.concurrency, move |n| {
                    tokenize_call(&cards.nth(n))
                })
                .await
                .context("detokenize setup: tokenizing the card pool")?;
                let tokens = replies
                    .iter()
                    .map(|reply| token_of(&reply.body))
                    .collect::<Result<Vec<_>>>()?;
                Workload::Detokenize { tokens }
            }
            Scenario::Read => {
                if options.subjects == 0 {
                    bail!("--subjects must be at least 1 for the read scenario");
                }
                setup(target, options.subjects, options.concurrency, |n| {
                    store_call(&format!("read-{n}"), n)
                })
                .await
                .context("read setup: storing subjects")?;
                Workload::Read {
                    subjects: options.subjects,
                }
            }
        };
        Ok(Arc::new(workload))
    }

    /// The next request to send.
    pub fn next_call(&self, rng: &mut SmallRng) -> Call {
        match self {
            Workload::Tokenize { cards, next } => {
                tokenize_call(&cards.nth(next.fetch_add(1, Ordering::Relaxed)))
            }
            Workload::Detokenize { tokens } => {
                let token = &tokens[rng.random_range(0..tokens.len())];
                Call::json(
                    Method::POST,
                    "/v1/tokens/detokenize".to_owned(),
                    &json!({ "token": token, "purpose": PURPOSE }),
                )
            }
            Workload::Store { next } => {
                let n = next.fetch_add(1, Ordering::Relaxed);
                store_call(&format!("load-{n}"), n)
            }
            Workload::Read { subjects } => {
                let n = rng.random_range(0..*subjects);
                Call::bare(
                    Method::GET,
                    format!("/v1/subjects/read-{n}?purpose={PURPOSE}"),
                )
            }
        }
    }
}

fn tokenize_call(card: &str) -> Call {
    Call::json(
        Method::POST,
        "/v1/tokens".to_owned(),
        &json!({ "kind": "card_number", "value": card }),
    )
}

fn store_call(subject: &str, n: u64) -> Call {
    Call::json(
        Method::PUT,
        format!("/v1/subjects/{subject}"),
        &json!({ "fields": [
            { "name": "email", "category": "contact.email", "value": format!("{subject}@example.com") },
            // Ofcom's drama range: numbers that are never assigned.
            { "name": "phone", "category": "contact.phone", "value": format!("+44 20 7946 0{:03}", n % 1000) },
        ]}),
    )
}

fn token_of(body: &[u8]) -> Result<String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).context("tokenize answered with invalid JSON")?;
    match value.get("token").and_then(serde_json::Value::as_str) {
        Some(token) => Ok(token.to_owned()),
        None => bail!("tokenize answer has no string \"token\""),
    }
}

/// Sends `count` setup requests (`make(0..count)`) over `concurrency`
/// connections; any failure aborts. Replies come back in index order.
async fn setup<F>(target: &Target, count: u64, concurrency: usize, make: F) -> Result<Vec<Reply>>
where
    F: Fn(u64) -> Call + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (make, next, connection) =
            (make.clone(), next.clone(), Connection::new(target.clone()));
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= count {
                    return Ok::<_, anyhow::Error>(done);
                }
                let reply = connection.send(&make(n)).await?;
                if !reply.status.is_success() {
                    bail!(
                        "request {n} answered {}: {}",
                        reply.status,
                        crate::runner::excerpt(&reply.body)
                    );
                }
                done.push((n, reply));
            }
        }));
    }
    let mut replies = Vec::new();
    for worker in workers {
        replies.extend(worker.await??);
    }
    replies.sort_by_key(|(n, _)| *n);
    Ok(replies.into_iter().map(|(_, reply)| reply).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn store_body_matches_the_contract() {
        let call = store_call("load-7", 7);
        assert_eq!(call.method, Method::PUT);
        assert_eq!(call.path, "/v1/subjects/load-7");
        let body: serde_json::Value =
            serde_json::from_slice(call.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["fields"][0]["category"], "contact.email");
        assert_eq!(body["fields"][0]["value"], "load-7@example.com");
        assert_eq!(body["fields"][1]["value"], "+44 20 7946 0007");
    }

    #[test]
    fn tokenize_calls_never_repeat_a_card() {
        let workload = Workload::Tokenize {
            cards: CardNumbers::new(1),
            next: AtomicU64::new(0),
        };
        let mut rng = SmallRng::seed_from_u64(0);
        let a = workload.next_call(&mut rng);
        let b = workload.next_call(&mut rng);
        assert_ne!(a.body, b.body);
    }

    #[test]
    fn read_paths_name_the_purpose() {
        let mut rng = SmallRng::seed_from_u64(0);
        let call = Workload::Read { subjects: 5 }.next_call(&mut rng);
        assert_eq!(call.method, Method::GET);
        assert!(call.path.starts_with("/v1/subjects/read-"));
        assert!(call.path.ends_with("?purpose=support"));
    }

    #[test]
    fn token_is_read_from_the_answer() {
        assert_eq!(token_of(br#"{"token":"tok_1"}"#).unwrap(), "tok_1");
        assert!(token_of(br#"{"error":"x"}"#).is_err());
    }
}
