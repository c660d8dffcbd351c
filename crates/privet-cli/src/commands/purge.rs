//! `privet purge`: runs the retention rules now (or counts what they would delete), and
//! `privet purge receipts` lists what earlier runs did.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use privet_types::text_table;
use privet_vault::{Actor, PurgeOptions, PurgeReport};

use super::requests::QueueFormat;
use super::vault_args::{VaultArgs, runtime};
use crate::Status;

/// Arguments of `privet purge`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Safe while privet serve runs on the same store: its writes go through the same commits.\n\nEXAMPLES:\n  privet purge --dry-run\n  privet purge --rule contact_details\n  privet purge --dry-run --format json\n  privet purge receipts"
)]
pub(crate) struct PurgeArgs {
    /// Receipts of earlier runs instead of a run.
    #[command(subcommand)]
    pub command: Option<PurgeCommand>,
    /// Only this rule.
    #[arg(long, value_name = "RULE")]
    pub rule: Option<String>,
    /// Count what would go without deleting anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueueFormat,
    #[command(flatten)]
    pub vault: VaultArgs,
}

/// `privet purge receipts`.
#[derive(Debug, Subcommand)]
pub(crate) enum PurgeCommand {
    /// What earlier purges did, newest first.
    Receipts {
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        format: QueueFormat,
        #[command(flatten)]
        vault: VaultArgs,
    },
}

pub(crate) fn run(args: PurgeArgs) -> Result<Status> {
    runtime()?.block_on(async move {
        if let Some(PurgeCommand::Receipts { format, vault }) = args.command {
            return receipts(format, vault).await;
        }
        let (v, _) = args.vault.vault(false).await?;
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let verb = if args.dry_run { "counting" } else { "purging" };
        let report = v
            .purge(
                &Actor::operator(),
                &PurgeOptions {
                    rule: args.rule,
                    dry_run: args.dry_run,
                },
                &|n| bar.set_message(format!("{verb}: {n} subjects looked at")),
            )
            .await?;
        bar.finish_and_clear();
        let text = match args.format {
            QueueFormat::Json => json(&report)?,
            QueueFormat::Table => table(&report),
        };
        std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to stdout")?;
        Ok(Status::Ok)
    })
}

fn json(report: &PurgeReport) -> Result<String> {
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "rule": r.rule,
                "owner": r.owner,
                "fields": r.fields,
                "subjects_erased": r.subjects_erased,
                "held": r.held,
                "by_category": r.by_category,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({
        "dry_run": report.dry_run,
        "subjects": report.subjects,
        "rules": rules,
    }))?;
    text.push('\n');
    Ok(text)
}

fn table(report: &PurgeReport) -> String {
    if report.rules.is_empty() {
        return "no retention rules in the policy (declare them under [retention.NAME])\n".into();
    }
    let mut rows = vec![
        [
            "RULE",
            "FIELDS",
            "SUBJECTS ERASED",
            "HELD",
            "BY CATEGORY",
            "OWNER",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for r in &report.rules {
        rows.push(vec![
            r.rule.clone(),
            r.fields.to_string(),
            r.subjects_erased.to_string(),
            r.held.to_string(),
            r.by_category
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            r.owner.clone(),
        ]);
    }
    let mut out = text_table(&rows, &[1, 2, 3], "");
    out.push_str(&format!(
        "\n{} looked at; {}\n",
        privet_types::counted(report.subjects, "subject", "subjects"),
        if report.dry_run {
            "dry run: nothing was deleted"
        } else {
            "receipts: privet purge receipts"
        }
    ));
    out
}

async fn receipts(format: QueueFormat, vault: VaultArgs) -> Result<Status> {
    let (v, _) = vault.vault(false).await?;
    let receipts = v.purge_receipts(&Actor::operator(), 1000).await?;
    let policy = v.policy();
    let gone = |r: &privet_vault::PurgeReceipt| {
        policy
            .rights()
            .purge_unreadable_after(r.finished_at)
            .map(|t| t.to_string())
    };
    let text = match format {
        QueueFormat::Json => {
            let items: Vec<serde_json::Value> = receipts
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "rule": r.rule, "owner": r.owner,
                        "started_at": r.started_at.to_string(), "finished_at": r.finished_at.to_string(),
                        "fields": r.fields, "subjects_erased": r.subjects_erased, "held": r.held,
                        "by_category": r.by_category, "unreadable_after": gone(r),
                    })
                })
                .collect();
            let mut t = serde_json::to_string_pretty(&serde_json::json!({ "purges": items }))?;
            t.push('\n');
            t
        }
        QueueFormat::Table if receipts.is_empty() => "no purges yet\n".into(),
        QueueFormat::Table => {
            let mut rows = vec![
                [
                    "STARTED",
                    "RULE",
                    "FIELDS",
                    "SUBJECTS ERASED",
                    "HELD",
                    "UNREADABLE AFTER",
                    "ID",
                ]
                .map(str::to_owned)
                .to_vec(),
            ];
            for r in &receipts {
                rows.push(vec![
                    r.started_at.to_string(),
                    r.rule.clone(),
                    r.fields.to_string(),
                    r.subjects_erased.to_string(),
                    r.held.to_string(),
                    gone(r).unwrap_or_else(|| "-".into()),
                    r.id.clone(),
                ]);
            }
            text_table(&rows, &[2, 3, 4], "")
        }
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("cannot write to stdout")?;
    Ok(Status::Ok)
}
