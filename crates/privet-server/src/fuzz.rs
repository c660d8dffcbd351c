//! Entry point for the request-body fuzz target (`fuzz/fuzz_targets/request_body.rs`).

use serde::de::DeserializeOwned;

use crate::api::{consents, holds, requests, retention, subjects, tokens};
use crate::problem::safe_serde_message;

/// Parses `data` as every request body the API accepts and checks that no error message
/// repeats a run of six or more digits from the input (a card or account number).
pub fn fuzz_request_body(data: &[u8]) {
    let runs = digit_runs(data);
    check::<subjects::PutSubject>(data, &runs);
    check::<subjects::PutBatch>(data, &runs);
    check::<subjects::ReadBatch>(data, &runs);
    check::<consents::ConsentIn>(data, &runs);
    check::<consents::ConsentEntryIn>(data, &runs);
    check::<requests::RequestIn>(data, &runs);
    check::<requests::StepIn>(data, &runs);
    check::<holds::HoldIn>(data, &runs);
    check::<retention::EventIn>(data, &runs);
    check::<retention::PurgeIn>(data, &runs);
    check::<subjects::LookupIn>(data, &runs);
    check::<tokens::TokenizeIn>(data, &runs);
    check::<tokens::TokenizeBatch>(data, &runs);
    check::<tokens::DetokenizeIn>(data, &runs);
    check::<tokens::DetokenizeBatch>(data, &runs);
}

fn check<T: DeserializeOwned>(data: &[u8], runs: &[String]) {
    if let Err(e) = serde_json::from_slice::<T>(data) {
        let message = safe_serde_message(&e.to_string());
        for run in runs {
            assert!(
                !message.contains(run.as_str()),
                "an input value reached an error message"
            );
        }
    }
}

fn digit_runs(data: &[u8]) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for b in data.iter().chain(std::iter::once(&b' ')) {
        if b.is_ascii_digit() {
            current.push(char::from(*b));
        } else {
            if current.len() >= 6 {
                runs.push(std::mem::take(&mut current));
            }
            current.clear();
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_never_reach_messages() {
        fuzz_request_body(
            br#"{"fields":[{"name":"card","category":"x","value":4111111111111111}]}"#,
        );
        fuzz_request_body(
            br#"{"kind":"card_number","value":"4111111111111111","4111111111111111":1}"#,
        );
        fuzz_request_body(b"{\"items\":[{\"token\":12345678901234}]}");
        fuzz_request_body(b"\xff\xfe garbage 99999999");
    }
}
