//! Calls that leave the machine (the redact token client, vendor erasure webhooks): HTTPS through
//! rustls with the ring provider, trusting the system's roots or a given PEM file, no proxy from
//! the environment (it would see keys and bodies), and plain HTTP only to this machine.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

/// An outbound URL taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundUrl {
    /// `https`.
    pub tls: bool,
    /// `host:port` as written.
    pub authority: String,
    /// The host alone (an IPv6 address without brackets).
    pub host: String,
    /// The path without a trailing slash (`""` or `/api`).
    pub prefix: String,
}

impl OutboundUrl {
    /// Parses `url`: `https://` anywhere, `http://` only to a loopback host, never credentials.
    /// The error says why, without repeating the URL.
    pub fn parse(url: &str) -> Result<OutboundUrl, String> {
        let (tls, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err("must start with https:// (or http:// for this machine)".into());
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.is_empty() {
            return Err("has no host".into());
        }
        if authority.contains('@') {
            return Err("must not carry credentials".into());
        }
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split_once(']').map(|(h, _)| h).unwrap_or(v6),
            None => authority.split(':').next().unwrap_or(authority),
        };
        if !tls && !is_loopback(host) {
            return Err(format!(
                "refusing plain HTTP to {authority}: use https:// for anything on another machine"
            ));
        }
        let prefix = path.trim_end_matches('/');
        Ok(OutboundUrl {
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

    /// The URL of `path` (which starts with `/`) under this one.
    pub fn join(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}{path}", self.authority, self.prefix)
    }
}

/// Whether `host` names this machine, where plain HTTP never crosses a network.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A pooled client for calls to `url`: its TLS trusts `ca` (PEM certificates: a self-signed
/// server's own or a private CA) or else the system's roots; statuses are answers, not errors.
pub fn agent(url: &OutboundUrl, ca: Option<&Path>, timeout: Duration) -> Result<ureq::Agent, String> {
    let roots = if url.tls {
        root_certs(ca)?
    } else {
        RootCerts::Specific(Arc::new(Vec::new()))
    };
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .root_certs(roots)
        .build();
    Ok(ureq::Agent::config_builder()
        .tls_config(tls)
        .proxy(None)
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .max_idle_connections_per_host(4)
        .build()
        .new_agent())
}

fn root_certs(ca: Option<&Path>) -> Result<RootCerts, String> {
    let certs: Vec<Certificate<'static>> = match ca {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(PemItem::Certificate(c)) => certs.push(c),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(format!("{}: not PEM certificates: {e}", path.display()));
                    }
                }
            }
            if certs.is_empty() {
                return Err(format!("{}: holds no certificate", path.display()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = OutboundUrl::parse("http://127.0.0.1:9/api/").unwrap();
        assert_eq!(
            u,
            OutboundUrl {
                tls: false,
                authority: "127.0.0.1:9".into(),
                host: "127.0.0.1".into(),
                prefix: "/api".into()
            }
        );
        assert_eq!(u.join("/v1/tokens"), "http://127.0.0.1:9/api/v1/tokens");
        assert_eq!(OutboundUrl::parse("https://[::1]:8443").unwrap().host, "::1");
        assert_eq!(
            OutboundUrl::parse("https://vault.internal").unwrap().host,
            "vault.internal"
        );
        for bad in ["v:80", "https://", "https://user:pw@vault", "ftp://x"] {
            assert!(OutboundUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        for url in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "http://127.8.0.1"] {
            assert!(OutboundUrl::parse(url).is_ok(), "{url}");
        }
        for url in ["http://10.0.0.5:8080", "http://vault.internal", "http://[2001:db8::1]:80"] {
            let err = OutboundUrl::parse(url).unwrap_err();
            assert!(err.contains("https://"), "{err}");
        }
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let url = OutboundUrl::parse("https://vault.internal").unwrap();
        let err = agent(&url, Some(&path), Duration::from_secs(1)).unwrap_err();
        assert!(err.contains("holds no certificate"), "{err}");
    }
}
