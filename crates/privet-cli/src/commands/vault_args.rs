//! Flags shared by the commands that open the vault: where the store, the master key and the
//! policy are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use privet_crypto::{EnvKeyProvider, FileKeyProvider, KeyProvider};
use privet_store::{Location, Store};
use privet_types::{Policy, SystemClock};
use privet_vault::{TokenSettings, Vault};

/// Where the vault lives.
#[derive(Debug, Clone, Args)]
pub(crate) struct VaultArgs {
    /// Data directory: the embedded store and, unless PRIVET_MASTER_KEY is set, the master key file.
    #[arg(
        long,
        env = "PRIVET_DATA_DIR",
        default_value = "privet-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// Use PostgreSQL instead of the embedded store (postgres://user:pass@host/db).
    #[arg(long, env = "PRIVET_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// Master key file (default DIR/master.key). PRIVET_MASTER_KEY, when set, is used instead.
    #[arg(long, env = "PRIVET_MASTER_KEY_FILE", value_name = "FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Policy file (default ./privet.toml if it exists, else the built-in default policy).
    #[arg(long, env = "PRIVET_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

/// Which key provider is in use, and whether its file was just created.
pub(crate) struct KeySource {
    pub provider: Arc<dyn KeyProvider>,
    pub file: Option<FileKeyProvider>,
    pub created: bool,
}

impl VaultArgs {
    /// The policy file to read, if any.
    pub fn policy_path(&self) -> Option<PathBuf> {
        match &self.policy {
            Some(p) => Some(p.clone()),
            None => Path::new("privet.toml")
                .exists()
                .then(|| PathBuf::from("privet.toml")),
        }
    }

    /// Loads and validates the policy.
    pub fn load_policy(&self) -> Result<Policy> {
        match self.policy_path() {
            None => Ok(Policy::default_policy()),
            Some(path) => load_policy_file(&path),
        }
    }

    /// The key provider: PRIVET_MASTER_KEY, else the key file (created with mode 0600 if `create`).
    pub fn keys(&self, create: bool) -> Result<KeySource> {
        if let Ok(value) = std::env::var("PRIVET_MASTER_KEY") {
            return Ok(KeySource {
                provider: Arc::new(EnvKeyProvider::new(value)),
                file: None,
                created: false,
            });
        }
        let path = self
            .master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"));
        let file = FileKeyProvider::new(&path);
        let created = if create {
            file.create_if_missing()
                .with_context(|| format!("cannot create the master key file {}", path.display()))?
        } else if !path.exists() {
            bail!(
                "no master key at {} (start `privet serve` once to create it, or set PRIVET_MASTER_KEY)",
                path.display()
            );
        } else {
            false
        };
        Ok(KeySource {
            provider: Arc::new(FileKeyProvider::new(&path)),
            file: Some(file),
            created,
        })
    }

    /// Opens the store; unless `create`, an embedded store must already exist.
    pub async fn store(&self, create: bool) -> Result<Arc<Store>> {
        let location = Location::new(&self.data_dir, self.database.as_deref())?;
        if self.database.is_none() && !self.data_dir.join(privet_store::DB_FILE).exists() && !create
        {
            bail!(
                "no privet store in {} (start `privet serve` there first, or pass --data-dir)",
                self.data_dir.display()
            );
        }
        Ok(Arc::new(Store::open(&location).await.with_context(
            || format!("opening {}", location.describe()),
        )?))
    }

    /// Opens the whole vault.
    pub async fn vault(&self, create: bool) -> Result<(Arc<Vault>, KeySource)> {
        let policy = self.load_policy()?;
        let keys = self.keys(create)?;
        let store = self.store(create).await?;
        let vault = Vault::open(
            store,
            keys.provider.clone(),
            policy,
            Arc::new(SystemClock),
            TokenSettings::default(),
        )
        .await
        .context("opening the vault")?;
        Ok((Arc::new(vault), keys))
    }
}

/// Reads and validates a policy file; errors name `file:line:column`.
pub(crate) fn load_policy_file(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    Policy::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "  {}:{}:{}: {}",
                    path.display(),
                    e.line,
                    e.column,
                    e.message
                )
            })
            .collect();
        anyhow::anyhow!(
            "invalid policy {} ({} errors):\n{}",
            path.display(),
            errors.len(),
            lines.join("\n")
        )
    })
}

/// A multi-threaded runtime for the vault commands.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
