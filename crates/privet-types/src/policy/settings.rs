//! The deployment settings privet.toml may carry beside the access policy: where `privet serve`
//! listens and keeps its data (`[server]`), how tokens are made (`[tokens]`), and who may call the
//! Presidio-compatible endpoints (`[presidio]`).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// `[tokens] card_keep_first` when the file does not set it, and the most accepted: PCI DSS lets
/// at most the first six digits of a card number be shown.
pub const MAX_CARD_KEEP_FIRST: usize = 6;

/// `[tokens] card_keep_last` when the file does not set it, and the most accepted: PCI DSS lets
/// at most the last four digits of a card number be shown.
pub const MAX_CARD_KEEP_LAST: usize = 4;

/// The `[server]` table: each setting is `None` when the file does not give it, so that the
/// command line, the environment and the built-in defaults can be weighed against it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerSection {
    /// Address and port to listen on.
    pub listen: Option<SocketAddr>,
    /// Data directory: the embedded store and the master key file.
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL URL (`postgres://` or `postgresql://`) to use instead of the embedded store.
    pub database: Option<String>,
    /// TLS certificate chain (PEM); given if and only if `tls_key` is.
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); given if and only if `tls_cert` is.
    pub tls_key: Option<PathBuf>,
}

impl fmt::Debug for ServerSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The database URL may hold a password.
        f.debug_struct("ServerSection")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database.as_ref().map(|_| "[redacted]"))
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .finish()
    }
}

/// The `[tokens]` table, with its defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSection {
    /// Leading card digits a card token keeps, 0 to [`MAX_CARD_KEEP_FIRST`].
    pub card_keep_first: usize,
    /// Trailing card digits a card token keeps, 0 to [`MAX_CARD_KEEP_LAST`].
    pub card_keep_last: usize,
    /// Token kinds (`card_number` or a category name) whose tokens are deterministic: the same
    /// value always gets the same token, so tokens can be joined on.
    pub deterministic: Vec<String>,
}

impl Default for TokenSection {
    fn default() -> Self {
        TokenSection {
            card_keep_first: MAX_CARD_KEEP_FIRST,
            card_keep_last: MAX_CARD_KEEP_LAST,
            deterministic: Vec::new(),
        }
    }
}

/// The `[presidio]` table: the Presidio-compatible `/analyze` and `/anonymize` of privet serve.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresidioSection {
    /// Answer those endpoints without an API key, for callers on the loopback interface only
    /// (`127.0.0.0/8`, `::1`): a Presidio client on the same host switches over by changing its
    /// URL. Off by default; callers elsewhere always need a key.
    pub allow_anonymous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_database_url() {
        let server = ServerSection {
            database: Some("postgres://privet:hunter2@db/privet".into()),
            ..ServerSection::default()
        };
        let shown = format!("{server:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn token_defaults_keep_bin_and_last_four() {
        let tokens = TokenSection::default();
        assert_eq!((tokens.card_keep_first, tokens.card_keep_last), (6, 4));
        assert!(tokens.deterministic.is_empty());
    }
}
