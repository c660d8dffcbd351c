//! SQLite tables, opened read-only (`mode=ro`), never creating a file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

use super::table::{Sink, TableSource, limit_clause, next_row, quote_ident, runtime};
use super::{TableSelection, db_error, select_tables};
use crate::batch::Source;
use crate::error::{InputError, Position};

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
}

/// Lists the user tables (and their columns) and returns one source per table.
pub(crate) fn open(
    path: &Path,
    base_name: &str,
    sel: &TableSelection,
) -> Result<Vec<Box<dyn Source>>, InputError> {
    let fail = |msg: String| db_error(base_name, msg);
    if !path.is_file() {
        return Err(fail(format!(
            "cannot open {}: no such file",
            path.display()
        )));
    }
    let rt = runtime().map_err(|e| fail(format!("cannot start runtime: {e}")))?;
    let tables = rt.block_on(async {
        let mut conn = options(path)
            .connect()
            .await
            .map_err(|e| fail(format!("cannot open {}: {e}", path.display())))?;
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(|e| fail(format!("cannot list tables: {e}")))?;
        let names = select_tables(base_name, names, &sel.tables, |n| n.to_string())?;
        let mut tables = Vec::new();
        for name in names {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
                    .bind(&name)
                    .fetch_all(&mut conn)
                    .await
                    .map_err(|e| fail(format!("cannot list columns: {e}")))?;
            tables.push((name, columns));
        }
        // Closing is courtesy; a failure here changes nothing for reading.
        let _ = conn.close().await;
        Ok::<_, InputError>(tables)
    })?;
    Ok(tables
        .into_iter()
        .map(|(table, columns)| {
            let name = format!("{base_name}#{table}");
            let columns: Vec<Arc<str>> = columns.iter().map(|c| Arc::from(c.as_str())).collect();
            let job_columns = columns.clone();
            let path = path.to_path_buf();
            let sample = sel.sample;
            let job = Box::new(move |sink: Sink| {
                read_table(path, table, job_columns, sample, sink);
            });
            Box::new(TableSource::new(name, columns, job)) as Box<dyn Source>
        })
        .collect())
}

/// Streams one table into `sink`. Values of every storage class become text
/// (SQLite's own `CAST(x AS TEXT)`); blobs are skipped.
fn read_table(
    path: PathBuf,
    table: String,
    columns: Vec<Arc<str>>,
    sample: Option<u64>,
    mut sink: Sink,
) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return sink.fail(Position::File, format!("cannot start runtime: {e}")),
    };
    let select: Vec<String> = columns
        .iter()
        .map(|c| {
            let q = quote_ident(c);
            format!("CASE WHEN typeof({q}) = 'blob' THEN NULL ELSE CAST({q} AS TEXT) END")
        })
        .collect();
    if select.is_empty() {
        return;
    }
    let sql = format!(
        "SELECT {} FROM {}{}",
        select.join(", "),
        quote_ident(&table),
        limit_clause(sample)
    );
    rt.block_on(async move {
        let mut conn: SqliteConnection = match options(&path).connect().await {
            Ok(c) => c,
            Err(e) => return sink.fail(Position::File, format!("cannot open: {e}")),
        };
        let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&mut conn);
        let mut row_no = 0u64;
        while let Some(row) = next_row(&mut stream).await {
            row_no += 1;
            let row = match row {
                Ok(r) => r,
                Err(e) => return sink.fail(Position::Row(row_no), format!("read failed: {e}")),
            };
            for (i, column) in columns.iter().enumerate() {
                let value = match row.try_get::<Option<Vec<u8>>, _>(i) {
                    Ok(Some(bytes)) if !bytes.is_empty() => bytes,
                    _ => continue,
                };
                let text = match String::from_utf8(value) {
                    Ok(s) => s,
                    Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
                };
                if !sink.push(row_no, Arc::clone(column), text) {
                    return;
                }
            }
        }
        sink.flush();
    });
}
