//! Flags shared by the commands that open the vault: where the store, the master key and the
//! policy are.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::Args;
use privet_crypto::{EnvKeyProvider, FileKeyProvider, KeyProvider};
use privet_store::{Location, Store};
use privet_types::policy::TokenSection;
use privet_types::{Policy, SystemClock};
use privet_vault::{TokenSettings, Vault};

/// The data directory when neither a flag, the environment nor the policy file names one.
const DEFAULT_DATA_DIR: &str = "privet-data";

/// Where the vault lives. Each setting is taken from its flag, else its environment variable
/// (clap reads both), else the policy file's `[server]` table, else the built-in default; see
/// [`VaultArgs::resolve`].
#[derive(Debug, Clone, Args)]
pub(crate) struct VaultArgs {
    /// Data directory: the embedded store and, unless PRIVET_MASTER_KEY is set, the master key file
    /// (else `data_dir` in the policy's [server] table) [default: privet-data]
    #[arg(long, env = "PRIVET_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL instead of the embedded store: postgres://user:pass@host/db (else
    /// `database` in the policy's [server] table) [default: the embedded store]
    #[arg(long, env = "PRIVET_DATABASE_URL", value_name = "URL")]
    pub database: Option<String>,
    /// Master key file (default DIR/master.key). PRIVET_MASTER_KEY, when set, is used instead.
    #[arg(long, env = "PRIVET_MASTER_KEY_FILE", value_name = "FILE")]
    pub master_key_file: Option<PathBuf>,
    /// Policy file (default ./privet.toml if it exists, else the built-in default policy).
    #[arg(long, env = "PRIVET_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

/// The vault's settings once flags, environment, the policy file and the defaults are weighed.
pub(crate) struct VaultConfig {
    /// The validated policy.
    pub policy: Policy,
    /// The file it was read from; `None` for the built-in default policy.
    pub policy_path: Option<PathBuf>,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The PostgreSQL URL, when the embedded store is not used.
    pub database: Option<String>,
    /// The master key file, when not DIR/master.key.
    pub master_key_file: Option<PathBuf>,
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

    /// Loads the policy, then settles each setting: flag or environment, else the policy's
    /// `[server]` table, else the built-in default.
    pub fn resolve(&self) -> Result<VaultConfig> {
        let policy_path = self.policy_path();
        let policy = match &policy_path {
            None => Policy::default_policy(),
            Some(path) => load_policy_file(path)?,
        };
        let server = policy.server();
        let data_dir = self
            .data_dir
            .clone()
            .or_else(|| {
                let dir = server.data_dir.as_deref()?;
                Some(from_policy_file(policy_path.as_deref(), dir))
            })
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database = self.database.clone().or_else(|| server.database.clone());
        Ok(VaultConfig {
            data_dir,
            database,
            master_key_file: self.master_key_file.clone(),
            policy_path,
            policy,
        })
    }

    /// Settles the settings and opens the whole vault.
    pub async fn vault(&self, create: bool) -> Result<(Arc<Vault>, KeySource)> {
        self.resolve()?.vault(create).await
    }
}

/// `path` as written in the policy file: a relative one is taken from the file's directory, so
/// the file means the same whatever directory privet is started in.
pub(crate) fn from_policy_file(policy_path: Option<&Path>, path: &Path) -> PathBuf {
    match policy_path.and_then(Path::parent) {
        Some(dir) => dir.join(path),
        None => path.to_path_buf(),
    }
}

impl VaultConfig {
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
                "no master key at {}: a new vault creates one on its first `privet serve`; to rebuild \
                 a vault from backups, put the master key file they were made under there (mode 0600), \
                 name it with --master-key-file, or set PRIVET_MASTER_KEY",
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
                "no privet store in {} (a new vault starts with `privet serve`; to rebuild one from \
                 backups, run `privet restore --keys KEY-BACKUP` there first; or pass --data-dir, or \
                 set data_dir in the policy's [server] table)",
                self.data_dir.display()
            );
        }
        Ok(Arc::new(Store::open(&location).await.with_context(
            || format!("opening {}", location.describe()),
        )?))
    }

    /// Opens the whole vault, its tokens made as the policy's `[tokens]` table says; `create`
    /// makes the master key and the store when they do not exist.
    pub async fn vault(&self, create: bool) -> Result<(Arc<Vault>, KeySource)> {
        self.open(create, create).await
    }

    /// Opens the vault, creating the master key and the store each only if asked: a rebuild from
    /// backups creates the store but must use the master key the backups were made under.
    pub async fn open(
        &self,
        create_key: bool,
        create_store: bool,
    ) -> Result<(Arc<Vault>, KeySource)> {
        let keys = self.keys(create_key)?;
        let store = self.store(create_store).await?;
        let vault = Vault::open(
            store,
            keys.provider.clone(),
            self.policy.clone(),
            Arc::new(SystemClock),
            token_settings(self.policy.tokens()),
        )
        .await
        .context("opening the vault")?;
        Ok((Arc::new(vault), keys))
    }
}

fn token_settings(tokens: &TokenSection) -> TokenSettings {
    TokenSettings {
        card_keep_first: tokens.card_keep_first,
        card_keep_last: tokens.card_keep_last,
        deterministic: tokens.deterministic.clone(),
    }
}

/// Reads and validates a policy file; errors name `file:line:column`.
pub(crate) fn load_policy_file(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    Policy::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}", e.located(path.display())))
            .collect();
        anyhow::anyhow!(
            "invalid policy {} ({}):\n{}",
            path.display(),
            privet_types::counted(errors.len() as u64, "error", "errors"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_file_paths_are_relative_to_the_file() {
        let file = Some(Path::new("/etc/privet/privet.toml"));
        assert_eq!(
            from_policy_file(file, Path::new("data")),
            Path::new("/etc/privet/data")
        );
        assert_eq!(
            from_policy_file(file, Path::new("/srv/privet")),
            Path::new("/srv/privet")
        );
        assert_eq!(
            from_policy_file(Some(Path::new("privet.toml")), Path::new("data")),
            Path::new("data")
        );
    }
}
