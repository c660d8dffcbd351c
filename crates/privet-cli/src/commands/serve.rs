//! `privet serve`: the vault over HTTP.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use privet_server::limit::{Limiter, RateLimits};
use privet_server::{AppState, Tls, metrics::Metrics};
use privet_types::SystemClock;
use privet_vault::{Actor, Vault};

use super::vault_args::{VaultArgs, VaultConfig, from_policy_file, load_policy_file, runtime};
use crate::Status;
use crate::logging::notice;

/// Where `privet serve` listens when neither a flag, the environment nor the policy file says.
const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 8700));

/// Arguments of `privet serve`.
#[derive(Debug, Args)]
#[command(
    after_help = "On first start in an empty data directory, privet creates the store, a master key file (mode 0600) and an admin API key, which it prints once.\n\nEach of --listen, --data-dir, --database and --tls-cert with --tls-key is taken from the flag, else its environment variable, else the [server] table of the policy file (relative paths there are taken from the file's directory), else the default shown.\n\nEXAMPLES:\n  privet serve\n  privet serve --listen 0.0.0.0:8700 --tls-cert cert.pem --tls-key key.pem\n  privet serve --database postgres://privet@db/privet\n  privet serve --policy /etc/privet/privet.toml\n\nSIGHUP reloads the access rules of the policy file; an invalid file is refused and the old policy stays. Changes to [server] and [tokens] take effect at the next start."
)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub vault: VaultArgs,
    /// Address and port to listen on (else `listen` in the policy's [server] table)
    /// [default: 127.0.0.1:8700]
    #[arg(long, env = "PRIVET_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// TLS certificate chain (PEM); serve HTTPS with --tls-key (else `tls_cert` in the policy's
    /// [server] table) [default: plain HTTP]
    #[arg(
        long,
        env = "PRIVET_TLS_CERT",
        requires = "tls_key",
        value_name = "FILE"
    )]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM) (else `tls_key` in the policy's [server] table)
    #[arg(
        long,
        env = "PRIVET_TLS_KEY",
        requires = "tls_cert",
        value_name = "FILE"
    )]
    pub tls_key: Option<PathBuf>,
    /// De-identification key file (privet key-file format, mode 0600) for the `hash` operator of
    /// the Presidio-compatible /anonymize; else PRIVET_DEID_KEY [default: none, and hash is
    /// refused]
    #[arg(long, value_name = "FILE")]
    pub deid_key_file: Option<PathBuf>,
}

impl ServeArgs {
    /// The address to listen on: flag or environment, else the policy file, else the default.
    fn listen(&self, config: &VaultConfig) -> SocketAddr {
        self.listen
            .or(config.policy.server().listen)
            .unwrap_or(DEFAULT_LISTEN)
    }

    /// The TLS files, as a pair: clap and the policy parser each refuse half a pair, so a
    /// certificate never comes from one place and its key from another.
    fn tls(&self, config: &VaultConfig) -> Option<Tls> {
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            return Some(Tls {
                cert: cert.clone(),
                key: key.clone(),
            });
        }
        let server = config.policy.server();
        let file = config.policy_path.as_deref();
        match (&server.tls_cert, &server.tls_key) {
            (Some(cert), Some(key)) => Some(Tls {
                cert: from_policy_file(file, cert),
                key: from_policy_file(file, key),
            }),
            _ => None,
        }
    }
}

pub(crate) fn run(args: ServeArgs) -> Result<Status> {
    runtime()?.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<Status> {
    let config = args.vault.resolve()?;
    let listen = args.listen(&config);
    // Checked before anything is created, like the port and the TLS files.
    let presidio = privet_server::api::presidio::Presidio::new(super::redact::load_key(
        args.deid_key_file.as_deref(),
    )?)
    .map_err(anyhow::Error::msg)?;
    let tls = args.tls(&config);
    // The port and the data directory are claimed before anything is created, so a server that
    // cannot start leaves no store, key or admin key behind.
    let listener = std::net::TcpListener::bind(listen).with_context(|| {
        format!(
            "cannot listen on {listen}; nothing was created (is another server using the port?)"
        )
    })?;
    if let Some(tls) = &tls {
        for file in [&tls.cert, &tls.key] {
            std::fs::metadata(file).with_context(|| {
                format!(
                    "cannot read TLS file {}; nothing was created",
                    file.display()
                )
            })?;
        }
        warn_if_shared(&tls.key);
    }
    let _lock = match config.database {
        None => Some(lock_data_dir(&config.data_dir)?),
        Some(_) => None,
    };
    let (vault, keys) = config.vault(true).await?;
    if keys.created {
        notice(&format!(
            "created the master key ({}, mode 0600); back it up apart from the data",
            keys.provider.describe()
        ));
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
    privet_server::outbox::spawn_outbox(vault.clone());
    privet_server::scheduler::spawn_retention(vault.clone());
    spawn_policy_reload(vault.clone(), config.policy_path.clone());
    let state = AppState {
        vault: vault.clone(),
        metrics: Arc::new(Metrics::default()),
        limiter: Arc::new(Limiter::new(
            RateLimits::from_limits(vault.policy().limits()),
            Arc::new(SystemClock),
        )),
        presidio: Arc::new(presidio),
    };
    let location = vault.store().location().describe();
    privet_server::serve(
        state,
        listener,
        tls,
        |addr, tls| {
            let scheme = if tls { "https" } else { "http" };
            notice(&format!("serving on {scheme}://{addr} (store: {location})"));
        },
        shutdown_signal(),
    )
    .await
    .context("serving")?;
    notice("stopped");
    Ok(Status::Ok)
}

/// Warns when the TLS private key can be read by anyone but its owner: unlike the master key
/// (refused then), certificates are often provisioned by other tools with their own modes, so
/// this is a warning, not a refusal.
fn warn_if_shared(key: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(key)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                key = %key.display(),
                mode = format!("{:o}", meta.permissions().mode() & 0o777),
                "the TLS private key is readable by others; chmod 600 it"
            );
            notice(&format!(
                "warning: the TLS private key {} is readable by group or others; chmod 600 it",
                key.display()
            ));
        }
    }
}

/// Name of the lock file a serving process holds in the data directory.
const LOCK_FILE: &str = "serve.lock";

/// Takes the data directory's lock (creating the directory, mode 0700, if needed): two servers on
/// one embedded store would each run a group-commit writer and a purge over the same file. The
/// lock is released when the process ends, however it ends.
fn lock_data_dir(dir: &std::path::Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {} to its owner", dir.display()))?;
    }
    let path = dir.join(LOCK_FILE);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            anyhow::bail!(
                "another privet serve (pid {}) is using the data directory {}; stop it first, or give this one its own --data-dir",
                holder.trim(),
                dir.display()
            );
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    use std::io::Write;
    file.set_len(0)
        .and_then(|()| write!(file, "{}", std::process::id()))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(file)
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
    let started = vault.policy();
    tokio::spawn(async move {
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            return;
        };
        while hup.recv().await.is_some() {
            let Some(path) = &path else {
                notice("SIGHUP: no policy file in use; the built-in policy stays");
                continue;
            };
            // Only the access policy is swapped. The vault was opened, and the listener bound,
            // with the [server] and [tokens] settings read at start: moving the store or the
            // address under live connections, or making tokens another way for values already
            // tokenized, is not something a reload can do safely, so those need a restart.
            match load_policy_file(path) {
                Ok(policy) => {
                    if policy.server() != started.server() || policy.tokens() != started.tokens() {
                        notice(&format!(
                            "SIGHUP: [server] or [tokens] changed in {}; they take effect at the next start",
                            path.display()
                        ));
                    }
                    vault.set_policy(policy);
                    notice(&format!("SIGHUP: reloaded policy {}", path.display()));
                }
                Err(e) => notice(&format!(
                    "SIGHUP: {e:#}; the previous policy stays in force"
                )),
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
