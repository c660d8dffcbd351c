//! Database URLs, shown only with the password redacted.

use std::fmt;
use std::path::PathBuf;

/// A database to scan.
///
/// `Display` and `Debug` never show a password: `postgres://app:***@db/shop`.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// A SQLite file, opened read-only.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`), kept whole for connecting.
    Postgres(String),
}

/// Parses `sqlite://FILE`, `sqlite:FILE`, `postgres://...` and
/// `postgresql://...`. Anything else (a plain path) gives `None`.
pub fn parse_db_url(s: &str) -> Option<DbUrl> {
    let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        return Some(DbUrl::Postgres(s.to_string()));
    }
    if lower.starts_with("sqlite:") {
        let rest = &s["sqlite:".len()..];
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        // Connection parameters (`?mode=ro`) are ours to choose.
        let path = rest.split('?').next().unwrap_or(rest);
        if path.is_empty() {
            return None;
        }
        return Some(DbUrl::Sqlite(PathBuf::from(path)));
    }
    None
}

/// The parts of a PostgreSQL URL that may be shown.
struct PgParts<'a> {
    scheme: &'a str,
    user: Option<&'a str>,
    has_password: bool,
    host: &'a str,
    path: &'a str,
    query: Option<&'a str>,
}

fn split_pg(url: &str) -> PgParts<'_> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], &before_query[i..]),
        None => (before_query, ""),
    };
    let (userinfo, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let (user, has_password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((name, _)) => (Some(name), true),
            None => (Some(u), false),
        },
        None => (None, false),
    };
    PgParts {
        scheme,
        user,
        has_password,
        host,
        path,
        query,
    }
}

/// Query parameters with any `password=` value replaced by `***`.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl DbUrl {
    /// The name sources of this database carry, before `#table`: no user,
    /// no password, no parameters (`postgres://host/db`, `sqlite://shop.db`).
    pub fn display_name(&self) -> String {
        match self {
            DbUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DbUrl::Postgres(url) => {
                let p = split_pg(url);
                format!("{}://{}{}", p.scheme, p.host, p.path)
            }
        }
    }

    /// The secrets that must never appear in messages (the password, raw and
    /// in the query), for scrubbing driver errors.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let DbUrl::Postgres(url) = self else {
            return Vec::new();
        };
        let p = split_pg(url);
        let mut out = Vec::new();
        if p.has_password
            && let Some(userinfo) = url
                .split_once("://")
                .map(|(_, r)| r)
                .and_then(|r| r.split(['/', '?']).next())
                .and_then(|a| a.rsplit_once('@'))
                .map(|(u, _)| u)
            && let Some((_, pw)) = userinfo.split_once(':')
            && !pw.is_empty()
        {
            out.push(pw.to_string());
        }
        if let Some(q) = p.query {
            for kv in q.split('&') {
                if let Some((k, v)) = kv.split_once('=')
                    && k.eq_ignore_ascii_case("password")
                    && !v.is_empty()
                {
                    out.push(v.to_string());
                }
            }
        }
        out
    }

    /// Replaces every secret of this URL in `text` by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in self.secrets() {
            text = text.replace(&secret, "***");
        }
        text
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DbUrl::Postgres(url) => {
                let p = split_pg(url);
                write!(f, "{}://", p.scheme)?;
                match (p.user, p.has_password) {
                    (Some(u), true) => write!(f, "{u}:***@")?,
                    (Some(u), false) => write!(f, "{u}@")?,
                    (None, _) => {}
                }
                write!(f, "{}{}", p.host, p.path)?;
                if let Some(q) = p.query {
                    write!(f, "?{}", redact_query(q))?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbUrl::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            DbUrl::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_forms() {
        assert_eq!(
            parse_db_url("sqlite://shop.db"),
            Some(DbUrl::Sqlite("shop.db".into()))
        );
        assert_eq!(
            parse_db_url("sqlite:shop.db"),
            Some(DbUrl::Sqlite("shop.db".into()))
        );
        assert_eq!(
            parse_db_url("sqlite:///var/db/shop.db?mode=rwc"),
            Some(DbUrl::Sqlite("/var/db/shop.db".into()))
        );
        assert_eq!(parse_db_url("sqlite://"), None);
        assert_eq!(parse_db_url("shop.db"), None);
        assert_eq!(parse_db_url("./postgres://x"), None);
        assert_eq!(parse_db_url("é"), None);
    }

    #[test]
    fn parses_postgres_forms() {
        assert!(matches!(
            parse_db_url("postgresql://localhost/shop"),
            Some(DbUrl::Postgres(_))
        ));
        assert!(matches!(
            parse_db_url("POSTGRES://localhost/shop"),
            Some(DbUrl::Postgres(_))
        ));
    }

    #[test]
    fn password_never_shown() {
        let url = parse_db_url(
            "postgres://app:s3cr%40t:x@db.internal:5432/shop?sslmode=disable&password=other",
        )
        .expect("postgres URL");
        let shown = url.to_string();
        let debug = format!("{url:?}");
        for text in [&shown, &debug] {
            assert!(!text.contains("s3cr"), "{text}");
            assert!(!text.contains("other"), "{text}");
        }
        assert_eq!(
            shown,
            "postgres://app:***@db.internal:5432/shop?sslmode=disable&password=***"
        );
        assert_eq!(url.display_name(), "postgres://db.internal:5432/shop");
        assert_eq!(
            url.scrub("auth failed for s3cr%40t:x and other"),
            "auth failed for *** and ***"
        );
    }

    #[test]
    fn user_without_password() {
        let url = parse_db_url("postgres://app@localhost/shop").expect("postgres URL");
        assert_eq!(url.to_string(), "postgres://app@localhost/shop");
        assert!(url.secrets().is_empty());
    }
}
