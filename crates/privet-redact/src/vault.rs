//! The `token` operator's client: `POST /v1/tokens` on a running `privet serve`.
//!
//! It speaks HTTPS through rustls (the server's TLS stack, with the same ring provider), keeps
//! its connections open between cells, and sends the API key in clear only to a vault on this
//! machine: `http://` is refused for any host that is not loopback.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use privet_crypto::outbound::{self, OutboundUrl};
use zeroize::Zeroizing;

use crate::cell::RedactError;

const TIMEOUT: Duration = Duration::from_secs(30);
/// Longest response read; a token answer is a few hundred bytes.
const MAX_RESPONSE: u64 = 1 << 20;

/// Where the vault is and the API key to call it with.
pub struct VaultClient {
    agent: ureq::Agent,
    endpoint: String,
    authority: String,
    authorization: Zeroizing<String>,
}

impl fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultClient")
            .field("endpoint", &self.endpoint)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl VaultClient {
    /// A client for `url` (`https://host:port`, or `http://` to a loopback address, optionally
    /// with a path prefix) and `api_key`, trusting `ca` (PEM) or else the system's roots.
    pub fn new(url: &str, api_key: &str, ca: Option<&Path>) -> Result<VaultClient, RedactError> {
        let parsed = OutboundUrl::parse(url).map_err(|why| {
            RedactError::Io(format!(
                "--vault-url: {why}{}",
                if why.starts_with("refusing") {
                    " (the API key would cross the network in clear)"
                } else {
                    ""
                }
            ))
        })?;
        let agent = outbound::agent(&parsed, ca, TIMEOUT, 4)
            .map_err(|e| RedactError::Io(format!("--vault-ca {e}")))?;
        Ok(VaultClient {
            agent,
            endpoint: parsed.join("/v1/tokens"),
            authority: parsed.authority,
            authorization: Zeroizing::new(format!("Bearer {}", api_key.trim())),
        })
    }

    /// A token for `value` of `kind` (`card_number` or a data category the vault knows).
    /// Failures name the HTTP status and the vault's problem title, never the value.
    pub fn tokenize(&self, kind: &str, value: &str) -> Result<String, String> {
        let body = Zeroizing::new(serde_json::json!({ "kind": kind, "value": value }).to_string());
        let mut response = self
            .agent
            .post(&self.endpoint)
            .header("Authorization", self.authorization.as_str())
            .content_type("application/json")
            .send(body.as_bytes())
            .map_err(|e| format!("vault at {} unreachable: {e}", self.authority))?;
        let status = response.status().as_u16();
        let text = Zeroizing::new(
            response
                .body_mut()
                .with_config()
                .limit(MAX_RESPONSE)
                .read_to_string()
                .map_err(|e| {
                    format!("vault at {} sent a malformed response: {e}", self.authority)
                })?,
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status != 200 {
            let title = json
                .get("title")
                .and_then(|t| t.as_str())
                .unwrap_or("no detail");
            return Err(format!(
                "vault refused the token request: HTTP {status} ({title})"
            ));
        }
        json.get("token")
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .ok_or_else(|| "vault answer has no token".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn plain_http_only_to_this_machine() {
        for url in [
            "http://127.0.0.1:9",
            "http://localhost:9",
            "http://[::1]:9",
            "http://127.8.0.1",
        ] {
            assert!(VaultClient::new(url, "k", None).is_ok(), "{url}");
        }
        for url in [
            "http://10.0.0.5:8080",
            "http://vault.internal",
            "http://[2001:db8::1]:80",
        ] {
            let err = VaultClient::new(url, "secret-key", None)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("https://") && !err.contains("secret-key"),
                "{err}"
            );
        }
        let c = VaultClient::new("https://vault.internal", "secret-key", None).unwrap();
        assert!(!format!("{c:?}").contains("secret-key"));
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let err = VaultClient::new("https://vault.internal", "k", Some(&path))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no certificate"), "{err}");
        let missing = dir.path().join("missing.pem");
        assert!(VaultClient::new("https://v", "k", Some(&missing)).is_err());
    }

    /// One connection serves several cells: the fake vault accepts once and answers twice.
    #[test]
    fn tokenize_reuses_its_connection_and_names_no_value_in_errors() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            for answer in [
                "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"token\":\"tok_1\"}",
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\n\r\n{\"title\":\"unauthorized\"}",
            ] {
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then the JSON body named by Content-Length.
                while !req.windows(4).any(|w| w == b"\r\n\r\n") || !req.ends_with(b"}") {
                    let n = s.read(&mut buf).unwrap();
                    assert!(n > 0, "connection closed");
                    req.extend_from_slice(&buf[..n]);
                }
                let req = String::from_utf8_lossy(&req).to_lowercase();
                assert!(req.starts_with("post /v1/tokens http/1.1"), "{req}");
                assert!(req.contains("authorization: bearer key1"), "{req}");
                s.write_all(answer.as_bytes()).unwrap();
            }
        });
        let client = VaultClient::new(&format!("http://{addr}"), "key1", None).unwrap();
        assert_eq!(
            client.tokenize("card_number", "4111111111111111").unwrap(),
            "tok_1"
        );
        let err = client
            .tokenize("card_number", "4111111111111111")
            .unwrap_err();
        assert!(err.contains("401") && !err.contains("4111"), "{err}");
        server.join().unwrap();
    }
}
