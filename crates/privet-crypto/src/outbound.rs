//! Calls that leave the machine (the redact token client, vendor erasure webhooks): HTTPS through
//! rustls with the ring provider, trusting the system's roots or a given PEM file, no proxy from
//! the environment (it would see keys and bodies), and plain HTTP only to this machine.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use privet_types::OutboundUrl;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, TlsProvider};

/// A pooled client for calls to `url` keeping up to `connections` open: its TLS trusts `ca` (PEM
/// certificates: a self-signed server's own or a private CA) or else the system's roots;
/// statuses are answers, not errors.
pub fn agent(
    url: &OutboundUrl,
    ca: Option<&Path>,
    timeout: Duration,
    connections: usize,
) -> Result<ureq::Agent, String> {
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
        .max_idle_connections_per_host(connections)
        .max_idle_connections(connections.max(4) * 4)
        .build()
        .new_agent())
}

fn root_certs(ca: Option<&Path>) -> Result<RootCerts, String> {
    let certs: Vec<Certificate<'static>> = match ca {
        Some(path) => {
            let pem =
                std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
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
    fn a_ca_file_must_hold_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let url = OutboundUrl::parse("https://vault.internal").unwrap();
        let err = agent(&url, Some(&path), Duration::from_secs(1), 1).unwrap_err();
        assert!(err.contains("holds no certificate"), "{err}");
    }
}
