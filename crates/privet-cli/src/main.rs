//! The `privet` command: find, protect and govern personal data.
//!
//! Exit statuses are chosen on purpose so scripts and CI can rely on them:
//! 0 when the command did what was asked, 2 when something could not be read
//! or the command line was wrong, 3 when `privet scan --fail-on` found the
//! data it gates on, 1 when `privet audit verify` finds the chain broken.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod logging;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a scan allocates several small
/// strings per finding and per table cell on one thread and frees them on
/// another (reader to worker to collector), the pattern glibc's arenas
/// handle worst; a fifth of a CSV scan's time went to malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The process exit statuses of every command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Everything asked for was done.
    Ok = 0,
    /// `privet audit verify` found the chain broken.
    Broken = 1,
    /// An input, the configuration or the command line was wrong.
    Error = 2,
    /// A `--fail-on` gate tripped.
    GateTripped = 3,
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init(cli.verbose, cli.log_format);
    let status = match commands::run(cli.command) {
        Ok(status) => status,
        Err(err) => {
            eprintln!("privet: error: {err:#}");
            Status::Error
        }
    };
    ExitCode::from(status as u8)
}
