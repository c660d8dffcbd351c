//! `privet requests`: the queue of customers' requests in the terminal, overdue first.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use privet_types::deadline::{days_left, local_date};
use privet_types::text_table;
use privet_vault::{Actor, RequestFilter, RequestRow};

use super::vault_args::{VaultArgs, runtime};
use crate::Status;

/// How the queue is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum QueueFormat {
    /// A table for people.
    Table,
    /// One JSON document.
    Json,
}

/// Arguments of `privet requests`.
#[derive(Debug, Args)]
#[command(
    after_help = "Open requests by due date, overdue first, with the days left in the organisation's time zone ([organization] timezone).\n\nEXAMPLES:\n  privet requests\n  privet requests --format json\n  privet requests --all"
)]
pub(crate) struct RequestsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueueFormat,
    /// Completed and rejected requests too.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub vault: VaultArgs,
}

/// Most requests listed (the API pages through more).
const MAX_LISTED: i64 = 10_000;

pub(crate) fn run(args: RequestsArgs) -> Result<Status> {
    runtime()?.block_on(async move {
        let (v, _) = args.vault.vault(false).await?;
        let filter = RequestFilter {
            open_only: !args.all,
            limit: MAX_LISTED,
            ..RequestFilter::default()
        };
        let rows = v.requests(&Actor::operator(), &filter).await?;
        let policy = v.policy();
        let today = local_date(v.now(), &policy.rights().timezone);
        let text = match args.format {
            QueueFormat::Json => json(&rows, today)?,
            QueueFormat::Table => table(&rows, today, &policy.rights().timezone_name),
        };
        std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("cannot write to stdout")?;
        Ok(Status::Ok)
    })
}

fn json(rows: &[RequestRow], today: jiff::civil::Date) -> Result<String> {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "subject": r.subject.as_str(),
                "kind": r.kind.as_str(),
                "regulation": r.regulation,
                "status": r.status.as_str(),
                "received_at": r.received_at.to_string(),
                "due_on": r.due_on.to_string(),
                "due_at": r.due_at.to_string(),
                "days_left": days_left(today, r.due_on),
                "verified": r.verified,
                "extensions": r.extensions,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "requests": items }))?;
    text.push('\n');
    Ok(text)
}

fn table(rows: &[RequestRow], today: jiff::civil::Date, zone: &str) -> String {
    if rows.is_empty() {
        return "no open requests\n".into();
    }
    let mut lines = vec![vec![
        "DUE".to_owned(),
        "DAYS LEFT".to_owned(),
        "ID".to_owned(),
        "KIND".to_owned(),
        "REGULATION".to_owned(),
        "STATUS".to_owned(),
        "SUBJECT".to_owned(),
    ]];
    let mut overdue = 0;
    for r in rows {
        let left = days_left(today, r.due_on);
        let shown = if left < 0 && r.status.is_open() {
            overdue += 1;
            format!("{} overdue", -left)
        } else {
            left.to_string()
        };
        lines.push(vec![
            r.due_on.to_string(),
            shown,
            r.id.clone(),
            r.kind.to_string(),
            r.regulation.clone(),
            r.status.to_string(),
            r.subject.to_string(),
        ]);
    }
    let mut out = text_table(&lines, &[1], "");
    out.push_str(&format!(
        "\n{} listed, {overdue} overdue (dates in {zone})\n",
        rows.len()
    ));
    out
}
