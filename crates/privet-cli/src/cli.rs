//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand};
use privet_formats::InputFormat;
use privet_scan::FailOn;
use privet_scan::sink::OutputFormat;
use privet_types::PiiType;

/// privet: find, protect and govern the personal data a business holds.
#[derive(Debug, Parser)]
#[command(name = "privet", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// More log output on stderr (-v info, -vv debug); PRIVET_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log lines as `text` or one JSON object per line (`json`), for log collectors.
    #[arg(
        long,
        global = true,
        env = "PRIVET_LOG_FORMAT",
        default_value = "text",
        value_name = "text|json"
    )]
    pub log_format: crate::logging::LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find personal data in files, folders and database tables.
    Scan(ScanArgs),
    /// De-identify a file in its own format: detected identifiers and policy columns replaced.
    Redact(crate::commands::RedactArgs),
    /// Reverse the format-preserving encryption (`fpe`) of a redacted file with its key.
    Reveal(crate::commands::RevealArgs),
    /// Run the vault: encrypted records, tokens, purpose-based access, audit (HTTP API).
    Serve(crate::commands::ServeArgs),
    /// Write a commented example policy (privet.toml).
    Init(crate::commands::InitArgs),
    /// Validate a policy file; errors point at their line.
    Check(crate::commands::CheckArgs),
    /// API keys and master-key rotation.
    Keys {
        /// What to do.
        #[command(subcommand)]
        command: crate::commands::KeysCommand,
    },
    /// The audit log.
    Audit {
        /// What to do.
        #[command(subcommand)]
        command: crate::commands::AuditCommand,
    },
    /// Write an encrypted backup of the data (never the data keys), or with --keys of the key store.
    Backup(crate::commands::BackupArgs),
    /// Restore a backup (--keys: a key-store backup within its retention), replaying the erasure ledger.
    Restore(crate::commands::RestoreArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(crate::commands::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(crate::commands::ManArgs),
    /// Customers' requests: the open queue by due date, overdue first.
    Requests(crate::commands::RequestsArgs),
    /// The vendors of a policy: what each receives, and what is expired or due.
    Vendors(crate::commands::VendorsArgs),
    /// Run the retention rules now (--dry-run counts), or list earlier runs' receipts.
    Purge(crate::commands::PurgeArgs),
}

/// Arguments of `privet scan`.
#[derive(Debug, Args)]
#[command(
    after_help = "EXIT STATUS:\n  0  scan finished (findings or not)\n  2  an input could not be read, or the command line is wrong\n  3  --fail-on found data of a gated type\n\nEXAMPLES:\n  privet scan ./exports\n  privet scan --format jsonl app.log.gz\n  privet scan --fail-on card_number,us_ssn logs/\n  privet scan sqlite://shop.db --table customers --full\n  privet scan 'postgres://scanner@db.internal/shop' --format json"
)]
pub(crate) struct ScanArgs {
    /// Files, folders (walked recursively), `sqlite://FILE` or `postgres://...` URLs.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "table", value_name = "table|json|jsonl|sarif")]
    pub format: OutputFormat,
    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Exit with status 3 when data of these types is found (comma-separated, or `any`).
    #[arg(long, value_name = "TYPES")]
    pub fail_on: Option<FailOn>,
    /// Only look for these types (comma-separated canonical names).
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub types: Vec<PiiType>,
    /// Report findings at or above this confidence (0 to 1).
    #[arg(long, default_value_t = 0.5, value_name = "0..1", value_parser = parse_confidence)]
    pub min_confidence: f32,
    /// Read phone numbers written without a country code in this region's numbering plan first
    /// (ISO 3166 two-letter code, e.g. GB); the United States when not given.
    #[arg(long, value_name = "CC", value_parser = parse_region)]
    pub region: Option<privet_detect::PhoneRegion>,
    /// Print raw matched values. They are masked unless you pass this.
    #[arg(long)]
    pub show_values: bool,
    /// Walk folders without honouring .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Read every file as this format instead of detecting it.
    #[arg(long, value_name = "text|csv|tsv|json|ndjson|parquet")]
    pub input_format: Option<InputFormat>,
    /// Only scan this database table (repeatable).
    #[arg(long = "table", value_name = "TABLE")]
    pub tables: Vec<String>,
    /// Rows sampled per database table.
    #[arg(long, value_name = "N", conflicts_with = "full")]
    pub sample: Option<u64>,
    /// Read every row of every table instead of a sample.
    #[arg(long)]
    pub full: bool,
    /// Stop at the first input that cannot be read.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Reads `--region`.
fn parse_region(s: &str) -> Result<privet_detect::PhoneRegion, String> {
    privet_detect::PhoneRegion::parse(s).map_err(|e| e.to_string())
}

fn parse_confidence(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("{s:?} is not a confidence between 0 and 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn confidence_must_be_a_share() {
        assert_eq!(parse_confidence("0.7"), Ok(0.7));
        assert!(parse_confidence("1.5").is_err());
        assert!(parse_confidence("high").is_err());
    }
}
