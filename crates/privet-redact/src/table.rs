//! A database table copied into another database (SQLite or PostgreSQL, either way) with its
//! text and integer values passed through the [`CellRedactor`]: the same columns (less dropped
//! ones), the same rows, written in one transaction so a failure leaves nothing behind. Integers
//! go as their decimal text, so a card number or SSN stored in a BIGINT is found too; real
//! numbers, booleans and blobs pass unchanged (dates and decimals are copied as text anyway).

use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use futures_util::stream::BoxStream;
use privet_formats::{DbUrl, parse_db_url};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteRow};
use sqlx::{
    AssertSqlSafe, ConnectOptions, Connection, Database, Encode, Postgres, Row, Sqlite, Type,
    TypeInfo, ValueRef,
};

use crate::cell::{CellOut, CellRedactor, RedactError};
use crate::parquet::Stats;

/// Rows read, redacted and inserted together.
const BATCH_ROWS: usize = 1000;

/// Most bind parameters in one statement (SQLite allows 32766, PostgreSQL 65535).
const MAX_PARAMS: usize = 32_000;

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Copies `table` from the database at `from_url` into a new table of the same name in the
/// database at `to_url` (`sqlite://FILE`, created if missing, or `postgres://...`), passing every
/// text value and every integer (as its decimal text) through [`CellRedactor::cell`] under its
/// column name and leaving out the columns the redactor drops.
///
/// Column types become INTEGER, REAL, TEXT or BLOB (BIGINT, DOUBLE PRECISION, TEXT, BYTEA on
/// PostgreSQL); SQLite columns declared NUMERIC-like or untyped keep that affinity when the target
/// is SQLite, so values round-trip unchanged. PostgreSQL booleans become 0/1 integers and every
/// other type (dates, numeric, uuid, json, ...) its text form, which is redacted like any text.
/// Constraints, keys and indexes are not copied; every target column is nullable. A first pass
/// over the columns that can hold integers finds those where the redactor changes (or nulls) some
/// value; such a column becomes TEXT, holding the redacted values and the others as decimal text.
/// Integers elsewhere, reals, booleans and blobs are copied as they are. Both passes read the
/// source in one read-only transaction, so they see the same rows. A PostgreSQL table is named `schema.table` or bare (searched in
/// every user schema); the target table keeps the schema on PostgreSQL and drops it on SQLite.
///
/// The target table must not exist. It is created and filled in one transaction, rolled back on
/// any error; a SQLite file created by this call is removed again on error. Messages name
/// databases without passwords and cells by column and row, never by value.
pub async fn redact_table(
    from_url: &str,
    table: &str,
    to_url: &str,
    r: &dyn CellRedactor,
) -> Result<Stats, RedactError> {
    let from = Endpoint::parse(from_url)?;
    let to = Endpoint::parse(to_url)?;
    let mut source = Source::connect(&from).await?;
    let result = match source.describe(table, &from).await {
        Ok(described) => copy_into(&mut source, described, &from, &to, r).await,
        Err(e) => Err(e),
    };
    source.close().await;
    result
}

/// A database URL with what may be shown of it.
struct Endpoint {
    url: DbUrl,
    raw: String,
}

impl Endpoint {
    fn parse(raw: &str) -> Result<Self, RedactError> {
        let url = parse_db_url(raw).ok_or_else(|| {
            RedactError::Io("not a database URL (expected sqlite://FILE or postgres://...)".into())
        })?;
        Ok(Endpoint {
            url,
            raw: raw.to_string(),
        })
    }

    /// The database, without user, password or parameters.
    fn name(&self) -> String {
        self.url.display_name()
    }

    /// An error about this database, with any password in `detail` scrubbed.
    fn error(&self, what: &str, detail: &dyn std::fmt::Display) -> RedactError {
        RedactError::Io(format!(
            "{}: {what}: {}",
            self.name(),
            scrub(&self.raw, &detail.to_string())
        ))
    }
}

/// Replaces the URL's password (in the user part or a `password=` parameter) by `***`.
fn scrub(url: &str, text: &str) -> String {
    let mut secrets = Vec::new();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if let Some((userinfo, _)) = authority.rsplit_once('@')
        && let Some((_, pw)) = userinfo.split_once(':')
    {
        secrets.push(pw);
    }
    if let Some((_, query)) = rest.split_once('?') {
        secrets.extend(query.split('&').filter_map(|kv| {
            kv.split_once('=')
                .filter(|(k, _)| k.eq_ignore_ascii_case("password"))
                .map(|(_, v)| v)
        }));
    }
    let mut text = text.to_string();
    for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "***");
    }
    text
}

/// How a column's values are stored in the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Blob,
    /// SQLite NUMERIC affinity (DATE, DECIMAL, BOOLEAN, ...): kept on SQLite, TEXT on PostgreSQL.
    Numeric,
    /// A SQLite column without a declared type: kept on SQLite, TEXT on PostgreSQL.
    Untyped,
}

impl Kind {
    /// SQLite's affinity rules (<https://sqlite.org/datatype3.html#determination_of_column_affinity>).
    fn from_sqlite(declared: &str) -> Kind {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Kind::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Kind::Text
        } else if t.contains("BLOB") {
            Kind::Blob
        } else if t.trim().is_empty() {
            Kind::Untyped
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Kind::Real
        } else {
            Kind::Numeric
        }
    }

    /// From `information_schema.columns.data_type`.
    fn from_postgres(data_type: &str) -> Kind {
        match data_type {
            "smallint" | "integer" | "bigint" | "boolean" => Kind::Integer,
            "real" | "double precision" => Kind::Real,
            "bytea" => Kind::Blob,
            _ => Kind::Text,
        }
    }

    fn sqlite_type(self) -> &'static str {
        match self {
            Kind::Integer => " INTEGER",
            Kind::Real => " REAL",
            Kind::Text => " TEXT",
            Kind::Blob => " BLOB",
            Kind::Numeric => " NUMERIC",
            Kind::Untyped => "",
        }
    }

    fn postgres_type(self) -> &'static str {
        match self {
            Kind::Integer => "BIGINT",
            Kind::Real => "DOUBLE PRECISION",
            Kind::Text | Kind::Numeric | Kind::Untyped => "TEXT",
            Kind::Blob => "BYTEA",
        }
    }
}

/// A source column: its name, how it is selected, how its values are stored.
#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// PostgreSQL `data_type`, for the select cast.
    pg_type: Option<String>,
    kind: Kind,
    /// Its integers go through the redactor and the target column is TEXT: set by pass 1.
    numbers_as_text: bool,
}

impl Column {
    /// Whether values of the column can arrive as [`Value::Int`] and spell an identifier.
    fn may_hold_integers(&self) -> bool {
        match self.pg_type.as_deref() {
            // SQLite stores integers in any column but TEXT and REAL ones, which convert them.
            None => !matches!(self.kind, Kind::Text | Kind::Real),
            Some("boolean") => false,
            Some(_) => self.kind == Kind::Integer,
        }
    }

    /// How the column is stored in the target.
    fn target_kind(&self) -> Kind {
        if self.numbers_as_text {
            Kind::Text
        } else {
            self.kind
        }
    }
}

/// The source table as found.
#[derive(Debug)]
struct Described {
    /// Where rows are read from (with its schema on PostgreSQL).
    table: TableName,
    /// The schema the caller named, kept for a PostgreSQL target.
    named_schema: Option<String>,
    columns: Vec<Column>,
}

impl Described {
    /// The table to create in the target.
    fn target(&self, to: &DbUrl) -> TableName {
        TableName {
            schema: match to {
                DbUrl::Sqlite(_) => None,
                DbUrl::Postgres(_) => self.named_schema.clone(),
            },
            name: self.table.name.clone(),
        }
    }
}

/// A table name: PostgreSQL's may carry a schema.
#[derive(Debug, Clone)]
struct TableName {
    schema: Option<String>,
    name: String,
}

impl TableName {
    fn shown(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    fn quoted(&self) -> String {
        match &self.schema {
            Some(s) => format!("{}.{}", quote(s), quote(&self.name)),
            None => quote(&self.name),
        }
    }
}

/// Quotes an SQL identifier: double quotes, inner quotes doubled.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One value on its way through.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn class(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Blob(_) => "blob",
        }
    }

    /// The value as a PostgreSQL column of `kind` can hold it, or `None`.
    fn fit_postgres(self, kind: Kind) -> Option<Value> {
        let kind = match kind {
            Kind::Numeric | Kind::Untyped => Kind::Text,
            k => k,
        };
        Some(match (self, kind) {
            (Value::Null, _) => Value::Null,
            (Value::Int(i), Kind::Integer) => Value::Int(i),
            (Value::Int(i), Kind::Real) => Value::Real(i as f64),
            (Value::Int(i), Kind::Text) => Value::Text(i.to_string()),
            (Value::Real(f), Kind::Real) => Value::Real(f),
            (Value::Real(f), Kind::Text) => Value::Text(f.to_string()),
            (Value::Real(f), Kind::Integer) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                // Integral and within 2^53: the conversion is exact.
                Value::Int(f as i64)
            }
            (Value::Text(s), Kind::Text) => Value::Text(s),
            (Value::Text(s), Kind::Integer) => Value::Int(s.trim().parse().ok()?),
            (Value::Text(s), Kind::Real) => Value::Real(s.trim().parse().ok()?),
            (Value::Text(s), Kind::Blob) => Value::Blob(s.into_bytes()),
            (Value::Blob(b), Kind::Blob) => Value::Blob(b),
            (Value::Blob(b), Kind::Text) => Value::Text(String::from_utf8(b).ok()?),
            _ => return None,
        })
    }
}

/// The database rows come from.
enum Source {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Source {
    async fn connect(from: &Endpoint) -> Result<Self, RedactError> {
        match &from.url {
            DbUrl::Sqlite(path) => {
                if !path.is_file() {
                    return Err(from.error("cannot open", &"no such file"));
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .create_if_missing(false);
                let conn = opts
                    .connect()
                    .await
                    .map_err(|e| from.error("cannot open", &e))?;
                Ok(Source::Sqlite(conn))
            }
            DbUrl::Postgres(raw) => Ok(Source::Postgres(connect_postgres(from, raw).await?)),
        }
    }

    /// The table's name as resolved and its columns.
    async fn describe(&mut self, table: &str, from: &Endpoint) -> Result<Described, RedactError> {
        let listing = |e: sqlx::Error| from.error("cannot read the table's columns", &e);
        let missing = || from.error("no such table", &table);
        match self {
            Source::Sqlite(conn) => {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
                        .bind(table)
                        .fetch_all(&mut *conn)
                        .await
                        .map_err(listing)?;
                if rows.is_empty() {
                    return Err(missing());
                }
                let columns = rows
                    .into_iter()
                    .map(|(name, declared)| Column {
                        kind: Kind::from_sqlite(&declared),
                        pg_type: None,
                        numbers_as_text: false,
                        name,
                    })
                    .collect();
                Ok(Described {
                    table: TableName {
                        schema: None,
                        name: table.to_string(),
                    },
                    named_schema: None,
                    columns,
                })
            }
            Source::Postgres(conn) => {
                let (schema, bare) = match table.split_once('.') {
                    Some((s, t)) => (Some(s), t),
                    None => (None, table),
                };
                let schemas: Vec<String> = sqlx::query_scalar(
                    "SELECT table_schema::text FROM information_schema.tables \
                     WHERE table_name = $1 AND ($2::text IS NULL OR table_schema = $2) \
                     AND table_schema NOT IN ('pg_catalog', 'information_schema') \
                     ORDER BY table_schema",
                )
                .bind(bare)
                .bind(schema)
                .fetch_all(&mut *conn)
                .await
                .map_err(listing)?;
                let found = match schemas.as_slice() {
                    [] => return Err(missing()),
                    [one] => one.clone(),
                    _ => {
                        return Err(
                            from.error("table name is ambiguous, name it as schema.table", &table)
                        );
                    }
                };
                let rows: Vec<(String, String)> = sqlx::query_as(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                )
                .bind(&found)
                .bind(bare)
                .fetch_all(&mut *conn)
                .await
                .map_err(listing)?;
                let columns = rows
                    .into_iter()
                    .map(|(name, data_type)| Column {
                        kind: Kind::from_postgres(&data_type),
                        pg_type: Some(data_type),
                        numbers_as_text: false,
                        name,
                    })
                    .collect();
                Ok(Described {
                    table: TableName {
                        schema: Some(found),
                        name: bare.to_string(),
                    },
                    named_schema: schema.map(str::to_string),
                    columns,
                })
            }
        }
    }

    fn select(&self, table: &TableName, columns: &[Column]) -> String {
        let list: Vec<String> = columns
            .iter()
            .map(|c| {
                let q = quote(&c.name);
                match (self, c.pg_type.as_deref()) {
                    (Source::Sqlite(_), _) => q,
                    (Source::Postgres(_), Some("boolean")) => format!("{q}::int::int8"),
                    (Source::Postgres(_), _) => match c.kind {
                        Kind::Integer => format!("{q}::int8"),
                        Kind::Real => format!("{q}::float8"),
                        Kind::Blob => q,
                        _ => format!("{q}::text"),
                    },
                }
            })
            .collect();
        format!("SELECT {} FROM {}", list.join(", "), table.quoted())
    }

    /// Starts a read-only transaction, so that pass 1 and pass 2 read the same rows. It ends
    /// when the connection is closed.
    async fn snapshot(&mut self, from: &Endpoint) -> Result<(), RedactError> {
        let begun = match self {
            Source::Sqlite(conn) => sqlx::raw_sql("BEGIN").execute(&mut *conn).await.map(|_| ()),
            Source::Postgres(conn) => {
                sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
            }
        };
        begun.map_err(|e| from.error("cannot begin a read transaction", &e))
    }

    /// Pass 1: marks the columns holding an integer that the redactor changes (or nulls), so
    /// that their target type is known before the table is created. The redacted values are
    /// discarded; pass 2 recomputes them, which gives the same result because the redactor is
    /// deterministic per input, except for vault tokens (a column that tokenizes changes in both
    /// passes, so its type is right even though the tokens differ).
    async fn mark_changed_numbers(
        &mut self,
        table: &TableName,
        columns: &mut [Column],
        r: &dyn CellRedactor,
        from: &Endpoint,
    ) -> Result<(), RedactError> {
        let probed: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i].may_hold_integers())
            .collect();
        if probed.is_empty() {
            return Ok(());
        }
        let subset: Vec<Column> = probed.iter().map(|&i| columns[i].clone()).collect();
        let select = AssertSqlSafe(self.select(table, &subset));
        let changed = match self {
            Source::Sqlite(conn) => {
                let rows = sqlx::query(select).fetch(&mut *conn);
                probe(rows, decode_sqlite, &subset, r, from).await?
            }
            Source::Postgres(conn) => {
                let rows = sqlx::query(select).fetch(&mut *conn);
                probe(rows, |row| decode_postgres(row, &subset), &subset, r, from).await?
            }
        };
        for (i, changed) in probed.into_iter().zip(changed) {
            columns[i].numbers_as_text = changed;
        }
        Ok(())
    }

    async fn close(self) {
        // Closing is courtesy: the data is already committed or rolled back.
        let _ = match self {
            Source::Sqlite(c) => c.close().await,
            Source::Postgres(c) => c.close().await,
        };
    }
}

/// Which of `columns` hold an integer the redactor changes, reading `rows` until every one does.
async fn probe<R>(
    mut rows: BoxStream<'_, Result<R, sqlx::Error>>,
    decode: impl Fn(&R) -> Result<Vec<Value>, sqlx::Error>,
    columns: &[Column],
    r: &dyn CellRedactor,
    from: &Endpoint,
) -> Result<Vec<bool>, RedactError> {
    let mut changed = vec![false; columns.len()];
    let mut row_no = 0;
    while !changed.iter().all(|c| *c) {
        row_no += 1;
        let row = match rows.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return Err(read_error(from, row_no, &e)),
        };
        let values = decode(&row).map_err(|e| read_error(from, row_no, &e))?;
        for ((value, column), changed) in values.into_iter().zip(columns).zip(changed.iter_mut()) {
            if let Value::Int(i) = value
                && !*changed
            {
                let text = i.to_string();
                *changed = match r.cell(&column.name, &text)? {
                    CellOut::Keep => false,
                    CellOut::Replace(new) => new != text,
                    CellOut::Null => true,
                };
            }
        }
    }
    Ok(changed)
}

/// A failure reading row `row` of the source.
fn read_error(from: &Endpoint, row: u64, e: &sqlx::Error) -> RedactError {
    RedactError::Io(format!(
        "{}: row {row}: {}",
        from.name(),
        scrub(&from.raw, &e.to_string())
    ))
}

async fn connect_postgres(at: &Endpoint, raw: &str) -> Result<PgConnection, RedactError> {
    let opts = PgConnectOptions::from_str(raw).map_err(|e| at.error("invalid URL", &e))?;
    match tokio::time::timeout(CONNECT_TIMEOUT, opts.connect()).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(at.error("cannot connect", &e)),
        Err(_) => Err(at.error(
            "cannot connect",
            &format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()),
        )),
    }
}

/// Opens the target, copies, and cleans up after a failure.
async fn copy_into(
    source: &mut Source,
    described: Described,
    from: &Endpoint,
    to: &Endpoint,
    r: &dyn CellRedactor,
) -> Result<Stats, RedactError> {
    let target = described.target(&to.url);
    let mut columns: Vec<Column> = described
        .columns
        .into_iter()
        .filter(|c| !r.drops(&c.name))
        .collect();
    if columns.is_empty() {
        return Err(RedactError::Io(format!(
            "table {}: every column is dropped, nothing to copy",
            described.table.shown()
        )));
    }
    source.snapshot(from).await?;
    source
        .mark_changed_numbers(&described.table, &mut columns, r, from)
        .await?;
    let select = source.select(&described.table, &columns);
    let plan = Plan {
        columns: &columns,
        r,
        from,
        to,
    };
    match &to.url {
        DbUrl::Sqlite(path) => {
            let created = !path.exists();
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Delete);
            let mut conn = opts
                .connect()
                .await
                .map_err(|e| to.error("cannot open", &e))?;
            let result = match conn.begin().await {
                Ok(tx) => plan.run(source, &select, &target, Tx::Sqlite(tx)).await,
                Err(e) => Err(to.error("cannot begin a transaction", &e)),
            };
            let _ = conn.close().await;
            if result.is_err() && created {
                // Nothing was committed: the file this call created holds nothing worth keeping.
                let _ = std::fs::remove_file(path);
            }
            result
        }
        DbUrl::Postgres(raw) => {
            let mut conn = connect_postgres(to, raw).await?;
            let result = match conn.begin().await {
                Ok(tx) => plan.run(source, &select, &target, Tx::Postgres(tx)).await,
                Err(e) => Err(to.error("cannot begin a transaction", &e)),
            };
            let _ = conn.close().await;
            result
        }
    }
}

/// The target's open transaction.
enum Tx<'c> {
    Sqlite(sqlx::Transaction<'c, Sqlite>),
    Postgres(sqlx::Transaction<'c, Postgres>),
}

impl Tx<'_> {
    fn create_sql(&self, table: &TableName, columns: &[Column]) -> String {
        let defs: Vec<String> = columns
            .iter()
            .map(|c| match self {
                Tx::Sqlite(_) => format!("{}{}", quote(&c.name), c.target_kind().sqlite_type()),
                Tx::Postgres(_) => {
                    format!("{} {}", quote(&c.name), c.target_kind().postgres_type())
                }
            })
            .collect();
        format!("CREATE TABLE {} ({})", table.quoted(), defs.join(", "))
    }

    /// `INSERT` of `rows` rows, with the dialect's placeholders.
    fn insert_sql(&self, table: &TableName, columns: &[Column], rows: usize) -> String {
        let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
        let width = columns.len();
        let tuples: Vec<String> = (0..rows)
            .map(|row| {
                let marks: Vec<String> = (0..width)
                    .map(|col| match self {
                        Tx::Sqlite(_) => "?".to_string(),
                        Tx::Postgres(_) => format!("${}", row * width + col + 1),
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES {}",
            table.quoted(),
            names.join(", "),
            tuples.join(", ")
        )
    }

    async fn execute(&mut self, sql: String) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => sqlx::query(AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await
                .map(|_| ()),
            Tx::Postgres(tx) => sqlx::query(AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await
                .map(|_| ()),
        }
    }

    async fn insert(
        &mut self,
        sql: &str,
        rows: Vec<Vec<Value>>,
        columns: &[Column],
    ) -> Result<(), sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_string());
        match self {
            Tx::Sqlite(tx) => {
                let q = bind_rows(sqlx::query(sql), rows, columns);
                q.execute(&mut **tx).await.map(|_| ())
            }
            Tx::Postgres(tx) => {
                let q = bind_rows(sqlx::query(sql), rows, columns);
                q.execute(&mut **tx).await.map(|_| ())
            }
        }
    }

    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    async fn rollback(self) {
        // Dropping the transaction rolls it back as well; this only makes it prompt.
        let _ = match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        };
    }
}

/// Binds every value of every row; nulls get their column's type (PostgreSQL checks it).
fn bind_rows<'q, DB>(
    mut q: Query<'q, DB, <DB as Database>::Arguments>,
    rows: Vec<Vec<Value>>,
    columns: &[Column],
) -> Query<'q, DB, <DB as Database>::Arguments>
where
    DB: Database,
    i64: for<'t> Encode<'t, DB> + Type<DB>,
    f64: for<'t> Encode<'t, DB> + Type<DB>,
    String: for<'t> Encode<'t, DB> + Type<DB>,
    Vec<u8>: for<'t> Encode<'t, DB> + Type<DB>,
    Option<i64>: for<'t> Encode<'t, DB> + Type<DB>,
    Option<f64>: for<'t> Encode<'t, DB> + Type<DB>,
    Option<String>: for<'t> Encode<'t, DB> + Type<DB>,
    Option<Vec<u8>>: for<'t> Encode<'t, DB> + Type<DB>,
{
    for row in rows {
        for (value, column) in row.into_iter().zip(columns) {
            q = match value {
                Value::Int(i) => q.bind(i),
                Value::Real(f) => q.bind(f),
                Value::Text(s) => q.bind(s),
                Value::Blob(b) => q.bind(b),
                Value::Null => match column.target_kind() {
                    Kind::Integer => q.bind(None::<i64>),
                    Kind::Real => q.bind(None::<f64>),
                    Kind::Blob => q.bind(None::<Vec<u8>>),
                    _ => q.bind(None::<String>),
                },
            };
        }
    }
    q
}

/// One copy: the columns, the redactor, and both ends (for messages).
struct Plan<'a> {
    columns: &'a [Column],
    r: &'a dyn CellRedactor,
    from: &'a Endpoint,
    to: &'a Endpoint,
}

impl Plan<'_> {
    /// Creates the table, copies every row and commits; rolls back on any error.
    async fn run(
        &self,
        source: &mut Source,
        select: &str,
        target: &TableName,
        mut tx: Tx<'_>,
    ) -> Result<Stats, RedactError> {
        match self.fill(source, select, target, &mut tx).await {
            Ok(stats) => {
                tx.commit()
                    .await
                    .map_err(|e| self.to.error("cannot commit", &e))?;
                Ok(stats)
            }
            Err(e) => {
                tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn fill(
        &self,
        source: &mut Source,
        select: &str,
        target: &TableName,
        tx: &mut Tx<'_>,
    ) -> Result<Stats, RedactError> {
        let create = tx.create_sql(target, self.columns);
        tx.execute(create).await.map_err(|e| {
            self.to
                .error(&format!("cannot create table {}", target.shown()), &e)
        })?;
        let mut copier = Copier {
            plan: self,
            target,
            tx,
            pending: Vec::with_capacity(BATCH_ROWS),
            stats: Stats::default(),
            insert: None,
        };
        let select = AssertSqlSafe(select.to_string());
        match source {
            Source::Sqlite(conn) => {
                let rows = sqlx::query(select).fetch(&mut *conn);
                copier.pump(rows, decode_sqlite).await?;
            }
            Source::Postgres(conn) => {
                let rows = sqlx::query(select).fetch(&mut *conn);
                copier
                    .pump(rows, |row| decode_postgres(row, self.columns))
                    .await?;
            }
        }
        copier.flush().await?;
        Ok(copier.stats)
    }
}

/// Rows on their way from the source stream into the target transaction.
struct Copier<'a, 'c> {
    plan: &'a Plan<'a>,
    target: &'a TableName,
    tx: &'a mut Tx<'c>,
    pending: Vec<Vec<Value>>,
    stats: Stats,
    /// The full-chunk INSERT statement, built once.
    insert: Option<(usize, String)>,
}

impl Copier<'_, '_> {
    async fn pump<R>(
        &mut self,
        mut rows: BoxStream<'_, Result<R, sqlx::Error>>,
        decode: impl Fn(&R) -> Result<Vec<Value>, sqlx::Error>,
    ) -> Result<(), RedactError> {
        let from = self.plan.from;
        loop {
            let row_no = self.stats.rows + self.pending.len() as u64 + 1;
            let row = match rows.try_next().await {
                Ok(Some(row)) => row,
                Ok(None) => return Ok(()),
                Err(e) => return Err(read_error(from, row_no, &e)),
            };
            let values = decode(&row).map_err(|e| read_error(from, row_no, &e))?;
            let values = self.redact(values, row_no)?;
            self.pending.push(values);
            if self.pending.len() == BATCH_ROWS {
                self.flush().await?;
            }
        }
    }

    /// Hands every text value (and the integers of columns marked by pass 1) to the redactor
    /// and fits values to the target's columns.
    fn redact(&mut self, values: Vec<Value>, row_no: u64) -> Result<Vec<Value>, RedactError> {
        let postgres = matches!(self.tx, Tx::Postgres(_));
        values
            .into_iter()
            .zip(self.plan.columns)
            .map(|(value, column)| {
                let value = match value {
                    Value::Text(s) => self.cell(column, s)?,
                    Value::Int(i) if column.numbers_as_text => self.cell(column, i.to_string())?,
                    other => other,
                };
                if !postgres {
                    return Ok(value);
                }
                let class = value.class();
                let kind = column.target_kind();
                value
                    .fit_postgres(kind)
                    .ok_or_else(|| RedactError::Operator {
                        column: column.name.clone(),
                        reason: format!(
                            "row {row_no}: a {class} value does not fit a {} column",
                            kind.postgres_type()
                        ),
                    })
            })
            .collect()
    }

    /// One value through the redactor; counts changes.
    fn cell(&mut self, column: &Column, s: String) -> Result<Value, RedactError> {
        Ok(match self.plan.r.cell(&column.name, &s)? {
            CellOut::Keep => Value::Text(s),
            CellOut::Replace(new) if new == s => Value::Text(s),
            CellOut::Replace(new) => {
                self.stats.cells_changed += 1;
                Value::Text(new)
            }
            CellOut::Null => {
                self.stats.cells_changed += 1;
                Value::Null
            }
        })
    }

    /// Inserts the pending rows, in statements under the parameter limit.
    async fn flush(&mut self) -> Result<(), RedactError> {
        let width = self.plan.columns.len();
        let per_statement = (MAX_PARAMS / width).clamp(1, BATCH_ROWS);
        let pending = std::mem::take(&mut self.pending);
        let mut rows = pending.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_statement).collect();
            let n = chunk.len();
            let sql = match &self.insert {
                Some((len, sql)) if *len == n => sql.clone(),
                _ => {
                    let sql = self.tx.insert_sql(self.target, self.plan.columns, n);
                    if n == per_statement {
                        self.insert = Some((n, sql.clone()));
                    }
                    sql
                }
            };
            let first = self.stats.rows + 1;
            self.tx
                .insert(&sql, chunk, self.plan.columns)
                .await
                .map_err(|e| {
                    self.plan.to.error(
                        &format!("cannot insert rows {first}..{}", first + n as u64 - 1),
                        &e,
                    )
                })?;
            self.stats.rows += n as u64;
        }
        Ok(())
    }
}

/// A SQLite row, each value by its own storage class (SQLite types values, not columns).
fn decode_sqlite(row: &SqliteRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let class = raw.type_info().name().to_string();
            Ok(match class.as_str() {
                "INTEGER" => Value::Int(row.try_get_unchecked(i)?),
                "REAL" => Value::Real(row.try_get_unchecked(i)?),
                "TEXT" => Value::Text(row.try_get_unchecked(i)?),
                _ => Value::Blob(row.try_get_unchecked(i)?),
            })
        })
        .collect()
}

/// A PostgreSQL row as selected by [`Source::select`]: int8, float8, bytea or text per column.
fn decode_postgres(row: &PgRow, columns: &[Column]) -> Result<Vec<Value>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
                Kind::Blob => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Blob),
                _ => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
            }
            .unwrap_or(Value::Null))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use privet_testkit::postgres::{TempDatabase, postgres_base};
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    const ROWS: i64 = 2500;

    /// Uppercases `email`, drops `secret`, nulls the note "forget me"; fails on the `fail_at`th
    /// email when set.
    #[derive(Default)]
    struct Upper {
        seen: AtomicUsize,
        fail_at: Option<usize>,
    }

    impl CellRedactor for Upper {
        fn drops(&self, column: &str) -> bool {
            column == "secret"
        }

        fn cell(&self, column: &str, value: &str) -> Result<CellOut, RedactError> {
            let n = self
                .seen
                .fetch_add(usize::from(column == "email"), Ordering::Relaxed)
                + 1;
            if column == "email" && self.fail_at == Some(n) {
                return Err(RedactError::Operator {
                    column: column.to_string(),
                    reason: "no key".into(),
                });
            }
            Ok(match column {
                "email" => CellOut::Replace(value.to_uppercase()),
                "note" if value == "forget me" => CellOut::Null,
                _ => CellOut::Keep,
            })
        }

        fn text(&self, value: &str) -> Result<String, RedactError> {
            Ok(value.to_string())
        }
    }

    async fn sqlite(path: &Path) -> SqliteConnection {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap()
    }

    /// A SQLite table of every storage class: typed, NUMERIC-like and untyped columns.
    async fn sqlite_source(path: &Path, table: &str) {
        let mut c = sqlite(path).await;
        let create = format!(
            "CREATE TABLE {table} (id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT, \
             score REAL, note, born DATE, photo BLOB)"
        );
        sqlx::query(AssertSqlSafe(create))
            .execute(&mut c)
            .await
            .unwrap();
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
             INSERT INTO {table} SELECT i, 'user' || i || '@example.com', 's' || i, i / 4.0, \
             CASE i % 3 WHEN 0 THEN i WHEN 1 THEN 'forget me' ELSE NULL END, \
             '1990-01-' || (i % 28 + 1), CASE WHEN i % 2 = 0 THEN x'00ff10' END FROM n"
        );
        sqlx::query(AssertSqlSafe(fill))
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    }

    fn url(path: &Path) -> String {
        format!("sqlite://{}", path.display())
    }

    #[tokio::test]
    async fn sqlite_to_sqlite_keeps_rows_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("in.db"), dir.path().join("out.db"));
        sqlite_source(&from, "customers").await;
        let r = Upper::default();
        let stats = redact_table(&url(&from), "customers", &url(&to), &r)
            .await
            .unwrap();
        // Every email changes, and the 834 notes "forget me" become null.
        assert_eq!(
            stats,
            Stats {
                rows: ROWS as u64,
                cells_changed: 2500 + 834
            }
        );

        let mut c = sqlite(&to).await;
        let columns: Vec<(String, String)> =
            sqlx::query_as("SELECT name, type FROM pragma_table_info('customers') ORDER BY cid")
                .fetch_all(&mut c)
                .await
                .unwrap();
        let expected = [
            ("id", "INTEGER"),
            ("email", "TEXT"),
            ("score", "REAL"),
            ("note", ""),
            ("born", "NUMERIC"),
            ("photo", "BLOB"),
        ];
        let columns: Vec<(&str, &str)> = columns
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(columns, expected);
        let source = dir.path().join("in.db");
        let attach = format!("ATTACH DATABASE '{}' AS src", source.display());
        sqlx::query(AssertSqlSafe(attach))
            .execute(&mut c)
            .await
            .unwrap();
        let differing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM customers o JOIN src.customers i USING (id) \
             WHERE o.email IS NOT upper(i.email) OR o.score IS NOT i.score \
             OR o.born IS NOT i.born OR o.photo IS NOT i.photo \
             OR typeof(o.note) IS NOT (CASE WHEN i.note = 'forget me' THEN 'null' ELSE typeof(i.note) END) \
             OR (i.note <> 'forget me' AND o.note IS NOT i.note)",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert_eq!(differing, 0);
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(rows, ROWS);
    }

    /// Masks 9-digit values (SSN-like) in any column to `***-**-` and the last four.
    struct Ssns;

    impl CellRedactor for Ssns {
        fn drops(&self, _: &str) -> bool {
            false
        }

        fn cell(&self, _: &str, value: &str) -> Result<CellOut, RedactError> {
            Ok(
                if value.len() == 9 && value.bytes().all(|b| b.is_ascii_digit()) {
                    CellOut::Replace(format!("***-**-{}", &value[5..]))
                } else {
                    CellOut::Keep
                },
            )
        }

        fn text(&self, value: &str) -> Result<String, RedactError> {
            Ok(value.to_string())
        }
    }

    /// `people`: INTEGER `id` 1..=100 and INTEGER `ssn` 536220000 + id, null for id 3, 7 for id 5.
    async fn sqlite_people(path: &Path) {
        let mut c = sqlite(path).await;
        sqlx::raw_sql(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, ssn INTEGER); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) \
             INSERT INTO people SELECT i, CASE i WHEN 3 THEN NULL WHEN 5 THEN 7 \
             ELSE 536220000 + i END FROM n",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }

    #[tokio::test]
    async fn integers_that_change_become_text_others_keep_their_type() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("in.db"), dir.path().join("out.db"));
        sqlite_people(&from).await;
        let stats = redact_table(&url(&from), "people", &url(&to), &Ssns)
            .await
            .unwrap();
        assert_eq!(
            stats,
            Stats {
                rows: 100,
                cells_changed: 98
            }
        );
        let mut c = sqlite(&to).await;
        let columns: Vec<(String, String)> =
            sqlx::query_as("SELECT name, type FROM pragma_table_info('people') ORDER BY cid")
                .fetch_all(&mut c)
                .await
                .unwrap();
        assert_eq!(
            columns,
            [
                ("id".to_string(), "INTEGER".to_string()),
                ("ssn".to_string(), "TEXT".to_string())
            ]
        );
        let rows: Vec<(i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, ssn, typeof(id) FROM people ORDER BY id")
                .fetch_all(&mut c)
                .await
                .unwrap();
        assert_eq!(rows.len(), 100);
        for (id, ssn, id_type) in rows {
            assert_eq!(id_type, "integer");
            let expected = match id {
                3 => None,
                5 => Some("7".to_string()),
                _ => Some(format!("***-**-{id:04}")),
            };
            assert_eq!(ssn, expected, "row {id}");
        }
        c.close().await.unwrap();

        // PostgreSQL both ways: BIGINT in, TEXT out.
        let Some(pg) = PgDatabase::create().await else {
            return;
        };
        redact_table(&url(&from), "people", &pg.url, &Ssns)
            .await
            .unwrap();
        let mut p = pg.connect().await;
        let types: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_name = 'people' ORDER BY ordinal_position",
        )
        .fetch_all(&mut p)
        .await
        .unwrap();
        let types: Vec<(&str, &str)> = types
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(types, [("id", "bigint"), ("ssn", "text")]);
        let masked: String = sqlx::query_scalar("SELECT ssn FROM people WHERE id = 42")
            .fetch_one(&mut p)
            .await
            .unwrap();
        assert_eq!(masked, "***-**-0042");
        sqlx::raw_sql(
            "CREATE TABLE cards AS SELECT id, 536220000 + id AS ssn, id % 2 = 0 AS even \
             FROM people",
        )
        .execute(&mut p)
        .await
        .unwrap();
        p.close().await.unwrap();
        let back = dir.path().join("back.db");
        let stats = redact_table(&pg.url, "cards", &url(&back), &Ssns)
            .await
            .unwrap();
        assert_eq!(stats.cells_changed, 100);
        let mut c = sqlite(&back).await;
        let row: (String, String, i64) =
            sqlx::query_as("SELECT typeof(id), ssn, even FROM cards WHERE id = 42")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(row, ("integer".to_string(), "***-**-0042".to_string(), 1));
        c.close().await.unwrap();
    }

    #[tokio::test]
    async fn failure_leaves_nothing_written() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("in.db"), dir.path().join("out.db"));
        sqlite_source(&from, "customers").await;

        // A redactor failing after the first batch was inserted: no file left.
        let failing = Upper {
            fail_at: Some(1800),
            ..Upper::default()
        };
        let err = redact_table(&url(&from), "customers", &url(&to), &failing)
            .await
            .unwrap_err();
        assert!(matches!(&err, RedactError::Operator { column, .. } if column == "email"));
        assert!(!to.exists());

        // An existing target table is never overwritten nor added to.
        let mut c = sqlite(&to).await;
        sqlx::query("CREATE TABLE customers (x TEXT)")
            .execute(&mut c)
            .await
            .unwrap();
        let err = redact_table(&url(&from), "customers", &url(&to), &Upper::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("cannot create table customers"),
            "{err}"
        );
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(rows, 0);
        assert!(to.exists());
    }

    #[tokio::test]
    async fn bad_sources_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("in.db"), dir.path().join("out.db"));
        let r = Upper::default();
        let err = redact_table(&url(&from), "customers", &url(&to), &r)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no such file"), "{err}");
        assert!(!from.exists());

        sqlite_source(&from, "customers").await;
        let err = redact_table(&url(&from), "nope", &url(&to), &r)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no such table: nope"), "{err}");
        assert!(redact_table("ftp://x", "t", &url(&to), &r).await.is_err());
        assert!(!to.exists());
    }

    #[test]
    fn passwords_are_scrubbed() {
        let url = "postgres://app:s3cret@db:5432/shop?sslmode=disable&password=other";
        assert_eq!(
            scrub(url, "bad s3cret and other"),
            "bad *** and ***".to_string()
        );
        let e = Endpoint::parse(url).unwrap();
        let shown = e
            .error("cannot connect", &"auth failed for s3cret")
            .to_string();
        assert_eq!(
            shown,
            "postgres://db:5432/shop: cannot connect: auth failed for ***"
        );
    }

    #[test]
    fn affinities_follow_sqlite_rules() {
        let kinds: Vec<Kind> = [
            "BIGINT",
            "varchar(20)",
            "",
            "blob",
            "DOUBLE",
            "DATETIME",
            "FLOATING POINT",
        ]
        .iter()
        .map(|t| Kind::from_sqlite(t))
        .collect();
        use Kind::*;
        // "FLOATING POINT" contains "INT": SQLite gives it INTEGER affinity too.
        assert_eq!(
            kinds,
            [Integer, Text, Untyped, Blob, Real, Numeric, Integer]
        );
        assert_eq!(
            Value::Text("12".into()).fit_postgres(Integer),
            Some(Value::Int(12))
        );
        assert_eq!(Value::Text("x".into()).fit_postgres(Integer), None);
        assert_eq!(
            Value::Int(3).fit_postgres(Numeric),
            Some(Value::Text("3".into()))
        );
        assert_eq!(Value::Real(2.0).fit_postgres(Integer), Some(Value::Int(2)));
    }

    /// A database of its own on the test server (testkit's fixture), dropped afterwards.
    struct PgDatabase {
        _db: TempDatabase,
        url: String,
    }

    impl PgDatabase {
        /// `None` (with the reason on stderr) when no server is configured; on CI that fails.
        async fn create() -> Option<Self> {
            let db = TempDatabase::create(&postgres_base()?);
            let url = db.url().to_owned();
            Some(PgDatabase { _db: db, url })
        }

        async fn connect(&self) -> PgConnection {
            PgConnection::connect(&self.url).await.unwrap()
        }
    }

    /// A PostgreSQL table with the common types, 1500 rows.
    async fn postgres_source(db: &PgDatabase) {
        let mut c = db.connect().await;
        sqlx::raw_sql(
            "CREATE TABLE customers (id BIGINT PRIMARY KEY, email TEXT NOT NULL, secret TEXT, \
             active BOOLEAN, amount NUMERIC(10, 2), created TIMESTAMP, ratio REAL, \
             data BYTEA, note VARCHAR(20), n SMALLINT); \
             INSERT INTO customers SELECT i, 'user' || i || '@example.com', 's' || i, i % 2 = 0, \
             i * 1.25, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1 hour', i / 8.0, \
             CASE WHEN i % 3 = 0 THEN '\\x00ff'::bytea END, \
             CASE WHEN i % 5 = 0 THEN 'forget me' ELSE 'keep' END, i % 100 \
             FROM generate_series(1, 1500) AS i",
        )
        .execute(&mut c)
        .await
        .unwrap();
        c.close().await.unwrap();
    }

    #[tokio::test]
    async fn postgres_to_sqlite_and_back() {
        let Some(pg) = PgDatabase::create().await else {
            return;
        };
        postgres_source(&pg).await;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.db");
        let stats = redact_table(&pg.url, "customers", &url(&out), &Upper::default())
            .await
            .unwrap();
        assert_eq!(
            stats,
            Stats {
                rows: 1500,
                cells_changed: 1500 + 300
            }
        );
        let mut c = sqlite(&out).await;
        let text: (String, String, String, Option<String>) =
            sqlx::query_as("SELECT email, amount, created, note FROM customers WHERE id = 30")
                .fetch_one(&mut c)
                .await
                .unwrap();
        let expected = ("USER30@EXAMPLE.COM", "37.50", "2024-01-02 06:00:00", None);
        assert_eq!(
            (text.0.as_str(), text.1.as_str(), text.2.as_str(), text.3),
            expected
        );
        let other: (i64, f64, Option<Vec<u8>>, i64) =
            sqlx::query_as("SELECT active, ratio, data, n FROM customers WHERE id = 30")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(other, (1, 3.75, Some(vec![0, 255]), 30));
        let secret: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'secret'",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert_eq!(secret, 0);

        // Back into a fresh PostgreSQL database from SQLite, and PostgreSQL to PostgreSQL
        // with the schema named.
        let Some(back) = PgDatabase::create().await else {
            return;
        };
        let stats = redact_table(&url(&out), "customers", &back.url, &Upper::default())
            .await
            .unwrap();
        assert_eq!(stats.rows, 1500);
        let mut p = back.connect().await;
        let types: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_name = 'customers' ORDER BY ordinal_position",
        )
        .fetch_all(&mut p)
        .await
        .unwrap();
        let types: Vec<(&str, &str)> = types
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("id", "bigint"),
                ("email", "text"),
                ("active", "bigint"),
                ("amount", "text"),
                ("created", "text"),
                ("ratio", "double precision"),
                ("data", "bytea"),
                ("note", "text"),
                ("n", "bigint"),
            ]
        );
        sqlx::raw_sql("CREATE SCHEMA shop")
            .execute(&mut p)
            .await
            .unwrap();
        p.close().await.unwrap();
        let err = redact_table(&pg.url, "public.customers", &back.url, &Upper::default())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        let mut src = pg.connect().await;
        sqlx::raw_sql(
            "CREATE SCHEMA shop; CREATE TABLE shop.orders AS SELECT id, email FROM customers",
        )
        .execute(&mut src)
        .await
        .unwrap();
        src.close().await.unwrap();
        let stats = redact_table(&pg.url, "shop.orders", &back.url, &Upper::default())
            .await
            .unwrap();
        assert_eq!(
            stats,
            Stats {
                rows: 1500,
                cells_changed: 1500
            }
        );
        let mut p = back.connect().await;
        let upper: i64 =
            sqlx::query_scalar("SELECT count(*) FROM shop.orders WHERE email = upper(email)")
                .fetch_one(&mut p)
                .await
                .unwrap();
        assert_eq!(upper, 1500);
        p.close().await.unwrap();
    }

    #[tokio::test]
    async fn postgres_failure_rolls_back() {
        let Some(pg) = PgDatabase::create().await else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("in.db");
        sqlite_source(&from, "customers").await;
        let failing = Upper {
            fail_at: Some(2000),
            ..Upper::default()
        };
        let err = redact_table(&url(&from), "customers", &pg.url, &failing)
            .await
            .unwrap_err();
        assert!(matches!(err, RedactError::Operator { .. }));
        let mut c = pg.connect().await;
        let exists: Option<String> = sqlx::query_scalar("SELECT to_regclass('customers')::text")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(exists, None);

        // The untyped `note` column holds integers and text: TEXT on PostgreSQL.
        let stats = redact_table(&url(&from), "customers", &pg.url, &Upper::default())
            .await
            .unwrap();
        assert_eq!(stats.rows, ROWS as u64);
        let notes: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE note = '3'")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(notes, 1);
        c.close().await.unwrap();
    }
}
