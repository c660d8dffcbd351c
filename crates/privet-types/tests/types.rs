//! Integration tests of privet-types, in one binary to keep link time down.

mod types {
    mod deadlines;
    mod decide;
    mod default_policy;
    mod operations;
    mod parse_errors;
    mod parse_fuzz;
    mod requests;
    mod retention;
    mod settings;
}
