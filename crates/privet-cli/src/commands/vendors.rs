//! `privet vendors`: each vendor of the policy with what it receives and what is expired or due.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use privet_types::text_table;

use super::vault_args::load_policy_file;
use crate::Status;
use privet_types::Clock;

/// Arguments of `privet vendors`.
#[derive(Debug, Args)]
pub(crate) struct VendorsArgs {
    /// Policy file.
    #[arg(default_value = "privet.toml", value_name = "FILE")]
    pub path: PathBuf,
}

pub(crate) fn run(args: VendorsArgs) -> Result<Status> {
    let policy = load_policy_file(&args.path)?;
    let rights = policy.rights();
    if rights.vendors.is_empty() {
        println!(
            "no vendors in {} (declare them under [vendors.NAME])",
            args.path.display()
        );
        return Ok(Status::Ok);
    }
    // Today in the organisation's zone; the wall clock is the right one for a report.
    let today =
        privet_types::deadline::local_date(privet_types::SystemClock.now(), &rights.timezone);
    let mut rows = vec![
        [
            "VENDOR",
            "COUNTRY",
            "RECEIVES",
            "DPA UNTIL",
            "ERASURES",
            "NEEDS ATTENTION",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut attention = 0;
    for v in &rights.vendors {
        let issues: Vec<String> = v.issues(today).iter().map(ToString::to_string).collect();
        if !issues.is_empty() {
            attention += 1;
        }
        rows.push(vec![
            v.name.clone(),
            v.country.clone(),
            v.categories
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            v.dpa_expires.map_or("—".into(), |d| d.to_string()),
            if v.erasure_webhook.is_some() {
                "webhook"
            } else {
                "—"
            }
            .to_owned(),
            if issues.is_empty() {
                "—".into()
            } else {
                issues.join("; ")
            },
        ]);
    }
    print!("{}", text_table(&rows, &[], ""));
    println!(
        "\n{}, {attention} needing attention (dates in {})",
        privet_types::counted(rights.vendors.len() as u64, "vendor", "vendors"),
        rights.timezone_name
    );
    Ok(Status::Ok)
}
