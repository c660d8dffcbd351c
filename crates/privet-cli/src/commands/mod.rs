//! One module per subcommand.

mod admin;
mod purge;
mod redact;
mod requests;
mod scan;
mod serve;
mod shell;
mod vault_args;
mod vendors;

pub(crate) use admin::{AuditCommand, BackupArgs, CheckArgs, InitArgs, KeysCommand, RestoreArgs};
pub(crate) use purge::PurgeArgs;
pub(crate) use redact::{RedactArgs, RevealArgs};
pub(crate) use requests::RequestsArgs;
pub(crate) use serve::ServeArgs;
pub(crate) use shell::{CompletionsArgs, ManArgs};
pub(crate) use vendors::VendorsArgs;

use crate::Status;
use crate::cli::Command;

/// Runs a parsed command.
pub(crate) fn run(command: Command) -> anyhow::Result<Status> {
    match command {
        Command::Scan(args) => scan::run(args),
        Command::Redact(args) => redact::redact(args),
        Command::Reveal(args) => redact::reveal(args),
        Command::Serve(args) => serve::run(args),
        Command::Init(args) => admin::init(args),
        Command::Check(args) => admin::check(args),
        Command::Keys { command } => admin::keys(command),
        Command::Audit { command } => admin::audit(command),
        Command::Backup(args) => admin::backup(args),
        Command::Restore(args) => admin::restore(args),
        Command::Completions(args) => shell::completions(args),
        Command::Man(args) => shell::man(args),
        Command::Requests(args) => requests::run(args),
        Command::Vendors(args) => vendors::run(args),
        Command::Purge(args) => purge::run(args),
    }
}
