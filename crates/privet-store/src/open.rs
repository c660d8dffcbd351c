//! Opening a store: the SQLite file in a data directory, or a PostgreSQL URL; pragmas; migrations.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

use crate::error::{Result, StoreError};

/// Which SQL dialect a store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The embedded default.
    Sqlite,
    /// The scale-out backend.
    Postgres,
}

/// Where the store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `privet.db` inside this data directory.
    DataDir(PathBuf),
    /// A `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// Picks the location: a database URL wins over the data directory.
    pub fn new(data_dir: &Path, database: Option<&str>) -> Result<Self> {
        match database {
            None => Ok(Location::DataDir(data_dir.to_path_buf())),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Location::Postgres(url.to_owned()))
            }
            Some(url) => Err(StoreError::Open {
                location: redact_url(url),
                reason: "the database URL must start with postgres:// (the embedded store is chosen with --data-dir)"
                    .into(),
            }),
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        match self {
            Location::DataDir(_) => Dialect::Sqlite,
            Location::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A printable description, passwords removed.
    pub fn describe(&self) -> String {
        match self {
            Location::DataDir(dir) => dir.join(DB_FILE).display().to_string(),
            Location::Postgres(url) => redact_url(url),
        }
    }
}

/// The SQLite file's name inside the data directory.
pub const DB_FILE: &str = "privet.db";

/// Removes the password from a URL for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "[database url]".into();
    };
    match rest.rsplit_once('@') {
        Some((creds, host)) => {
            let user = creds.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON; PRAGMA foreign_keys = OFF;";

pub(crate) struct Opened {
    pub pool: AnyPool,
    pub writer_options: AnyConnectOptions,
}

fn open_err(location: &Location, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Open {
        location: location.describe(),
        reason: reason.to_string(),
    }
}

/// Creates the data directory (0700) and an empty database file (0600) so that SQLite's files,
/// which inherit the main file's mode, are never readable by others.
fn prepare_data_dir(dir: &Path, location: &Location) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| open_err(location, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| open_err(location, e))?;
    }
    let file = dir.join(DB_FILE);
    if !file.exists() {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&file) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(open_err(location, e)),
        }
    }
    Ok(file)
}

pub(crate) async fn open(location: &Location) -> Result<Opened> {
    sqlx::any::install_default_drivers();
    let url = match location {
        Location::DataDir(dir) => {
            let file = prepare_data_dir(dir, location)?;
            format!("sqlite://{}?mode=rwc", file.display())
        }
        Location::Postgres(url) => url.clone(),
    };
    let options = AnyConnectOptions::from_str(&url)
        .map_err(|e| open_err(location, e))?
        .disable_statement_logging();
    let dialect = location.dialect();
    let pool = AnyPoolOptions::new()
        .max_connections(match dialect {
            Dialect::Sqlite => 4,
            Dialect::Postgres => 8,
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
                }
                Ok(())
            })
        })
        .connect_with(options.clone())
        .await
        .map_err(|e| open_err(location, e))?;
    migrate(&pool, location).await?;
    Ok(Opened {
        pool,
        writer_options: options,
    })
}

/// Opens the connection the group-commit writer owns.
pub(crate) async fn writer_connection(
    options: &AnyConnectOptions,
    dialect: Dialect,
) -> std::result::Result<sqlx::AnyConnection, sqlx::Error> {
    let mut conn = sqlx::AnyConnection::connect_with(options).await?;
    if dialect == Dialect::Sqlite {
        conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
    }
    Ok(conn)
}

/// One schema step, as SQL for each dialect; the steps written in SQL both accept live in
/// `migrations/common` and are named twice here.
struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../migrations/common/0002_consent_ledger.sql"),
        postgres: include_str!("../migrations/common/0002_consent_ledger.sql"),
    },
    Migration {
        version: 3,
        sqlite: include_str!("../migrations/common/0003_requests.sql"),
        postgres: include_str!("../migrations/common/0003_requests.sql"),
    },
    Migration {
        version: 4,
        sqlite: include_str!("../migrations/common/0004_deliveries.sql"),
        postgres: include_str!("../migrations/common/0004_deliveries.sql"),
    },
    Migration {
        version: 5,
        sqlite: include_str!("../migrations/common/0005_retention.sql"),
        postgres: include_str!("../migrations/common/0005_retention.sql"),
    },
];

async fn migrate(pool: &AnyPool, location: &Location) -> Result<()> {
    let dialect = location.dialect();
    let mut conn = pool.acquire().await.map_err(|e| open_err(location, e))?;
    conn.execute("CREATE TABLE IF NOT EXISTS privet_schema (version BIGINT PRIMARY KEY)")
        .await
        .map_err(StoreError::db(
            "creating the schema table",
            "schema version",
        ))?;
    let mut tx = match dialect {
        Dialect::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => conn.begin().await,
    }
    .map_err(StoreError::db("starting a migration", "schema version"))?;
    if dialect == Dialect::Postgres {
        // Several nodes may start together; the first migrates, the others wait and see it done.
        tx.execute("LOCK TABLE privet_schema IN EXCLUSIVE MODE")
            .await
            .map_err(StoreError::db("locking the schema table", "schema version"))?;
    }
    let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM privet_schema")
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::db(
            "reading the schema version",
            "schema version",
        ))?;
    let current = current.unwrap_or(0);
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    if current > latest {
        return Err(StoreError::Schema(format!(
            "the database has schema version {current}, newer than this binary's {latest}; upgrade privet"
        )));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let sql = match dialect {
            Dialect::Sqlite => m.sqlite,
            Dialect::Postgres => m.postgres,
        };
        tx.execute(sqlx::raw_sql(sql))
            .await
            .map_err(|e| StoreError::Schema(format!("migration {} failed: {e}", m.version)))?;
        sqlx::query("INSERT INTO privet_schema (version) VALUES ($1)")
            .bind(m.version)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db("recording a migration", "schema version"))?;
    }
    tx.commit()
        .await
        .map_err(StoreError::db("committing migrations", "schema version"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("nonsense"), "[database url]");
        let err = Location::new(Path::new("d"), Some("mysql://u:pw@h/db")).unwrap_err();
        assert!(!err.to_string().contains("pw"));
    }
}
