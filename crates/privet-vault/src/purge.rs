//! The background purge of erased subjects' leftover rows (their keys are already destroyed).

use futures_util::future::join_all;
use privet_store::{Op, WriteUnit};

use crate::Vault;
use crate::error::Result;

/// Rows per table deleted per subject and step, so one huge subject never holds the writer long.
const STEP_ROWS: i64 = 500;

/// Subjects purged per step. Their units are submitted together, so they share one group commit
/// (one fsync) instead of waiting for one each: the purge keeps up with the erasure rate.
const STEP_SUBJECTS: i64 = 1024;

impl Vault {
    /// Purges one step's worth of rows; returns how many rows went. When the queue empties after
    /// work was done, SQLite's log is checkpointed so deleted bytes leave no copy behind.
    pub async fn purge_step(&self) -> Result<u64> {
        let queue = self.store.purge_queue(STEP_SUBJECTS).await?;
        let outcomes = join_all(queue.into_iter().map(|subject| {
            self.store.commit(WriteUnit {
                ops: vec![Op::PurgeRows {
                    subject,
                    limit: STEP_ROWS,
                }],
                audit: Vec::new(),
            })
        }))
        .await;
        let mut rows = 0;
        for outcome in outcomes {
            rows += outcome?.rows;
        }
        Ok(rows)
    }

    /// Purges until the queue is empty, then checkpoints.
    pub async fn purge_all(&self) -> Result<u64> {
        let mut total = 0;
        loop {
            let n = self.purge_step().await?;
            total += n;
            if self.store.purge_queue(1).await?.is_empty() {
                break;
            }
        }
        self.store.checkpoint().await?;
        Ok(total)
    }
}
