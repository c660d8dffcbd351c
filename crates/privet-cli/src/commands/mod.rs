//! One module per subcommand.

mod scan;

use crate::Status;
use crate::cli::Command;

/// Runs a parsed command.
pub(crate) fn run(command: Command) -> anyhow::Result<Status> {
    match command {
        Command::Scan(args) => scan::run(args),
    }
}
