//! The `token` operator's client: `POST /v1/tokens` on a running `privet serve`, over a plain
//! blocking HTTP/1.1 connection (one per request), which is all a loopback vault needs.

use std::fmt;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::cell::RedactError;

const TIMEOUT: Duration = Duration::from_secs(30);
/// Longest response read; a token answer is a few hundred bytes.
const MAX_RESPONSE: u64 = 1 << 20;

/// Where the vault is and the API key to call it with.
pub struct VaultClient {
    host: String,
    authority: String,
    prefix: String,
    api_key: Zeroizing<String>,
}

impl fmt::Debug for VaultClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultClient")
            .field("authority", &self.authority)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl VaultClient {
    /// A client for `url` (`http://host:port`, optionally with a path prefix) and `api_key`.
    pub fn new(url: &str, api_key: &str) -> Result<VaultClient, RedactError> {
        let rest = match url.strip_prefix("http://") {
            Some(rest) => rest,
            None if url.starts_with("https://") => {
                return Err(RedactError::Io(
                    "--vault-url: the built-in client speaks plain HTTP only; reach the vault over loopback or a local TLS terminator".into(),
                ));
            }
            None => {
                return Err(RedactError::Io(
                    "--vault-url must look like http://127.0.0.1:8080".into(),
                ));
            }
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.is_empty() {
            return Err(RedactError::Io("--vault-url has no host".into()));
        }
        let host = if authority.contains(':') && !authority.ends_with(']') {
            authority.to_owned()
        } else {
            format!("{authority}:80")
        };
        let prefix = path.trim_end_matches('/');
        Ok(VaultClient {
            host,
            authority: authority.to_owned(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("/{prefix}")
            },
            api_key: Zeroizing::new(api_key.trim().to_owned()),
        })
    }

    /// A token for `value` of `kind` (`card_number` or a data category the vault knows).
    /// Failures name the HTTP status and the vault's problem title, never the value.
    pub fn tokenize(&self, kind: &str, value: &str) -> Result<String, String> {
        let body = Zeroizing::new(serde_json::json!({ "kind": kind, "value": value }).to_string());
        let mut request = Zeroizing::new(format!(
            "POST {}/v1/tokens HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.prefix,
            self.authority,
            self.api_key.as_str(),
            body.len()
        ));
        request.push_str(&body);
        let unreachable =
            |e: std::io::Error| format!("vault at {} unreachable: {e}", self.authority);
        let mut stream = TcpStream::connect(&self.host).map_err(unreachable)?;
        stream
            .set_read_timeout(Some(TIMEOUT))
            .map_err(unreachable)?;
        stream
            .set_write_timeout(Some(TIMEOUT))
            .map_err(unreachable)?;
        stream.write_all(request.as_bytes()).map_err(unreachable)?;
        let mut response = Vec::new();
        stream
            .take(MAX_RESPONSE)
            .read_to_end(&mut response)
            .map_err(unreachable)?;
        let (status, body) = parse_response(&response)
            .ok_or_else(|| format!("vault at {} sent a malformed response", self.authority))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
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

/// The status code and (de-chunked) body of an HTTP/1.1 response.
fn parse_response(raw: &[u8]) -> Option<(u16, Vec<u8>)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let chunked = lines.any(|l| {
        l.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.trim().eq_ignore_ascii_case("chunked")
        })
    });
    if !chunked {
        return Some((status, body.to_vec()));
    }
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Some((status, out));
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn urls() {
        assert!(VaultClient::new("https://v", "k").is_err());
        assert!(VaultClient::new("v:80", "k").is_err());
        let c = VaultClient::new("http://127.0.0.1:9/api/", "k").unwrap();
        assert_eq!(
            (c.host.as_str(), c.prefix.as_str()),
            ("127.0.0.1:9", "/api")
        );
        assert!(!format!("{c:?}").contains("\"k\""));
    }

    #[test]
    fn responses_plain_and_chunked() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), Some((200, b"{}".to_vec())));
        let chunked = b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((201, b"abcde".to_vec())));
        assert_eq!(parse_response(b"garbage"), None);
    }

    #[test]
    fn tokenize_against_a_fake_vault() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            for answer in [
                "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"token\":\"tok_1\"}",
                "HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\n\r\n{\"title\":\"unauthorized\"}",
            ] {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap();
                let req = String::from_utf8_lossy(&buf[..n]).to_string();
                assert!(req.starts_with("POST /v1/tokens HTTP/1.1"), "{req}");
                assert!(req.contains("Authorization: Bearer key1"));
                s.write_all(answer.as_bytes()).unwrap();
            }
        });
        let client = VaultClient::new(&format!("http://{addr}"), "key1").unwrap();
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
