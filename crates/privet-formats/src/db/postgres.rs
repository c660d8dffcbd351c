//! PostgreSQL tables: every column selected as `"col"::text`, streamed.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row};

use super::table::{Sink, TableSource, limit_clause, next_row, quote_ident, runtime};
use super::{DbUrl, TableSelection, db_error, select_tables};
use crate::batch::Source;
use crate::error::{InputError, Position};

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

async fn connect(url: &DbUrl, raw: &str) -> Result<PgConnection, String> {
    let opts = PgConnectOptions::from_str(raw)
        .map_err(|e| format!("invalid URL: {}", url.scrub(&e.to_string())))?;
    match tokio::time::timeout(CONNECT_TIMEOUT, opts.connect()).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(format!("cannot connect: {}", url.scrub(&e.to_string()))),
        Err(_) => Err(format!(
            "cannot connect: no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

/// A table: schema, name, and its columns (bytea columns left out).
type TableInfo = (String, String, Vec<String>);

/// Lists user tables (all schemas but the system ones) and returns one
/// source per table, named `postgres://host/db#schema.table`.
pub(crate) fn open(
    url: &DbUrl,
    raw: &str,
    base_name: &str,
    sel: &TableSelection,
) -> Result<Vec<Box<dyn Source>>, InputError> {
    let fail = |msg: String| db_error(base_name, msg);
    let rt = runtime().map_err(|e| fail(format!("cannot start runtime: {e}")))?;
    let tables: Vec<TableInfo> = rt.block_on(async {
        let mut conn = connect(url, raw).await.map_err(fail)?;
        let listed: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_schema::text, table_name::text FROM information_schema.tables \
             WHERE table_type = 'BASE TABLE' \
             AND table_schema NOT IN ('pg_catalog', 'information_schema') \
             AND table_schema NOT LIKE 'pg\\_%' \
             ORDER BY table_schema, table_name",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(|e| fail(format!("cannot list tables: {}", url.scrub(&e.to_string()))))?;
        let chosen = select_tables(base_name, listed, &sel.tables, |(s, t)| format!("{s}.{t}"))?;
        let mut tables = Vec::new();
        for (schema, table) in chosen {
            let columns: Vec<String> = sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = $1 AND table_name = $2 AND data_type <> 'bytea' \
                 ORDER BY ordinal_position",
            )
            .bind(&schema)
            .bind(&table)
            .fetch_all(&mut conn)
            .await
            .map_err(|e| {
                fail(format!(
                    "cannot list columns: {}",
                    url.scrub(&e.to_string())
                ))
            })?;
            tables.push((schema, table, columns));
        }
        // Closing is courtesy; a failure here changes nothing for reading.
        let _ = conn.close().await;
        Ok::<_, InputError>(tables)
    })?;
    Ok(tables
        .into_iter()
        .map(|(schema, table, columns)| {
            let name = format!("{base_name}#{schema}.{table}");
            let columns: Vec<Arc<str>> = columns.iter().map(|c| Arc::from(c.as_str())).collect();
            let job_columns = columns.clone();
            let url = url.clone();
            let raw = raw.to_string();
            let sample = sel.sample;
            let job = Box::new(move |sink: Sink| {
                read_table(&url, &raw, &schema, &table, job_columns, sample, sink);
            });
            Box::new(TableSource::new(name, columns, job)) as Box<dyn Source>
        })
        .collect())
}

fn read_table(
    url: &DbUrl,
    raw: &str,
    schema: &str,
    table: &str,
    columns: Vec<Arc<str>>,
    sample: Option<u64>,
    mut sink: Sink,
) {
    if columns.is_empty() {
        return;
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return sink.fail(Position::File, format!("cannot start runtime: {e}")),
    };
    let select: Vec<String> = columns
        .iter()
        .map(|c| format!("{}::text", quote_ident(c)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {}.{}{}",
        select.join(", "),
        quote_ident(schema),
        quote_ident(table),
        limit_clause(sample)
    );
    rt.block_on(async move {
        let mut conn = match connect(url, raw).await {
            Ok(c) => c,
            Err(e) => return sink.fail(Position::File, e),
        };
        let mut stream = sqlx::query(AssertSqlSafe(sql)).fetch(&mut conn);
        let mut row_no = 0u64;
        while let Some(row) = next_row(&mut stream).await {
            row_no += 1;
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    let msg = format!("read failed: {}", url.scrub(&e.to_string()));
                    return sink.fail(Position::Row(row_no), msg);
                }
            };
            for (i, column) in columns.iter().enumerate() {
                let value = match row.try_get::<Option<String>, _>(i) {
                    Ok(Some(s)) if !s.is_empty() => s,
                    _ => continue,
                };
                if !sink.push(row_no, Arc::clone(column), value) {
                    return;
                }
            }
        }
        sink.flush();
    });
}
