//! The `token` operator's client: `POST /v1/tokens` on a running `privet serve`.
//!
//! It speaks HTTPS through rustls (the server's TLS stack, with the same ring provider), keeps
//! its connections open between cells, and sends the API key in clear only to a vault on this
//! machine: `http://` is refused for any host that is not loopback.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};
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

/// A vault URL taken apart.
#[derive(Debug, PartialEq, Eq)]
struct VaultUrl {
    tls: bool,
    authority: String,
    host: String,
    prefix: String,
}

fn bad_url(why: &str) -> RedactError {
    RedactError::Io(format!("--vault-url: {why}"))
}

fn parse_url(url: &str) -> Result<VaultUrl, RedactError> {
    let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(bad_url(
            "must start with https:// (or http:// for a vault on this machine), like https://vault.internal:8443",
        ));
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() {
        return Err(bad_url("has no host"));
    }
    if authority.contains('@') {
        return Err(bad_url(
            "must not carry credentials; pass the API key with --vault-key or PRIVET_VAULT_KEY",
        ));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map(|(h, _)| h).unwrap_or(v6),
        None => authority.split(':').next().unwrap_or(authority),
    };
    let prefix = path.trim_end_matches('/');
    Ok(VaultUrl {
        tls,
        authority: authority.to_owned(),
        host: host.to_owned(),
        prefix: if prefix.is_empty() {
            String::new()
        } else {
            format!("/{prefix}")
        },
    })
}

/// Whether `host` names this machine, where plain HTTP never crosses a network.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The trust anchors: the PEM certificates of `ca` (a self-signed vault's own certificate or a
/// private CA), else the operating system's store.
fn root_certs(ca: Option<&Path>) -> Result<RootCerts, RedactError> {
    let certs: Vec<Certificate<'static>> = match ca {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| {
                RedactError::Io(format!("--vault-ca {}: cannot read: {e}", path.display()))
            })?;
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(PemItem::Certificate(c)) => certs.push(c),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(RedactError::Io(format!(
                            "--vault-ca {}: not PEM certificates: {e}",
                            path.display()
                        )));
                    }
                }
            }
            if certs.is_empty() {
                return Err(RedactError::Io(format!(
                    "--vault-ca {}: holds no certificate",
                    path.display()
                )));
            }
            certs
        }
        None => rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect(),
    };
    Ok(RootCerts::Specific(Arc::new(certs)))
}

impl VaultClient {
    /// A client for `url` (`https://host:port`, or `http://` to a loopback address, optionally
    /// with a path prefix) and `api_key`, trusting `ca` (PEM) or else the system's roots.
    pub fn new(url: &str, api_key: &str, ca: Option<&Path>) -> Result<VaultClient, RedactError> {
        let parsed = parse_url(url)?;
        if !parsed.tls && !is_loopback(&parsed.host) {
            return Err(bad_url(&format!(
                "refusing to send the API key in clear to {}: use https:// for a vault on another machine",
                parsed.authority
            )));
        }
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .root_certs(if parsed.tls {
                root_certs(ca)?
            } else {
                RootCerts::Specific(Arc::new(Vec::new()))
            })
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            // A proxy from the environment would see the API key and every value.
            .proxy(None)
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .max_idle_connections_per_host(4)
            .build()
            .new_agent();
        let scheme = if parsed.tls { "https" } else { "http" };
        Ok(VaultClient {
            agent,
            endpoint: format!("{scheme}://{}{}/v1/tokens", parsed.authority, parsed.prefix),
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
    fn urls() {
        let u = parse_url("http://127.0.0.1:9/api/").unwrap();
        assert_eq!(
            u,
            VaultUrl {
                tls: false,
                authority: "127.0.0.1:9".into(),
                host: "127.0.0.1".into(),
                prefix: "/api".into()
            }
        );
        assert_eq!(parse_url("https://[::1]:8443").unwrap().host, "::1");
        assert_eq!(
            parse_url("https://vault.internal").unwrap().host,
            "vault.internal"
        );
        assert!(parse_url("v:80").is_err());
        assert!(parse_url("https://").is_err());
        assert!(parse_url("https://user:pw@vault").is_err());
    }

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
