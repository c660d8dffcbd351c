//! The store's one integration test binary: stories that run the same script against the
//! embedded SQLite store and (when `PRIVET_TEST_POSTGRES_URL` names a server) PostgreSQL.

// Marked as test code so that helpers, not only #[test] functions, may unwrap (clippy.toml).
#[cfg(test)]
mod store {
    mod story;
    mod wal;
}
