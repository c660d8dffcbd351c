//! End-to-end tests of the `privet` binary: the one integration test binary of
//! this crate (each extra binary costs link time), with a module per command.

mod readme;
mod redact;
mod scan;
mod serve;
mod shell;
