//! Database tables as row streams (SQLite, PostgreSQL).
//!
//! Each table becomes one [`Source`] of field batches; its rows are streamed
//! (never loaded whole) by a worker thread that starts on the first
//! `next_batch`. Sampling takes the first `n` rows the database returns
//! (`LIMIT n`, no ordering): cheap, and deterministic for an unchanged table.

mod postgres;
mod sqlite;
mod table;
mod url;

pub use url::{DbUrl, parse_db_url};

use crate::batch::Source;
use crate::error::{InputError, InputErrorKind, Position};

/// Which tables to read and how many rows of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSelection {
    /// Tables to read; empty means every user table. SQLite names are
    /// matched exactly; PostgreSQL names as `schema.table`, or a bare
    /// `table` in any schema.
    pub tables: Vec<String>,
    /// Read only the first `n` rows of each table (`LIMIT n`); `None` reads all.
    pub sample: Option<u64>,
}

/// Connects (blocking, on a small current-thread runtime), lists the tables
/// (SQLite: `sqlite_master` without `sqlite_%`; PostgreSQL:
/// `information_schema.tables` outside the system schemas) and returns one
/// source per table, named like `sqlite://shop.db#customers` or
/// `postgres://host/db#public.customers` (never with a password).
///
/// A database that cannot be reached, or a requested table that does not
/// exist, is a fatal [`InputErrorKind::Database`] error naming the file or
/// host. SQLite files are opened read-only and never created.
pub fn open_database(
    url: &DbUrl,
    sel: &TableSelection,
) -> Result<Vec<Box<dyn Source>>, InputError> {
    let base = url.display_name();
    match url {
        DbUrl::Sqlite(path) => sqlite::open(path, &base, sel),
        DbUrl::Postgres(raw) => postgres::open(url, raw, &base, sel),
    }
}

fn db_error(base_name: &str, message: String) -> InputError {
    InputError::new(base_name, Position::File, InputErrorKind::Database(message))
}

/// Keeps the listed tables the selection asks for, in listed order, and
/// fails on a requested table that is not there. `full` gives a table's
/// qualified name; a requested name matches it, or its part after the last
/// `.` when the request has no dot.
fn select_tables<T>(
    base_name: &str,
    listed: Vec<T>,
    wanted: &[String],
    full: impl Fn(&T) -> String,
) -> Result<Vec<T>, InputError> {
    if wanted.is_empty() {
        return Ok(listed);
    }
    let matches = |t: &T, w: &str| {
        let name = full(t);
        name == w
            || (!w.contains('.') && name.rsplit_once('.').is_some_and(|(_, short)| short == w))
    };
    if let Some(missing) = wanted
        .iter()
        .find(|w| !listed.iter().any(|t| matches(t, w)))
    {
        return Err(db_error(base_name, format!("no table named {missing}")));
    }
    Ok(listed
        .into_iter()
        .filter(|t| wanted.iter().any(|w| matches(t, w)))
        .collect())
}
