//! Integration tests of privet-store and privet-vault, on SQLite and (when
//! `PRIVET_TEST_POSTGRES_URL` is set) PostgreSQL.

// Marked as test code so that helpers, not only #[test] functions, may unwrap (clippy.toml).
#[cfg(test)]
mod vault {
    mod audit;
    mod backup;
    mod commit;
    mod consent;
    mod disk;
    mod erase;
    mod harness;
    mod keybackup;
    mod oracle;
    mod outbox;
    mod permissions;
    mod records;
    mod requests;
    mod retention;
    mod rotation;
    mod tokens;
}
