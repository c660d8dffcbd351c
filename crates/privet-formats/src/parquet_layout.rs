//! Checks a Parquet file's footer against the file before any page is decoded.
//!
//! The parquet crate trusts the offsets and sizes in a footer: a negative or out-of-file column
//! chunk makes it panic (`byte_range` asserts) deep inside a read. The readers here and the
//! rewriter in privet-redact call [`check_layout`] right after loading the metadata so such a
//! file is refused with an error naming the row group and column, not a caught panic.

use parquet::file::metadata::ParquetMetaData;

/// Refuses a footer whose column chunks do not lie inside a file of `file_len` bytes.
pub fn check_layout(meta: &ParquetMetaData, file_len: u64) -> Result<(), String> {
    for (g, group) in meta.row_groups().iter().enumerate() {
        for (c, column) in group.columns().iter().enumerate() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or_else(|| column.data_page_offset());
            let len = column.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(len).ok())
                .and_then(|(s, l)| s.checked_add(l))
                .is_some_and(|end| end <= file_len);
            if !inside {
                return Err(format!(
                    "row group {g}, column {c}: chunk at offset {start} of {len} bytes lies outside the {file_len}-byte file"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::metadata::{ColumnChunkMetaData, FileMetaData, RowGroupMetaData};
    use parquet::schema::parser::parse_message_type;
    use parquet::schema::types::SchemaDescriptor;
    use std::sync::Arc;

    fn meta(offset: i64, size: i64) -> ParquetMetaData {
        let schema = Arc::new(SchemaDescriptor::new(Arc::new(
            parse_message_type("message m { required int64 a; }").expect("schema"),
        )));
        let column = ColumnChunkMetaData::builder(schema.column(0))
            .set_data_page_offset(offset)
            .set_total_compressed_size(size)
            .build()
            .expect("column");
        let group = RowGroupMetaData::builder(schema.clone())
            .set_num_rows(1)
            .set_column_metadata(vec![column])
            .build()
            .expect("group");
        let file = FileMetaData::new(1, 1, None, None, schema, None);
        ParquetMetaData::new(file, vec![group])
    }

    #[test]
    fn chunks_inside_the_file_pass() {
        assert!(check_layout(&meta(4, 100), 200).is_ok());
        assert!(check_layout(&meta(4, 196), 200).is_ok());
    }

    #[test]
    fn negative_or_outside_chunks_are_refused() {
        for (offset, size) in [(-1, 10), (4, -1), (150, 100), (i64::MAX, 1)] {
            let err = check_layout(&meta(offset, size), 200).expect_err("refused");
            assert!(err.starts_with("row group 0, column 0"), "{err}");
        }
    }
}
