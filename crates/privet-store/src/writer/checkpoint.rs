//! SQLite's WAL checkpoints, off the writer. By default the connection whose commit pushes the
//! WAL past a thousand pages copies them into the database file inside that commit: on the
//! group-commit writer that stalls every queued unit (a quarter of the writer's time during a
//! large purge). Here a connection of its own copies committed pages on its own thread, a moment
//! after they are written, while the writer goes on.
//!
//! Copying alone does not keep the WAL short: it starts again from its first frame only when a
//! write begins with every frame copied and no reader on an older snapshot, which steady reads
//! and a writer that never waits for the copy make rare. So once the WAL has grown past
//! [`RESTART_PAGES`], the writer restarts it between two commits, waiting at most
//! [`RESTART_WAIT_MS`] for readers to move on: a long read (a backup) makes it give up and try
//! again at the checkpointer's next report rather than stall the writer.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Executor};
use tokio::sync::mpsc;

use crate::open::{Dialect, writer_connection};

/// The writer's own pragmas on SQLite: its automatic checkpoint only as a backstop (at
/// [`RESTART_PAGES`]) should the checkpointer fail; the WAL file kept at that length when it
/// restarts, so that the next lap overwrites space the file already has: a commit that grows
/// the file makes its fsync commit the new size and blocks as well, which cost a large purge
/// more than a third of its speed (a purge's last checkpoint still cuts the file to nothing);
/// and a page cache large enough for a purge's batch, which otherwise spills dirty pages to the
/// WAL mid-transaction and reads them back.
pub(super) fn writer_pragmas() -> String {
    format!(
        "PRAGMA wal_autocheckpoint = {RESTART_PAGES}; \
         PRAGMA journal_size_limit = {}; PRAGMA cache_size = -65536",
        RESTART_PAGES * 4096
    )
}

/// WAL pages after which the writer restarts the WAL (1 GiB of 4 KiB pages).
const RESTART_PAGES: i64 = 262_144;

/// How long one emptying of the WAL waits for readers on older snapshots. The writer waits
/// with it, so it is short; the caller tries again (see `Store::checkpoint`).
const TRUNCATE_WAIT_MS: u32 = 250;

/// How long a restart waits for readers on older snapshots.
const RESTART_WAIT_MS: u32 = 50;

/// How long the checkpointer lets commits gather before copying them, so that a page written
/// by many commits in a row is copied once.
const SETTLE: Duration = Duration::from_millis(200);

/// The writer's side of the checkpointer.
pub(super) struct Checkpoints {
    nudge: Option<mpsc::Sender<()>>,
    /// The WAL's length in pages at the checkpointer's last copy.
    wal_pages: Arc<AtomicI64>,
}

impl Checkpoints {
    /// Tells the checkpointer that something was committed; never waits (a full channel means a
    /// copy is already due).
    pub(super) fn committed(&self) {
        if let Some(tx) = &self.nudge {
            let _ = tx.try_send(());
        }
    }

    /// Restarts the WAL when it has grown past [`RESTART_PAGES`]. Best effort: a failure only
    /// leaves the WAL long until the next try.
    pub(super) async fn restart_if_long(&self, conn: &mut AnyConnection) {
        if self.nudge.is_none() || self.wal_pages.load(Ordering::Relaxed) < RESTART_PAGES {
            return;
        }
        // The next try waits for the checkpointer's next report, whatever happens now.
        self.wal_pages.store(0, Ordering::Relaxed);
        match with_brief_wait(conn, RESTART_WAIT_MS, "PRAGMA wal_checkpoint(RESTART)").await {
            Ok(true) => {}
            Ok(false) => tracing::debug!("a reader held the WAL; restarting it later"),
            Err(e) => tracing::warn!(error = %e, "restarting the WAL failed; will try again later"),
        }
    }
}

/// Copies the whole WAL into the database file and cuts the file to nothing, so that no old
/// page (a deleted field's, a destroyed key's) stays in it. Run by the writer between two
/// commits, on its own connection: from another connection it would queue for the write lock
/// behind the writer's commits. `Ok(false)` when a reader kept an older snapshot throughout.
pub(super) async fn empty(conn: &mut AnyConnection) -> std::result::Result<bool, sqlx::Error> {
    with_brief_wait(conn, TRUNCATE_WAIT_MS, "PRAGMA wal_checkpoint(TRUNCATE)").await
}

/// Starts the checkpointer on SQLite (nothing elsewhere). It ends, after a last copy, when the
/// writer drops its [`Checkpoints`].
pub(super) async fn start(options: &AnyConnectOptions, dialect: Dialect) -> Checkpoints {
    let wal_pages = Arc::new(AtomicI64::new(0));
    let nudge = if dialect == Dialect::Sqlite {
        match writer_connection(options, dialect).await {
            Ok(conn) => {
                let (tx, rx) = mpsc::channel(1);
                tokio::spawn(run(conn, rx, wal_pages.clone()));
                Some(tx)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no checkpoint connection; the writer checkpoints by itself");
                None
            }
        }
    } else {
        None
    };
    Checkpoints { nudge, wal_pages }
}

async fn run(mut conn: AnyConnection, mut rx: mpsc::Receiver<()>, wal_pages: Arc<AtomicI64>) {
    while rx.recv().await.is_some() {
        tokio::time::sleep(SETTLE).await;
        match copy(&mut conn).await {
            Ok(pages) => wal_pages.store(pages, Ordering::Relaxed),
            Err(e) => {
                tracing::warn!(error = %e, "WAL checkpoint failed; will retry after the next commit");
            }
        }
    }
    let _ = copy(&mut conn).await;
}

/// PASSIVE: copies what no reader still needs, never waiting for the writer or a reader.
/// Returns the WAL's length in pages.
async fn copy(conn: &mut AnyConnection) -> std::result::Result<i64, sqlx::Error> {
    let (_busy, wal, _copied): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(conn)
        .await?;
    Ok(wal)
}

/// Runs a blocking checkpoint (RESTART or TRUNCATE) waiting at most `wait_ms` for readers, then
/// puts the connection's usual lock timeout back. `Ok(false)` when readers kept it from
/// completing.
async fn with_brief_wait(
    conn: &mut AnyConnection,
    wait_ms: u32,
    pragma: &'static str,
) -> std::result::Result<bool, sqlx::Error> {
    let (usual,): (i64,) = sqlx::query_as("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await?;
    let brief = format!("PRAGMA busy_timeout = {wait_ms}");
    conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(brief)))
        .await?;
    let done = sqlx::query_as::<_, (i64, i64, i64)>(pragma)
        .fetch_one(&mut *conn)
        .await;
    let back = format!("PRAGMA busy_timeout = {usual}");
    conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(back)))
        .await?;
    let (busy, _wal, _copied) = done?;
    Ok(busy == 0)
}
