//! Fresh vaults on every backend: SQLite in a temporary directory always, PostgreSQL (a database
//! of its own per vault, dropped afterwards) when `PRIVET_TEST_POSTGRES_URL` is set.

use std::path::PathBuf;
use std::sync::Arc;

use privet_crypto::FileKeyProvider;
use privet_store::{DB_FILE, Location, Store};
use privet_testkit::postgres::{TempDatabase, postgres_base};
use privet_types::ManualClock;
use privet_types::policy::Policy;
use privet_vault::{Actor, FieldInput, TokenSettings, TokenizeInput, Vault};
use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;

/// One opened vault and what a test needs to reach behind it.
pub struct Backend {
    /// `sqlite` or `postgres`, for assertion messages.
    pub name: &'static str,
    /// The vault under test.
    pub vault: Arc<Vault>,
    /// Its master-key file.
    pub provider: Arc<FileKeyProvider>,
    /// Its clock; tests move it.
    pub clock: ManualClock,
    /// URL of the database, for a separate raw connection.
    url: String,
    /// SQLite's data directory (None on PostgreSQL).
    data_dir: Option<PathBuf>,
    _dir: TempDir,
    _database: Option<TempDatabase>,
}

impl Backend {
    /// The store behind the vault.
    pub fn store(&self) -> &Store {
        self.vault.store()
    }

    /// A connection of its own to the same database, for looking at or tampering with rows.
    pub async fn raw(&self) -> AnyConnection {
        let mut conn = AnyConnection::connect(&self.url).await.unwrap();
        if self.data_dir.is_some() {
            conn.execute("PRAGMA busy_timeout = 10000").await.unwrap();
        }
        conn
    }

    /// Counts rows of `table` belonging to `subject`, through a raw connection.
    pub async fn rows_of(&self, table: &str, subject: &str) -> i64 {
        let mut conn = self.raw().await;
        let n = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE subject_id = $1"
        )))
        .bind(subject.to_owned())
        .fetch_one(&mut conn)
        .await
        .unwrap();
        conn.close().await.unwrap();
        n
    }

    /// SQLite's data directory; panics on PostgreSQL.
    pub fn data_dir(&self) -> &PathBuf {
        self.data_dir.as_ref().unwrap()
    }

    /// A path for a backup file inside the backend's temporary directory.
    pub fn backup_path(&self, name: &str) -> PathBuf {
        self._dir.path().join(name)
    }

    /// A second vault over the same database, master key and clock, opened afresh (it loads the
    /// key store's secrets as they are now).
    pub async fn reopen(&self) -> Arc<Vault> {
        let location = match &self.data_dir {
            Some(d) => Location::DataDir(d.clone()),
            None => Location::Postgres(self.url.clone()),
        };
        let store = Arc::new(Store::open(&location).await.unwrap());
        let vault = Vault::open(
            store,
            self.provider.clone(),
            Policy::default_policy(),
            Arc::new(self.clock.clone()),
            TokenSettings::default(),
        )
        .await
        .unwrap();
        Arc::new(vault)
    }
}

/// The instant every test clock starts at.
pub fn start_time() -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_780_000_000).unwrap()
}

async fn open(
    name: &'static str,
    location: Location,
    url: String,
    dir: TempDir,
    database: Option<TempDatabase>,
    tokens: TokenSettings,
) -> Backend {
    let provider = Arc::new(FileKeyProvider::new(dir.path().join("keys/master.key")));
    provider.create_if_missing().unwrap();
    let clock = ManualClock::new(start_time());
    let store = Arc::new(Store::open(&location).await.unwrap());
    let vault = Vault::open(
        store,
        provider.clone(),
        Policy::default_policy(),
        Arc::new(clock.clone()),
        tokens,
    )
    .await
    .unwrap();
    let data_dir = match &location {
        Location::DataDir(d) => Some(d.clone()),
        Location::Postgres(_) => None,
    };
    Backend {
        name,
        vault: Arc::new(vault),
        provider,
        clock,
        url,
        data_dir,
        _dir: dir,
        _database: database,
    }
}

async fn sqlite(tokens: TokenSettings) -> Backend {
    sqlite_in(TempDir::new().unwrap(), tokens).await
}

async fn sqlite_in(dir: TempDir, tokens: TokenSettings) -> Backend {
    let data = dir.path().join("data");
    let url = format!("sqlite://{}", data.join(DB_FILE).display());
    open("sqlite", Location::DataDir(data), url, dir, None, tokens).await
}

async fn postgres(base: &str, tokens: TokenSettings) -> Backend {
    postgres_in(base, TempDir::new().unwrap(), tokens).await
}

async fn postgres_in(base: &str, dir: TempDir, tokens: TokenSettings) -> Backend {
    let database = TempDatabase::create(base);
    let url = database.url().to_owned();
    open(
        "postgres",
        Location::Postgres(url.clone()),
        url,
        dir,
        Some(database),
        tokens,
    )
    .await
}

/// A fresh vault per backend with default token settings.
pub async fn backends() -> Vec<Backend> {
    backends_with(TokenSettings::default()).await
}

/// A fresh vault per backend with these token settings.
pub async fn backends_with(tokens: TokenSettings) -> Vec<Backend> {
    let postgres_base = postgres_base();
    let mut out = vec![sqlite(tokens.clone()).await];
    if let Some(base) = postgres_base {
        out.push(postgres(&base, tokens).await);
    }
    out
}

/// A fresh vault on `b`'s backend (a new SQLite directory or PostgreSQL database) under a copy
/// of `b`'s master-key file: a rebuild after everything but the master key was lost.
pub async fn rebuilt_from(b: &Backend) -> Backend {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::copy(
        b._dir.path().join("keys/master.key"),
        dir.path().join("keys/master.key"),
    )
    .unwrap();
    match b.data_dir {
        Some(_) => sqlite_in(dir, TokenSettings::default()).await,
        None => postgres_in(&postgres_base().unwrap(), dir, TokenSettings::default()).await,
    }
}

/// The SQLite vault only, for tests about files on disk.
pub async fn sqlite_only() -> Backend {
    sqlite(TokenSettings::default()).await
}

/// The admin the tests act as.
pub fn admin() -> Actor {
    actor("admin")
}

/// An actor with a role of the default policy.
pub fn actor(role: &str) -> Actor {
    Actor {
        id: "test".into(),
        role: role.into(),
        training: privet_types::Training::NotApplicable,
    }
}

/// A field to store.
pub fn field(name: &str, category: &str, value: &str) -> FieldInput {
    FieldInput {
        name: name.into(),
        category: category.into(),
        value: value.into(),
        collected_at: None,
        source: None,
    }
}

/// The two fields most tests store: an e-mail address and a card number.
pub fn contact_and_card(email: &str, card: &str) -> Vec<FieldInput> {
    vec![
        field("email", "contact.email", email),
        field("card", "financial.card_number", card),
    ]
}

/// A card tokenize request.
pub fn card(value: &str, subject: Option<&str>) -> TokenizeInput {
    TokenizeInput {
        kind: "card_number".into(),
        value: value.into(),
        subject: subject.map(str::to_owned),
    }
}

// Card numbers and the mask check are testkit's, shared with the server suite.
pub use privet_testkit::cards::{VISA, assert_card_masked, card_number, luhn};

/// A subject id the tests know to be valid.
/// A consent change through the API channel, without a notice version.
pub fn consent(purpose: &str, granted: bool) -> privet_vault::ConsentChange {
    privet_vault::ConsentChange {
        purpose: purpose.into(),
        granted,
        source: privet_types::ConsentSource::Api,
        notice_version: None,
    }
}

pub fn sid(id: &str) -> privet_types::SubjectId {
    privet_types::SubjectId::parse(id).expect("a valid test subject id")
}
