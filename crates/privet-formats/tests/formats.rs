//! Integration tests of every reader: the one test binary of this crate
//! (each extra binary costs link time), with a module per format.

mod common;
mod formats {
    mod delimited;
    mod gzip_and_text;
    mod json;
    mod no_panic;
    mod parquet;
    mod postgres;
    mod sqlite;
}
