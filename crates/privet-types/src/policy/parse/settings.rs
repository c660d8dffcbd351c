//! The `[server]` and `[tokens]` tables.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use toml::de::{DeTable, DeValue};

use super::{Key, Parser, Value, lookup};
use crate::category::{Category, builtin_category};
use crate::policy::{
    MAX_CARD_KEEP_FIRST, MAX_CARD_KEEP_LAST, PresidioSection, ServerSection, TokenSection,
};

const SERVER: &str = "[server]";
const TOKENS: &str = "[tokens]";
const PRESIDIO: &str = "[presidio]";
const PCI_HINT: &str =
    "PCI DSS lets at most the first six and the last four digits of a card number be shown";

impl Parser<'_> {
    pub(super) fn server(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> ServerSection {
        let mut server = ServerSection::default();
        let Some((_, value)) = entry else {
            return server;
        };
        let Some(table) = self.table(value, SERVER) else {
            return server;
        };
        self.known_keys(
            table,
            &["listen", "data_dir", "database", "tls_cert", "tls_key"],
            SERVER,
        );
        server.listen = self.listen(table);
        server.data_dir = self.path(table, "data_dir");
        server.database = self.database(table);
        server.tls_cert = self.path(table, "tls_cert");
        server.tls_key = self.path(table, "tls_key");
        self.tls_pair(table);
        server
    }

    pub(super) fn presidio(&mut self, entry: Option<(&Key<'_>, &Value<'_>)>) -> PresidioSection {
        let mut presidio = PresidioSection::default();
        let Some((_, value)) = entry else {
            return presidio;
        };
        let Some(table) = self.table(value, PRESIDIO) else {
            return presidio;
        };
        self.known_keys(table, &["allow_anonymous"], PRESIDIO);
        if let Some(f) = self.typed(
            table,
            "allow_anonymous",
            PRESIDIO,
            "true or false",
            DeValue::as_bool,
        ) {
            presidio.allow_anonymous = f.value;
        }
        presidio
    }

    fn listen<'a>(&mut self, table: &'a DeTable<'a>) -> Option<SocketAddr> {
        let f = self.string(table, "listen", SERVER)?;
        let addr = f.value.parse().ok();
        if addr.is_none() {
            self.error(
                f.at,
                format!(
                    "`listen` in [server] must be ADDR:PORT, such as \"127.0.0.1:8700\" or \"[::1]:8700\", found {:?}",
                    f.value
                ),
            );
        }
        addr
    }

    fn database<'a>(&mut self, table: &'a DeTable<'a>) -> Option<String> {
        let f = self.string(table, "database", SERVER)?;
        if f.value.starts_with("postgres://") || f.value.starts_with("postgresql://") {
            return Some(f.value.to_owned());
        }
        // The value is not echoed: a database URL may hold a password.
        self.error(
            f.at,
            "`database` in [server] must be a PostgreSQL URL starting with postgres:// or postgresql:// (leave it out for the embedded store in data_dir)".to_owned(),
        );
        None
    }

    fn path<'a>(&mut self, table: &'a DeTable<'a>, key: &str) -> Option<PathBuf> {
        let f = self.string(table, key, SERVER)?;
        if f.value.is_empty() {
            self.error(f.at, format!("`{key}` in [server] must not be empty"));
            return None;
        }
        Some(PathBuf::from(f.value))
    }

    /// Reports a TLS certificate without its key or the other way round, at the one given.
    fn tls_pair(&mut self, table: &DeTable<'_>) {
        let (given, missing) = match (lookup(table, "tls_cert"), lookup(table, "tls_key")) {
            (Some((key, _)), None) => (key, "tls_key"),
            (None, Some((key, _))) => (key, "tls_cert"),
            _ => return,
        };
        self.error(
            given.span(),
            format!(
                "`{}` in [server] needs `{missing}` too: give both to serve HTTPS, or neither",
                given.get_ref()
            ),
        );
    }

    pub(super) fn tokens(
        &mut self,
        entry: Option<(&Key<'_>, &Value<'_>)>,
        custom: &BTreeMap<String, Category>,
    ) -> TokenSection {
        let mut tokens = TokenSection::default();
        let Some((_, value)) = entry else {
            return tokens;
        };
        let Some(table) = self.table(value, TOKENS) else {
            return tokens;
        };
        self.known_keys(
            table,
            &["card_keep_first", "card_keep_last", "deterministic"],
            TOKENS,
        );
        if let Some(n) = self.bounded(
            table,
            "card_keep_first",
            TOKENS,
            0..=MAX_CARD_KEEP_FIRST,
            PCI_HINT,
        ) {
            tokens.card_keep_first = n;
        }
        if let Some(n) = self.bounded(
            table,
            "card_keep_last",
            TOKENS,
            0..=MAX_CARD_KEEP_LAST,
            PCI_HINT,
        ) {
            tokens.card_keep_last = n;
        }
        tokens.deterministic = self.token_kinds(table, custom);
        tokens
    }

    /// `deterministic`: `card_number` or names of built-in or custom categories.
    fn token_kinds(
        &mut self,
        table: &DeTable<'_>,
        custom: &BTreeMap<String, Category>,
    ) -> Vec<String> {
        let Some((_, value)) = lookup(table, "deterministic") else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.error(
                value.span(),
                format!(
                    "`deterministic` in [tokens] must be an array of token kinds, found {}",
                    value.get_ref().type_str()
                ),
            );
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for item in items.iter() {
            let Some(kind) = item.get_ref().as_str() else {
                self.error(
                    item.span(),
                    format!(
                        "token kinds in `deterministic` must be strings, found {}",
                        item.get_ref().type_str()
                    ),
                );
                continue;
            };
            let known = kind == "card_number"
                || builtin_category(kind).is_some()
                || custom.contains_key(kind);
            if !known {
                self.error(
                    item.span(),
                    format!("unknown token kind {kind:?} in `deterministic`: use card_number or a built-in or custom category name, such as contact.email"),
                );
            } else if !out.iter().any(|k| k == kind) {
                out.push(kind.to_owned());
            }
        }
        out
    }
}
