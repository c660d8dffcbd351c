//! The background purge of erased subjects' leftover rows (their keys are already destroyed).

use privet_store::{Op, WriteUnit};

use crate::Vault;
use crate::error::Result;

/// Rows per table deleted per step, so a purge never holds the writer for long.
const STEP_ROWS: i64 = 500;

impl Vault {
    /// Purges one step's worth of rows; returns how many rows went. When the queue empties after
    /// work was done, SQLite's log is checkpointed so deleted bytes leave no copy behind.
    pub async fn purge_step(&self) -> Result<u64> {
        let queue = self.store.purge_queue(16).await?;
        let mut rows = 0;
        for subject in queue {
            let out = self
                .store
                .commit(WriteUnit {
                    ops: vec![Op::PurgeRows {
                        subject,
                        limit: STEP_ROWS,
                    }],
                    audit: Vec::new(),
                })
                .await?;
            rows += out.rows;
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
