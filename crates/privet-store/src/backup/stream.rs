//! The stream format shared by data and key-store backups: a section per table, rows of tagged
//! values, an end marker, and nothing after it.

use std::io::{Read, Write};

use futures_util::TryStreamExt;
use sqlx::{Any, Row, Transaction};

use super::{Col, Table};
use crate::error::{Result, StoreError};

/// A decoded column value.
pub(super) enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Values longer than this are refused on read, so a damaged length cannot make us allocate at will.
const MAX_VALUE_LEN: usize = 64 << 20;

pub(super) fn io_err(e: std::io::Error) -> StoreError {
    StoreError::Backup(e.to_string())
}

fn write_value(out: &mut impl Write, v: &Value) -> std::io::Result<()> {
    match v {
        Value::Null => out.write_all(&[0]),
        Value::Int(i) => {
            out.write_all(&[1])?;
            out.write_all(&i.to_be_bytes())
        }
        Value::Text(s) => write_bytes(out, 2, s.as_bytes()),
        Value::Bytes(b) => write_bytes(out, 3, b),
    }
}

fn write_bytes(out: &mut impl Write, tag: u8, bytes: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("value over 4 GiB"))?;
    out.write_all(&[tag])?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(bytes)
}

fn read_u8(input: &mut impl Read) -> Result<u8> {
    let mut b = [0u8; 1];
    input.read_exact(&mut b).map_err(io_err)?;
    Ok(b[0])
}

fn read_len_bytes(input: &mut impl Read) -> Result<Vec<u8>> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len).map_err(io_err)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_VALUE_LEN {
        return Err(StoreError::Backup(format!(
            "a value claims {len} bytes; the backup is damaged"
        )));
    }
    let mut buf = vec![0u8; len];
    input.read_exact(&mut buf).map_err(io_err)?;
    Ok(buf)
}

fn read_value(input: &mut impl Read, col: Col) -> Result<Value> {
    let v = match read_u8(input)? {
        0 => Value::Null,
        1 => {
            let mut b = [0u8; 8];
            input.read_exact(&mut b).map_err(io_err)?;
            Value::Int(i64::from_be_bytes(b))
        }
        2 => Value::Text(String::from_utf8(read_len_bytes(input)?).map_err(|_| {
            StoreError::Backup("a text value is not UTF-8; the backup is damaged".into())
        })?),
        3 => Value::Bytes(read_len_bytes(input)?),
        t => {
            return Err(StoreError::Backup(format!(
                "unknown value tag {t}; the backup is damaged"
            )));
        }
    };
    let fits = matches!(
        (&v, col),
        (Value::Null, _)
            | (Value::Int(_), Col::Int)
            | (Value::Text(_), Col::Text)
            | (Value::Bytes(_), Col::Bytes)
    );
    if !fits {
        return Err(StoreError::Backup(
            "a value has the wrong type for its column; the backup is damaged".into(),
        ));
    }
    Ok(v)
}

fn row_value(
    row: &sqlx::any::AnyRow,
    i: usize,
    col: Col,
) -> std::result::Result<Value, sqlx::Error> {
    Ok(match col {
        Col::Int => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::Int),
        Col::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::Text),
        Col::Bytes => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, Value::Bytes),
    })
}

/// Writes `table` as one section, read through `tx`; returns its row count.
pub(super) async fn dump_table(
    tx: &mut Transaction<'_, Any>,
    table: &Table,
    out: &mut impl Write,
) -> Result<u64> {
    out.write_all(b"T").map_err(io_err)?;
    write_bytes(out, 2, table.section.as_bytes()).map_err(io_err)?;
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        table.column_list(),
        table.sql,
        table.key
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut **tx);
    let mut n = 0u64;
    while let Some(row) = rows
        .try_next()
        .await
        .map_err(StoreError::db("reading a table for backup", "row"))?
    {
        out.write_all(b"R").map_err(io_err)?;
        for (i, (_, col)) in table.columns.iter().enumerate() {
            let v = row_value(&row, i, *col)
                .map_err(StoreError::db("decoding a row for backup", "row"))?;
            write_value(out, &v).map_err(io_err)?;
        }
        n += 1;
    }
    out.write_all(b"E").map_err(io_err)?;
    Ok(n)
}

/// Marks the end of the stream.
pub(super) fn write_end(out: &mut impl Write) -> Result<()> {
    out.write_all(b"Z").map_err(io_err)
}

/// Reads the start of `table`'s section.
pub(super) fn read_section_start(input: &mut impl Read, table: &Table) -> Result<()> {
    if read_u8(input)? != b'T' {
        return Err(StoreError::Backup(format!(
            "expected table {}; the backup is damaged",
            table.section
        )));
    }
    read_section_name(input, table)
}

/// Reads the start of a section that older backups lack: false when the stream's end marker
/// comes instead (consumed, and the container's end checked as [`read_end`] does).
pub(super) fn read_later_section_start(input: &mut impl Read, table: &Table) -> Result<bool> {
    match read_u8(input)? {
        b'T' => read_section_name(input, table).map(|()| true),
        b'Z' => check_container_end(input).map(|()| false),
        _ => Err(StoreError::Backup(format!(
            "expected table {} or the end; the backup is damaged",
            table.section
        ))),
    }
}

fn read_section_name(input: &mut impl Read, table: &Table) -> Result<()> {
    if read_u8(input)? != 2 || read_len_bytes(input)? != table.section.as_bytes() {
        return Err(StoreError::Backup(format!(
            "expected table {}; the backup is from another version or damaged",
            table.section
        )));
    }
    Ok(())
}

/// The next row of `table`'s section, or None at its end.
pub(super) fn read_row(input: &mut impl Read, table: &Table) -> Result<Option<Vec<Value>>> {
    match read_u8(input)? {
        b'E' => return Ok(None),
        b'R' => {}
        _ => {
            return Err(StoreError::Backup(format!(
                "bad row marker in table {}",
                table.section
            )));
        }
    }
    table
        .columns
        .iter()
        .map(|(_, col)| read_value(input, *col))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Inserts a row read from `table`'s section with `sql` (the table's insert statement).
pub(super) async fn insert_row(
    tx: &mut Transaction<'_, Any>,
    table: &Table,
    sql: &str,
    values: Vec<Value>,
) -> Result<u64> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for (value, (_, col)) in values.into_iter().zip(table.columns) {
        q = match (value, col) {
            (Value::Null, Col::Int) => q.bind(None::<i64>),
            (Value::Null, Col::Text) => q.bind(None::<String>),
            (Value::Null, Col::Bytes) => q.bind(None::<Vec<u8>>),
            (Value::Int(i), _) => q.bind(i),
            (Value::Text(s), _) => q.bind(s),
            (Value::Bytes(b), _) => q.bind(b),
        };
    }
    Ok(q.execute(&mut **tx)
        .await
        .map_err(StoreError::db("restoring a row", "row"))?
        .rows_affected())
}

/// Reads the end marker, then checks that the container ends right there: it authenticates its
/// end, so reading past the last record must give a clean end of stream.
pub(super) fn read_end(input: &mut impl Read) -> Result<()> {
    if read_u8(input)? != b'Z' {
        return Err(StoreError::Backup(
            "the backup does not end where expected; it is damaged".into(),
        ));
    }
    check_container_end(input)
}

fn check_container_end(input: &mut impl Read) -> Result<()> {
    let mut probe = [0u8; 1];
    match input.read(&mut probe) {
        Ok(0) => Ok(()),
        Ok(_) => Err(StoreError::Backup(
            "data after the end of the backup; it is damaged".into(),
        )),
        Err(e) => Err(io_err(e)),
    }
}
