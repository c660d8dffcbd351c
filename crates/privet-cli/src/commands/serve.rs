//! `privet serve`: the vault over HTTP.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use privet_server::{AppState, Tls, metrics::Metrics};
use privet_vault::{Actor, Vault};

use super::vault_args::{VaultArgs, load_policy_file, runtime};
use crate::Status;

/// Arguments of `privet serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "On first start in an empty data directory, privet creates the store, a master key file (mode 0600) and an admin API key, which it prints once.\n\nEXAMPLES:\n  privet serve\n  privet serve --listen 0.0.0.0:8700 --tls-cert cert.pem --tls-key key.pem\n  privet serve --database postgres://privet@db/privet\n\nSIGHUP reloads the policy file; an invalid file is refused and the old policy stays."
)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// Address and port to listen on.
    #[arg(
        long,
        env = "PRIVET_LISTEN",
        default_value = "127.0.0.1:8700",
        value_name = "ADDR:PORT"
    )]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); serve HTTPS with --tls-key.
    #[arg(
        long,
        env = "PRIVET_TLS_CERT",
        requires = "tls_key",
        value_name = "FILE"
    )]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(
        long,
        env = "PRIVET_TLS_KEY",
        requires = "tls_cert",
        value_name = "FILE"
    )]
    pub tls_key: Option<PathBuf>,
}

pub(crate) fn run(args: ServeArgs) -> Result<Status> {
    runtime()?.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<Status> {
    let (vault, keys) = args.vault.vault(true).await?;
    if keys.created {
        eprintln!(
            "privet: created the master key ({}, mode 0600); back it up apart from the data",
            keys.provider.describe()
        );
    }
    if vault.api_keys().await?.is_empty() {
        let (key, id) = vault
            .create_api_key(&Actor::operator(), "admin", Some("first admin key".into()))
            .await?;
        println!(
            "privet: created the first admin API key ({id}); it is shown only this once:\n\n    {key}\n"
        );
    }
    spawn_purger(vault.clone());
    spawn_policy_reload(vault.clone(), args.vault.policy_path());
    let state = AppState {
        vault: vault.clone(),
        metrics: Arc::new(Metrics::default()),
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls { cert, key }),
        _ => None,
    };
    let location = vault.store().location().describe();
    privet_server::serve(
        state,
        args.listen,
        tls,
        |addr, tls| {
            let scheme = if tls { "https" } else { "http" };
            eprintln!("privet: serving on {scheme}://{addr} (store: {location})");
            tracing::info!(%addr, tls, "listening");
        },
        shutdown_signal(),
    )
    .await
    .context("serving")?;
    eprintln!("privet: stopped");
    Ok(Status::Ok)
}

/// Purges erased subjects' leftover rows in the background.
fn spawn_purger(vault: Arc<Vault>) {
    tokio::spawn(async move {
        let mut worked = false;
        loop {
            match vault.purge_step().await {
                Ok(0) => {
                    if worked {
                        if let Err(e) = vault.store().checkpoint().await {
                            tracing::warn!(error = %e, "checkpoint after purge failed");
                        }
                        worked = false;
                    }
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Ok(_) => worked = true,
                Err(e) => {
                    tracing::warn!(error = %e, "purge step failed");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    });
}

#[cfg(unix)]
fn spawn_policy_reload(vault: Arc<Vault>, path: Option<PathBuf>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            let Some(path) = &path else {
                eprintln!("privet: SIGHUP: no policy file in use; the built-in policy stays");
                continue;
            };
            match load_policy_file(path) {
                Ok(policy) => {
                    vault.set_policy(policy);
                    eprintln!("privet: SIGHUP: reloaded policy {}", path.display());
                }
                Err(e) => {
                    eprintln!("privet: SIGHUP: {e:#}\nprivet: the previous policy stays in force")
                }
            }
        }
    });
}

#[cfg(not(unix))]
fn spawn_policy_reload(_vault: Arc<Vault>, _path: Option<PathBuf>) {}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
