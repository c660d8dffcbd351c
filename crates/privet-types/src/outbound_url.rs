//! Where a call that leaves the machine may go: https anywhere, plain http only to this machine,
//! never credentials in the URL. The client itself is privet-crypto's `outbound`.

use std::net::IpAddr;

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
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
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
        assert_eq!(
            OutboundUrl::parse("https://[::1]:8443").unwrap().host,
            "::1"
        );
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
        for url in [
            "http://127.0.0.1:9",
            "http://localhost:9",
            "http://[::1]:9",
            "http://127.8.0.1",
        ] {
            assert!(OutboundUrl::parse(url).is_ok(), "{url}");
        }
        for url in [
            "http://10.0.0.5:8080",
            "http://vault.internal",
            "http://[2001:db8::1]:80",
        ] {
            let err = OutboundUrl::parse(url).unwrap_err();
            assert!(err.contains("https://"), "{err}");
        }
    }
}
