//! A PostgreSQL database of one test's own, created on the server that
//! `PRIVET_TEST_POSTGRES_URL` names and dropped (forcibly) when the test ends, panicking or not.
//!
//! Creation and dropping run on a thread with a runtime of their own, so the fixture works the
//! same from synchronous tests and from inside a test's async runtime (where `Drop` cannot block
//! on the test's own runtime).

use sqlx::{AnyConnection, Connection, Executor};

/// The variable naming the PostgreSQL server the tests create their databases on.
pub const POSTGRES_ENV: &str = "PRIVET_TEST_POSTGRES_URL";

/// The server to create test databases on, or `None` (with the reason on stderr) when none is
/// configured. Under `CI=true` a missing server is a failure, never a skip.
pub fn postgres_base() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!(
            "{POSTGRES_ENV} is not set but CI=true: the PostgreSQL half of the tests must run on CI \
             (e.g. {POSTGRES_ENV}=postgres://privet:privet@127.0.0.1:5432/privet_test)"
        ),
        _ => {
            eprintln!("skipping the PostgreSQL backend: {POSTGRES_ENV} is not set");
            None
        }
    }
}

/// A database that exists for as long as this value.
#[derive(Debug)]
pub struct TempDatabase {
    base: String,
    name: String,
    url: String,
}

/// Runs `f` on a new thread with a current-thread runtime and returns its result.
fn on_own_runtime<T: Send + 'static>(
    f: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the database fixture")
            .block_on(f)
    })
    .join()
    .expect("the database fixture's thread")
}

impl TempDatabase {
    /// Creates a database with a random name on the server at `base`.
    pub fn create(base: &str) -> TempDatabase {
        let name = format!("privet_t_{:016x}", rand::random::<u64>());
        let (b, n) = (base.to_owned(), name.clone());
        on_own_runtime(async move {
            sqlx::any::install_default_drivers();
            let mut conn = AnyConnection::connect(&b)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_ENV}: {e}"));
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {n}")))
                .await
                .unwrap_or_else(|e| panic!("CREATE DATABASE {n}: {e}"));
            conn.close().await.expect("closing the admin connection");
        });
        TempDatabase {
            url: with_database(base, &name),
            base: base.to_owned(),
            name,
        }
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs `statements` in order on this database (a test's setup), panicking at the first
    /// that fails.
    pub fn execute(&self, statements: &[String]) {
        let (url, statements) = (self.url.clone(), statements.to_vec());
        on_own_runtime(async move {
            sqlx::any::install_default_drivers();
            let mut conn = AnyConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to the test database: {e}"));
            for (i, sql) in statements.into_iter().enumerate() {
                conn.execute(sqlx::AssertSqlSafe(sql))
                    .await
                    .unwrap_or_else(|e| panic!("setup statement {}: {e}", i + 1));
            }
            conn.close().await.expect("closing the setup connection");
        });
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let base = self.base.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped: Result<(), sqlx::Error> = on_own_runtime(async move {
            let mut conn = AnyConnection::connect(&base).await?;
            conn.execute(sqlx::AssertSqlSafe(sql)).await?;
            conn.close().await
        });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// `base` with its database name replaced by `db`, query string kept.
pub fn with_database(base: &str, db: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let host_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |i| scheme_end + i);
    let mut url = format!("{}/{db}", &head[..host_end]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_and_options_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/base", "t1"),
            "postgres://u:p@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/base?sslmode=require", "t2"),
            "postgres://u@h/t2?sslmode=require"
        );
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
