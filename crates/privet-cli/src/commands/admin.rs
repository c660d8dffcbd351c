//! The operator commands around the vault: init, check, keys, audit, backup, restore.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use privet_types::policy::DEFAULT_POLICY_TOML;
use privet_types::{counted, text_table};
use privet_vault::Actor;

use super::vault_args::{VaultArgs, load_policy_file, runtime};
use crate::Status;

/// Arguments of `privet init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to write the policy.
    #[arg(default_value = "privet.toml", value_name = "FILE")]
    pub path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `privet check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Policy file to validate.
    #[arg(default_value = "privet.toml", value_name = "FILE")]
    pub path: PathBuf,
    /// Also report the backups in DIR that outlive [backups] retention.
    #[arg(long, value_name = "DIR")]
    pub backups: Option<PathBuf>,
}

/// `privet keys ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Write a new de-identification key file for `privet redact` and `privet reveal` (mode
    /// 0600; never overwrites). Use it with --key-file FILE, or PRIVET_DEID_KEY="$(cat FILE)".
    DeidKey {
        /// Where to write it.
        #[arg(value_name = "FILE")]
        path: PathBuf,
    },
    /// Create an API key for a role and print it (only the key, on stdout).
    CreateApiKey {
        /// Role of the policy the key acts as.
        #[arg(long)]
        role: String,
        /// A label to recognise the key by.
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        vault: VaultArgs,
    },
    /// Revoke an API key by its id (the part after `pvt_`).
    RevokeApiKey {
        /// Key id.
        id: String,
        #[command(flatten)]
        vault: VaultArgs,
    },
    /// List API keys (ids, roles, dates; never the keys).
    ListApiKeys {
        #[command(flatten)]
        vault: VaultArgs,
    },
    /// Add a master-key version and re-wrap every data key under it, while the server keeps serving.
    Rotate {
        /// Data keys re-wrapped per commit.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        #[command(flatten)]
        vault: VaultArgs,
    },
    /// Retire a master-key version nothing is wrapped under any more; values under it are refused after.
    ///
    /// Key-store backups made while VERSION was the newest master-key version cannot be restored
    /// once it is retired: make a fresh `privet backup --keys` first. Needs --yes.
    Retire {
        /// Version number.
        // Its own id: `version` would clash with the `--version` flag clap adds to every command.
        #[arg(id = "key_version", value_name = "VERSION")]
        version: u32,
        /// Confirm that key-store backups made under VERSION may become unrestorable.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        vault: VaultArgs,
    },
}

/// `privet audit ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the hash chain; exit 0 when whole, 1 naming the first bad entry.
    Verify {
        #[command(flatten)]
        vault: VaultArgs,
    },
}

/// Arguments of `privet backup`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "EXAMPLES:\n  privet backup /safe/data-2026-12-05.backup\n  privet backup --keys /safe/keys-2026-12-05.backup\n  privet backup prune /safe --dry-run"
)]
pub(crate) struct BackupArgs {
    /// Delete backups older than their retention instead of writing one.
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Backup file to write.
    #[arg(required = true)]
    pub out: Option<PathBuf>,
    /// Back up the key store (wrapped data keys, secrets, erasure ledger) instead of the data.
    #[arg(long)]
    pub keys: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}

/// `privet backup prune`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum BackupCommand {
    /// Delete the data and key-store backups in DIR older than [backups] data_keep_for and
    /// keys_keep_for; other files are left alone.
    Prune {
        /// The directory the backups are written to.
        dir: PathBuf,
        /// List what would be deleted without deleting it.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        vault: VaultArgs,
    },
}

/// Arguments of `privet restore`.
#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// Backup file to read.
    pub input: PathBuf,
    /// Restore a key-store backup: only missing keys come back, then the erasure ledger is replayed.
    #[arg(long)]
    pub keys: bool,
    /// With --keys: refuse a key-store backup this many days old or older (default: the
    /// policy's [backups] keys_keep_for, 30 days unless set).
    #[arg(long, env = "PRIVET_KEY_BACKUP_DAYS", value_name = "DAYS")]
    pub max_age_days: Option<u32>,
    #[command(flatten)]
    pub vault: VaultArgs,
}

pub(crate) fn init(args: InitArgs) -> Result<Status> {
    if args.path.exists() && !args.force {
        bail!(
            "{} exists; pass --force to overwrite it",
            args.path.display()
        );
    }
    std::fs::write(&args.path, DEFAULT_POLICY_TOML)
        .with_context(|| format!("cannot write {}", args.path.display()))?;
    eprintln!(
        "privet: wrote {}; edit it, then `privet check {}`",
        args.path.display(),
        args.path.display()
    );
    Ok(Status::Ok)
}

pub(crate) fn check(args: CheckArgs) -> Result<Status> {
    let policy = load_policy_file(&args.path)?;
    let rights = policy.rights();
    println!(
        "{}: valid ({} purposes, {} roles, {} rules, {} retention rules, {} vendors)",
        args.path.display(),
        policy.purposes().count(),
        policy.roles().count(),
        policy.rules().len(),
        rights.retention.len(),
        rights.vendors.len()
    );
    let consequence = if policy.require_retention() {
        "writes of it are refused (no_retention)"
    } else {
        "it is kept with no end"
    };
    if rights.retention.is_empty() {
        println!("warning: no [retention] rules: nothing is ever purged");
        if policy.require_retention() {
            println!(
                "warning: [policy] require_retention is on, so every write is refused until a [retention] rule covers its category"
            );
        }
    }
    for category in policy.categories_without_retention() {
        println!(
            "warning: {category} is used by the access rules but no [retention] rule covers it: {consequence}"
        );
    }
    if !policy.require_retention() {
        println!(
            "note: [policy] require_retention = false: categories that no [retention] rule covers are stored all the same"
        );
    }
    if let Some(dir) = &args.backups {
        let (found, _) = privet_vault::backups_in(dir, rights)?;
        let now = privet_types::Clock::now(&privet_types::SystemClock);
        for file in found.iter().filter(|f| f.expired(now)) {
            println!(
                "warning: {} ({} backup of {}) outlives its retention; `privet backup prune {}` deletes it",
                file.path.display(),
                file.kind.as_str(),
                file.created_at,
                dir.display()
            );
        }
    }
    Ok(Status::Ok)
}

pub(crate) fn keys(cmd: KeysCommand) -> Result<Status> {
    runtime()?.block_on(async move {
        match cmd {
            KeysCommand::DeidKey { path } => {
                privet_redact::keys::new_key_file(&path)?;
                eprintln!(
                    "privet: wrote a de-identification key to {} (mode 0600); keep it apart from the data: fpe output cannot be revealed without it",
                    path.display()
                );
            }
            KeysCommand::CreateApiKey { role, label, vault } => {
                let (v, _) = vault.vault(true).await?;
                let (key, _) = v.create_api_key(&Actor::operator(), &role, label).await?;
                println!("{key}");
            }
            KeysCommand::RevokeApiKey { id, vault } => {
                let (v, _) = vault.vault(false).await?;
                v.revoke_api_key(&Actor::operator(), &id).await?;
                eprintln!("privet: revoked API key {id}");
            }
            KeysCommand::ListApiKeys { vault } => {
                let (v, _) = vault.vault(false).await?;
                println!("{:<14} {:<16} {:<26} {:<10} label", "id", "role", "created", "state");
                for k in v.api_keys().await? {
                    let created = jiff_ms(k.created_at);
                    let state = if k.revoked_at.is_some() { "revoked" } else { "active" };
                    println!("{:<14} {:<16} {:<26} {:<10} {}", k.id, k.role, created, state, k.label.unwrap_or_default());
                }
            }
            KeysCommand::Rotate { batch, vault } => {
                let (v, keys) = vault.vault(false).await?;
                let Some(file) = keys.file else {
                    bail!("rotation needs a master key file; PRIVET_MASTER_KEY holds fixed keys (add a version to it and run again with the file)");
                };
                let version = file.add_version().context("adding a master-key version")?;
                eprintln!("privet: added master-key version {version}; re-wrapping data keys...");
                let report = v
                    .rewrap_all(&Actor::operator(), batch, |n| eprint!("\rprivet: re-wrapped {n} data keys"))
                    .await?;
                // Nodes that had not yet seen the new version may have wrapped a few keys under the
                // old one meanwhile: a second pass after they reload (within a second) catches them.
                tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                let late = v.rewrap_all(&Actor::operator(), batch, |_| {}).await?;
                eprintln!(
                    "\nprivet: every key is now under version {} ({} data keys, {} secrets); retire old versions with `privet keys retire N`",
                    report.version,
                    report.data_keys + late.data_keys,
                    report.secrets + late.secrets
                );
            }
            KeysCommand::Retire { version, yes, vault } => {
                let (v, keys) = vault.vault(false).await?;
                let Some(file) = keys.file else { bail!("retiring needs a master key file") };
                v.ensure_unused(version).await?;
                if !yes {
                    bail!(
                        "not retired: key-store backups made while master-key version {version} was the newest \
                         (`privet backup --keys`) have their file key wrapped under it and cannot be restored \
                         once it is retired. Make a fresh key-store backup now, keep it, then run \
                         `privet keys retire {version} --yes`"
                    );
                }
                file.retire(version).with_context(|| format!("retiring master-key version {version}"))?;
                v.audit_retire(&Actor::operator(), version).await?;
                eprintln!("privet: retired master-key version {version}; values under it are refused from now on");
            }
        }
        Ok(Status::Ok)
    })
}

fn jiff_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map_or_else(
        |_| ms.to_string(),
        |t| {
            t.round(jiff::Unit::Second)
                .map_or_else(|_| t.to_string(), |t| t.to_string())
        },
    )
}

pub(crate) fn audit(cmd: AuditCommand) -> Result<Status> {
    runtime()?.block_on(async move {
        match cmd {
            AuditCommand::Verify { vault } => {
                let (v, _) = vault.vault(false).await?;
                match v.verify_audit().await? {
                    Ok(n) => {
                        println!("audit chain whole: {n} entries verified");
                        Ok(Status::Ok)
                    }
                    Err(broken) => {
                        println!("audit chain broken: {broken}");
                        Ok(Status::Broken)
                    }
                }
            }
        }
    })
}

pub(crate) fn backup(args: BackupArgs) -> Result<Status> {
    if let Some(BackupCommand::Prune {
        dir,
        dry_run,
        vault,
    }) = args.command
    {
        return prune_backups(&dir, dry_run, &vault);
    }
    let Some(out) = args.out else {
        bail!("name the backup file to write, or `privet backup prune DIR`");
    };
    runtime()?.block_on(async move {
        let (v, _) = args.vault.vault(false).await?;
        if args.keys {
            let report = v.backup_keys(&Actor::operator(), &out).await?;
            let rows: u64 = report.rows.iter().map(|(_, n)| n).sum();
            eprintln!(
                "privet: wrote encrypted key-store backup {} ({} bytes, {rows} rows; it opens with the master key alone and is refused once past the key-backup retention)",
                out.display(),
                report.bytes
            );
            return Ok(Status::Ok);
        }
        let report = v.backup(&Actor::operator(), &out).await?;
        let rows: u64 = report.rows.iter().map(|(_, n)| n).sum();
        eprintln!(
            "privet: wrote encrypted backup {} ({} bytes, {rows} rows; data keys are not in it)",
            out.display(),
            report.bytes
        );
        Ok(Status::Ok)
    })
}

/// Deletes (or, dry, lists) the backups in `dir` past their retention, and prints a table of all.
fn prune_backups(dir: &Path, dry_run: bool, vault: &VaultArgs) -> Result<Status> {
    let policy = vault.resolve()?.policy;
    let (found, others) = privet_vault::backups_in(dir, policy.rights())?;
    let now = privet_types::Clock::now(&privet_types::SystemClock);
    let mut rows = vec![
        ["FILE", "KIND", "CREATED", "EXPIRES", "ACTION"]
            .map(str::to_owned)
            .to_vec(),
    ];
    let mut deleted = 0usize;
    for file in &found {
        let action = if !file.expired(now) {
            "kept"
        } else if dry_run {
            "would delete"
        } else {
            std::fs::remove_file(&file.path)
                .with_context(|| format!("cannot delete {}", file.path.display()))?;
            deleted += 1;
            "deleted"
        };
        rows.push(vec![
            file.path.display().to_string(),
            file.kind.as_str().to_owned(),
            file.created_at.to_string(),
            file.expires_at
                .map_or_else(|| "-".to_owned(), |t| t.to_string()),
            action.to_owned(),
        ]);
    }
    if found.is_empty() {
        println!("no privet backups in {}", dir.display());
    } else {
        print!("{}", text_table(&rows, &[], ""));
    }
    let rights = policy.rights();
    eprintln!(
        "privet: {} backups in {} (data kept {}, key-store kept {}); {}{}",
        found.len(),
        dir.display(),
        rights.backup_data_keep_for,
        rights.backup_keys_keep_for,
        if dry_run {
            format!(
                "{} would be deleted",
                found.iter().filter(|f| f.expired(now)).count()
            )
        } else {
            format!("{deleted} deleted")
        },
        if others.is_empty() {
            String::new()
        } else {
            format!("; {} other files left alone", others.len())
        }
    );
    Ok(Status::Ok)
}

pub(crate) fn restore(args: RestoreArgs) -> Result<Status> {
    runtime()?.block_on(async move {
        // A key-store restore is the first step of a rebuild on a new machine: it may create the
        // store, never the master key (the backup opens only under the one it was made with).
        let (v, _) = args.vault.resolve()?.open(false, args.keys).await?;
        let report = if args.keys {
            v.restore_keys(&Actor::operator(), &args.input, args.max_age_days)
                .await?
        } else {
            v.restore(&Actor::operator(), &args.input).await?
        };
        let rows: u64 = report.rows.iter().map(|(_, n)| n).sum();
        eprintln!(
            "privet: restored {} from {}; replayed the erasure ledger ({} erased again, {} destroyed)",
            counted(rows, "row", "rows"),
            args.input.display(),
            counted(report.replayed_erasures, "subject", "subjects"),
            counted(report.destroyed_keys, "data key", "data keys")
        );
        Ok(Status::Ok)
    })
}
